import * as fs from "node:fs";
import * as path from "node:path";
import { parseArgs } from "node:util";
import { ConfigError, listStacks } from "../lib/pulumi-project";
import { renderCostComparison } from "./cost";
import { compareStacks, renderParity } from "./parity";
import { Plan, planStack } from "./plan";
import { progressReporter } from "./progress";
import { planJson, renderMarkdown, renderText } from "./render";
import { ProgramError } from "./run-program";

const USAGE = `usage: npm run plan -- (--stack <name> | --all) [options]
  --stack <name>               plan Pulumi.<name>.yaml
  --all                        plan every Pulumi.*.yaml stack and show how they differ
  --program <dir>              a Pulumi Node.js project folder (default: this repository)
  --json <file>                write the plan as JSON (with --all: one file per stack, <file> may hold {stack})
  --markdown                   print Markdown (pull-request comment, GitHub step summary)
  --policy-pack <dir>          the CrossGuard pack (default: <program>/policies)
  --policy-pack-config <file>  policy config JSON, as for pulumi preview --policy-pack-config
  --account-id <id>            the account id getCallerIdentity returns (default 123456789012)
  --no-build                   do not build functions, even if dist/manifest.json is stale
  --verbose                    stack traces on failure (the program runs slower)
exit codes: 0 clean (advisories allowed), 1 mandatory policy violations, 2 the program or its config failed`;

/** This repository: the program planned when no --program is given. */
const REPO_ROOT = path.resolve(__dirname, "../..");

interface Args {
  stack?: string;
  all?: boolean;
  program?: string;
  json?: string;
  markdown?: boolean;
  "policy-pack"?: string;
  "policy-pack-config"?: string;
  "account-id"?: string;
  "no-build"?: boolean;
  verbose?: boolean;
  help?: boolean;
}

export async function main(argv: readonly string[], out: NodeJS.WritableStream = process.stdout, err: NodeJS.WriteStream = process.stderr): Promise<number> {
  let args: Args;
  try {
    args = parseArgs({
      args: [...argv],
      options: {
        stack: { type: "string", short: "s" },
        all: { type: "boolean" },
        program: { type: "string" },
        json: { type: "string" },
        markdown: { type: "boolean" },
        "policy-pack": { type: "string" },
        "policy-pack-config": { type: "string" },
        "account-id": { type: "string" },
        "no-build": { type: "boolean" },
        verbose: { type: "boolean", short: "v" },
        help: { type: "boolean", short: "h" },
      },
      strict: true,
      allowPositionals: false,
    }).values as Args;
  } catch (e) {
    err.write(`plan: ${(e as Error).message}\n${USAGE}\n`);
    return 2;
  }
  if (args.help) {
    out.write(`${USAGE}\n`);
    return 0;
  }
  if (!args.stack === !args.all) {
    err.write(`plan: give --stack <name> or --all.\n${USAGE}\n`);
    return 2;
  }
  if (args["account-id"] !== undefined && !/^\d{12}$/.test(args["account-id"])) {
    err.write(`plan: --account-id must be 12 digits; got "${args["account-id"]}".\n`);
    return 2;
  }
  const programDir = path.resolve(args.program ?? REPO_ROOT);
  const progress = progressReporter(err);
  try {
    const stacks = args.all ? listStacks(programDir) : [args.stack!];
    if (!stacks.length) throw new ConfigError(`${programDir}: no Pulumi.<stack>.yaml files; nothing to plan.`);
    const plans: Plan[] = [];
    for (const stack of stacks) {
      const plan = await planStack({
        programDir,
        stack,
        policyPack: args["policy-pack"],
        policyPackConfig: args["policy-pack-config"],
        accountId: args["account-id"],
        keepStacks: args.verbose,
        build: !args["no-build"],
        onProgress: (phase, done, total) => progress.update(`${stack}: ${phase}`, done, total),
      });
      progress.clear();
      plans.push(plan);
      if (args.verbose) {
        const t = plan.timings;
        const sec = (ms: number) => (ms / 1000).toFixed(2);
        err.write(`timings (s): build ${sec(t.buildMs)}, program ${sec(t.programMs)}, pack start ${sec(t.packStartMs)}, analyze ${sec(t.analyzeMs)}, analyze stack ${sec(t.analyzeStackMs)}, total ${sec(t.totalMs)}\n`);
      }
      out.write(args.markdown ? renderMarkdown(plan) : renderText(plan));
      if (args.json) writeJson(jsonFile(args.json, stack, !!args.all), planJson(plan));
      if (plans.length < stacks.length) out.write("\n");
    }
    if (plans.length > 1) out.write(`\n${renderParity(compareStacks(plans), args.markdown)}`);
    const costs = plans.length > 1 ? renderCostComparison(plans, args.markdown) : "";
    if (costs) out.write(`\n${costs}`);
    return Math.max(...plans.map((p) => p.summary.exitCode));
  } catch (e) {
    progress.clear();
    return reportFailure(e as Error, !!args.verbose, err);
  }
}

function jsonFile(file: string, stack: string, many: boolean): string {
  if (file.includes("{stack}")) return file.split("{stack}").join(stack);
  if (!many) return file;
  const ext = path.extname(file);
  return `${file.slice(0, file.length - ext.length)}.${stack}${ext || ".json"}`;
}

function writeJson(file: string, value: unknown): void {
  fs.mkdirSync(path.dirname(path.resolve(file)), { recursive: true });
  fs.writeFileSync(file, `${JSON.stringify(value, null, 2)}\n`);
}

/** Failures of the program, its config or the tools: exit 2, the message alone unless --verbose. */
function reportFailure(e: Error, verbose: boolean, err: NodeJS.WritableStream): number {
  err.write(`plan: ${e.message}\n`);
  if (verbose) {
    const causes = e instanceof ProgramError ? e.causes : [e];
    for (const c of causes) err.write(`\n${c.stack ?? c.message}\n`);
  } else if (!(e instanceof ConfigError || e instanceof ProgramError)) {
    err.write("(run with --verbose for the stack trace)\n");
  }
  return 2;
}

if (require.main === module) {
  main(process.argv.slice(2)).then(
    (code) => (process.exitCode = code),
    (e) => {
      process.stderr.write(`plan: unexpected failure: ${(e as Error).stack ?? e}\n`);
      process.exitCode = 2;
    },
  );
}
