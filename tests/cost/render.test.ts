import { strict as assert } from "assert";
import {
  costDiffJson,
  costJson,
  diffEstimates,
  estimateMonthlyCost,
  loadPriceTable,
  renderCostDiffMarkdown,
  renderCostDiffText,
  renderCostMarkdown,
  renderCostText,
} from "../../tools/cost";
import { fn, NO_SHARED } from "./fixtures";

const prices = loadPriceTable("us-east-1");
// orders-api: requests $0.60 + compute $2.400012 + API $3.00 = $6.000012; shared: 12 alarms $1.20 -> total $7.200012
const staging = estimateMonthlyCost(
  { stack: "staging", functions: [fn()], shared: { ...NO_SHARED, alarms: { standard: 12, highResolution: 0, composite: 0 } } },
  prices,
);

describe("cost: renderings", () => {
  it("prints each function with its lines, the shared lines and the total as text", () => {
    const text = renderCostText(staging);
    const lines = text.split("\n").map((l) => l.replace(/\s+/g, " ").trim());

    assert.equal(lines[0], "Monthly cost estimate: stack staging, us-east-1 (USD, list prices as of 2026-11-23, tools/cost/prices/us-east-1.2026-11.json)");
    assert.ok(lines.includes("orders-api (http, arm64, 512 MB, 3,000,000 invocations) $6.00"), text);
    assert.ok(lines.includes("Lambda requests 3,000,000 requests × $0.20/1M request $0.60"), text);
    assert.ok(lines.includes("Lambda compute (arm64) 180,000 GB-s × $0.0000133334/GB-second $2.40"), text);
    assert.ok(lines.includes("API Gateway HTTP API requests 3,000,000 requests × $1.00/1M request $3.00"), text);
    assert.ok(lines.includes("CloudWatch alarms (standard) 12 alarm-months × $0.10/alarm-month $1.20"), text);
    assert.ok(lines.includes("Total $7.20"), text);
  });

  it("marks a non-zero amount priced with an unverified figure and lists the price key", () => {
    const withLogs = estimateMonthlyCost({ functions: [fn({ usage: { logBytesPerInvocation: 1024 } })], shared: NO_SHARED }, prices);
    const text = renderCostText(withLogs);

    assert.match(text, /CloudWatch Logs storage \(30 days\) .* \$0\.08\*/);
    assert.match(text, /\* unverified price \(logs\.storage\); see docs\/cost\.md/);
  });

  it("renders a markdown summary table and the line items", () => {
    const md = renderCostMarkdown(staging);

    assert.match(md, /^### Monthly cost estimate: `staging` \(us-east-1\)$/m);
    assert.match(md, /^\| orders-api \| http \| arm64 \| 512 MB \| 3,000,000 \| \$6\.00 \|$/m);
    assert.match(md, /^\| Shared \| \| \| \| \| \$1\.20 \|$/m);
    assert.match(md, /^\| \*\*Total\*\* \| \| \| \| \| \*\*\$7\.20\*\* \|$/m);
    assert.match(md, /^\| orders-api: Lambda compute \(arm64\) \| 180,000 GB-s \| \$0\.0000133334\/GB-second \| \$2\.40 \|$/m);
  });

  it("gives the plan's --json the documented shape, with cents and exact micro-dollars", () => {
    const json = costJson(staging);

    assert.deepEqual(Object.keys(json), ["currency", "asOf", "priceTable", "region", "stack", "functions", "shared", "total", "unverifiedPrices", "assumptions", "warnings"]);
    assert.deepEqual(json.total, { usd: "7.20", microUsd: 7_200_012 });
    assert.deepEqual(json.functions[0].lines.find((l) => l.key === "lambda.compute"), {
      key: "lambda.compute",
      label: "Lambda compute (arm64)",
      quantity: "180000",
      unit: "GB-s",
      unitPrice: { priceKey: "lambda.duration.arm64", usd: "0.0000133334", per: 1, unit: "GB-second" },
      usd: "2.40",
      microUsd: 2_400_012,
      verified: true,
    });
    assert.doesNotThrow(() => JSON.parse(JSON.stringify(json)));
  });

  it("renders the delta between stacks as text, markdown and JSON", () => {
    const prod = estimateMonthlyCost(
      { stack: "prod", functions: [fn({ provisionedConcurrency: 2 })], shared: { ...NO_SHARED, alarms: { standard: 12, highResolution: 0, composite: 0 } } },
      prices,
    );
    // prod orders-api: $8.7601752 + $1.400004 + $0.60 + $3.00 = $13.7601792; staging $6.000012; delta $7.7601672
    const d = diffEstimates(staging, prod);

    const text = renderCostDiffText(d).split("\n").map((l) => l.replace(/\s+/g, " ").trim());
    assert.ok(text.includes("orders-api $6.00 $13.76 +$7.76"), text.join("\n"));
    assert.ok(text.includes("Total $7.20 $14.96 +$7.76"), text.join("\n"));
    assert.match(renderCostDiffMarkdown(d), /^\| \*\*Total\*\* \| \*\*\$7\.20\*\* \| \*\*\$14\.96\*\* \| \*\*\+\$7\.76\*\* \|$/m);
    assert.deepEqual(costDiffJson(d).total.delta, { usd: "7.76", microUsd: 7_760_167 });
  });
});
