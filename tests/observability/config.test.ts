import * as assert from "assert";
import { OBSERVABILITY_CONFIG_DEFAULTS, validateObservabilityConfig } from "../../infra/observability";

const FILE = "Pulumi.prod.yaml";
const budget = (b: Record<string, unknown>) => ({ "serverless:budget": b });

describe("validateObservabilityConfig", () => {
  it("applies the defaults to a budget that only sets its limit", () => {
    const config = validateObservabilityConfig(FILE, budget({ monthlyLimitUsd: 50 }));
    assert.deepStrictEqual(config, {
      budget: { monthlyLimitUsd: 50, actualThresholdPercent: 80, forecastThresholdPercent: 100 },
      dashboard: { periodSeconds: 60, start: "-PT3H" },
    });
    assert.equal(config.dashboard.start, OBSERVABILITY_CONFIG_DEFAULTS.dashboard.start);
  });

  it("keeps every value a stack sets", () => {
    const config = validateObservabilityConfig(FILE, {
      "serverless:budget": { monthlyLimitUsd: 250.5, actualThresholdPercent: 50, forecastThresholdPercent: 120 },
      "serverless:dashboard": { periodSeconds: 300, start: "-P1D" },
      "serverless:canary": { predefined: "ignored here" },
    });
    assert.deepStrictEqual(config, {
      budget: { monthlyLimitUsd: 250.5, actualThresholdPercent: 50, forecastThresholdPercent: 120 },
      dashboard: { periodSeconds: 300, start: "-P1D" },
    });
  });

  it("accepts a limit in dollars and cents", () => {
    assert.equal(validateObservabilityConfig(FILE, budget({ monthlyLimitUsd: 19.99 })).budget.monthlyLimitUsd, 19.99);
  });

  const rejected: [string, Record<string, unknown>, string][] = [
    ["a missing budget", {}, "Pulumi.prod.yaml: serverless:budget is required: set serverless:budget.monthlyLimitUsd"],
    ["a budget that is not an object", { "serverless:budget": "50" }, 'Pulumi.prod.yaml: serverless:budget must be an object: { monthlyLimitUsd, actualThresholdPercent, forecastThresholdPercent }; got "50"'],
    ["a budget without its limit", budget({ actualThresholdPercent: 80 }), "Pulumi.prod.yaml: serverless:budget.monthlyLimitUsd must be a positive number (US dollars per month)"],
    ["a negative limit", budget({ monthlyLimitUsd: -5 }), "Pulumi.prod.yaml: serverless:budget.monthlyLimitUsd must be a positive number; got -5"],
    ["a zero limit", budget({ monthlyLimitUsd: 0 }), "Pulumi.prod.yaml: serverless:budget.monthlyLimitUsd must be a positive number; got 0"],
    ["a limit given as text", budget({ monthlyLimitUsd: "50" }), 'Pulumi.prod.yaml: serverless:budget.monthlyLimitUsd must be a positive number (US dollars per month); got "50"'],
    ["a limit with fractions of a cent", budget({ monthlyLimitUsd: 10.005 }), "Pulumi.prod.yaml: serverless:budget.monthlyLimitUsd must have at most two decimals (whole cents); got 10.005"],
    ["an actual threshold of 0", budget({ monthlyLimitUsd: 5, actualThresholdPercent: 0 }), "Pulumi.prod.yaml: serverless:budget.actualThresholdPercent must be a percentage above 0; got 0"],
    ["a forecast threshold above 1000", budget({ monthlyLimitUsd: 5, forecastThresholdPercent: 1500 }), "Pulumi.prod.yaml: serverless:budget.forecastThresholdPercent must be a percentage of at most 1000; got 1500"],
    ["an unknown budget field", budget({ monthlyLimitUsd: 5, limit: 5 }), "Pulumi.prod.yaml: serverless:budget.limit is not a known setting (known: monthlyLimitUsd, actualThresholdPercent, forecastThresholdPercent)"],
    ["a dashboard period that is not a multiple of 60", { ...budget({ monthlyLimitUsd: 5 }), "serverless:dashboard": { periodSeconds: 90 } }, "Pulumi.prod.yaml: serverless:dashboard.periodSeconds must be a multiple of 60; got 90"],
    ["a dashboard period below a minute", { ...budget({ monthlyLimitUsd: 5 }), "serverless:dashboard": { periodSeconds: 30 } }, "Pulumi.prod.yaml: serverless:dashboard.periodSeconds must be at least 60; got 30"],
    ["an absolute dashboard start", { ...budget({ monthlyLimitUsd: 5 }), "serverless:dashboard": { start: "2024-01-01" } }, 'Pulumi.prod.yaml: serverless:dashboard.start must be a relative time like -PT3H or -P1D; got "2024-01-01"'],
    ["an empty duration as start", { ...budget({ monthlyLimitUsd: 5 }), "serverless:dashboard": { start: "-PT" } }, 'Pulumi.prod.yaml: serverless:dashboard.start must be a relative time like -PT3H or -P1D; got "-PT"'],
    ["an unknown dashboard field", { ...budget({ monthlyLimitUsd: 5 }), "serverless:dashboard": { widgets: 3 } }, "Pulumi.prod.yaml: serverless:dashboard.widgets is not a known setting (known: periodSeconds, start)"],
  ];
  for (const [what, raw, message] of rejected)
    it(`rejects ${what}, naming the file, the key and the value`, () => {
      assert.throws(
        () => validateObservabilityConfig(FILE, raw),
        (e: Error) => {
          assert.ok(e.message.includes(message), `expected the message to contain\n  ${message}\ngot\n  ${e.message}`);
          return true;
        },
      );
    });

  it("reports every problem at once", () => {
    const raw = { "serverless:budget": { monthlyLimitUsd: -1, actualThresholdPercent: -2 }, "serverless:dashboard": { periodSeconds: 61 } };
    assert.throws(
      () => validateObservabilityConfig(FILE, raw),
      (e: Error) => {
        const lines = e.message.split("\n").filter((l) => l.startsWith("  - "));
        assert.deepStrictEqual(
          lines.map((l) => l.split(" must ")[0]),
          ["  - Pulumi.prod.yaml: serverless:budget.monthlyLimitUsd", "  - Pulumi.prod.yaml: serverless:budget.actualThresholdPercent", "  - Pulumi.prod.yaml: serverless:dashboard.periodSeconds"],
        );
        return true;
      },
    );
  });
});
