import * as path from "node:path";
import { discoverFunctions } from "../../infra/catalog";
import { CONFIG_DEFAULTS } from "../../infra/config";
import {
  CostDiff,
  costJson,
  CostJson,
  diffEstimates,
  Estimate,
  estimateFromPlan,
  formatUsd,
  PlannedResource,
  renderCostDiffMarkdown,
  renderCostDiffText,
  renderCostMarkdown,
  renderCostText,
  sub,
  USAGE_CONFIG_KEY,
} from "../cost";
import { ConfigError, StackSettings } from "../lib/pulumi-project";

/**
 * The plan's cost estimate (docs/cost.md): stack config `serverless:usage`, the function catalog
 * and the planned resources, priced with the shipped table for the stack's region.
 */

/** The namespace of the program's settings (infra/config.ts), which `serverless:usage` belongs to. */
const NS = USAGE_CONFIG_KEY.slice(0, USAGE_CONFIG_KEY.indexOf(":") + 1);

/** What the plan says for a stack that sets no usage: the plan goes on without an estimate. */
export const COST_NOT_CONFIGURED = `cost estimate: not configured (set ${USAGE_CONFIG_KEY}, see docs/cost.md)`;

/**
 * The estimate of a planned stack, or undefined when its stack file has no `serverless:usage`.
 * Bad usage, a region without a price table or a broken function catalog is a `ConfigError` (exit 2)
 * naming the stack file and the key.
 */
export function estimatePlanCost(programDir: string, settings: StackSettings, resources: readonly PlannedResource[]): Estimate | undefined {
  const config = settings.config;
  if (config[USAGE_CONFIG_KEY] === undefined) return undefined;
  const source = shown(settings.stackFile);
  const region = config["aws:region"];
  if (!region) throw new ConfigError(`${source}: \`aws:region\` is not set; the cost estimate prices the stack's region. Set it, or remove \`${USAGE_CONFIG_KEY}\`.`);

  const functionsDir = path.resolve(programDir, config[`${NS}functionsDir`] ?? CONFIG_DEFAULTS.functionsDir);
  const functions = asConfigError(() => discoverFunctions(functionsDir), `${source}: \`${NS}functionsDir\` (the function catalog the cost estimate reads): `);
  const defaults = decode(config[`${NS}functionDefaults`]);
  const overrides = decode(config[`${NS}functions`]);
  return asConfigError(() =>
    estimateFromPlan(resources, {
      stack: settings.stack,
      region,
      source,
      functions,
      functionDefaults: { ...CONFIG_DEFAULTS.functionDefaults, ...(isObject(defaults) ? defaults : {}) },
      overrides: isObject(overrides) ? (overrides as Record<string, { provisionedConcurrency?: number }>) : undefined,
      usage: decode(config[USAGE_CONFIG_KEY]),
    }),
  );
}

/** The `cost` member of the JSON plan: `costJson` of the estimate, null when the stack sets no usage. */
export function planCostJson(estimate: Estimate | undefined): CostJson | null {
  return estimate ? costJson(estimate) : null;
}

/** The clause the one-line summary gains: "; $12.34/month estimated". */
export function costSummary(estimate: Estimate | undefined): string {
  return estimate ? `; ${formatUsd(estimate.total)}/month estimated` : "";
}

/** The text section after the policy verdict. */
export function renderPlanCostText(estimate: Estimate | undefined): string[] {
  return estimate ? renderCostText(estimate).trimEnd().split("\n") : [COST_NOT_CONFIGURED];
}

/** The Markdown section after the policy verdict, one heading level below the plan's. */
export function renderPlanCostMarkdown(estimate: Estimate | undefined): string[] {
  return estimate ? renderCostMarkdown(estimate).replace(/^### /, "#### ").trimEnd().split("\n") : [`_${COST_NOT_CONFIGURED}_`];
}

/** A stack of `--all`, as far as its cost goes. */
export interface StackCost {
  readonly stack: string;
  readonly cost?: Estimate;
}

/**
 * `--all`: each stack's total, then the delta between stacks. Stacks with an estimate are ordered
 * from the cheapest up and each is compared with the one before it, so with staging and prod the
 * delta reads as what prod adds to staging.
 */
export function costComparison(stacks: readonly StackCost[]): { totals: StackCost[]; deltas: CostDiff[] } {
  const priced = stacks
    .filter((s): s is StackCost & { cost: Estimate } => !!s.cost)
    .sort((a, b) => compare(a.cost, b.cost) || a.stack.localeCompare(b.stack));
  const deltas = priced.slice(1).map((s, i) => diffEstimates(priced[i].cost, s.cost));
  return { totals: [...priced, ...stacks.filter((s) => !s.cost)], deltas };
}

export function renderCostComparison(stacks: readonly StackCost[], markdown = false): string {
  if (!stacks.some((s) => s.cost)) return "";
  const { totals, deltas } = costComparison(stacks);
  const total = (s: StackCost) => (s.cost ? formatUsd(s.cost.total) : "not configured");
  const out: string[] = [];
  if (markdown) {
    out.push("### Monthly cost by stack", "", "| Stack | Monthly |", "| --- | ---: |", ...totals.map((s) => `| \`${s.stack}\` | ${total(s)} |`));
    for (const d of deltas) out.push("", renderCostDiffMarkdown(d).replace(/^### /, "#### ").trimEnd());
  } else {
    const width = Math.max(...totals.map((s) => s.stack.length));
    out.push("Monthly cost by stack (USD):", ...totals.map((s) => `  ${s.stack.padEnd(width)}  ${total(s)}`));
    for (const d of deltas) out.push("", renderCostDiffText(d).trimEnd());
  }
  return `${out.join("\n")}\n`;
}

/** Ascending by exact total. */
function compare(a: Estimate, b: Estimate): number {
  const d = sub(a.total, b.total).n;
  return d < 0n ? -1 : d > 0n ? 1 : 0;
}

/**
 * The cost module reports bad input with plain `Error`s whose message already names the file and
 * key; they become `ConfigError`s (exit 2, no stack trace). Anything else is a bug and stays as is.
 */
function asConfigError<T>(f: () => T, prefix = ""): T {
  try {
    return f();
  } catch (e) {
    if (e instanceof Error && e.constructor === Error) throw new ConfigError(`${prefix}${e.message}`);
    throw e;
  }
}

/** Object values reach the program JSON-encoded (as the CLI passes them); a non-JSON text stays text for the validator to name. */
function decode(text: string | undefined): unknown {
  if (text === undefined) return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

const isObject = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === "object" && !Array.isArray(v);

/** The stack file as the plan's other config errors name it: relative to the working folder when inside it. */
function shown(file: string): string {
  const rel = path.relative(process.cwd(), file);
  return rel && !rel.startsWith("..") ? rel : file;
}
