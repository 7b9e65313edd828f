/**
 * The policy pack's process, started as `pulumi preview --policy-pack <dir>` starts it
 * (sdk/go/common/resource/plugin/analyzer_plugin.go, NewPolicyAnalyzer):
 * - For `runtime: nodejs` the CLI starts the `pulumi-analyzer-policy` shim with the pack folder as
 *   the working directory and the arguments `<engine address> .`. The shim resolves
 *   `@pulumi/pulumi/cmd/run-policy-pack` from that folder (`node -e require.resolve(...)`), so
 *   node's lookup walks up to the repository's node_modules, and runs it with node.
 * - `run-policy-pack` drops the engine address (cmd/run-policy-pack/index.js, `argv._.shift()`),
 *   registers ts-node with type checking and the pack's tsconfig.json, requires the pack, and
 *   the `PolicyPack` constructor prints the gRPC port on stdout.
 * - Environment: the CLI's own plus PULUMI_CONFIG (the stack config as JSON),
 *   PULUMI_NODEJS_{PROJECT,STACK,ORGANIZATION,DRY_RUN} and PULUMI_{...} (constructEnv).
 * Kept apart from the gRPC client (policy-pack-client.ts) so a process can start the pack without
 * loading gRPC and protobuf: the plan spawns it from its main thread and talks to it from a worker.
 */
import { ChildProcess, spawn } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";

export type EnforcementLevel = "advisory" | "mandatory" | "remediate" | "disabled";

/** `--policy-pack-config` file content: per policy a level, or an object with a level and properties. */
export type PolicyPackConfigFile = Record<string, EnforcementLevel | ({ enforcementLevel?: EnforcementLevel } & Record<string, unknown>)>;

export interface StartOptions {
  /** The pack folder (holds PulumiPolicy.yaml). */
  packDir: string;
  /** Parsed `--policy-pack-config` content, or a path to such a JSON file. */
  config?: PolicyPackConfigFile | string;
  /** Stack identity, as the CLI passes it (ConfigureStack and environment). */
  stack?: string;
  project?: string;
  organization?: string;
  /** Stack configuration (`PULUMI_CONFIG`), e.g. `{ "aws:region": "eu-west-1" }`. */
  stackConfig?: Record<string, string>;
  dryRun?: boolean;
  /** Extra environment for the pack process (tests use it for a fixed "today"). */
  env?: Record<string, string>;
  /** Give up waiting for the port after this long. @default 120000 */
  startTimeoutMs?: number;
}

/** A pack process started and listening (or failing to): the first half of {@link startPolicyPack}. */
export interface LaunchedPolicyPack {
  /** The gRPC port the pack printed; rejects (the process killed) if it exits or times out first. */
  port: Promise<number>;
  /** Milliseconds from spawn to port, once the port is known. */
  startMs(): number;
  /** The pack's stderr so far. */
  stderr(): string;
  /** Stops the process (SIGTERM, then SIGKILL after 3 s), as the engine stops its plugins. */
  stop(): Promise<void>;
  /** The process's peak resident memory so far (Linux: VmHWM in /proc/<pid>/status); undefined elsewhere. */
  peakRssBytes(): number | undefined;
}

/**
 * Spawns the pack as the CLI does and reads its port. Split from {@link connectPolicyPack} so a
 * caller can start the process first and connect from elsewhere (the plan connects from a worker
 * thread, and spawning from the main thread saves that thread's start-up).
 */
export function launchPolicyPack(opts: StartOptions): LaunchedPolicyPack {
  const packDir = path.resolve(opts.packDir);
  if (!fs.existsSync(path.join(packDir, "PulumiPolicy.yaml")))
    throw new PolicyPackInputError(`policy pack "${packDir}": PulumiPolicy.yaml not found; pass the folder that holds it.`);

  const started = Date.now();
  let startMs = 0;
  const child = spawnPack(packDir, opts);
  let stderr = "";
  child.stderr!.on("data", (d: Buffer) => (stderr += d.toString()));
  const port = readPort(child, opts.startTimeoutMs ?? 120_000, () => stderr).then(
    (p) => {
      startMs = Date.now() - started;
      return p;
    },
    (e) => {
      child.kill("SIGKILL");
      throw e;
    },
  );
  return { port, startMs: () => startMs, stderr: () => stderr, stop: () => stopProcess(child), peakRssBytes: () => peakRss(child.pid) };
}

/** Extra node options for the pack process only (profiling): `POLICY_PACK_NODE_OPTIONS="--cpu-prof"`. */
export const PACK_NODE_OPTIONS_ENV = "POLICY_PACK_NODE_OPTIONS";
function spawnPack(packDir: string, opts: StartOptions): ChildProcess {
  // What the pulumi-analyzer-policy shim does: resolve the runner from the pack folder.
  let script: string;
  try {
    script = require.resolve("@pulumi/pulumi/cmd/run-policy-pack", { paths: [packDir] });
  } catch {
    throw new PolicyPackInputError(
      `policy pack "${packDir}": cannot resolve @pulumi/pulumi/cmd/run-policy-pack from it; run the install command (npm ci) at the repository root.`,
    );
  }
  const env: Record<string, string> = { ...(process.env as Record<string, string>) };
  // The test runner's ts-node settings must not leak into the pack: the CLI's environment has none.
  for (const k of Object.keys(env)) if (k.startsWith("TS_NODE_")) delete env[k];
  if (opts.stackConfig && Object.keys(opts.stackConfig).length > 0) env.PULUMI_CONFIG = JSON.stringify(opts.stackConfig);
  const ident: Record<string, string | undefined> = {
    ORGANIZATION: opts.organization,
    PROJECT: opts.project,
    STACK: opts.stack,
    DRY_RUN: String(opts.dryRun ?? true),
  };
  for (const [k, v] of Object.entries(ident)) {
    if (!v) continue;
    env[`PULUMI_NODEJS_${k}`] = v;
    env[`PULUMI_${k}`] = v;
  }
  Object.assign(env, opts.env ?? {});
  // Opt-in profiling of the pack process alone, e.g. POLICY_PACK_NODE_OPTIONS="--cpu-prof --cpu-prof-dir=/tmp/prof":
  // passed as node arguments, as node refuses --cpu-prof in NODE_OPTIONS.
  const nodeArgs = (process.env[PACK_NODE_OPTIONS_ENV] ?? "").split(/\s+/).filter(Boolean);
  const child = spawn(process.execPath, [...nodeArgs, script, "127.0.0.1:0", "."], { cwd: packDir, env, stdio: ["ignore", "pipe", "pipe"] });
  // A process that exits without close() (process.exit after a failed program) must not leave the
  // pack running: the engine kills its plugins when it exits, so does this.
  const killOnExit = () => child.kill("SIGKILL");
  process.once("exit", killOnExit);
  child.once("exit", () => process.off("exit", killOnExit));
  return child;
}

function readPort(child: ChildProcess, timeoutMs: number, stderr: () => string): Promise<number> {
  return new Promise((resolve, reject) => {
    let out = "";
    let settled = false;
    const timer = setTimeout(() => fail(`no port on stdout after ${timeoutMs} ms`), timeoutMs);
    const exitedEarly = (code: number | null) => fail(`process exited with code ${code} before printing its port`);
    const fail = (why: string) => {
      settle();
      reject(new Error(`policy pack failed to start: ${why}\n--- pack stderr ---\n${stderr()}`));
    };
    // Only this function's own listener goes: spawnPack's clean-up listens for "exit" too.
    const settle = () => {
      settled = true;
      clearTimeout(timer);
      child.off("exit", exitedEarly);
    };
    child.once("exit", exitedEarly);
    // Later output (a policy's console.log) is read and dropped, so the pipe never fills.
    child.stdout!.on("data", (d: Buffer) => {
      if (settled) return;
      out += d.toString();
      const nl = out.indexOf("\n");
      if (nl < 0) return;
      const port = Number(out.slice(0, nl).trim());
      if (!Number.isInteger(port) || port <= 0) return fail(`first stdout line is not a port: ${JSON.stringify(out.slice(0, nl))}`);
      settle();
      resolve(port);
    });
  });
}

function peakRss(pid: number | undefined): number | undefined {
  try {
    const kb = /^VmHWM:\s+(\d+) kB/m.exec(fs.readFileSync(`/proc/${pid}/status`, "utf8"))?.[1];
    return kb === undefined ? undefined : Number(kb) * 1024;
  } catch {
    return undefined;
  }
}

async function stopProcess(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  child.kill("SIGTERM");
  const timer = setTimeout(() => child.kill("SIGKILL"), 3000);
  await exited;
  clearTimeout(timer);
}

/**
 * What the user gave is wrong (a folder without PulumiPolicy.yaml, an unreadable
 * `--policy-pack-config`, no install to run the pack with): the message says what to fix.
 */
export class PolicyPackInputError extends Error {}

/** The `--policy-pack-config` content, read from its file when given as a path. */
export function loadConfigFile(config: StartOptions["config"]): PolicyPackConfigFile | undefined {
  if (config === undefined || typeof config === "object") return config;
  try {
    return JSON.parse(fs.readFileSync(config, "utf8")) as PolicyPackConfigFile;
  } catch (e) {
    throw new PolicyPackInputError(`--policy-pack-config "${config}": ${(e as Error).message}; it must be a JSON object keyed by policy name.`);
  }
}

