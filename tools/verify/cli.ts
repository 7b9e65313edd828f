// npm run verify -- --stack <name> [--outputs <file> | --function-name-prefix <p>] [--out verification.json] [--valid-examples run|skip] [--commit <sha>]
import { LambdaClient } from "@aws-sdk/client-lambda";
import * as fs from "fs";
import * as path from "path";
import { parseFlags, requireStack } from "../deploy/args";
import { RETRY_SETTINGS } from "../deploy/clients";
import { CannotStartError, UsageError } from "../deploy/errors";
import { readStackOutputsFile, readStackOutputsFromPulumi } from "../deploy/stack-outputs";
import { loadRegistry } from "./registry";
import { formatVerificationTable, runVerification } from "./verify";

const USAGE = `usage: npm run verify -- --stack <name> [--outputs <file> | --function-name-prefix <project-stack->] [--out verification.json] [--valid-examples run|skip] [--commit <sha>] [--functions functions]
Invokes every function's \`live\` alias with each example in functions/<name>/events/ and judges the
response against its contract (the pre-traffic hook's judge). Function names come from the stack
outputs (--outputs <file>, else \`pulumi stack output\`), or are <prefix><folder name> with --function-name-prefix.
Exit 0: every example kept its contract; 1: one or more did not (or none ran); 2: nothing was checked (bad arguments or outputs).`;

export interface VerifyCliDeps {
  readonly lambda?: LambdaClient;
  /** The project root: function folders and node_modules resolve from here. @default the repository root */
  readonly rootDir?: string;
  readonly out?: (text: string) => void;
  readonly err?: (text: string) => void;
  readonly env?: NodeJS.ProcessEnv;
}

export async function main(argv: string[], deps: VerifyCliDeps = {}): Promise<number> {
  const out = deps.out ?? ((t: string) => process.stdout.write(t));
  const err = deps.err ?? ((t: string) => process.stderr.write(t));
  const env = deps.env ?? process.env;
  const rootDir = deps.rootDir ?? path.resolve(__dirname, "../..");
  try {
    const flags = parseFlags(argv, {
      stack: { type: "string" },
      outputs: { type: "string" },
      "function-name-prefix": { type: "string" },
      out: { type: "string" },
      "valid-examples": { type: "string", default: "run" },
      commit: { type: "string" },
      functions: { type: "string", default: "functions" },
      help: { type: "boolean", short: "h" },
    });
    if (flags.help) return out(`${USAGE}\n`), 0;
    const stack = requireStack(flags.stack);
    const validExamples = flags["valid-examples"];
    if (validExamples !== "run" && validExamples !== "skip") throw new UsageError(`--valid-examples: must be "run" or "skip"; got "${validExamples}".`);
    const prefix = flags["function-name-prefix"];
    if (flags.outputs && prefix !== undefined) throw new UsageError("--outputs and --function-name-prefix both name the functions; pass one.");
    if (prefix !== undefined && !/^[A-Za-z0-9_-]+-$/.test(prefix)) throw new UsageError(`--function-name-prefix: must look like "<project>-<stack>-"; got "${prefix}".`);
    const commit = flags.commit ?? env.COMMIT ?? env.CODEBUILD_RESOLVED_SOURCE_VERSION ?? "unknown";

    let registry;
    try {
      registry = await loadRegistry(path.resolve(rootDir, flags.functions!), rootDir);
    } catch (e) {
      throw new CannotStartError(`verify: cannot load the contracts and examples: ${(e as Error).message}`);
    }
    let functionNames: Record<string, string>;
    if (prefix !== undefined) {
      functionNames = Object.fromEntries(Object.keys(registry).map((n) => [n, `${prefix}${n}`]));
    } else {
      const outputs = flags.outputs ? readStackOutputsFile(flags.outputs) : await readStackOutputsFromPulumi(stack, rootDir);
      functionNames = Object.fromEntries(Object.entries(outputs.functions).map(([n, f]) => [n, f.functionName]));
      const unknown = Object.keys(functionNames).filter((n) => !registry[n]);
      if (unknown.length) err(`warning: the stack exports ${unknown.join(", ")}, which have no folder under ${flags.functions}/; not verified.\n`);
    }

    const lambda = deps.lambda ?? new LambdaClient({ ...RETRY_SETTINGS });
    const result = await runVerification({ stack, commit, registry, functionNames, lambda, validExamples, log: (line) => out(`${line}\n`) });
    out(`\n${formatVerificationTable(result)}\n`);
    if (flags.out) {
      fs.writeFileSync(flags.out, `${JSON.stringify(result, null, 2)}\n`);
      out(`Wrote ${flags.out}\n`);
    }
    return result.result === "passed" ? 0 : 1;
  } catch (e) {
    if (e instanceof UsageError) return err(`${e.message}\n${USAGE}\n`), 2;
    if (e instanceof CannotStartError) return err(`${e.message}\n`), 2;
    err(`verify: ${(e as Error).stack ?? e}\n`);
    return 1;
  }
}

if (require.main === module) {
  main(process.argv.slice(2)).then((code) => {
    process.exitCode = code;
  });
}
