import { spawn } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { discoverFunctions, type FunctionEntry } from "../../infra/catalog";
import { MANIFEST_FILE, readManifest, type ManifestFunction } from "../build/manifest";
import { declaredEnvironment, lambdaContext, runtimeEnvironment, timeoutSeconds, type LocalFunction } from "../invoke/lambda-environment";
import { startLocalAws } from "../invoke/local-aws";

/**
 * Cold starts, measured the same way for every function and for bare Node:
 *
 * - Each run spawns a FRESH `node` and times it with a high-resolution clock from `spawn()` until
 *   the process has exited. A function's child loads `dist/<name>/index.js` and answers its first
 *   valid example event (`runner.js`); the baseline child is `node -e 0`. Both get the same clean
 *   Lambda-like environment, the same stdio, and are spawned interleaved in the same rounds, so
 *   machine noise falls on both. `overheadMs` = median(function) - median(bare node): what
 *   loading the bundle and answering cost on top of starting Node, which is the part a function
 *   controls (on Lambda, Node's own start happens before the handler module is loaded).
 * - Wall-clock spawn-to-exit is used for the headline rather than the child's own timer, because
 *   `node -e 0` has no "first response" to time; the in-process breakdown (`initMs` = the
 *   `require` of the bundle, `invokeMs` = the first event) is reported beside it to show where
 *   the overhead goes.
 * - AWS calls go to a loopback stub in THIS process (`tools/invoke/local-aws.ts`) via
 *   AWS_ENDPOINT_URL with dummy credentials: the SDK clients really build, sign and send their
 *   requests, with no network and no stub start-up in the measured child.
 * - Tracing is on, as in AWS (active tracing): the X-Ray SDK runs in its Lambda mode and sends
 *   its segments over UDP to a loopback daemon address nobody listens on. `tracing: false`
 *   measures with `POWERTOOLS_TRACE_ENABLED=false` instead.
 */

export interface ColdStartOptions {
  /** Folder with `manifest.json`, the zips and the unzipped bundles (`<name>/index.js`). */
  readonly distDir: string;
  /** Measured spawns per function and for bare Node. @default 10 */
  readonly runs?: number;
  /** Unmeasured spawns per target first, so every target starts with the files in the page cache. @default 1 */
  readonly warmup?: number;
  /** The function folders (for settings and example events). @default `functions/` of this project */
  readonly functionsDir?: string;
  /** Measure only these functions. @default every function in the manifest */
  readonly only?: readonly string[];
  /** Run with X-Ray tracing active, as in AWS. @default true */
  readonly tracing?: boolean;
  /** Told each finished run, e.g. to show progress. @default ignored */
  readonly onRun?: (target: string, run: number, wallMs: number) => void;
}

/** Median and 90th percentile (nearest rank) of a series of milliseconds. */
export interface Stats {
  readonly medianMs: number;
  readonly p90Ms: number;
}

export interface Row {
  readonly name: string;
  /** The deployment zip, bytes. */
  readonly zipBytes: number;
  /** `index.js` alone (what Node parses at init), bytes. */
  readonly jsBytes: number;
  /** The example event answered, relative to the function's folder. */
  readonly event: string;
  readonly runs: number;
  /** Spawn to exit of a fresh Node that loads the bundle and answers the event. */
  readonly wall: Stats;
  /** Spawn to exit of `node -e 0`, measured in the same rounds (the same for every row). */
  readonly bareNode: Stats;
  /** `wall.medianMs - bareNode.medianMs`: what the function adds to a bare Node start. */
  readonly overheadMs: number;
  /** In the child: `require` of the bundle (module-scope work included). */
  readonly init: Stats;
  /** In the child: the first invocation, until the handler's promise settled. */
  readonly firstInvoke: Stats;
  /** The handler's answer to the event (from the first run). */
  readonly response: unknown;
}

export const COLD_START_DEFAULTS = { runs: 10, warmup: 1, tracing: true } as const;

const ROOT = path.resolve(__dirname, "../..");
const RUNNER = path.join(__dirname, "runner.js");
const BARE = "(bare node)";

/** What the runner writes on file descriptor 3. */
interface ChildReport {
  readonly ok: boolean;
  readonly phase?: "init" | "invoke";
  readonly error?: string;
  readonly response?: unknown;
  readonly bootMs: number;
  readonly initMs?: number;
  readonly invokeMs?: number;
}

interface Spawned {
  readonly wallMs: number;
  readonly exitCode: number | null;
  readonly stdout: string;
  readonly stderr: string;
  readonly report?: ChildReport;
}

interface Target {
  readonly name: string;
  readonly args: readonly string[];
  readonly env: NodeJS.ProcessEnv;
}

/** Measures every function of `<distDir>/manifest.json`; throws if any fails to answer its event. */
export async function measureColdStarts(options: ColdStartOptions): Promise<Row[]> {
  const runs = positiveInteger("runs", options.runs ?? COLD_START_DEFAULTS.runs);
  const warmup = Math.max(0, Math.trunc(options.warmup ?? COLD_START_DEFAULTS.warmup));
  const tracing = options.tracing ?? COLD_START_DEFAULTS.tracing;
  const distDir = path.resolve(options.distDir);
  const manifest = readManifest(path.join(distDir, MANIFEST_FILE));
  const entries = new Map(discoverFunctions(options.functionsDir ?? path.join(ROOT, "functions")).map((e) => [e.name, e]));
  const selected = selectFunctions(manifest.functions, options.only);

  const scratch = fs.mkdtempSync(path.join(os.tmpdir(), "coldstart-"));
  const aws = await startLocalAws(() => undefined);
  try {
    const functions = selected.map((fn) => prepare(fn, entries, distDir, scratch, aws.endpoint, tracing));
    const bare: Target = { name: BARE, args: ["-e", "0"], env: lambdaEnvironment({}, aws.endpoint, tracing) };
    const targets: Target[] = [bare, ...functions.map((f) => f.target)];

    for (let w = 0; w < warmup; w++) for (const t of targets) check(t, await spawnTimed(t));
    const samples = new Map<string, Spawned[]>(targets.map((t) => [t.name, []]));
    for (let run = 0; run < runs; run++) {
      // Rotate the order each round so no target always runs first (or right after another).
      for (let i = 0; i < targets.length; i++) {
        const target = targets[(run + i) % targets.length];
        const result = check(target, await spawnTimed(target));
        samples.get(target.name)!.push(result);
        options.onRun?.(target.name, run, result.wallMs);
      }
    }

    const bareNode = stats(samples.get(BARE)!.map((s) => s.wallMs));
    return functions.map(({ fn, event, target }) => {
      const mine = samples.get(target.name)!;
      const wall = stats(mine.map((s) => s.wallMs));
      return {
        name: fn.name,
        zipBytes: fn.bytes,
        jsBytes: fs.statSync(bundleOf(distDir, fn.name)).size,
        event,
        runs,
        wall,
        bareNode,
        overheadMs: round(wall.medianMs - bareNode.medianMs),
        init: stats(mine.map((s) => s.report!.initMs!)),
        firstInvoke: stats(mine.map((s) => s.report!.invokeMs!)),
        response: mine[0].report!.response,
      };
    });
  } finally {
    await aws.close();
    fs.rmSync(scratch, { recursive: true, force: true });
  }
}

function selectFunctions(all: readonly ManifestFunction[], only: readonly string[] | undefined): ManifestFunction[] {
  if (!only) return [...all];
  const unknown = only.filter((n) => !all.some((f) => f.name === n));
  if (unknown.length)
    throw new Error(`coldstart: no function named ${unknown.map((n) => `"${n}"`).join(", ")} in the manifest; it has ${all.map((f) => f.name).join(", ")}.`);
  return all.filter((f) => only.includes(f.name));
}

function prepare(fn: ManifestFunction, entries: Map<string, FunctionEntry>, distDir: string, scratch: string, endpoint: string, tracing: boolean) {
  const entry = entries.get(fn.name);
  if (!entry) throw new Error(`coldstart: "${fn.name}" is in ${path.join(distDir, MANIFEST_FILE)} but has no folder with a function.json in functions/; rebuild with \`npm run build\`.`);
  const bundle = bundleOf(distDir, fn.name);
  if (!fs.existsSync(bundle)) throw new Error(`coldstart: ${bundle} not found; run \`npm run build\` (it keeps the unzipped bundle beside each zip).`);
  const event = firstValidEvent(entry);

  const local: LocalFunction = { name: fn.name, settings: entry.settings, stack: "local", region: "us-east-1", accountId: "123456789012" };
  const context = lambdaContext(local, Date.now());
  const contextFile = path.join(scratch, `${fn.name}.context.json`);
  fs.writeFileSync(contextFile, JSON.stringify({ context, timeoutMs: timeoutSeconds(local) * 1000 }));
  const env = lambdaEnvironment({ ...runtimeEnvironment(local, context, path.dirname(bundle)), ...declaredEnvironment(local) }, endpoint, tracing);
  const target: Target = { name: fn.name, args: [RUNNER, bundle, path.join(entry.dir, "events", event), contextFile], env };
  return { fn, event: `events/${event}`, target };
}

/** The first example (by file name) whose name starts with `valid`: the event a healthy function answers. */
export function firstValidEvent(entry: Pick<FunctionEntry, "name" | "dir">): string {
  const dir = path.join(entry.dir, "events");
  const files = fs.existsSync(dir) ? fs.readdirSync(dir).filter((f) => /^valid.*\.json$/.test(f)).sort() : [];
  if (!files.length) throw new Error(`coldstart: functions/${entry.name}/events/ has no valid-*.json example event; add one (a real payload the function accepts).`);
  return files[0];
}

/**
 * A clean environment like Lambda's: none of this shell's variables (a NODE_OPTIONS preload
 * would be timed too), only PATH, the runtime's and the function's variables, the loopback
 * endpoint with dummy credentials, and X-Ray's variables when tracing is active.
 */
function lambdaEnvironment(variables: Record<string, string>, endpoint: string, tracing: boolean): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {
    PATH: process.env.PATH ?? "/usr/bin:/bin",
    LANG: "en_US.UTF-8",
    ...variables,
    AWS_ENDPOINT_URL: endpoint,
    AWS_ACCESS_KEY_ID: "local",
    AWS_SECRET_ACCESS_KEY: "local",
  };
  // Lambda runs nodejs24.x, where the SDK has nothing to warn about; on an older local Node its
  // one-off "upgrade Node" warning (formatted and written at the first client) would be timed.
  if (Number(process.versions.node.split(".")[0]) < 22) env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = "true";
  if (tracing) {
    // What Lambda sets with active tracing; the daemon address is loopback UDP, so nothing leaves the machine.
    Object.assign(env, {
      POWERTOOLS_TRACE_ENABLED: "true",
      AWS_XRAY_DAEMON_ADDRESS: "127.0.0.1:2000",
      _AWS_XRAY_DAEMON_ADDRESS: "127.0.0.1",
      _AWS_XRAY_DAEMON_PORT: "2000",
      AWS_XRAY_CONTEXT_MISSING: "LOG_ERROR",
      _X_AMZN_TRACE_ID: "Root=1-5759e988-bd862e3fe1be46a994272793;Parent=53995c3f42cd8ad8;Sampled=1",
    });
  } else env.POWERTOOLS_TRACE_ENABLED = "false";
  return env;
}

function spawnTimed(target: Target): Promise<Spawned> {
  return new Promise((resolve, reject) => {
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    const rep: Buffer[] = [];
    const started = process.hrtime.bigint();
    let wallMs = 0;
    let exitCode: number | null = null;
    const child = spawn(process.execPath, [...target.args], { cwd: os.tmpdir(), env: target.env, stdio: ["ignore", "pipe", "pipe", "pipe"] });
    child.stdout!.on("data", (c: Buffer) => out.push(c));
    child.stderr!.on("data", (c: Buffer) => err.push(c));
    (child.stdio[3] as NodeJS.ReadableStream).on("data", (c: Buffer) => rep.push(c));
    child.on("error", reject);
    child.on("exit", (code) => {
      wallMs = Number(process.hrtime.bigint() - started) / 1e6;
      exitCode = code;
    });
    child.on("close", () => {
      const text = Buffer.concat(rep).toString("utf8").trim();
      resolve({
        wallMs,
        exitCode,
        stdout: Buffer.concat(out).toString("utf8"),
        stderr: Buffer.concat(err).toString("utf8"),
        report: text ? (JSON.parse(text) as ChildReport) : undefined,
      });
    });
  });
}

/** A run that did not answer is not a cold start: fail loudly with what the child said. */
function check(target: Target, result: Spawned): Spawned {
  const failed = result.exitCode !== 0 || (target.name !== BARE && !result.report?.ok);
  if (!failed) return result;
  const why = result.report?.error ? `${result.report.phase} failed: ${result.report.error}` : `exit code ${result.exitCode}`;
  const tail = (result.stderr || result.stdout).trim().split("\n").slice(-5).join("\n  ");
  throw new Error(`coldstart: "${target.name}" did not answer its first event (${why}).${tail ? `\n  ${tail}` : ""}\n  Try it with \`npm run invoke -- ${target.name} <event> --local-aws\`.`);
}

export function stats(values: readonly number[]): Stats {
  if (!values.length) throw new Error("internal: no samples");
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  const median = sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
  const p90 = sorted[Math.min(sorted.length - 1, Math.ceil(0.9 * sorted.length) - 1)];
  return { medianMs: round(median), p90Ms: round(p90) };
}

function bundleOf(distDir: string, name: string): string {
  return path.join(distDir, name, "index.js");
}

function positiveInteger(name: string, value: number): number {
  if (!Number.isInteger(value) || value < 1) throw new Error(`coldstart: \`${name}\` must be a positive integer; got ${value}.`);
  return value;
}

function round(ms: number): number {
  return Math.round(ms * 10) / 10;
}
