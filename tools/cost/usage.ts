import { z } from "zod";
import { FunctionUsage, TriggerType } from "./estimate";
import { CODEBUILD_COMPUTE_TYPES, CodeBuildComputeType } from "./price-table";

/** The stack config key this module reads. */
export const USAGE_CONFIG_KEY = "serverless:usage";

/** Defaults for `serverless:usage` when a key is absent. */
export const USAGE_DEFAULTS = {
  /** Used when the plan has no log group retention for a function. */
  logRetentionDays: 30,
  notificationsPerMonth: 0,
  tracing: true,
  tracesRetrievedPerMonth: 0,
  customMetrics: 0,
} as const;

const count = z.number({ error: "must be a number" }).int({ error: "must be a whole number" }).min(0, { error: "must be 0 or more" });
const positive = z.number({ error: "must be a number" }).positive({ error: "must be more than 0" });
const nonNegative = z.number({ error: "must be a number" }).min(0, { error: "must be 0 or more" });

const functionUsage = z
  .object({
    monthlyInvocations: count,
    averageDurationMs: positive.max(900_000, { error: "must be at most 900000 (Lambda's 15-minute limit)" }),
    logBytesPerInvocation: count,
    messagesPerInvocation: positive.optional(),
    messageBytes: count.max(1_048_576, { error: "must be at most 1048576 (SQS and EventBridge limits)" }).optional(),
    dynamodbWriteUnitsPerInvocation: nonNegative.optional(),
    dynamodbReadUnitsPerInvocation: nonNegative.optional(),
  })
  .strict();

const usageConfig = z
  .object({
    functions: z.record(z.string(), functionUsage).default({}),
    logs: z.object({ retentionDays: count.min(1, { error: "must be 1 or more" }) }).strict().optional(),
    pipeline: z
      .object({
        runsPerMonth: count,
        actionMinutesPerRun: count,
        buildMinutesPerRun: count,
        buildComputeType: z.enum(CODEBUILD_COMPUTE_TYPES, { error: `must be one of ${CODEBUILD_COMPUTE_TYPES.join(", ")}` }),
      })
      .strict()
      .optional(),
    table: z.object({ storageGb: nonNegative }).strict().optional(),
    alerts: z.object({ notificationsPerMonth: count }).strict().optional(),
    tracing: z.object({ enabled: z.boolean({ error: "must be true or false" }).optional(), tracesRetrievedPerMonth: count.optional() }).strict().optional(),
    customMetrics: count.optional(),
  })
  .strict();

export type UsageConfigInput = z.input<typeof usageConfig>;

/** `serverless:usage`, validated against the functions it names. */
export interface UsageConfig {
  readonly functions: Readonly<Record<string, FunctionUsage>>;
  readonly logRetentionDays: number;
  readonly pipeline?: {
    readonly runsPerMonth: number;
    readonly actionMinutesPerRun: number;
    readonly buildMinutesPerRun: number;
    readonly buildComputeType: CodeBuildComputeType;
  };
  readonly table?: { readonly storageGb: number };
  readonly notificationsPerMonth: number;
  readonly tracing: boolean;
  readonly tracesRetrievedPerMonth: number;
  readonly customMetrics: number;
  /** Not errors, but the estimate should say them (e.g. a function with no usage). */
  readonly warnings: readonly string[];
}

/** What validation needs to know about each deployed function. */
export interface UsageFunctionFacts {
  readonly name: string;
  readonly trigger: TriggerType;
  readonly timeoutSeconds: number;
  readonly batchSize?: number;
}

export interface UsageContext {
  /** The file the value came from, for messages: "Pulumi.staging.yaml". */
  readonly source: string;
  readonly functions: readonly UsageFunctionFacts[];
}

/**
 * Validates the raw `serverless:usage` value of a stack. All problems are reported together, each
 * naming the file, the dotted key and the value, and saying how to fix it.
 */
export function validateUsage(raw: unknown, ctx: UsageContext): UsageConfig {
  const where = (path: PropertyKey[]) => `${ctx.source}: \`${[USAGE_CONFIG_KEY, ...path.map(String)].join(".")}\``;
  const parsed = usageConfig.safeParse(raw ?? {});
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `${where(i.path)} ${issueText(i)}${received(raw, i.path)}`);
    throw new Error(`Invalid usage for the cost estimate:\n  - ${problems.join("\n  - ")}`);
  }
  const cfg = parsed.data;
  const problems: string[] = [];
  const warnings: string[] = [];
  const facts = new Map(ctx.functions.map((f) => [f.name, f]));
  const known = [...facts.keys()].sort().join(", ");

  for (const [name, u] of Object.entries(cfg.functions)) {
    const f = facts.get(name);
    const at = (key: string) => where(["functions", name, key]);
    if (!f) {
      problems.push(`${where(["functions", name])} names no function; known functions: ${known}. Fix the name or remove the entry.`);
      continue;
    }
    if (u.averageDurationMs > f.timeoutSeconds * 1000)
      problems.push(
        `${at("averageDurationMs")} is ${u.averageDurationMs} ms, longer than the function's timeout of ${f.timeoutSeconds} s; ` +
          `lower it, or raise \`timeoutSeconds\` in functions/${name}/function.json.`,
      );
    if (u.messagesPerInvocation !== undefined) {
      if (f.trigger !== "queue")
        problems.push(`${at("messagesPerInvocation")} applies to queue consumers only; "${name}" is triggered by ${f.trigger}. Remove it.`);
      else if (u.messagesPerInvocation > (f.batchSize ?? 10))
        problems.push(`${at("messagesPerInvocation")} is ${u.messagesPerInvocation}, more than the batch size ${f.batchSize ?? 10}; a batch cannot hold more.`);
    }
    if (u.messageBytes !== undefined && f.trigger !== "queue" && f.trigger !== "event")
      problems.push(`${at("messageBytes")} applies to queue and event consumers only; "${name}" is triggered by ${f.trigger}. Remove it.`);
  }
  if (problems.length) throw new Error(`Invalid usage for the cost estimate:\n  - ${problems.join("\n  - ")}`);

  for (const f of ctx.functions)
    if (!cfg.functions[f.name])
      warnings.push(`${ctx.source}: no \`${USAGE_CONFIG_KEY}.functions.${f.name}\`; "${f.name}" is estimated at 0 invocations.`);

  return {
    functions: cfg.functions,
    logRetentionDays: cfg.logs?.retentionDays ?? USAGE_DEFAULTS.logRetentionDays,
    ...(cfg.pipeline ? { pipeline: cfg.pipeline } : {}),
    ...(cfg.table ? { table: cfg.table } : {}),
    notificationsPerMonth: cfg.alerts?.notificationsPerMonth ?? USAGE_DEFAULTS.notificationsPerMonth,
    tracing: cfg.tracing?.enabled ?? USAGE_DEFAULTS.tracing,
    tracesRetrievedPerMonth: cfg.tracing?.tracesRetrievedPerMonth ?? USAGE_DEFAULTS.tracesRetrievedPerMonth,
    customMetrics: cfg.customMetrics ?? USAGE_DEFAULTS.customMetrics,
    warnings,
  };
}

function issueText(i: z.core.$ZodIssue): string {
  if (i.code === "unrecognized_keys") return `has unknown key(s) ${i.keys.map((k) => `\`${k}\``).join(", ")}; check the spelling (see docs/cost.md)`;
  if (i.code === "invalid_type" && i.message.startsWith("Invalid input")) return `must be ${i.expected === "object" ? "a mapping" : `a ${i.expected}`}`;
  return i.message;
}

function received(raw: unknown, at: PropertyKey[]): string {
  let value: unknown = raw;
  for (const key of at) {
    if (value === null || typeof value !== "object") return "";
    value = (value as Record<PropertyKey, unknown>)[key];
  }
  return value === undefined ? "" : `; got ${JSON.stringify(value)}`;
}
