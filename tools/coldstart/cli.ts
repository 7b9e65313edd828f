import * as fs from "fs";
import * as path from "path";
import { parseArgs } from "util";
import { COLD_START_DEFAULTS, measureColdStarts } from "./measure";
import { coldStartReport, formatTable, targetSummary } from "./report";

const USAGE = `usage: npx ts-node --transpile-only tools/coldstart/cli.ts [--dist dist] [--runs ${COLD_START_DEFAULTS.runs}] [--warmup ${COLD_START_DEFAULTS.warmup}] [--only <name,...>] [--no-tracing] [--out .bench/coldstart.json]

Spawns a fresh Node per run that loads dist/<function>/index.js and answers the function's first
valid example event (AWS calls go to a loopback stub), next to \`node -e 0\` in the same rounds.
Build first: npm run build.`;

export interface CliOutput {
  out(text: string): void;
  err(text: string): void;
}

const PROCESS_OUTPUT: CliOutput = { out: (t) => process.stdout.write(t), err: (t) => process.stderr.write(t) };

export const CLI_DEFAULTS = { dist: "dist", out: ".bench/coldstart.json" } as const;

/** Exit codes: 0 measured (whether or not within target: speed is reported, not enforced), 1 a function failed, 2 bad usage. */
export async function main(argv: readonly string[], io: CliOutput = PROCESS_OUTPUT): Promise<number> {
  let values: { dist?: string; runs?: string; warmup?: string; only?: string; "no-tracing"?: boolean; out?: string; help?: boolean };
  try {
    ({ values } = parseArgs({
      args: [...argv],
      options: {
        dist: { type: "string" },
        runs: { type: "string" },
        warmup: { type: "string" },
        only: { type: "string" },
        "no-tracing": { type: "boolean" },
        out: { type: "string" },
        help: { type: "boolean", short: "h" },
      },
      strict: true,
    }));
  } catch (e) {
    io.err(`coldstart: ${(e as Error).message}\n${USAGE}\n`);
    return 2;
  }
  if (values.help) {
    io.out(`${USAGE}\n`);
    return 0;
  }
  const runs = Number(values.runs ?? COLD_START_DEFAULTS.runs);
  const warmup = Number(values.warmup ?? COLD_START_DEFAULTS.warmup);
  if (!Number.isInteger(runs) || runs < 1 || !Number.isInteger(warmup) || warmup < 0) {
    io.err(`coldstart: --runs must be a positive integer and --warmup a non-negative integer; got --runs ${values.runs ?? runs} --warmup ${values.warmup ?? warmup}.\n${USAGE}\n`);
    return 2;
  }
  const tracing = !values["no-tracing"];
  const only = values.only?.split(",").map((s) => s.trim()).filter(Boolean);
  const outFile = path.resolve(values.out ?? CLI_DEFAULTS.out);

  let rows;
  try {
    rows = await measureColdStarts({ distDir: values.dist ?? CLI_DEFAULTS.dist, runs, warmup, only, tracing });
  } catch (e) {
    io.err(`${(e as Error).message}\n`);
    return 1;
  }
  const report = coldStartReport(rows, { runs, tracing });
  fs.mkdirSync(path.dirname(outFile), { recursive: true });
  fs.writeFileSync(outFile, `${JSON.stringify(report, null, 2)}\n`);
  io.out(`Cold starts: ${runs} run(s) each, fresh Node ${process.version} per run, tracing ${tracing ? "on" : "off"}; overhead = median - median of node -e 0.\n`);
  io.out(formatTable(rows));
  io.out(targetSummary(rows));
  io.out(`Wrote ${path.relative(process.cwd(), outFile) || outFile}\n`);
  return 0;
}

if (require.main === module) {
  main(process.argv.slice(2)).then((code) => {
    process.exitCode = code;
  });
}
