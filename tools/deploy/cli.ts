// npm run deploy -- --stack <name> [--outputs <file>] [--manifest dist/manifest.json] [--timeout-minutes 30] [--concurrency 4]
import { parseFlags, positiveNumber, requireStack } from "./args";
import { createClients } from "./clients";
import { DEPLOY_DEFAULTS, runDeploy } from "./deploy";
import { CannotStartError, UsageError } from "./errors";
import { readManifest } from "./manifest";
import { readStackOutputsFile, readStackOutputsFromPulumi } from "./stack-outputs";
import { formatSummary, releaseSucceeded } from "./summary";

const USAGE = `usage: npm run deploy -- --stack <name> [--outputs <file>] [--manifest dist/manifest.json] [--timeout-minutes ${DEPLOY_DEFAULTS.timeoutMinutes}] [--concurrency ${DEPLOY_DEFAULTS.concurrency}]
Shifts each changed function's live alias to the version \`pulumi up\` published, with CodeDeploy.
Exit 0: every function deployed or unchanged; 1: a deployment failed, was rolled back or timed out; 2: nothing deployed (bad arguments, outputs or manifest).`;

async function main(argv: string[]): Promise<number> {
  const flags = parseFlags(argv, {
    stack: { type: "string" },
    outputs: { type: "string" },
    manifest: { type: "string", default: "dist/manifest.json" },
    "timeout-minutes": { type: "string" },
    concurrency: { type: "string" },
    help: { type: "boolean", short: "h" },
  });
  if (flags.help) return console.log(USAGE), 0;
  const stack = requireStack(flags.stack);
  const timeoutMinutes = positiveNumber("--timeout-minutes", flags["timeout-minutes"], DEPLOY_DEFAULTS.timeoutMinutes);
  const concurrency = Math.floor(positiveNumber("--concurrency", flags.concurrency, DEPLOY_DEFAULTS.concurrency));
  const manifestFile = flags.manifest as string;
  const manifest = readManifest(manifestFile);
  const outputs = flags.outputs ? readStackOutputsFile(flags.outputs) : await readStackOutputsFromPulumi(stack);
  const results = await runDeploy({ stack, outputs, manifest, manifestFile, clients: createClients(), concurrency, timeoutMs: timeoutMinutes * 60_000 });
  console.log(`\n${formatSummary(stack, results)}`);
  return releaseSucceeded(results) ? 0 : 1;
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (e: Error) => {
    console.error(e instanceof UsageError ? `${e.message}\n${USAGE}` : e instanceof CannotStartError ? e.message : `deploy: ${e.stack ?? e.message}`);
    process.exit(e instanceof CannotStartError ? 2 : 1);
  },
);
