import { strict as assert } from "assert";
import { diffEstimates, estimateMonthlyCost, loadPriceTable, toMicroUsd } from "../../tools/cost";
import { fn, NO_SHARED } from "./fixtures";

const prices = loadPriceTable("us-east-1");

describe("cost: delta between stacks", () => {
  it("shows what prod's provisioned concurrency and traffic add over staging", () => {
    // staging: 300,000 × 120 ms × 0.5 GB = 18,000 GB-s × $0.0000133334 = $0.2400012; requests $0.06; API $0.30 -> $0.6000012
    // prod: 3e6 on 2 provisioned: $8.7601752 + 180,000 × $0.0000077778 = $1.400004; requests $0.60; API $3.00 -> $13.7601792
    // delta: 13.7601792 - 0.6000012 = $13.160178
    const staging = estimateMonthlyCost({ stack: "staging", functions: [fn({ usage: { monthlyInvocations: 300_000 } })], shared: NO_SHARED }, prices);
    const prod = estimateMonthlyCost({ stack: "prod", functions: [fn({ provisionedConcurrency: 2 })], shared: NO_SHARED }, prices);

    const d = diffEstimates(staging, prod);

    assert.equal(toMicroUsd(d.functions[0].from), 600_001);
    assert.equal(toMicroUsd(d.functions[0].to), 13_760_179);
    assert.equal(toMicroUsd(d.total.delta), 13_160_178);
  });

  it("shows a function present in one stack only, against zero", () => {
    const a = estimateMonthlyCost({ functions: [fn()], shared: NO_SHARED }, prices);
    const b = estimateMonthlyCost({ functions: [fn(), fn({ name: "notify-customer", trigger: "event", usage: { monthlyInvocations: 1_000_000 } })], shared: NO_SHARED }, prices);

    const row = diffEstimates(a, b).functions.find((r) => r.key === "notify-customer")!;

    assert.equal(row.onlyIn, "to");
    assert.equal(toMicroUsd(row.from), 0);
    assert.equal(toMicroUsd(row.delta), toMicroUsd(b.functions.find((f) => f.name === "notify-customer")!.total));
  });

  it("diffs shared lines by key: one more dashboard is +$3.00", () => {
    const a = estimateMonthlyCost({ functions: [], shared: { ...NO_SHARED, dashboards: 1 } }, prices);
    const b = estimateMonthlyCost({ functions: [], shared: { ...NO_SHARED, dashboards: 2 } }, prices);

    const row = diffEstimates(a, b).shared.find((r) => r.key === "cloudwatch.dashboards")!;

    assert.equal(toMicroUsd(row.delta), 3_000_000);
  });
});
