import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { parseArgs } from "node:util";
import { BENCH_STACK, generateBenchProgram, REPO_ROOT } from "./generate";
import type { Measurement } from "./measure";
import { buildFunctions } from "../build";
import { main as coldStart } from "../coldstart/cli";

const USAGE = "usage: npm run bench -- [--sizes 10,100,1000] [--out .bench] [--no-baseline]";

/** The targets (issue 4), checked and printed with the results. */
export const TARGETS = { s100: 3, s1000: 15, speedupAt1000: 4, peakBytes: 1.5 * 1024 ** 3, maxRateDrop: 0.3 } as const;

export interface BenchRow {
  functions: number;
  resources: number;
  buildSeconds: number;
  planSeconds: number;
  programSeconds: number;
  resourcesPerSecond: number;
  /** The plan's process (the program, the pack's client on a worker thread). */
  peakMemoryMb: number;
  /** The policy pack's own process, beside it (Linux only). */
  packPeakMemoryMb?: number;
  baselineSeconds?: number;
  baselinePeakMemoryMb?: number;
  /** Why the baseline produced no figure (e.g. it ran out of memory). */
  baselineError?: string;
  /** Baseline program time / plan program time (same program, same resources). */
  ratio?: number;
  /** Baseline program time / the whole plan's time (program AND policy pack): the stricter ratio, the one the target is checked on. */
  planRatio?: number;
  /** The pack's start-up alone (spawn to port, nothing else running in the plan's process). */
  packStartSeconds: number;
  /** Analyze calls only (AnalyzeStack is reported separately): first call to last answer, per resource. They stream while the program runs. */
  analyzeMsPerResource: number;
  /** What Analyze added after the program ended (the tail of the stream). */
  analyzeWaitSeconds: number;
  analyzeStackSeconds: number;
  diagnostics: number;
}

function child(args: string[], nodeFlags: string[] = [], env: Record<string, string> = {}): { out: string; wallMs: number } {
  const t0 = performance.now();
  const r = spawnSync(process.execPath, [...nodeFlags, "-r", "ts-node/register/transpile-only", ...args], {
    cwd: REPO_ROOT,
    encoding: "utf8",
    maxBuffer: 64 * 1024 * 1024,
    env: { ...process.env, TS_NODE_TRANSPILE_ONLY: "true", ...env },
  });
  if (r.status !== 0) throw new Error(`${args.join(" ")} failed (exit ${r.status}):\n${r.stderr}`);
  return { out: r.stdout, wallMs: performance.now() - t0 };
}

/** The node flags of the `plan` script in package.json (the plan runs with them, so the bench does). */
export function planNodeFlags(): string[] {
  const pkg = JSON.parse(fs.readFileSync(path.join(REPO_ROOT, "package.json"), "utf8")) as { scripts: Record<string, string> };
  const words = pkg.scripts.plan.split(/\s+/);
  if (words[0] !== "node") return [];
  return words.slice(1, words.indexOf("-r") < 0 ? 1 : words.indexOf("-r")).filter((w) => w.startsWith("--"));
}

/**
 * ts-node as a user's test (and the Pulumi CLI) runs it: TypeScript's own transpiler with the
 * project's compiler options, not the esbuild transpiler tsconfig.json gives this repository's
 * tools. Source maps differ between the two, and under plain mocks every SDK promise's stack is
 * formatted through them, so the baseline must not inherit ours.
 */
function typeScriptTranspiler(): Record<string, string> {
  const { compilerOptions } = JSON.parse(fs.readFileSync(path.join(REPO_ROOT, "tsconfig.json"), "utf8")) as { compilerOptions: Record<string, unknown> };
  const { target, module, moduleResolution, esModuleInterop, resolveJsonModule, sourceMap } = compilerOptions;
  return {
    TS_NODE_SKIP_PROJECT: "true",
    TS_NODE_COMPILER_OPTIONS: JSON.stringify({ target, module, moduleResolution, esModuleInterop, resolveJsonModule, sourceMap }),
  };
}

function measure(mode: "plan" | "baseline", programDir: string, packDir?: string): Measurement {
  // The plan runs as `npm run plan` does: its node flags and node's default heap limit. Plain
  // setMocks exhausts that limit (~4 GB) at 1000 functions, and a crash measures nothing: the
  // baseline alone gets a larger one (a larger limit also lets V8 collect later, so its peak
  // memory reads higher), and no other flag: it is the program as a user's test would run it.
  const flags = mode === "baseline" ? ["--max-old-space-size=8192"] : planNodeFlags();
  const env = mode === "baseline" ? typeScriptTranspiler() : {};
  const { out } = child([path.join(__dirname, "measure.ts"), mode, programDir, BENCH_STACK, ...(packDir ? [packDir] : [])], flags, env);
  return JSON.parse(out.trim().split("\n").pop()!) as Measurement;
}

export async function main(argv: readonly string[]): Promise<number> {
  let values: { sizes?: string; out?: string; "no-baseline"?: boolean; help?: boolean };
  try {
    ({ values } = parseArgs({
      args: [...argv],
      options: { sizes: { type: "string" }, out: { type: "string" }, "no-baseline": { type: "boolean" }, help: { type: "boolean" } },
      strict: true,
    }));
  } catch (e) {
    process.stderr.write(`bench: ${(e as Error).message}\n${USAGE}\n`);
    return 2;
  }
  if (values.help) {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  const sizes = (values.sizes ?? "10,100,1000").split(",").map((s) => Number(s.trim()));
  if (sizes.some((n) => !Number.isInteger(n) || n < 1)) {
    process.stderr.write(`bench: --sizes must be positive whole numbers separated by commas; got "${values.sizes}".\n`);
    return 2;
  }
  const root = path.resolve(REPO_ROOT, values.out ?? ".bench");
  const packDir = path.join(REPO_ROOT, "policies");
  const rows: BenchRow[] = [];
  for (const n of sizes) {
    process.stderr.write(`bench: ${n} functions: generating, building, planning${values["no-baseline"] ? "" : ", baseline"}...\n`);
    const program = generateBenchProgram(root, n);
    const build = child([path.join(REPO_ROOT, "tools/build/cli.ts"), "--functions", program.functionsDir, "--out", program.distDir]);
    const plan = measure("plan", program.programDir, packDir);
    let base: Measurement | undefined;
    let baselineError: string | undefined;
    try {
      base = values["no-baseline"] ? undefined : measure("baseline", program.programDir);
    } catch (e) {
      baselineError = (e as Error).message.split("\n").slice(0, 3).join(" ");
      process.stderr.write(`bench: the baseline failed at ${n} functions: ${baselineError}\n`);
    }
    rows.push({
      functions: n,
      resources: plan.resources,
      buildSeconds: build.wallMs / 1000,
      planSeconds: plan.ms / 1000,
      programSeconds: plan.programMs / 1000,
      resourcesPerSecond: plan.resources / (plan.ms / 1000),
      peakMemoryMb: plan.maxRssBytes / 1024 ** 2,
      packPeakMemoryMb: plan.packMaxRssBytes && plan.packMaxRssBytes / 1024 ** 2,
      baselineSeconds: base && base.ms / 1000,
      baselinePeakMemoryMb: base && base.maxRssBytes / 1024 ** 2,
      baselineError,
      ratio: base && base.programMs / plan.programMs,
      planRatio: base && base.programMs / plan.ms,
      packStartSeconds: plan.packStartAloneMs / 1000,
      analyzeMsPerResource: plan.analyzeMs / plan.resources,
      analyzeWaitSeconds: plan.analyzeWaitMs / 1000,
      analyzeStackSeconds: plan.analyzeStackMs / 1000,
      diagnostics: plan.diagnostics,
    });
    const r = rows[rows.length - 1];
    process.stderr.write(
      `bench: ${n} functions, ${r.resources} resources: plan ${r.planSeconds.toFixed(2)} s (program ${r.programSeconds.toFixed(2)} s), ` +
        `${r.peakMemoryMb.toFixed(0)} MB; baseline ${r.baselineSeconds?.toFixed(2) ?? "—"} s; build ${r.buildSeconds.toFixed(2)} s\n`,
    );
  }
  const machine = `${os.cpus().length} x ${os.cpus()[0]?.model ?? "cpu"}, ${(os.totalmem() / 1024 ** 3).toFixed(0)} GB, node ${process.version}, ${os.platform()}`;
  const result = { date: new Date().toISOString(), machine, rows, targets: checkTargets(rows) };
  fs.mkdirSync(root, { recursive: true });
  fs.writeFileSync(path.join(root, "results.json"), `${JSON.stringify(result, null, 2)}\n`);
  process.stdout.write(renderTable(result));
  process.stdout.write(`\nwrote ${path.relative(process.cwd(), path.join(root, "results.json"))}\n`);
  return measureRepositoryColdStarts(root);
}

/** Cold starts of this repository's own functions (issue 6), from a fresh build, after the plan figures. */
async function measureRepositoryColdStarts(root: string): Promise<number> {
  process.stderr.write("bench: cold starts of functions/: building dist...\n");
  await buildFunctions({ functionsDir: path.join(REPO_ROOT, "functions"), outDir: path.join(REPO_ROOT, "dist") });
  process.stdout.write("\n");
  return coldStart(["--dist", path.join(REPO_ROOT, "dist"), "--out", path.join(root, "coldstart.json")]);
}

export function checkTargets(rows: BenchRow[]): { target: string; measured: string; met: boolean }[] {
  const at = (n: number) => rows.find((r) => r.functions === n);
  const out: { target: string; measured: string; met: boolean }[] = [];
  const r100 = at(100);
  const r1000 = at(1000);
  if (r100) out.push({ target: `100 functions < ${TARGETS.s100} s (plan incl. policy pack)`, measured: `${r100.planSeconds.toFixed(2)} s`, met: r100.planSeconds < TARGETS.s100 });
  if (r1000) out.push({ target: `1000 functions < ${TARGETS.s1000} s`, measured: `${r1000.planSeconds.toFixed(2)} s`, met: r1000.planSeconds < TARGETS.s1000 });
  if (r1000?.planRatio !== undefined)
    out.push({
      target: `>= ${TARGETS.speedupAt1000}x faster than baseline at 1000 (whole plan, policy pack included, vs the baseline's program)`,
      measured: `${r1000.planRatio.toFixed(1)}x`,
      met: r1000.planRatio >= TARGETS.speedupAt1000,
    });
  const peak = Math.max(...rows.map((r) => r.peakMemoryMb));
  out.push({ target: "peak memory < 1.5 GB", measured: `${peak.toFixed(0)} MB`, met: peak * 1024 ** 2 < TARGETS.peakBytes });
  if (r100 && r1000) {
    const drop = 1 - r1000.resourcesPerSecond / r100.resourcesPerSecond;
    out.push({ target: "resources/s falls <= 30% from 100 to 1000", measured: `${(drop * 100).toFixed(0)}% ${drop < 0 ? "(rises)" : ""}`.trim(), met: drop <= TARGETS.maxRateDrop });
  }
  return out;
}

export function renderTable(result: { date: string; machine: string; rows: BenchRow[]; targets: ReturnType<typeof checkTargets> }): string {
  const head = ["functions", "resources", "build s", "plan s", "program s", "resources/s", "peak MB", "pack peak MB", "baseline s", "baseline MB", "ratio plan", "ratio program", "pack start s", "analyze ms/res", "analyze wait s", "analyze stack s"];
  const f = (x: number | undefined, d = 2) => (x === undefined ? "—" : x.toFixed(d));
  const rows = result.rows.map((r) => [
    String(r.functions), String(r.resources), f(r.buildSeconds), f(r.planSeconds), f(r.programSeconds), f(r.resourcesPerSecond, 0),
    f(r.peakMemoryMb, 0), f(r.packPeakMemoryMb, 0), f(r.baselineSeconds), f(r.baselinePeakMemoryMb, 0),
    r.planRatio === undefined ? "—" : `${r.planRatio.toFixed(1)}x`, r.ratio === undefined ? "—" : `${r.ratio.toFixed(1)}x`,
    f(r.packStartSeconds), f(r.analyzeMsPerResource, 3), f(r.analyzeWaitSeconds), f(r.analyzeStackSeconds),
  ]);
  const lines = [`| ${head.join(" | ")} |`, `| ${head.map(() => "---:").join(" | ")} |`, ...rows.map((r) => `| ${r.join(" | ")} |`)];
  const targets = result.targets.map((t) => `- ${t.met ? "met" : "MISSED"}: ${t.target}: ${t.measured}`);
  return `Benchmark ${result.date} on ${result.machine}\n\n${lines.join("\n")}\n\n${targets.join("\n")}\n`;
}

if (require.main === module) {
  main(process.argv.slice(2)).then(
    (code) => (process.exitCode = code),
    (e) => {
      process.stderr.write(`bench: ${(e as Error).message}\n`);
      process.exitCode = 2;
    },
  );
}
