import * as path from "node:path";
import { loadStackSettings, StackSettings } from "../lib/pulumi-project";
import type { AnalyzerResourceInput, Diagnostic, PolicyInfo, RunningPolicyPack } from "../lib/policy-pack-client";
import type { Estimate } from "../cost";
import { ensureArtifacts } from "./artifacts";
import { estimatePlanCost } from "./cost";
import { PlannedResource } from "./monitor";
import { runProgram } from "./run-program";
import { toPlanValue } from "./values";

/** One resource of the plan, as `--json` writes it (key order is part of the format). */
export interface PlanResource {
  urn: string;
  type: string;
  name: string;
  parent: string;
  dependencies: string[];
  inputs: Record<string, unknown>;
}

export interface PlanDiagnostic {
  policy: string;
  level: string;
  urn: string;
  message: string;
}

export interface PlanSummary {
  /** Cloud resources (custom), without components and the stack. */
  resources: number;
  components: number;
  mandatory: number;
  advisory: number;
  /** 0 clean, 1 mandatory violations. */
  exitCode: 0 | 1;
}

export interface Plan {
  project: string;
  stack: string;
  stackFile: string;
  config: Record<string, string>;
  resources: PlanResource[];
  /** Whether each resource is a component (by URN): the tree needs it, the JSON does not. */
  components: Set<string>;
  outputs: Record<string, unknown>;
  policy: { pack?: { name: string; version: string }; policies: PolicyInfo[]; diagnostics: PlanDiagnostic[] };
  summary: PlanSummary;
  /** The monthly cost estimate (tools/plan/cost.ts); undefined when the stack sets no `serverless:usage`. */
  cost?: Estimate;
  /**
   * analyzeMs: Analyze for every resource, first call to last answer (they start while the program
   * runs); analyzeWaitMs: the part of it after the program; analyzeStackMs: the one AnalyzeStack call.
   */
  timings: { buildMs: number; programMs: number; packStartMs: number; analyzeMs: number; analyzeWaitMs: number; analyzeStackMs: number; totalMs: number };
}

export interface PlanOptions {
  programDir: string;
  stack: string;
  /** The policy pack folder; null to skip policy. @default <programDir>/policies when it exists */
  policyPack?: string | null;
  policyPackConfig?: string;
  accountId?: string;
  /** --verbose: keep stack traces while the program runs. */
  keepStacks?: boolean;
  /** Build the functions first when their manifest is missing or stale. @default true */
  build?: boolean;
  onProgress?: (phase: string, done: number, total?: number) => void;
  /** Settings already loaded (the bench overrides the functions folder). */
  settings?: StackSettings;
}

/** Resources analyzed at once: the pack answers each in well under a millisecond, a round trip costs more. */
const ANALYZE_WINDOW = 64;

/**
 * Plans one stack: builds the functions if needed, runs the program as a preview and passes every
 * resource through the policy pack. The pack process starts first and boots while the program runs.
 */
export async function planStack(opts: PlanOptions): Promise<Plan> {
  const t0 = performance.now();
  const programDir = path.resolve(opts.programDir);
  const settings = opts.settings ?? loadStackSettings(programDir, opts.stack);
  const buildMs = opts.build === false ? 0 : await ensureArtifacts(programDir, settings, (p) => opts.onProgress?.(p, 0));

  // Paths resolved now: the program runs with its own folder as working directory.
  const packDir = opts.policyPack === null ? undefined : opts.policyPack ? path.resolve(opts.policyPack) : defaultPack(programDir);
  const packConfig = opts.policyPackConfig ? path.resolve(opts.policyPackConfig) : undefined;
  const packPromise = packDir ? startPack(packDir, settings, packConfig) : undefined;
  // Keep a failed start from surfacing as an unhandled rejection while the program runs.
  packPromise?.catch(() => undefined);
  const analysis = packPromise ? new StreamingAnalysis(packPromise) : undefined;

  let run;
  try {
    run = await runProgram({
      programDir,
      settings,
      accountId: opts.accountId,
      keepStacks: opts.keepStacks,
      onRegister: (n) => opts.onProgress?.("running the program", n),
      onResource: analysis && ((r) => analysis.add(r)),
    });
  } catch (e) {
    await packPromise?.then((p) => p.close()).catch(() => undefined);
    throw e;
  }

  let diagnostics: Diagnostic[] = [];
  let policies: PolicyInfo[] = [];
  let pack: { name: string; version: string } | undefined;
  let packStartMs = 0;
  let analyzeMs = 0;
  let analyzeWaitMs = 0;
  let analyzeStackMs = 0;
  if (packPromise) {
    const running = await packPromise;
    packStartMs = running.info.startMs;
    try {
      const analyzed = await analysis!.finish(running, (n) => opts.onProgress?.("checking policies", n, run.resources.length));
      ({ diagnostics, analyzeMs, analyzeWaitMs, analyzeStackMs } = analyzed);
      policies = running.info.policies;
      pack = { name: running.info.name, version: running.info.version };
    } finally {
      await running.close();
    }
  }

  const resources = run.resources.map(toPlanResource);
  const cost = estimatePlanCost(programDir, settings, resources);
  const components = new Set(run.resources.filter((r) => !r.custom).map((r) => r.urn));
  const planDiagnostics = diagnostics.map((d) => ({ policy: d.policyName, level: d.enforcementLevel, urn: d.urn, message: d.message }));
  const mandatory = planDiagnostics.filter((d) => d.level === "mandatory").length;
  return {
    project: run.project,
    stack: run.stack,
    stackFile: settings.stackFile,
    config: settings.config,
    resources,
    components,
    outputs: toPlanValue(run.outputs) as Record<string, unknown>,
    policy: { pack, policies, diagnostics: planDiagnostics },
    summary: {
      resources: resources.length - components.size,
      components: [...components].filter((u) => !u.includes("::pulumi:pulumi:Stack::")).length,
      mandatory,
      advisory: planDiagnostics.length - mandatory,
      exitCode: mandatory > 0 ? 1 : 0,
    },
    cost,
    timings: { buildMs, programMs: run.ms, packStartMs, analyzeMs, analyzeWaitMs, analyzeStackMs, totalMs: performance.now() - t0 },
  };
}

function defaultPack(programDir: string): string | undefined {
  const dir = path.join(programDir, "policies");
  return require("node:fs").existsSync(path.join(dir, "PulumiPolicy.yaml")) ? dir : undefined;
}

async function startPack(packDir: string, settings: StackSettings, config?: string): Promise<RunningPolicyPack> {
  // Loaded lazily: its gRPC client costs ~100 ms and a plan without a pack does not need it.
  const { startPolicyPack } = await import("../lib/policy-pack-client");
  return startPolicyPack({
    packDir,
    config,
    project: settings.project,
    stack: settings.stack,
    stackConfig: settings.config,
    dryRun: true,
  });
}

/**
 * Analyze for every resource AS IT REGISTERS, as the CLI's engine does, then AnalyzeStack once.
 * The pack (another process, the other core) analyzes while the program still runs; at most
 * {@link ANALYZE_WINDOW} calls are in flight, and results keep registration order. Measured at
 * 1000 functions (20,259 resources): Analyze took 6-9 s after the program; streamed, what is left
 * after the program is the tail of the window. The monitor answers registrations on event-loop
 * turns (monitor.ts `answer`) so the calls leave this process during the run.
 */
class StreamingAnalysis {
  private readonly inputs: AnalyzerResourceInput[] = [];
  private readonly results: Diagnostic[][] = [];
  private pack?: RunningPolicyPack;
  private failure?: { error: unknown };
  private next = 0;
  private inFlight = 0;
  private done = 0;
  private firstSent = 0;
  private progress: (n: number) => void = () => {};
  private drained?: () => void;

  constructor(pack: Promise<RunningPolicyPack>) {
    pack.then(
      (p) => {
        this.pack = p;
        this.pump();
      },
      () => undefined, // reported by finish(), which awaits the same promise
    );
  }

  add(r: PlannedResource): void {
    this.inputs.push(toAnalyzerResource(r));
    this.pump();
  }

  private pump(): void {
    const pack = this.pack;
    if (!pack) return;
    while (!this.failure && this.inFlight < ANALYZE_WINDOW && this.next < this.inputs.length) {
      const i = this.next++;
      if (i === 0) this.firstSent = performance.now();
      this.inFlight++;
      pack.analyze(this.inputs[i]).then(
        (d) => {
          this.results[i] = d;
          this.settled();
        },
        (error) => {
          this.failure ??= { error };
          this.settled();
        },
      );
    }
    if (this.inFlight === 0 && (this.failure || this.next === this.inputs.length)) this.drained?.();
  }

  private settled(): void {
    this.inFlight--;
    this.progress(++this.done);
    this.pump();
  }

  /**
   * After the program: waits for the remaining Analyze calls, then sends AnalyzeStack.
   * analyzeMs is the wall time from the first Analyze to the last answer (mostly during the run);
   * analyzeWaitMs the part of it after the program, which is what Analyze adds to the plan.
   */
  async finish(pack: RunningPolicyPack, progress: (n: number) => void): Promise<{ diagnostics: Diagnostic[]; analyzeMs: number; analyzeWaitMs: number; analyzeStackMs: number }> {
    const t0 = performance.now();
    this.progress = progress;
    this.pack = pack;
    await new Promise<void>((resolve) => {
      this.drained = resolve;
      this.pump();
    });
    if (this.failure) throw this.failure.error;
    const t1 = performance.now();
    const stackDiagnostics = await pack.analyzeStack(this.inputs);
    return {
      diagnostics: [...this.results.flat(), ...stackDiagnostics],
      analyzeMs: this.inputs.length ? t1 - (this.firstSent || t0) : 0,
      analyzeWaitMs: t1 - t0,
      analyzeStackMs: performance.now() - t1,
    };
  }
}

/** What the engine sends an analyzer: the checked inputs in wire form, without SDK-internal keys. */
function toAnalyzerResource(r: PlannedResource): AnalyzerResourceInput {
  return {
    type: r.type,
    name: r.name,
    urn: r.urn,
    properties: stripInternal(r.inputs) as Record<string, unknown>,
    parent: r.parent || undefined,
    dependencies: r.dependencies,
    propertyDependencies: r.propertyDependencies,
  };
}

function stripInternal(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(stripInternal);
  if (v && typeof v === "object") {
    const out: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(v)) if (!k.startsWith("__")) out[k] = stripInternal(x);
    return out;
  }
  return v;
}

function toPlanResource(r: PlannedResource): PlanResource {
  return {
    urn: r.urn,
    type: r.type,
    name: r.name,
    parent: r.parent,
    dependencies: r.dependencies,
    inputs: toPlanValue(r.inputs) as Record<string, unknown>,
  };
}
