import { strict as assert } from "assert";
import { CostLine, Estimate, estimateMonthlyCost, loadPriceTable, toFixed, toMicroUsd } from "../../tools/cost";
import { fn, NO_SHARED } from "./fixtures";

const usEast1 = loadPriceTable("us-east-1");
const euWest1 = loadPriceTable("eu-west-1");

/** The exact amount of one line, in micro-dollars (what the JSON plan carries). */
function micro(e: Estimate, fnName: string, key: string): number {
  const l = e.functions.find((f) => f.name === fnName)?.lines.find((x: CostLine) => x.key === key);
  assert.ok(l, `no line ${key} for ${fnName}; lines: ${e.functions.flatMap((f) => f.lines.map((x) => `${f.name}/${x.key}`)).join(", ")}`);
  return toMicroUsd(l.amount);
}
const sharedMicro = (e: Estimate, key: string) => toMicroUsd(e.shared.find((l) => l.key === key)!.amount);

describe("cost: Lambda requests and compute", () => {
  it("prices 3,000,000 invocations × 120 ms × 512 MB on arm64 at $2.40 compute and $0.60 requests", () => {
    // compute: 3e6 × 0.12 s × 0.5 GB = 180,000 GB-s × $0.0000133334 = $2.400012
    // requests: 3 × $0.20 = $0.60
    const e = estimateMonthlyCost({ functions: [fn()], shared: NO_SHARED }, usEast1);

    assert.equal(micro(e, "orders-api", "lambda.compute"), 2_400_012);
    assert.equal(micro(e, "orders-api", "lambda.requests"), 600_000);
    assert.equal(toFixed(e.functions[0].lines.find((l) => l.key === "lambda.compute")!.quantity, 0), "180000");
  });

  it("prices x86_64 at $0.0000166667 per GB-s: 30,000,000 × 200 ms × 128 MB = $12.50", () => {
    // 30e6 × 0.2 s × 0.125 GB = 750,000 GB-s × $0.0000166667 = $12.500025; requests 30 × $0.20 = $6.00
    const e = estimateMonthlyCost(
      { functions: [fn({ architecture: "x86_64", memoryMb: 128, usage: { monthlyInvocations: 30_000_000, averageDurationMs: 200 } })], shared: NO_SHARED },
      usEast1,
    );

    assert.equal(micro(e, "orders-api", "lambda.compute"), 12_500_025);
    assert.equal(micro(e, "orders-api", "lambda.requests"), 6_000_000);
  });

  it("charges ephemeral storage above 512 MB only: 2,048 MB × 1,000,000 × 1 s = $0.05", () => {
    // extra 1,536 MB = 1.5 GB × 1e6 × 1 s = 1,500,000 GB-s × $0.0000000309 = $0.04635
    const e = estimateMonthlyCost({ functions: [fn({ ephemeralStorageMb: 2048, usage: { monthlyInvocations: 1_000_000, averageDurationMs: 1000 } })], shared: NO_SHARED }, usEast1);

    assert.equal(micro(e, "orders-api", "lambda.ephemeralStorage"), 46_350);
  });

  it("adds no ephemeral storage line at the free 512 MB", () => {
    const e = estimateMonthlyCost({ functions: [fn({ ephemeralStorageMb: 512 })], shared: NO_SHARED }, usEast1);

    assert.equal(e.functions[0].lines.some((l) => l.key === "lambda.ephemeralStorage"), false);
  });
});

describe("cost: provisioned concurrency", () => {
  it("charges 2 × 512 MB provisioned all month on arm64 at $8.76, and serves the traffic at the reduced $0.0000077778", () => {
    // provisioned: 2 × 0.5 GB × 730 h × 3,600 s = 2,628,000 GB-s × $0.0000033334 = $8.7601752
    // duration: 180,000 GB-s fit in 2,628,000 of capacity -> 180,000 × $0.0000077778 = $1.400004; nothing on demand
    const e = estimateMonthlyCost({ functions: [fn({ provisionedConcurrency: 2 })], shared: NO_SHARED }, usEast1);

    assert.equal(micro(e, "orders-api", "lambda.provisioned"), 8_760_175);
    assert.equal(micro(e, "orders-api", "lambda.provisionedCompute"), 1_400_004);
    assert.equal(e.functions[0].lines.some((l) => l.key === "lambda.compute"), false);
  });

  it("bills what exceeds the provisioned capacity at the on-demand price (x86_64, 1 × 1,024 MB)", () => {
    // usage: 10e6 × 0.5 s × 1 GB = 5,000,000 GB-s; capacity: 1 × 1 GB × 2,628,000 s = 2,628,000 GB-s
    // provisioned:  2,628,000 × $0.0000041667 = $10.9500876
    // on provisioned: 2,628,000 × $0.0000097222 = $25.5499416
    // overflow: (5,000,000 - 2,628,000) = 2,372,000 × $0.0000166667 = $39.5334124
    const e = estimateMonthlyCost(
      { functions: [fn({ architecture: "x86_64", memoryMb: 1024, provisionedConcurrency: 1, usage: { monthlyInvocations: 10_000_000, averageDurationMs: 500 } })], shared: NO_SHARED },
      usEast1,
    );

    assert.equal(micro(e, "orders-api", "lambda.provisioned"), 10_950_088);
    assert.equal(micro(e, "orders-api", "lambda.provisionedCompute"), 25_549_942);
    assert.equal(micro(e, "orders-api", "lambda.compute"), 39_533_412);
  });
});

describe("cost: logs and traces", () => {
  it("prices 1 KiB of logs per invocation: 3e6 × 1,024 B = 2.861 GB ingested ($1.43) and 30 days stored ($0.08)", () => {
    // ingestion: 3,072,000,000 B ÷ 2^30 = 2.86102294921875 GB × $0.50 = $1.430511474609375
    // storage: 2.86102294921875 GB × 30 days × 24 h ÷ 730 h = 2.8218308... GB-month × $0.03 = $0.0846549...
    const e = estimateMonthlyCost({ functions: [fn({ usage: { logBytesPerInvocation: 1024 } })], shared: NO_SHARED }, usEast1);

    assert.equal(micro(e, "orders-api", "logs.ingestion"), 1_430_511);
    assert.equal(micro(e, "orders-api", "logs.storage"), 84_655);
  });

  it("samples X-Ray at 1 trace per second plus 5% of the rest: 3,000,000 invocations -> 2,646,600 traces, $13.23", () => {
    // reservoir: 1/s × 2,628,000 s = 2,628,000; rest: 372,000 × 5% = 18,600; × $5.00 per 1M = $13.233
    const e = estimateMonthlyCost({ functions: [fn({ tracing: true })], shared: NO_SHARED }, usEast1);

    assert.equal(micro(e, "orders-api", "xray.traces"), 13_233_000);
  });

  it("records every invocation when traffic stays under one per second: 100,000 -> $0.50", () => {
    const e = estimateMonthlyCost({ functions: [fn({ tracing: true, usage: { monthlyInvocations: 100_000 } })], shared: NO_SHARED }, usEast1);

    assert.equal(micro(e, "orders-api", "xray.traces"), 500_000);
  });
});

describe("cost: each trigger's own service", () => {
  it("charges API Gateway HTTP API requests for an http function: 3e6 × $1.00 per 1M = $3.00", () => {
    const e = estimateMonthlyCost({ functions: [fn()], shared: NO_SHARED }, usEast1);

    assert.equal(micro(e, "orders-api", "apigateway.requests"), 3_000_000);
  });

  it("charges a queue consumer for the bus event, the send, a receive and a delete per batch, and idle polling", () => {
    // 1,000,000 batches of 1 message of 1 KB:
    // EventBridge: 1e6 events × $1.00/1M = $1.00; SQS send: 1e6 × $0.40/1M = $0.40
    // receive + delete: 1e6 × (1 + 1) = 2e6 × $0.40/1M = $0.80
    // idle polls: 5 pollers × 2,628,000 s ÷ 20 s = 657,000 × $0.40/1M = $0.2628
    const e = estimateMonthlyCost({ functions: [fn({ name: "fulfil-order", trigger: "queue", usage: { monthlyInvocations: 1_000_000 } })], shared: NO_SHARED }, usEast1);

    assert.equal(micro(e, "fulfil-order", "eventbridge.events"), 1_000_000);
    assert.equal(micro(e, "fulfil-order", "sqs.send"), 400_000);
    assert.equal(micro(e, "fulfil-order", "sqs.receiveDelete"), 800_000);
    assert.equal(micro(e, "fulfil-order", "sqs.idlePolls"), 262_800);
  });

  it("counts one receive and one delete per batch, so 10-message batches cut them tenfold", () => {
    // 100,000 batches × 10 messages = 1e6 messages; send 1e6 ($0.40); receive + delete 100,000 × 2 = 200,000 ($0.08)
    const e = estimateMonthlyCost(
      { functions: [fn({ name: "fulfil-order", trigger: "queue", batchSize: 10, usage: { monthlyInvocations: 100_000, messagesPerInvocation: 10 } })], shared: NO_SHARED },
      usEast1,
    );

    assert.equal(micro(e, "fulfil-order", "sqs.send"), 400_000);
    assert.equal(micro(e, "fulfil-order", "sqs.receiveDelete"), 80_000);
  });

  it("bills every 64 KB chunk: 100 KB messages in batches of 10", () => {
    // per message: ceil(102,400 ÷ 65,536) = 2 chunks -> 1e6 messages = 2e6 events ($2.00) and 2e6 sends ($0.80)
    // per batch: receive ceil(10 × 102,400 ÷ 65,536) = 16 chunks + 1 delete = 17 -> 100,000 × 17 = 1,700,000 ($0.68)
    const e = estimateMonthlyCost(
      {
        functions: [fn({ name: "fulfil-order", trigger: "queue", batchSize: 10, usage: { monthlyInvocations: 100_000, messagesPerInvocation: 10, messageBytes: 102_400 } })],
        shared: NO_SHARED,
      },
      usEast1,
    );

    assert.equal(micro(e, "fulfil-order", "eventbridge.events"), 2_000_000);
    assert.equal(micro(e, "fulfil-order", "sqs.send"), 800_000);
    assert.equal(micro(e, "fulfil-order", "sqs.receiveDelete"), 680_000);
  });

  it("charges an event consumer for the bus events that invoke it: 200,000 × $1.00 per 1M = $0.20", () => {
    const e = estimateMonthlyCost({ functions: [fn({ name: "notify-customer", trigger: "event", usage: { monthlyInvocations: 200_000 } })], shared: NO_SHARED }, usEast1);

    assert.equal(micro(e, "notify-customer", "eventbridge.events"), 200_000);
  });

  it("shows a scheduled function's trigger as free", () => {
    const e = estimateMonthlyCost({ functions: [fn({ name: "reconcile-orders", trigger: "schedule", usage: { monthlyInvocations: 8_760 } })], shared: NO_SHARED }, usEast1);
    const schedule = e.functions[0].lines.find((l) => l.key === "eventbridge.schedule")!;

    assert.equal(schedule.free, true);
    assert.equal(toMicroUsd(schedule.amount), 0);
  });

  it("charges DynamoDB request units per invocation: 1e6 writes at $0.625 and 2e6 reads at $0.125 per 1M", () => {
    const e = estimateMonthlyCost(
      { functions: [fn({ name: "fulfil-order", trigger: "queue", usage: { monthlyInvocations: 1_000_000, dynamodbWriteUnitsPerInvocation: 1, dynamodbReadUnitsPerInvocation: 2 } })], shared: NO_SHARED },
      usEast1,
    );

    assert.equal(micro(e, "fulfil-order", "dynamodb.writes"), 625_000);
    assert.equal(micro(e, "fulfil-order", "dynamodb.reads"), 250_000);
  });
});

describe("cost: shared lines", () => {
  it("prices alarms, dashboards, alerts, the pipeline, the table and budgets", () => {
    const e = estimateMonthlyCost(
      {
        functions: [],
        shared: {
          alarms: { standard: 12, highResolution: 2, composite: 1 }, // 12 × $0.10, 2 × $0.30, 1 × $0.50
          dashboards: 1, // $3.00 (the account's 3 free dashboards are not applied)
          budgets: { total: 2, actionEnabled: 1 }, // 1 × 730 ÷ 24 days × $0.10 = $3.041666...
          alerts: { emailSubscriptions: 2, notificationsPerMonth: 20 }, // 20 publishes × $0.50/1M; 40 emails × $2.00/100K = $0.0008
          pipeline: { runsPerMonth: 40, actionMinutesPerRun: 15, buildMinutesPerRun: 6, buildComputeType: "arm1.small" }, // 600 × $0.002; 240 × $0.0034
          table: { storageGb: 4 }, // 4 × $0.25
          customMetrics: 10, // 10 × $0.30
          tracesRetrievedPerMonth: 2_000_000, // 2 × $0.50
        },
      },
      usEast1,
    );

    assert.equal(sharedMicro(e, "cloudwatch.alarms.standard"), 1_200_000);
    assert.equal(sharedMicro(e, "cloudwatch.alarms.highResolution"), 600_000);
    assert.equal(sharedMicro(e, "cloudwatch.alarms.composite"), 500_000);
    assert.equal(sharedMicro(e, "cloudwatch.dashboards"), 3_000_000);
    assert.equal(sharedMicro(e, "cloudwatch.customMetrics"), 3_000_000);
    assert.equal(sharedMicro(e, "sns.publishes"), 10);
    assert.equal(sharedMicro(e, "sns.email"), 800);
    assert.equal(sharedMicro(e, "codepipeline.actionMinutes"), 1_200_000);
    assert.equal(sharedMicro(e, "codebuild.minutes"), 816_000);
    assert.equal(sharedMicro(e, "dynamodb.storage"), 1_000_000);
    assert.equal(sharedMicro(e, "xray.retrieved"), 1_000_000);
    assert.equal(sharedMicro(e, "budgets"), 3_041_667);
  });

  it("prices general1.small CodeBuild minutes at $0.005: 240 minutes = $1.20", () => {
    const e = estimateMonthlyCost(
      { functions: [], shared: { ...NO_SHARED, pipeline: { runsPerMonth: 40, actionMinutesPerRun: 0, buildMinutesPerRun: 6, buildComputeType: "general1.small" } } },
      usEast1,
    );

    assert.equal(sharedMicro(e, "codebuild.minutes"), 1_200_000);
  });

  it("charges nothing for budgets without actions", () => {
    const e = estimateMonthlyCost({ functions: [], shared: { ...NO_SHARED, budgets: { total: 1, actionEnabled: 0 } } }, usEast1);

    assert.equal(sharedMicro(e, "budgets"), 0);
  });
});

describe("cost: totals", () => {
  it("totals orders-api with logs and tracing at $20.75 from the exact sum of its lines", () => {
    // 0.60 + 2.400012 + 1.430511474609375 (logs) + 0.0846549... (storage) + 3.00 (API) + 13.233 (X-Ray) = 20.74817840...
    const e = estimateMonthlyCost({ functions: [fn({ tracing: true, usage: { logBytesPerInvocation: 1024 } })], shared: NO_SHARED }, usEast1);

    assert.equal(toMicroUsd(e.functions[0].total), 20_748_178);
    assert.equal(toFixed(e.total, 2), "20.75");
  });

  it("rounds only the total: three functions of $0.004 show $0.00 each and total $0.01", () => {
    // each: requests 20,000 × $0.20/1M = $0.004; compute 20,000 × 0.001 s × 0.125 GB = 2.5 GB-s × $0.0000166667 = $0.0000416...
    const tiny = (name: string) => fn({ name, trigger: "schedule", architecture: "x86_64", memoryMb: 128, usage: { monthlyInvocations: 20_000, averageDurationMs: 1 } });
    const e = estimateMonthlyCost({ functions: [tiny("a-fn"), tiny("b-fn"), tiny("c-fn")], shared: NO_SHARED }, usEast1);

    assert.deepEqual(e.functions.map((f) => toFixed(f.total, 2)), ["0.00", "0.00", "0.00"]);
    assert.equal(toFixed(e.total, 2), "0.01");
    assert.equal(toMicroUsd(e.total), 12_125); // 3 × 0.00404166675 = 0.01212500025
  });

  it("uses the region's table: the same function costs more in eu-west-1 for API Gateway and logs", () => {
    // eu-west-1: API Gateway HTTP 3e6 × $1.11/1M = $3.33; logs 2.86102294921875 GB × $0.57 = $1.6307830810546875
    const e = estimateMonthlyCost({ functions: [fn({ usage: { logBytesPerInvocation: 1024 } })], shared: NO_SHARED }, euWest1);

    assert.equal(e.region, "eu-west-1");
    assert.equal(micro(e, "orders-api", "apigateway.requests"), 3_330_000);
    assert.equal(micro(e, "orders-api", "logs.ingestion"), 1_630_783);
  });

  it("sorts functions by name so two runs print the same plan", () => {
    const e = estimateMonthlyCost({ functions: [fn({ name: "zeta-fn" }), fn({ name: "alpha-fn" })], shared: NO_SHARED }, usEast1);

    assert.deepEqual(e.functions.map((f) => f.name), ["alpha-fn", "zeta-fn"]);
  });
});
