import { Architecture, CostInput, Estimate, estimateMonthlyCost, FunctionCostInput, TriggerType } from "./estimate";
import { loadPriceTable, PriceTable } from "./price-table";
import { validateUsage } from "./usage";

/** A resource of the offline plan: its Pulumi type token, logical name and (known) inputs. */
export interface PlannedResource {
  readonly type: string;
  readonly name: string;
  readonly inputs: Readonly<Record<string, unknown>>;
}

/** A function folder as the catalog reads it (structurally compatible with `FunctionEntry`). */
export interface CatalogFunction {
  readonly name: string;
  readonly settings: {
    readonly trigger: { readonly type: TriggerType; readonly batchSize?: number };
    readonly memoryMb?: number;
    readonly timeoutSeconds?: number;
    readonly architecture?: Architecture;
  };
}

export interface PlanCostConfig {
  readonly stack: string;
  readonly region: string;
  /** The stack file, for error messages: "Pulumi.staging.yaml". */
  readonly source: string;
  readonly functions: readonly CatalogFunction[];
  /** Stack config `serverless:functionDefaults`, for settings a function.json leaves out. */
  readonly functionDefaults?: { readonly memoryMb?: number; readonly timeoutSeconds?: number };
  /** Per-function overrides from stack config, e.g. `{ "orders-api": { provisionedConcurrency: 2 } }`. */
  readonly overrides?: Readonly<Record<string, { readonly provisionedConcurrency?: number }>>;
  /** The raw `serverless:usage` value; validated here. */
  readonly usage: unknown;
  /** @default the newest shipped table for `region` */
  readonly priceTable?: PriceTable;
}

/** Pulumi type tokens the estimate counts. */
export const TYPES = {
  function: "aws:lambda/function:Function",
  provisionedConcurrency: "aws:lambda/provisionedConcurrencyConfig:ProvisionedConcurrencyConfig",
  eventSourceMapping: "aws:lambda/eventSourceMapping:EventSourceMapping",
  logGroup: "aws:cloudwatch/logGroup:LogGroup",
  metricAlarm: "aws:cloudwatch/metricAlarm:MetricAlarm",
  compositeAlarm: "aws:cloudwatch/compositeAlarm:CompositeAlarm",
  dashboard: "aws:cloudwatch/dashboard:Dashboard",
  budget: "aws:budgets/budget:Budget",
  budgetAction: "aws:budgets/budgetAction:BudgetAction",
  topicSubscription: "aws:sns/topicSubscription:TopicSubscription",
  pipeline: "aws:codepipeline/pipeline:Pipeline",
  table: "aws:dynamodb/table:Table",
} as const;

/** Lambda's own defaults, used (with a warning) when neither the plan nor the settings say. */
const LAMBDA_DEFAULTS = { memoryMb: 128, timeoutSeconds: 3 } as const;

/**
 * The estimate of a planned stack: function settings from the planned `aws:lambda/function:Function`
 * inputs (falling back to function.json and stack defaults), alarms, dashboards, budgets and alert
 * subscriptions counted from the planned resources, usage from stack config.
 */
export function estimateFromPlan(resources: readonly PlannedResource[], config: PlanCostConfig): Estimate {
  const prices = config.priceTable ?? loadPriceTable(config.region);
  const names = config.functions.map((f) => f.name);
  const warnings: string[] = [];
  const byType = (type: string) => resources.filter((r) => r.type === type);
  const ownedBy = (type: string) => {
    const owned = new Map<string, PlannedResource>();
    for (const r of byType(type)) {
      const fn = matchFunction(r, names);
      if (fn && !owned.has(fn)) owned.set(fn, r);
    }
    return owned;
  };
  const lambdas = ownedBy(TYPES.function);
  const pcs = ownedBy(TYPES.provisionedConcurrency);
  const mappings = ownedBy(TYPES.eventSourceMapping);
  const logGroups = ownedBy(TYPES.logGroup);

  const settled = config.functions.map((f) => {
    const planned = lambdas.get(f.name)?.inputs ?? {};
    if (!lambdas.has(f.name)) warnings.push(`No ${TYPES.function} planned for "${f.name}"; its settings come from function.json.`);
    const pick = (key: string, plannedValue: unknown, ...fallbacks: (number | undefined)[]): number => {
      if (isNumber(plannedValue)) return plannedValue;
      const v = fallbacks.find(isNumber);
      if (v !== undefined) return v;
      const d = LAMBDA_DEFAULTS[key as keyof typeof LAMBDA_DEFAULTS];
      warnings.push(`"${f.name}": \`${key}\` unknown in the plan and settings; estimated with Lambda's default ${d}.`);
      return d;
    };
    const memoryMb = pick("memoryMb", planned.memorySize, f.settings.memoryMb, config.functionDefaults?.memoryMb);
    const timeoutSeconds = pick("timeoutSeconds", planned.timeout, f.settings.timeoutSeconds, config.functionDefaults?.timeoutSeconds);
    const archs = planned.architectures;
    const architecture: Architecture =
      Array.isArray(archs) && (archs[0] === "arm64" || archs[0] === "x86_64") ? archs[0] : (f.settings.architecture ?? "arm64");
    const ephemeral = (planned.ephemeralStorage as { size?: unknown } | undefined)?.size;
    const mappingBatch = mappings.get(f.name)?.inputs.batchSize;
    const batchSize = isNumber(mappingBatch) ? mappingBatch : (f.settings.trigger.batchSize ?? 10);
    const pcPlanned = pcs.get(f.name)?.inputs.provisionedConcurrentExecutions;
    const provisionedConcurrency = isNumber(pcPlanned) ? pcPlanned : (config.overrides?.[f.name]?.provisionedConcurrency ?? 0);
    const retention = logGroups.get(f.name)?.inputs.retentionInDays;
    return {
      name: f.name,
      trigger: f.settings.trigger.type,
      memoryMb,
      timeoutSeconds,
      architecture,
      batchSize,
      provisionedConcurrency,
      ...(isNumber(ephemeral) ? { ephemeralStorageMb: ephemeral } : {}),
      retention: isNumber(retention) && retention > 0 ? retention : undefined,
    };
  });

  const usage = validateUsage(config.usage, { source: config.source, functions: settled });

  const functions: FunctionCostInput[] = settled.map(({ retention, ...f }) => ({
    ...f,
    logRetentionDays: retention ?? usage.logRetentionDays,
    tracing: usage.tracing,
    usage: usage.functions[f.name] ?? { monthlyInvocations: 0, averageDurationMs: 1, logBytesPerInvocation: 0 },
  }));

  const alarms = byType(TYPES.metricAlarm);
  const highResolution = alarms.filter(isHighResolution).length;
  const budgets = byType(TYPES.budget);
  const actionBudgets = new Set(byType(TYPES.budgetAction).map((a) => String(a.inputs.budgetName ?? a.name)));
  const emails = byType(TYPES.topicSubscription).filter((s) => s.inputs.protocol === "email" || s.inputs.protocol === "email-json").length;
  const hasPipeline = byType(TYPES.pipeline).length > 0;
  if (hasPipeline && !usage.pipeline) warnings.push(`${config.source}: the stack plans a pipeline but \`serverless:usage.pipeline\` is absent; its cost is not estimated.`);
  const hasTable = byType(TYPES.table).length > 0;
  if (hasTable && !usage.table) warnings.push(`${config.source}: the stack plans a DynamoDB table but \`serverless:usage.table.storageGb\` is absent; its storage is not estimated.`);

  const input: CostInput = {
    stack: config.stack,
    functions,
    shared: {
      alarms: { standard: alarms.length - highResolution, highResolution, composite: byType(TYPES.compositeAlarm).length },
      dashboards: byType(TYPES.dashboard).length,
      customMetrics: usage.customMetrics,
      budgets: { total: budgets.length, actionEnabled: actionBudgets.size },
      alerts: { emailSubscriptions: emails, notificationsPerMonth: usage.notificationsPerMonth },
      ...(hasPipeline && usage.pipeline ? { pipeline: usage.pipeline } : {}),
      ...(hasTable && usage.table ? { table: usage.table } : {}),
      tracesRetrievedPerMonth: usage.tracesRetrievedPerMonth,
    },
    warnings: [...usage.warnings, ...warnings],
  };
  return estimateMonthlyCost(input, prices);
}

/**
 * Which function a resource belongs to: its physical name (`name`, `functionName`, log group
 * `/aws/lambda/<project>-<stack>-<fn>`) or its logical name (`<fn>` or `<fn>-<role>`). The longest
 * matching function name wins, so "orders-api-x" is never taken for a function called "orders".
 */
export function matchFunction(r: PlannedResource, functionNames: readonly string[]): string | undefined {
  const physical = [r.inputs.name, r.inputs.functionName].filter((v): v is string => typeof v === "string");
  const candidates = [...functionNames].sort((a, b) => b.length - a.length);
  return (
    candidates.find((fn) => physical.some((p) => p === fn || p.endsWith(`-${fn}`) || p.endsWith(`/${fn}`))) ??
    candidates.find((fn) => r.name === fn || r.name.startsWith(`${fn}-`))
  );
}

/** A metric alarm evaluated at less than a minute (10 s or 30 s periods) is billed as high resolution. */
function isHighResolution(alarm: PlannedResource): boolean {
  const period = alarm.inputs.period;
  if (isNumber(period)) return period < 60;
  const queries = alarm.inputs.metricQueries;
  if (!Array.isArray(queries)) return false;
  return queries.some((q) => {
    const p = (q as { metric?: { period?: unknown }; period?: unknown })?.metric?.period ?? (q as { period?: unknown })?.period;
    return isNumber(p) && p < 60;
  });
}

const isNumber = (v: unknown): v is number => typeof v === "number" && Number.isFinite(v);
