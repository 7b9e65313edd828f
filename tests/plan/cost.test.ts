import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { main } from "../../tools/plan/cli";
import { costComparison, COST_NOT_CONFIGURED } from "../../tools/plan/cost";
import { capture, fixtureProgram, removeDir } from "./fixtures";

/**
 * Two functions of the catalog (functions/<name>/function.json), planned with the settings the cost
 * depends on: memory, architecture, timeout, log retention; plus two alarms and a dashboard.
 */
const COST_PROGRAM = `
import * as pulumi from "@pulumi/pulumi";
import * as aws from "@pulumi/aws";

const stack = pulumi.getStack();
const role = new aws.iam.Role("app-role", {
  assumeRolePolicy: JSON.stringify({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Principal: { Service: "lambda.amazonaws.com" }, Action: "sts:AssumeRole" }] }),
});
const code = new pulumi.asset.AssetArchive({ "index.js": new pulumi.asset.StringAsset("exports.handler = async () => 1;") });
for (const [name, memorySize, timeout] of [["hello-api", 1024, 10], ["nightly-job", 512, 60]] as const) {
  const physical = \`fixture-\${stack}-\${name}\`;
  new aws.lambda.Function(name, { name: physical, role: role.arn, runtime: "nodejs22.x", handler: "index.handler", memorySize, timeout, architectures: ["arm64"], code });
  new aws.cloudwatch.LogGroup(\`\${name}-logs\`, { name: \`/aws/lambda/\${physical}\`, retentionInDays: 365 });
  new aws.cloudwatch.MetricAlarm(\`\${name}-errors\`, {
    comparisonOperator: "GreaterThanThreshold", evaluationPeriods: 1, metricName: "Errors", namespace: "AWS/Lambda",
    period: 60, statistic: "Sum", threshold: 0, dimensions: { FunctionName: physical },
  });
}
new aws.cloudwatch.Dashboard("service", { dashboardName: \`fixture-\${stack}\`, dashboardBody: "{}" });
`;

const FUNCTIONS: Record<string, string> = {
  "functions/hello-api/function.json": JSON.stringify({ description: "says hello", trigger: { type: "http", method: "GET", path: "/hello" } }),
  "functions/hello-api/handler.ts": "export const handler = async () => ({ statusCode: 200 });\n",
  "functions/nightly-job/function.json": JSON.stringify({ description: "runs nightly", trigger: { type: "schedule", expression: "rate(1 hour)" } }),
  "functions/nightly-job/handler.ts": "export const handler = async () => undefined;\n",
};

const usage = (helloInvocations: number) => `  serverless:usage:
    functions:
      hello-api: { monthlyInvocations: ${helloInvocations}, averageDurationMs: 250, logBytesPerInvocation: 1024 }
      nightly-job: { monthlyInvocations: 720, averageDurationMs: 1000, logBytesPerInvocation: 0 }
    tracing: { enabled: false }
`;
const REGION = "config:\n  aws:region: us-east-1\n";

/*
 * dev, by hand (us-east-1 table of 2026-11-23; tracing off, no alert notifications):
 * hello-api: 1,048,576 invocations × 250 ms × 1024 MB arm64, 1,024 log bytes each, logs kept 365 days
 *   requests      1,048,576 × $0.20/1M                                = 0.2097152
 *   compute       1,048,576 × 0.25 s × 1 GB = 262,144 GB-s × $0.0000133334 = 3.4952708096
 *   log ingestion 1,048,576 × 1,024 B = 2^30 B = 1 GB × $0.50           = 0.50
 *   log storage   1 GB × 365 days × 24 h / 730 h = 12 GB-month × $0.03  = 0.36   (unverified price: *)
 *   HTTP API      1,048,576 × $1.00/1M                                 = 1.048576
 *   hello-api                                                          = 5.6135620096 -> $5.61
 * nightly-job: 720 × $0.20/1M = 0.000144; 720 × 1 s × 0.5 GB = 360 GB-s × $0.0000133334 = 0.004800024;
 *   no logs; the schedule is free                                       = 0.004944024  -> $0.00
 * shared: 2 standard alarms × $0.10 = 0.20; 1 dashboard × $3.00 = 3.00   = 3.20
 * total: 5.6135620096 + 0.004944024 + 3.20                             = 8.8185060336 -> $8.82
 * prod doubles hello-api's invocations; every hello-api line is linear in them:
 *   2 × 5.6135620096 + 0.004944024 + 3.20 = 14.4320680432 -> $14.43; delta +5.6135620096 -> +$5.61
 */
const DEV_TOTAL = { usd: "8.82", microUsd: 8_818_506 };
const HELLO_DEV = { usd: "5.61", microUsd: 5_613_562 };

describe("offline plan: cost estimate", () => {
  let program: string;
  before(() => {
    program = fixtureProgram({ dev: REGION + usage(1_048_576), prod: REGION + usage(2_097_152), bare: REGION }, COST_PROGRAM);
    for (const [rel, content] of Object.entries(FUNCTIONS)) {
      fs.mkdirSync(path.dirname(path.join(program, rel)), { recursive: true });
      fs.writeFileSync(path.join(program, rel), content);
    }
  });
  after(() => removeDir(program));

  const run = async (...args: string[]) => {
    const out = capture();
    const err = capture();
    const code = await main(["--program", program, "--no-build", ...args], out.stream, err.stream);
    return { code, out: out.text(), err: err.text() };
  };

  /** A stack file present for one test only. */
  const withStack = async <T>(name: string, yaml: string, f: () => Promise<T>): Promise<T> => {
    const file = path.join(program, `Pulumi.${name}.yaml`);
    fs.writeFileSync(file, yaml);
    try {
      return await f();
    } finally {
      fs.rmSync(file);
    }
  };

  it("shows each function's and the stack's monthly cost after the policy verdict, with the table's date and the unverified marker", async () => {
    const { code, out } = await run("--stack", "dev");

    assert.equal(code, 0);
    const policyAt = out.indexOf("Policy: no policy pack");
    const costAt = out.indexOf("Monthly cost estimate: stack dev, us-east-1 (USD, list prices as of 2026-11-23, tools/cost/prices/us-east-1.2026-11.json)");
    assert.ok(policyAt >= 0 && costAt > policyAt, `the estimate follows the policy verdict:\n${out}`);
    assert.match(out, /^hello-api \(http, arm64, 1024 MB, 1,048,576 invocations\)\s+\$5\.61$/m);
    assert.match(out, /^nightly-job \(schedule, arm64, 512 MB, 720 invocations\)\s+\$0\.00$/m);
    assert.match(out, /^ {2}CloudWatch Logs storage \(365 days\)\s+12 GB-month × \$0\.03\/GB-month stored\s+\$0\.36\*$/m);
    assert.match(out, /^Total\s+\$8\.82$/m);
    assert.match(out, /^\* unverified price \(logs\.storage\); see docs\/cost\.md$/m);
    assert.match(out, /dev: \d+ resources in 0 components; policy passed \(no policy pack\); 0 advisory; \$8\.82\/month estimated\.\n$/);
  });

  it("shows the estimate in Markdown: per function, the total, and the monthly total in the summary", async () => {
    const { code, out } = await run("--stack", "dev", "--markdown");

    assert.equal(code, 0);
    assert.match(out, /^\*\*dev: .*; \$8\.82\/month estimated\.\*\*$/m);
    assert.match(out, /^#### Monthly cost estimate: `dev` \(us-east-1\)$/m);
    assert.match(out, /^\| hello-api \| http \| arm64 \| 1024 MB \| 1,048,576 \| \$5\.61 \|$/m);
    assert.match(out, /^\| \*\*Total\*\* \| \| \| \| \| \*\*\$8\.82\*\* \|$/m);
    assert.ok(out.indexOf("Monthly cost estimate") < out.indexOf("<details><summary>Resources</summary>"));
  });

  it("writes the estimate as `cost` in the JSON plan, after the documented keys", async () => {
    const file = path.join(program, "out", "plan.json");
    const { code } = await run("--stack", "dev", "--json", file);
    const json = JSON.parse(fs.readFileSync(file, "utf8"));

    assert.equal(code, 0);
    assert.deepEqual(Object.keys(json), ["project", "stack", "resources", "policy", "summary", "cost"]);
    assert.deepEqual(json.cost.total, DEV_TOTAL);
    const hello = json.cost.functions.find((f: { name: string }) => f.name === "hello-api");
    assert.deepEqual(hello.total, HELLO_DEV);
    assert.deepEqual(
      hello.lines.map((l: { key: string; microUsd: number }) => [l.key, l.microUsd]),
      [["lambda.requests", 209_715], ["lambda.compute", 3_495_271], ["logs.ingestion", 500_000], ["logs.storage", 360_000], ["apigateway.requests", 1_048_576]],
    );
    assert.deepEqual(json.cost.unverifiedPrices, ["logs.storage"]);
    assert.equal(json.cost.asOf, "2026-11-23");
  });

  it("says the estimate is not configured for a stack without serverless:usage, and exits 0", async () => {
    const file = path.join(program, "out", "bare.json");
    const { code, out } = await run("--stack", "bare", "--json", file);

    assert.equal(code, 0);
    assert.ok(out.includes(`\n${COST_NOT_CONFIGURED}\n`), out);
    assert.equal(COST_NOT_CONFIGURED, "cost estimate: not configured (set serverless:usage, see docs/cost.md)");
    assert.match(out, /bare: \d+ resources in 0 components; policy passed \(no policy pack\); 0 advisory\.\n$/);
    assert.equal(JSON.parse(fs.readFileSync(file, "utf8")).cost, null);
  });

  const badUsage: [string, string, RegExp][] = [
    [
      "a duration longer than the function's timeout",
      usage(1000).replace("averageDurationMs: 250", "averageDurationMs: 20000"),
      /Pulumi\.bad\.yaml: `serverless:usage\.functions\.hello-api\.averageDurationMs` is 20000 ms, longer than the function's timeout of 10 s/,
    ],
    ["a function the catalog does not have", usage(1000).replace("nightly-job:", "nightly-jbo:"), /Pulumi\.bad\.yaml: `serverless:usage\.functions\.nightly-jbo` names no function; known functions: hello-api, nightly-job/],
    ["a misspelt key", usage(1000).replace("logBytesPerInvocation: 0", "logBytesPerInvocaton: 0"), /Pulumi\.bad\.yaml: `serverless:usage\.functions\.nightly-job` has unknown key\(s\) `logBytesPerInvocaton`/],
    ["a value that is not a mapping", "  serverless:usage: lots\n", /Pulumi\.bad\.yaml: `serverless:usage` must be a mapping; got "lots"/],
  ];
  for (const [what, yaml, message] of badUsage) {
    it(`exits 2 on usage with ${what}, naming the stack file and the key, without a stack trace`, async () => {
      const { code, err } = await withStack("bad", REGION + yaml, () => run("--stack", "bad"));

      assert.equal(code, 2);
      assert.match(err, message);
      assert.doesNotMatch(err, /\n\s+at /);
    });
  }

  it("exits 2 when the stack's region has no price table, naming the regions that have one", async () => {
    const { code, err } = await withStack("tokyo", `config:\n  aws:region: ap-northeast-1\n${usage(1000)}`, () => run("--stack", "tokyo"));

    assert.equal(code, 2);
    assert.match(err, /No price table for region "ap-northeast-1" .*\(have: eu-west-1, us-east-1\)/);
  });

  it("shows each stack's total and the delta between stacks with --all", async () => {
    const { code, out } = await run("--all");

    assert.equal(code, 0);
    assert.match(out, /^Monthly cost by stack \(USD\):\n {2}dev {3}\$8\.82\n {2}prod {2}\$14\.43\n {2}bare {2}not configured$/m);
    assert.match(out, /^Cost delta: stack dev, us-east-1 -> stack prod, us-east-1 \(USD per month\)$/m);
    assert.match(out, /^hello-api\s+\$5\.61\s+\$11\.23\s+\+\$5\.61$/m);
    assert.match(out, /^nightly-job\s+\$0\.00\s+\$0\.00\s+\$0\.00$/m);
    assert.match(out, /^Total\s+\$8\.82\s+\$14\.43\s+\+\$5\.61$/m);
  });

  it("shows usage that differs between stacks in the parity table key by key, not as one long JSON value", async () => {
    const { out } = await run("--all");
    const parity = out.slice(out.indexOf("Environment parity"));

    assert.match(parity, /^ {2}serverless:usage\.functions\.hello-api\.monthlyInvocations\s+—\s+1048576\s+2097152$/m);
    assert.doesNotMatch(parity, /\{"functions"/);
  });

  it("shows the totals and the delta in Markdown with --all --markdown", async () => {
    const { code, out } = await run("--all", "--markdown");

    assert.equal(code, 0);
    assert.match(out, /^\| `prod` \| \$14\.43 \|$/m);
    assert.match(out, /^#### Cost delta: `dev` → `prod`$/m);
    assert.match(out, /^\| \*\*Total\*\* \| \*\*\$8\.82\*\* \| \*\*\$14\.43\*\* \| \*\*\+\$5\.61\*\* \|$/m);
  });

  it("compares stacks from the cheapest up, whatever order they are planned in", () => {
    const estimate = (stack: string, usd: bigint) => ({ stack, region: "us-east-1", asOf: "2026-11-23", functions: [], shared: [], total: { n: usd, d: 1n } }) as never;
    const { totals, deltas } = costComparison([{ stack: "prod", cost: estimate("prod", 9n) }, { stack: "qa" }, { stack: "staging", cost: estimate("staging", 2n) }]);

    assert.deepEqual(totals.map((s) => s.stack), ["staging", "prod", "qa"]);
    assert.deepEqual(deltas.map((d) => [d.from.stack, d.to.stack, d.total.delta]), [["staging", "prod", { n: 7n, d: 1n }]]);
  });
});
