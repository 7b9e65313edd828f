import { strict as assert } from "assert";
import { CatalogFunction, estimateFromPlan, matchFunction, PlannedResource, toMicroUsd } from "../../tools/cost";

const catalog: CatalogFunction[] = [
  { name: "orders-api", settings: { trigger: { type: "http" } } },
  { name: "fulfil-order", settings: { trigger: { type: "queue", batchSize: 10 }, memoryMb: 256 } },
];

/** A small planned staging stack, the shape the offline plan hands over. */
function plan(): PlannedResource[] {
  const r = (type: string, name: string, inputs: Record<string, unknown> = {}): PlannedResource => ({ type, name, inputs });
  return [
    r("aws:lambda/function:Function", "orders-api-function", { name: "serverless-staging-orders-api", memorySize: 512, timeout: 10, architectures: ["arm64"] }),
    r("aws:lambda/function:Function", "fulfil-order-function", { name: "serverless-staging-fulfil-order", memorySize: 1024, timeout: 30, architectures: ["x86_64"] }),
    r("aws:lambda/provisionedConcurrencyConfig:ProvisionedConcurrencyConfig", "orders-api-provisioned", { functionName: "serverless-staging-orders-api", provisionedConcurrentExecutions: 2 }),
    r("aws:lambda/eventSourceMapping:EventSourceMapping", "fulfil-order-queue-mapping", { batchSize: 5 }),
    r("aws:cloudwatch/logGroup:LogGroup", "orders-api-logs", { name: "/aws/lambda/serverless-staging-orders-api", retentionInDays: 14 }),
    r("aws:cloudwatch/metricAlarm:MetricAlarm", "orders-api-errors", { period: 60 }),
    r("aws:cloudwatch/metricAlarm:MetricAlarm", "orders-api-p99", { period: 60 }),
    r("aws:cloudwatch/metricAlarm:MetricAlarm", "fulfil-order-errors", { period: 60 }),
    r("aws:cloudwatch/metricAlarm:MetricAlarm", "fulfil-order-dlq", { metricQueries: [{ id: "m", metric: { period: 10 } }] }),
    r("aws:cloudwatch/compositeAlarm:CompositeAlarm", "service-health"),
    r("aws:cloudwatch/dashboard:Dashboard", "service-dashboard"),
    r("aws:budgets/budget:Budget", "stack-budget", { name: "serverless-staging" }),
    r("aws:sns/topic:Topic", "alerts"),
    r("aws:sns/topicSubscription:TopicSubscription", "alerts-oncall", { protocol: "email" }),
    r("aws:sns/topicSubscription:TopicSubscription", "alerts-team", { protocol: "email" }),
    r("aws:sns/topicSubscription:TopicSubscription", "alerts-chat", { protocol: "https" }),
    r("aws:codepipeline/pipeline:Pipeline", "delivery"),
    r("aws:dynamodb/table:Table", "orders-table"),
  ];
}

const usage = {
  functions: {
    "orders-api": { monthlyInvocations: 3_000_000, averageDurationMs: 120, logBytesPerInvocation: 1024 },
    "fulfil-order": { monthlyInvocations: 1_000_000, averageDurationMs: 200, logBytesPerInvocation: 0 },
  },
  pipeline: { runsPerMonth: 40, actionMinutesPerRun: 15, buildMinutesPerRun: 6, buildComputeType: "arm1.small" },
  table: { storageGb: 1 },
  alerts: { notificationsPerMonth: 10 },
  tracing: { enabled: false },
};
const config = { stack: "staging", region: "us-east-1", source: "Pulumi.staging.yaml", functions: catalog, usage };

describe("cost: estimate from a planned stack", () => {
  it("takes memory, architecture and provisioned concurrency from the planned resources", () => {
    const e = estimateFromPlan(plan(), config);
    const fulfil = e.functions.find((f) => f.name === "fulfil-order")!;
    const orders = e.functions.find((f) => f.name === "orders-api")!;

    assert.deepEqual([fulfil.memoryMb, fulfil.architecture], [1024, "x86_64"]); // the plan wins over function.json's 256 MB
    assert.equal(orders.provisionedConcurrency, 2);
    // 1e6 × 0.2 s × 1 GB = 200,000 GB-s × $0.0000166667 = $3.33334
    assert.equal(toMicroUsd(fulfil.lines.find((l) => l.key === "lambda.compute")!.amount), 3_333_340);
  });

  it("uses the planned log group's retention for storage: 14 days", () => {
    const e = estimateFromPlan(plan(), config);

    assert.equal(e.functions.find((f) => f.name === "orders-api")!.lines.find((l) => l.key === "logs.storage")!.label, "CloudWatch Logs storage (14 days)");
  });

  it("counts alarms by kind, dashboards, budgets and email subscriptions from the plan", () => {
    const e = estimateFromPlan(plan(), config);
    const shared = Object.fromEntries(e.shared.map((l) => [l.key, toMicroUsd(l.amount)]));

    assert.equal(shared["cloudwatch.alarms.standard"], 300_000); // 3 standard × $0.10
    assert.equal(shared["cloudwatch.alarms.highResolution"], 300_000); // the 10 s DLQ alarm × $0.30
    assert.equal(shared["cloudwatch.alarms.composite"], 500_000);
    assert.equal(shared["cloudwatch.dashboards"], 3_000_000);
    assert.equal(shared["sns.email"], 400); // 10 notifications × 2 email subscriptions × $2.00/100K
    assert.equal(shared["budgets"], 0); // one budget, no actions
    assert.equal(shared["codepipeline.actionMinutes"], 1_200_000);
    assert.equal(shared["dynamodb.storage"], 250_000);
  });

  it("uses the event source mapping's batch size when validating usage", () => {
    const tooBig = { ...usage, functions: { ...usage.functions, "fulfil-order": { ...usage.functions["fulfil-order"], messagesPerInvocation: 6 } } };

    assert.throws(() => estimateFromPlan(plan(), { ...config, usage: tooBig }), /messagesPerInvocation` is 6, more than the batch size 5/);
  });

  it("rejects usage for a function the stack does not have, naming the stack file", () => {
    const typo = { functions: { "order-api": usage.functions["orders-api"] } };

    assert.throws(() => estimateFromPlan(plan(), { ...config, usage: typo }), /Pulumi\.staging\.yaml: `serverless:usage\.functions\.order-api` names no function/);
  });

  it("warns when the plan has a pipeline but usage says nothing about it", () => {
    const e = estimateFromPlan(plan(), { ...config, usage: { functions: usage.functions } });

    assert.ok(e.warnings.some((w) => w.includes("`serverless:usage.pipeline` is absent")), e.warnings.join("\n"));
    assert.equal(e.shared.some((l) => l.key === "codepipeline.actionMinutes"), false);
  });

  it("falls back to function.json and the stack defaults when the plan has no function resource", () => {
    const e = estimateFromPlan([], { ...config, usage: {}, functionDefaults: { memoryMb: 256, timeoutSeconds: 6 } });

    assert.deepEqual(e.functions.map((f) => [f.name, f.memoryMb, f.architecture]), [["fulfil-order", 256, "arm64"], ["orders-api", 256, "arm64"]]);
    assert.ok(e.warnings.some((w) => w.includes('No aws:lambda/function:Function planned for "orders-api"')));
  });

  it("matches a resource to the longest function name it ends with", () => {
    const r = { type: "aws:cloudwatch/logGroup:LogGroup", name: "x", inputs: { name: "/aws/lambda/serverless-prod-orders-api" } };

    assert.equal(matchFunction(r, ["api", "orders-api"]), "orders-api");
  });
});
