import * as path from "node:path";
import { ConfigError, loadStackSettings, StackSettings } from "../lib/pulumi-project";
import type { Diagnostic, PolicyInfo } from "../lib/policy-pack-client";
import { PolicyPackInputError } from "../lib/policy-pack-process";
import type { Estimate } from "../cost";
import { PolicyAnalysis } from "./analysis";
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
  /** The policy pack process's peak resident memory (Linux only; the bench reports it beside this process's). */
  packPeakRssBytes?: number;
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
  // The pack starts now and boots while the program runs; every resource goes to it as it registers.
  const analysis = packDir ? startAnalysis(packDir, packConfig, settings) : undefined;

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
    await analysis?.close();
    throw e;
  }

  let diagnostics: Diagnostic[] = [];
  let policies: PolicyInfo[] = [];
  let pack: { name: string; version: string } | undefined;
  let packStartMs = 0;
  let analyzeMs = 0;
  let analyzeWaitMs = 0;
  let analyzeStackMs = 0;
  let packPeakRssBytes: number | undefined;
  if (analysis) {
    const analyzed = await analysis.finish((n) => opts.onProgress?.("checking policies", n, run.resources.length));
    ({ diagnostics, analyzeMs, analyzeWaitMs, analyzeStackMs } = analyzed);
    policies = analyzed.info.policies;
    pack = { name: analyzed.info.name, version: analyzed.info.version };
    packStartMs = analyzed.info.startMs;
    packPeakRssBytes = analyzed.packPeakRssBytes;
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
    packPeakRssBytes,
  };
}

/** A pack folder without PulumiPolicy.yaml or an unreadable --policy-pack-config is the user's input: exit 2, no stack trace. */
function startAnalysis(packDir: string, packConfig: string | undefined, settings: StackSettings): PolicyAnalysis {
  try {
    return new PolicyAnalysis({ packDir, config: packConfig, project: settings.project, stack: settings.stack, stackConfig: settings.config, dryRun: true });
  } catch (e) {
    throw e instanceof PolicyPackInputError ? new ConfigError(e.message) : e;
  }
}

function defaultPack(programDir: string): string | undefined {
  const dir = path.join(programDir, "policies");
  return require("node:fs").existsSync(path.join(dir, "PulumiPolicy.yaml")) ? dir : undefined;
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
