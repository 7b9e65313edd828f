// npm run rollback -- --stack <name> [--function <name> | --all] [--outputs <file>] [--timeout-minutes 30]
import { parseFlags, positiveNumber, requireStack } from "../deploy/args";
import { createClients } from "../deploy/clients";
import { DEPLOY_DEFAULTS } from "../deploy/deploy";
import { CannotStartError, UsageError } from "../deploy/errors";
import { readStackOutputsFile, readStackOutputsFromPulumi } from "../deploy/stack-outputs";
import { runRollback } from "./rollback";

const USAGE = `usage: npm run rollback -- --stack <name> [--function <name> | --all] [--outputs <file>] [--timeout-minutes ${DEPLOY_DEFAULTS.timeoutMinutes}]
Stops in-flight CodeDeploy deployments (CodeDeploy shifts traffic back). With --function (or --all),
when nothing is in flight, moves the live alias back to the last version a succeeded deployment put there.
Exit 0: done; 1: a stop or alias move failed; 2: bad arguments or outputs; 3: nothing to roll back.
See docs/runbooks/rollback.md.`;

async function main(argv: string[]): Promise<number> {
  const flags = parseFlags(argv, {
    stack: { type: "string" },
    function: { type: "string" },
    all: { type: "boolean", default: false },
    outputs: { type: "string" },
    "timeout-minutes": { type: "string" },
    help: { type: "boolean", short: "h" },
  });
  if (flags.help) return console.log(USAGE), 0;
  const stack = requireStack(flags.stack);
  if (flags.function && flags.all) throw new UsageError("--function and --all are exclusive: name one function, or roll back all.");
  const timeoutMinutes = positiveNumber("--timeout-minutes", flags["timeout-minutes"], DEPLOY_DEFAULTS.timeoutMinutes);
  const outputs = flags.outputs ? readStackOutputsFile(flags.outputs) : await readStackOutputsFromPulumi(stack);
  const known = Object.keys(outputs.functions).sort();
  if (flags.function && !known.includes(flags.function))
    throw new UsageError(`--function: stack "${stack}" has no function "${flags.function}"; it has ${known.join(", ")}.`);
  const scope = flags.function ? [flags.function] : known;
  const results = await runRollback({
    stack,
    outputs,
    scope,
    moveAliases: Boolean(flags.function || flags.all),
    clients: createClients(),
    timeoutMs: timeoutMinutes * 60_000,
  });
  if (results.some((r) => r.action === "failed")) return 1;
  if (results.every((r) => r.action === "nothing-to-roll-back" || r.action === "nothing-in-flight")) return 3;
  return 0;
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (e: Error) => {
    console.error(e instanceof UsageError ? `${e.message}\n${USAGE}` : e instanceof CannotStartError ? e.message : `rollback: ${e.stack ?? e.message}`);
    process.exit(e instanceof CannotStartError ? 2 : 1);
  },
);
