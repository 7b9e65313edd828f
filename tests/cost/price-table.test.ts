import { strict as assert } from "assert";
import * as fs from "fs";
import * as path from "path";
import { availableRegions, loadPriceTable, parsePriceTable, PRICE_KEYS, PRICES_DIR } from "../../tools/cost";

/**
 * The shipped us-east-1 prices, restated. A price change must change this table too, in the same
 * reviewed pull request; the arithmetic tests then say what the change does to an estimate.
 */
const US_EAST_1: Record<(typeof PRICE_KEYS)[number], [usd: string, per: number]> = {
  "lambda.requests": ["0.20", 1_000_000],
  "lambda.duration.x86_64": ["0.0000166667", 1],
  "lambda.duration.arm64": ["0.0000133334", 1],
  "lambda.provisionedConcurrency.x86_64": ["0.0000041667", 1],
  "lambda.provisionedConcurrency.arm64": ["0.0000033334", 1],
  "lambda.provisionedDuration.x86_64": ["0.0000097222", 1],
  "lambda.provisionedDuration.arm64": ["0.0000077778", 1],
  "lambda.ephemeralStorage": ["0.0000000309", 1],
  "logs.ingestion": ["0.50", 1],
  "logs.storage": ["0.03", 1],
  "cloudwatch.alarm.standard": ["0.10", 1],
  "cloudwatch.alarm.highResolution": ["0.30", 1],
  "cloudwatch.alarm.composite": ["0.50", 1],
  "cloudwatch.dashboard": ["3.00", 1],
  "cloudwatch.customMetric": ["0.30", 1],
  "sqs.standardRequests": ["0.40", 1_000_000],
  "apigateway.httpRequests": ["1.00", 1_000_000],
  "eventbridge.customEvents": ["1.00", 1_000_000],
  "dynamodb.writeRequestUnits": ["0.625", 1_000_000],
  "dynamodb.readRequestUnits": ["0.125", 1_000_000],
  "dynamodb.storage": ["0.25", 1],
  "codepipeline.v2ActionMinutes": ["0.002", 1],
  "codebuild.general1.small": ["0.005", 1],
  "codebuild.arm1.small": ["0.0034", 1],
  "sns.publishes": ["0.50", 1_000_000],
  "sns.emailNotifications": ["2.00", 100_000],
  "xray.tracesRecorded": ["5.00", 1_000_000],
  "xray.tracesRetrieved": ["0.50", 1_000_000],
  "budgets.actionEnabledBudgetDay": ["0.10", 1],
};

describe("cost: shipped price tables", () => {
  it("ships us-east-1 and eu-west-1", () => {
    assert.deepEqual(availableRegions(), ["eu-west-1", "us-east-1"]);
  });

  for (const region of ["us-east-1", "eu-west-1"])
    it(`dates ${region} and names its source for every price`, () => {
      const t = loadPriceTable(region);

      assert.equal(t.asOf, "2026-11-23");
      assert.equal(t.currency, "USD");
      for (const key of PRICE_KEYS) assert.match(t.prices[key].source, /^https:\/\/aws\.amazon\.com\//, key);
    });

  it("prices us-east-1 exactly as reviewed", () => {
    const t = loadPriceTable("us-east-1");

    for (const key of PRICE_KEYS) assert.deepEqual([t.prices[key].usd, t.prices[key].per], US_EAST_1[key], key);
  });

  it("marks the figures not seen in a source as unverified", () => {
    const unverified = (region: string) => PRICE_KEYS.filter((k) => !loadPriceTable(region).prices[k].verified);

    assert.deepEqual(unverified("us-east-1"), ["logs.storage", "budgets.actionEnabledBudgetDay"]);
    assert.ok(unverified("eu-west-1").includes("apigateway.httpRequests"));
  });

  it("rejects a table missing a price, naming the file and the key", () => {
    const raw = JSON.parse(fs.readFileSync(path.join(PRICES_DIR, "us-east-1.2026-11.json"), "utf8"));
    delete raw.prices["sqs.standardRequests"];

    assert.throws(() => parsePriceTable(raw, "tools/cost/prices/x.json"), /tools\/cost\/prices\/x\.json: missing prices `prices\.sqs\.standardRequests`/);
  });

  it("rejects a price written as a float, which would lose digits", () => {
    const raw = JSON.parse(fs.readFileSync(path.join(PRICES_DIR, "us-east-1.2026-11.json"), "utf8"));
    raw.prices["lambda.requests"].usd = 0.2;

    assert.throws(() => parsePriceTable(raw, "x.json"), /`prices\.lambda\.requests\.usd`/);
  });

  it("says which regions exist when a stack deploys elsewhere", () => {
    assert.throws(() => loadPriceTable("ap-south-1"), /No price table for region "ap-south-1" in tools\/cost\/prices \(have: eu-west-1, us-east-1\)/);
  });
});
