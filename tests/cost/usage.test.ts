import { strict as assert } from "assert";
import { validateUsage, UsageContext } from "../../tools/cost";

const ctx: UsageContext = {
  source: "Pulumi.staging.yaml",
  functions: [
    { name: "orders-api", trigger: "http", timeoutSeconds: 3 },
    { name: "fulfil-order", trigger: "queue", timeoutSeconds: 30, batchSize: 5 },
  ],
};
const ok = { monthlyInvocations: 1000, averageDurationMs: 100, logBytesPerInvocation: 500 };

describe("cost: usage validation", () => {
  const bad: [string, unknown, RegExp][] = [
    ["negative invocations", { functions: { "orders-api": { ...ok, monthlyInvocations: -5 } } },
      /Pulumi\.staging\.yaml: `serverless:usage\.functions\.orders-api\.monthlyInvocations` must be 0 or more; got -5/],
    ["fractional invocations", { functions: { "orders-api": { ...ok, monthlyInvocations: 10.5 } } },
      /`serverless:usage\.functions\.orders-api\.monthlyInvocations` must be a whole number; got 10\.5/],
    ["invocations given as text", { functions: { "orders-api": { ...ok, monthlyInvocations: "3M" } } },
      /`serverless:usage\.functions\.orders-api\.monthlyInvocations` must be a number; got "3M"/],
    ["a zero duration", { functions: { "orders-api": { ...ok, averageDurationMs: 0 } } },
      /`serverless:usage\.functions\.orders-api\.averageDurationMs` must be more than 0; got 0/],
    ["a duration over the function's timeout", { functions: { "orders-api": { ...ok, averageDurationMs: 4000 } } },
      /`serverless:usage\.functions\.orders-api\.averageDurationMs` is 4000 ms, longer than the function's timeout of 3 s; lower it, or raise `timeoutSeconds` in functions\/orders-api\/function\.json/],
    ["an unknown function name", { functions: { "order-api": ok } },
      /`serverless:usage\.functions\.order-api` names no function; known functions: fulfil-order, orders-api\. Fix the name or remove the entry\./],
    ["a misspelt key", { functions: { "orders-api": { ...ok, monthlyInvocation: 5 } } },
      /`serverless:usage\.functions\.orders-api` has unknown key\(s\) `monthlyInvocation`/],
    ["messagesPerInvocation on an http function", { functions: { "orders-api": { ...ok, messagesPerInvocation: 2 } } },
      /`serverless:usage\.functions\.orders-api\.messagesPerInvocation` applies to queue consumers only; "orders-api" is triggered by http/],
    ["more messages per batch than the batch size", { functions: { "fulfil-order": { ...ok, messagesPerInvocation: 6 } } },
      /`serverless:usage\.functions\.fulfil-order\.messagesPerInvocation` is 6, more than the batch size 5/],
    ["an unpriced CodeBuild compute type", { pipeline: { runsPerMonth: 1, actionMinutesPerRun: 1, buildMinutesPerRun: 1, buildComputeType: "general1.large" } },
      /`serverless:usage\.pipeline\.buildComputeType` must be one of general1\.small, arm1\.small; got "general1\.large"/],
    ["fractional pipeline minutes", { pipeline: { runsPerMonth: 1, actionMinutesPerRun: 1.5, buildMinutesPerRun: 1, buildComputeType: "arm1.small" } },
      /`serverless:usage\.pipeline\.actionMinutesPerRun` must be a whole number; got 1\.5/],
    ["a zero log retention", { logs: { retentionDays: 0 } }, /`serverless:usage\.logs\.retentionDays` must be 1 or more; got 0/],
  ];
  for (const [what, raw, message] of bad)
    it(`rejects ${what}, naming the file, the key and the value`, () => {
      assert.throws(() => validateUsage(raw, ctx), message);
    });

  it("reports every problem at once", () => {
    const raw = { functions: { "orders-api": { ...ok, averageDurationMs: 4000 }, nope: ok } };

    assert.throws(() => validateUsage(raw, ctx), (e: Error) => e.message.split("\n  - ").length === 3);
  });

  it("accepts valid usage and fills the documented defaults", () => {
    const usage = validateUsage({ functions: { "orders-api": ok } }, ctx);

    assert.deepEqual(usage.functions["orders-api"], ok);
    assert.equal(usage.logRetentionDays, 30);
    assert.equal(usage.tracing, true);
    assert.equal(usage.notificationsPerMonth, 0);
  });

  it("warns, without failing, about a function with no usage", () => {
    const usage = validateUsage({ functions: { "orders-api": ok } }, ctx);

    assert.deepEqual(usage.warnings, ['Pulumi.staging.yaml: no `serverless:usage.functions.fulfil-order`; "fulfil-order" is estimated at 0 invocations.']);
  });
});
