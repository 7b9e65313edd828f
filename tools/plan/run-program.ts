import * as path from "node:path";
import { awsInvokes } from "./invokes";
import { PlanMonitor, PlannedResource } from "./monitor";
import { ensureTypeScript, installPulumiFallback, resolveEntry, sdkPath } from "./program";
import { StackSettings } from "../lib/pulumi-project";

export interface ProgramRun {
  project: string;
  stack: string;
  resources: PlannedResource[];
  outputs: Record<string, unknown>;
  /** Milliseconds spent running the program. */
  ms: number;
}

export interface RunProgramOptions {
  programDir: string;
  settings: StackSettings;
  accountId?: string;
  /** Called as resources register (for a progress indicator). */
  onRegister?: (count: number) => void;
  /** Called with each resource as it registers (the plan streams them to the policy pack). */
  onResource?: (resource: PlannedResource) => void;
  /** Keep full stack traces while the program runs (--verbose): slower, for debugging a program. */
  keepStacks?: boolean;
}

/** A failure of the program itself (it threw, a call it made failed): exit code 2. */
export class ProgramError extends Error {
  constructor(message: string, readonly causes: Error[]) {
    super(message);
  }
}

/**
 * Runs a Pulumi program in this process against {@link PlanMonitor}, as a preview.
 * The SDK's own entry points do the work (`runtime.setMockOptions`, `runtime.setAllConfig`,
 * `runtime.runInPulumiStack`, `runtime.disconnect`); only the monitor is ours.
 */
export async function runProgram(opts: RunProgramOptions): Promise<ProgramRun> {
  const { programDir, settings } = opts;
  const entry = resolveEntry(programDir, settings.main);
  installPulumiFallback();
  ensureTypeScript(entry, programDir);
  // The instance the program's `require("@pulumi/pulumi")` resolves to, so our monitor is its monitor.
  // eslint-disable-next-line @typescript-eslint/no-var-requires
  const pulumi = require(sdkPath(programDir)) as typeof import("@pulumi/pulumi");
  const monitor = new PlanMonitor(settings.project, settings.stack, awsInvokes({ region: settings.config["aws:region"], accountId: opts.accountId }));
  if (opts.onRegister) monitor.onRegister = opts.onRegister;
  if (opts.onResource) monitor.onResource = opts.onResource;

  pulumi.runtime.setAllConfig(settings.config, settings.secretKeys);
  pulumi.runtime.setMockOptions(monitor, settings.project, settings.stack, /* preview */ true);

  const failures: Error[] = [];
  const onFailure = (e: unknown) => failures.push(e instanceof Error ? e : new Error(String(e)));
  process.on("unhandledRejection", onFailure);
  const cacheBefore = new Set(Object.keys(require.cache));
  const restoreStacks = opts.keepStacks ? () => {} : fastStackTraces();
  const cwd = process.cwd();
  const t0 = performance.now();
  let ms = 0;
  try {
    // The language host runs the program with the project folder as working directory.
    process.chdir(programDir);
    // As the language host does: a function export is called, and a promise (an async program,
    // `export = defineStack()`) is awaited; what it resolves to is the stack's outputs.
    await pulumi.runtime.runInPulumiStack(async () => {
      const exported = require(entry);
      return await (typeof exported === "function" ? exported() : exported);
    });
    // Waits for every registration the program started, including those on later turns.
    await pulumi.runtime.disconnect();
  } catch (e) {
    failures.unshift(e as Error);
  } finally {
    ms = performance.now() - t0;
    process.chdir(cwd);
    restoreStacks();
    process.off("unhandledRejection", onFailure);
    forgetProgramModules(cacheBefore);
  }
  if (!failures.length && !monitor.errors.length)
    return { project: settings.project, stack: settings.stack, resources: monitor.resources, outputs: monitor.stackOutputs, ms };
  const causes = [...monitor.errors, ...failures];
  const first = causes[0];
  throw new ProgramError(
    `the program ${path.relative(cwd, entry) || entry} failed for stack "${settings.stack}" (${path.relative(cwd, settings.stackFile)}): ${cleanMessage(first)}`,
    causes,
  );
}

/**
 * The Node SDK captures `new Error().stack` for every internal promise (runtime/debuggable.js,
 * unconditionally) and a full stack per resource (Resource.callsites, which forces
 * `Error.stackTraceLimit = Infinity` itself). Under ts-node each frame is then source-mapped by
 * source-map-support's `Error.prepareStackTrace`. Profiled on the 100-function bench program:
 * 55% of the run in stack capture and formatting, 15% in garbage collection of those strings.
 *
 * Two standard V8 knobs, set for the duration of the program run only:
 * - `Error.stackTraceLimit = 0`: the debuggable-promise stacks become empty strings.
 * - `Error.prepareStackTrace` returning the bare message: the per-resource call-site stack is
 *   not formatted. The SDK then sends no source position for resources, which only the
 *   engine's `pulumi about`/diagnostics would show; the plan does not use them.
 * So an error the program throws carries only its message; `--verbose` runs without these knobs
 * to show where it came from.
 */
function fastStackTraces(): () => void {
  const E = Error as ErrorConstructor & { prepareStackTrace?: (e: Error, frames: unknown[]) => unknown };
  const limit = E.stackTraceLimit;
  const prepare = E.prepareStackTrace;
  E.stackTraceLimit = 0;
  E.prepareStackTrace = (err: Error) => `${err.name}: ${err.message}`;
  return () => {
    E.stackTraceLimit = limit;
    E.prepareStackTrace = prepare;
  };
}

/** Forgets the program's own modules (never node_modules) so the next stack runs it afresh. */
function forgetProgramModules(before: Set<string>): void {
  for (const key of Object.keys(require.cache)) {
    if (!before.has(key) && !key.includes(`${path.sep}node_modules${path.sep}`)) delete require.cache[key];
  }
}

function cleanMessage(e: Error | undefined): string {
  if (!e) return "unknown error";
  return e.message.replace(/^failed to register new resource .*?: /, "");
}
