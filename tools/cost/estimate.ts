import { add, ceil, div, isZero, max, min, mul, rat, Rational, sub, sum, ZERO } from "./money";
import { CodeBuildComputeType, PriceKey, PriceTable, unitPrice } from "./price-table";

export type Architecture = "arm64" | "x86_64";
export type TriggerType = "http" | "queue" | "schedule" | "event";

/**
 * The assumptions of the cost model, in one place. Each is documented in docs/cost.md.
 */
export const COST_MODEL = {
  /** AWS's own monthly convention (365 × 24 / 12). */
  hoursPerMonth: 730,
  secondsPerMonth: 730 * 3600,
  /** AWS bills "GB" of logs and storage as 2^30 bytes. */
  bytesPerGb: 2 ** 30,
  /** Lambda bills /tmp above this size. */
  freeEphemeralStorageMb: 512,
  /** SQS and EventBridge bill every 64 KB chunk of payload as one request / event. */
  payloadChunkBytes: 64 * 1024,
  /** ReceiveMessage and DeleteMessageBatch handle at most 10 messages per call. */
  sqsMaxMessagesPerCall: 10,
  /** A Lambda SQS event source mapping keeps this many long polls open while the queue is idle... */
  lambdaSqsIdlePollers: 5,
  /** ...each waiting this long (ReceiveMessage WaitTimeSeconds) before it returns empty. */
  sqsLongPollSeconds: 20,
  /** X-Ray's default sampling rule for Lambda: the first request each second, then 5% of the rest. */
  xrayReservoirPerSecond: 1,
  xrayFixedRate: "0.05",
  /** Message size when usage does not say. */
  defaultMessageBytes: 1024,
} as const;

/** What one function is expected to do in a month (from stack config `serverless:usage`). */
export interface FunctionUsage {
  /** Invocations of the function (for a queue consumer: batches, not messages). */
  readonly monthlyInvocations: number;
  /** Average billed duration of an invocation, in milliseconds. */
  readonly averageDurationMs: number;
  /** Bytes the function logs per invocation (Lambda's START/END/REPORT lines included, ~300 bytes). */
  readonly logBytesPerInvocation: number;
  /** Queue consumers: average messages in a batch. @default 1 (low traffic rarely fills a batch) */
  readonly messagesPerInvocation?: number;
  /** Queue and event consumers: average message size, for 64 KB chunking. @default 1024 */
  readonly messageBytes?: number;
  /** @default 0 */
  readonly dynamodbWriteUnitsPerInvocation?: number;
  /** @default 0 */
  readonly dynamodbReadUnitsPerInvocation?: number;
}

/** One function, as deployed (settings) and as used (usage). */
export interface FunctionCostInput {
  readonly name: string;
  readonly trigger: TriggerType;
  readonly memoryMb: number;
  readonly architecture: Architecture;
  readonly timeoutSeconds: number;
  /** @default 512 (the free size) */
  readonly ephemeralStorageMb?: number;
  /** Environments kept initialized all month. @default 0 */
  readonly provisionedConcurrency?: number;
  /** Queue consumers: the event source mapping's batch size. @default 10 */
  readonly batchSize?: number;
  /** Retention of the function's log group, in days. */
  readonly logRetentionDays: number;
  /** Active X-Ray tracing. @default true */
  readonly tracing?: boolean;
  readonly usage: FunctionUsage;
}

export interface SharedCostInput {
  readonly alarms: { readonly standard: number; readonly highResolution: number; readonly composite: number };
  readonly dashboards: number;
  readonly customMetrics?: number;
  readonly budgets: { readonly total: number; readonly actionEnabled: number };
  readonly alerts: { readonly emailSubscriptions: number; readonly notificationsPerMonth: number };
  readonly pipeline?: {
    readonly runsPerMonth: number;
    /** Billed action minutes per run, summed over actions (manual approval is free). */
    readonly actionMinutesPerRun: number;
    readonly buildMinutesPerRun: number;
    readonly buildComputeType: CodeBuildComputeType;
  };
  readonly table?: { readonly storageGb: number };
  readonly tracesRetrievedPerMonth?: number;
}

export interface CostInput {
  readonly stack?: string;
  readonly functions: readonly FunctionCostInput[];
  readonly shared: SharedCostInput;
  /** Carried into the estimate (e.g. "no usage given for X"). */
  readonly warnings?: readonly string[];
}

export interface CostLine {
  /** Stable identifier, e.g. "lambda.compute"; diffs match lines by it. */
  readonly key: string;
  readonly label: string;
  readonly quantity: Rational;
  readonly unit: string;
  readonly priceKey: PriceKey;
  /** The published price, as in the table: "0.20" per 1000000 "request". */
  readonly unitPrice: { readonly usd: string; readonly per: number; readonly unit: string };
  readonly amount: Rational;
  readonly verified: boolean;
  /** The usage is real but AWS does not charge for it (shown as "free", amount 0). */
  readonly free?: boolean;
  readonly note?: string;
}

export interface FunctionEstimate {
  readonly name: string;
  readonly trigger: TriggerType;
  readonly architecture: Architecture;
  readonly memoryMb: number;
  readonly monthlyInvocations: number;
  readonly provisionedConcurrency: number;
  readonly lines: readonly CostLine[];
  readonly total: Rational;
}

export interface Estimate {
  readonly stack?: string;
  readonly region: string;
  readonly currency: "USD";
  readonly asOf: string;
  readonly priceTable: string;
  readonly functions: readonly FunctionEstimate[];
  readonly shared: readonly CostLine[];
  readonly total: Rational;
  readonly assumptions: readonly string[];
  readonly warnings: readonly string[];
}

const M = COST_MODEL;

/** The estimate's standing assumptions, shown under every rendering. */
export const ASSUMPTIONS: readonly string[] = [
  "List prices, first volume tier; account-level free tiers are not subtracted.",
  `A month is ${M.hoursPerMonth} hours; provisioned concurrency runs all month.`,
  "Invocations served by provisioned concurrency: up to its capacity (steady traffic); the rest at on-demand prices.",
  "Logs are stored uncompressed for the log group's retention (CloudWatch bills compressed bytes: an over-estimate).",
  `X-Ray: ${M.xrayReservoirPerSecond} trace/s plus ${Number(M.xrayFixedRate) * 100}% of the rest, traffic spread evenly (an upper bound).`,
  `Queue consumers: ${M.lambdaSqsIdlePollers} idle long polls of ${M.sqsLongPollSeconds} s all month, plus one receive and one delete per batch.`,
  "EventBridge events are counted once per consumer whose trigger they feed (PutEvents is billed once per event).",
];

/** The estimate of one month for one stack. Pure: same input and table, same result. */
export function estimateMonthlyCost(input: CostInput, prices: PriceTable): Estimate {
  const functions = [...input.functions].sort((a, b) => a.name.localeCompare(b.name)).map((f) => estimateFunction(f, prices));
  const shared = estimateShared(input.shared, prices);
  const total = add(sum(functions.map((f) => f.total)), sum(shared.map((l) => l.amount)));
  return {
    stack: input.stack,
    region: prices.region,
    currency: "USD",
    asOf: prices.asOf,
    priceTable: prices.file,
    functions,
    shared,
    total,
    assumptions: ASSUMPTIONS,
    warnings: [...(input.warnings ?? [])],
  };
}

function line(prices: PriceTable, key: string, label: string, quantity: Rational, unit: string, priceKey: PriceKey, note?: string): CostLine {
  const { usd, per, unit: priceUnit } = prices.prices[priceKey];
  return {
    key,
    label,
    quantity,
    unit,
    priceKey,
    unitPrice: { usd, per, unit: priceUnit },
    amount: mul(quantity, unitPrice(prices, priceKey)),
    verified: prices.prices[priceKey].verified,
    ...(note ? { note } : {}),
  };
}

/** Requests of a payload: one per started 64 KB chunk. */
const chunks = (bytes: number): Rational => ceil(div(rat(bytes), rat(M.payloadChunkBytes)));

export function estimateFunction(f: FunctionCostInput, prices: PriceTable): FunctionEstimate {
  const u = f.usage;
  const inv = rat(u.monthlyInvocations);
  const memGb = div(rat(f.memoryMb), rat(1024));
  const seconds = div(rat(u.averageDurationMs), rat(1000));
  const arch = f.architecture;
  const pc = f.provisionedConcurrency ?? 0;
  const lines: CostLine[] = [];

  lines.push(line(prices, "lambda.requests", "Lambda requests", inv, "requests", "lambda.requests"));

  // Duration: served by provisioned environments up to their capacity, the rest on demand.
  const durationGbs = mul(inv, seconds, memGb);
  const capacityGbs = mul(rat(pc), memGb, rat(M.secondsPerMonth));
  const onPc = min(durationGbs, capacityGbs);
  const onDemand = sub(durationGbs, onPc);
  if (!isZero(onDemand) || pc === 0)
    lines.push(line(prices, "lambda.compute", `Lambda compute (${arch})`, onDemand, "GB-s", `lambda.duration.${arch}`));
  if (pc > 0) {
    lines.push(
      line(prices, "lambda.provisioned", `Provisioned concurrency (${pc} × ${f.memoryMb} MB)`, capacityGbs, "GB-s", `lambda.provisionedConcurrency.${arch}`),
      line(prices, "lambda.provisionedCompute", `Lambda compute on provisioned (${arch})`, onPc, "GB-s", `lambda.provisionedDuration.${arch}`),
    );
  }
  const extraTmpMb = (f.ephemeralStorageMb ?? M.freeEphemeralStorageMb) - M.freeEphemeralStorageMb;
  if (extraTmpMb > 0)
    lines.push(
      line(prices, "lambda.ephemeralStorage", `Ephemeral storage above ${M.freeEphemeralStorageMb} MB`, mul(inv, seconds, div(rat(extraTmpMb), rat(1024))), "GB-s", "lambda.ephemeralStorage"),
    );

  // Logs: ingested once; at steady state the group holds `retention` days of them.
  const logGb = div(mul(inv, rat(u.logBytesPerInvocation)), rat(M.bytesPerGb));
  lines.push(line(prices, "logs.ingestion", "CloudWatch Logs ingestion", logGb, "GB", "logs.ingestion"));
  const storedGbMonths = div(mul(logGb, rat(f.logRetentionDays), rat(24)), rat(M.hoursPerMonth));
  lines.push(line(prices, "logs.storage", `CloudWatch Logs storage (${f.logRetentionDays} days)`, storedGbMonths, "GB-month", "logs.storage"));

  lines.push(...triggerLines(f, inv, prices));

  if (u.dynamodbWriteUnitsPerInvocation)
    lines.push(line(prices, "dynamodb.writes", "DynamoDB writes (on-demand)", mul(inv, rat(u.dynamodbWriteUnitsPerInvocation)), "WRU", "dynamodb.writeRequestUnits"));
  if (u.dynamodbReadUnitsPerInvocation)
    lines.push(line(prices, "dynamodb.reads", "DynamoDB reads (on-demand)", mul(inv, rat(u.dynamodbReadUnitsPerInvocation)), "RRU", "dynamodb.readRequestUnits"));

  if (f.tracing ?? true) lines.push(line(prices, "xray.traces", "X-Ray traces recorded", sampledTraces(inv), "traces", "xray.tracesRecorded"));

  return {
    name: f.name,
    trigger: f.trigger,
    architecture: arch,
    memoryMb: f.memoryMb,
    monthlyInvocations: u.monthlyInvocations,
    provisionedConcurrency: pc,
    lines,
    total: sum(lines.map((l) => l.amount)),
  };
}

/** X-Ray's default rule: min(inv, 1/s × month) + 5% × the rest. */
export function sampledTraces(invocations: Rational): Rational {
  const reservoir = min(invocations, rat(M.xrayReservoirPerSecond * M.secondsPerMonth));
  return add(reservoir, mul(rat(M.xrayFixedRate), max(ZERO, sub(invocations, reservoir))));
}

/** Each trigger's own service: API Gateway for http, SQS (+ the bus feeding it) for queue, EventBridge for event. */
function triggerLines(f: FunctionCostInput, inv: Rational, prices: PriceTable): CostLine[] {
  const msgBytes = f.usage.messageBytes ?? M.defaultMessageBytes;
  switch (f.trigger) {
    case "http":
      return [line(prices, "apigateway.requests", "API Gateway HTTP API requests", inv, "requests", "apigateway.httpRequests")];
    case "event":
      return [line(prices, "eventbridge.events", "EventBridge events (bus to function)", mul(inv, chunks(msgBytes)), "events", "eventbridge.customEvents")];
    case "schedule":
      return [{ ...line(prices, "eventbridge.schedule", "EventBridge scheduled rule", inv, "invocations", "eventbridge.customEvents"), amount: ZERO, free: true, note: "scheduled rules are free" }];
    case "queue": {
      const perBatch = rat(f.usage.messagesPerInvocation ?? 1);
      const messages = mul(inv, perBatch);
      const callsPerBatch = ceil(div(perBatch, rat(M.sqsMaxMessagesPerCall)));
      // A receive is billed per call or per 64 KB of what it returns, whichever is more.
      const receivePerBatch = max(callsPerBatch, ceil(div(mul(perBatch, rat(msgBytes)), rat(M.payloadChunkBytes))));
      const idlePolls = rat((M.lambdaSqsIdlePollers * M.secondsPerMonth) / M.sqsLongPollSeconds);
      return [
        line(prices, "eventbridge.events", "EventBridge events (bus to queue)", mul(messages, chunks(msgBytes)), "events", "eventbridge.customEvents"),
        line(prices, "sqs.send", "SQS send (bus to queue)", mul(messages, chunks(msgBytes)), "requests", "sqs.standardRequests"),
        line(prices, "sqs.receiveDelete", "SQS receive + delete (per batch)", mul(inv, add(receivePerBatch, callsPerBatch)), "requests", "sqs.standardRequests"),
        line(prices, "sqs.idlePolls", "SQS empty receives (Lambda pollers)", idlePolls, "requests", "sqs.standardRequests",
          `${M.lambdaSqsIdlePollers} pollers × one ${M.sqsLongPollSeconds} s long poll, all month`),
      ];
    }
  }
}

export function estimateShared(s: SharedCostInput, prices: PriceTable): CostLine[] {
  const lines: CostLine[] = [
    line(prices, "cloudwatch.alarms.standard", "CloudWatch alarms (standard)", rat(s.alarms.standard), "alarm-months", "cloudwatch.alarm.standard"),
  ];
  if (s.alarms.highResolution)
    lines.push(line(prices, "cloudwatch.alarms.highResolution", "CloudWatch alarms (high resolution)", rat(s.alarms.highResolution), "alarm-months", "cloudwatch.alarm.highResolution"));
  if (s.alarms.composite)
    lines.push(line(prices, "cloudwatch.alarms.composite", "CloudWatch composite alarms", rat(s.alarms.composite), "alarm-months", "cloudwatch.alarm.composite"));
  lines.push(line(prices, "cloudwatch.dashboards", "CloudWatch dashboards", rat(s.dashboards), "dashboard-months", "cloudwatch.dashboard"));
  if (s.customMetrics)
    lines.push(line(prices, "cloudwatch.customMetrics", "CloudWatch custom metrics", rat(s.customMetrics), "metric-months", "cloudwatch.customMetric"));

  const notifications = rat(s.alerts.notificationsPerMonth);
  lines.push(
    line(prices, "sns.publishes", "SNS alert publishes", notifications, "requests", "sns.publishes"),
    line(prices, "sns.email", `SNS email notifications (${s.alerts.emailSubscriptions} subscriptions)`, mul(notifications, rat(s.alerts.emailSubscriptions)), "emails", "sns.emailNotifications"),
  );

  if (s.pipeline) {
    const runs = rat(s.pipeline.runsPerMonth);
    lines.push(
      line(prices, "codepipeline.actionMinutes", "CodePipeline V2 action minutes", mul(runs, rat(s.pipeline.actionMinutesPerRun)), "action-minutes", "codepipeline.v2ActionMinutes"),
      line(prices, "codebuild.minutes", `CodeBuild minutes (${s.pipeline.buildComputeType})`, mul(runs, rat(s.pipeline.buildMinutesPerRun)), "build-minutes", `codebuild.${s.pipeline.buildComputeType}`),
    );
  }
  if (s.table) lines.push(line(prices, "dynamodb.storage", "DynamoDB table storage", rat(s.table.storageGb), "GB-months", "dynamodb.storage"));
  if (s.tracesRetrievedPerMonth)
    lines.push(line(prices, "xray.retrieved", "X-Ray traces retrieved", rat(s.tracesRetrievedPerMonth), "traces", "xray.tracesRetrieved"));

  const budgetDays = mul(rat(s.budgets.actionEnabled), div(rat(M.hoursPerMonth), rat(24)));
  lines.push({
    ...line(prices, "budgets", `AWS Budgets (${s.budgets.total} budgets, ${s.budgets.actionEnabled} with actions)`, budgetDays, "action-enabled budget-days", "budgets.actionEnabledBudgetDay"),
    note: "budgets without actions are free",
  });
  return lines;
}
