import { z } from "zod";

/**
 * Stack settings of the observability and cost controls, checked by one plain function so a bad
 * value fails before any resource is declared, naming the stack file, the key and the value:
 * `Pulumi.prod.yaml: serverless:budget.monthlyLimitUsd must be a positive number; got -5`.
 *
 * serverless:budget:     { monthlyLimitUsd, actualThresholdPercent?, forecastThresholdPercent? }
 * serverless:dashboard:  { periodSeconds?, start? }
 */

export const OBSERVABILITY_CONFIG_DEFAULTS = {
  budget: {
    /** @default 80: an early warning while there is still most of the month's budget left. */
    actualThresholdPercent: 80,
    /** @default 100: AWS forecasts the month's end above the limit. */
    forecastThresholdPercent: 100,
  },
  dashboard: {
    /** @default 60 seconds: the alarms' period, so a graph shows what an alarm saw. */
    periodSeconds: 60,
    /** @default "-PT3H": the last three hours, long enough to see a canary through. */
    start: "-PT3H",
  },
} as const;

export interface ObservabilityConfig {
  readonly budget: { readonly monthlyLimitUsd: number; readonly actualThresholdPercent: number; readonly forecastThresholdPercent: number };
  readonly dashboard: { readonly periodSeconds: number; readonly start: string };
}

const percent = z
  .number({ error: "must be a percentage (a number above 0, at most 1000)" })
  .gt(0, "must be a percentage above 0")
  .max(1000, "must be a percentage of at most 1000");

const budget = z
  .object(
    {
    monthlyLimitUsd: z
      .number({ error: "must be a positive number (US dollars per month)" })
      .positive("must be a positive number")
      // Tolerant of binary floating point: 19.99 * 100 is 1998.9999999999998.
      .refine((n) => Number.isFinite(n) && Math.abs(n * 100 - Math.round(n * 100)) < 1e-6, "must have at most two decimals (whole cents)"),
    actualThresholdPercent: percent.optional(),
    forecastThresholdPercent: percent.optional(),
    },
    { error: "must be an object: { monthlyLimitUsd, actualThresholdPercent, forecastThresholdPercent }" },
  )
  .strict();

// CloudWatch's dashboard time range: an ISO 8601 duration before now, e.g. -PT3H, -P1D, -P1W.
const RELATIVE_START = /^-P(?=\d|T\d)(\d+W)?(\d+D)?(T(?=\d)(\d+H)?(\d+M)?(\d+S)?)?$/;

const dashboard = z
  .object(
    {
    periodSeconds: z
      .number({ error: "must be a number of seconds: 60 or a multiple of 60" })
      .int("must be a whole number of seconds")
      .min(60, "must be at least 60")
      .max(86400, "must be at most 86400 (one day)")
      .refine((n) => n % 60 === 0, "must be a multiple of 60")
      .optional(),
    start: z.string({ error: "must be a relative time like -PT3H or -P1D" }).regex(RELATIVE_START, "must be a relative time like -PT3H or -P1D").optional(),
    },
    { error: "must be an object: { periodSeconds, start }" },
  )
  .strict();

const schema = z.object({
  budget: budget.optional(),
  dashboard: dashboard.optional(),
});

const NS = "serverless:";
const KEYS = ["budget", "dashboard"] as const;

/**
 * Checks `serverless:budget` and `serverless:dashboard` in the stack's raw settings (the same
 * decoded map `readRawStackConfig` returns; other keys are ignored) and returns them typed with
 * defaults applied. The budget's limit is required: every stack has a budget, and no default
 * amount would be right for everyone. Throws one error listing every problem.
 */
export function validateObservabilityConfig(stackFile: string, raw: Record<string, unknown>): ObservabilityConfig {
  const input: Record<string, unknown> = {};
  for (const key of KEYS) if (raw[`${NS}${key}`] !== undefined) input[key] = raw[`${NS}${key}`];

  const problems: string[] = [];
  if (input.budget === undefined)
    problems.push(`${stackFile}: ${NS}budget is required: set ${NS}budget.monthlyLimitUsd to the stack's monthly budget in US dollars (e.g. monthlyLimitUsd: 50).`);
  const parsed = schema.safeParse(input);
  if (!parsed.success) {
    for (const issue of parsed.error.issues) {
      if (issue.code === "unrecognized_keys") {
        const shape = issue.path[0] === "budget" ? budget.shape : dashboard.shape;
        for (const k of issue.keys) problems.push(`${stackFile}: ${keyPath([...issue.path, k])} is not a known setting (known: ${Object.keys(shape).join(", ")}).`);
        continue;
      }
      problems.push(`${stackFile}: ${keyPath(issue.path)} ${issue.message}${got(input, issue.path)}`);
    }
  }
  if (problems.length || !parsed.success || !parsed.data.budget) throw new Error(`Invalid stack config:\n  - ${problems.join("\n  - ")}`);

  const d = OBSERVABILITY_CONFIG_DEFAULTS;
  const b = parsed.data.budget;
  return {
    budget: {
      monthlyLimitUsd: b.monthlyLimitUsd,
      actualThresholdPercent: b.actualThresholdPercent ?? d.budget.actualThresholdPercent,
      forecastThresholdPercent: b.forecastThresholdPercent ?? d.budget.forecastThresholdPercent,
    },
    dashboard: { ...d.dashboard, ...parsed.data.dashboard },
  };
}

function keyPath(at: PropertyKey[]): string {
  return `${NS}${at.map(String).join(".")}`;
}

function got(input: Record<string, unknown>, at: PropertyKey[]): string {
  let value: unknown = input;
  for (const k of at) {
    if (value === null || typeof value !== "object") return "";
    value = (value as Record<PropertyKey, unknown>)[k];
  }
  return value === undefined ? "" : `; got ${JSON.stringify(value)}`;
}
