import * as fs from "fs";
import * as path from "path";
import { z } from "zod";
import { div, rat, Rational } from "./money";

/** Every price the estimate reads. A table missing one is rejected when loaded, not mid-estimate. */
export const PRICE_KEYS = [
  "lambda.requests",
  "lambda.duration.x86_64",
  "lambda.duration.arm64",
  "lambda.provisionedConcurrency.x86_64",
  "lambda.provisionedConcurrency.arm64",
  "lambda.provisionedDuration.x86_64",
  "lambda.provisionedDuration.arm64",
  "lambda.ephemeralStorage",
  "logs.ingestion",
  "logs.storage",
  "cloudwatch.alarm.standard",
  "cloudwatch.alarm.highResolution",
  "cloudwatch.alarm.composite",
  "cloudwatch.dashboard",
  "cloudwatch.customMetric",
  "sqs.standardRequests",
  "apigateway.httpRequests",
  "eventbridge.customEvents",
  "dynamodb.writeRequestUnits",
  "dynamodb.readRequestUnits",
  "dynamodb.storage",
  "codepipeline.v2ActionMinutes",
  "codebuild.general1.small",
  "codebuild.arm1.small",
  "sns.publishes",
  "sns.emailNotifications",
  "xray.tracesRecorded",
  "xray.tracesRetrieved",
  "budgets.actionEnabledBudgetDay",
] as const;
export type PriceKey = (typeof PRICE_KEYS)[number];

/** CodeBuild compute types the table prices; the pipeline's build project must use one of them. */
export const CODEBUILD_COMPUTE_TYPES = ["general1.small", "arm1.small"] as const;
export type CodeBuildComputeType = (typeof CODEBUILD_COMPUTE_TYPES)[number];

const decimal = z.string().regex(/^\d+(\.\d+)?$/, "must be a decimal string like \"0.0000133334\" (strings keep every digit)");

const priceEntry = z
  .object({
    usd: decimal,
    /** The price is for this many units: 1000000 for "per 1M requests". */
    per: z.number().int().positive(),
    unit: z.string().min(1),
    source: z.string().url(),
    verified: z.boolean(),
    checkedAgainst: z.string().min(1),
    tiers: z.array(z.record(z.string(), z.string().nullable())).optional(),
    freeTier: z.string().optional(),
    note: z.string().optional(),
  })
  .strict();

const priceTableFile = z
  .object({
    schemaVersion: z.literal(1),
    region: z.string().regex(/^[a-z]{2}(-[a-z]+)+-\d$/),
    asOf: z.string().regex(/^\d{4}-\d{2}-\d{2}$/),
    currency: z.literal("USD"),
    description: z.string(),
    tiersModelled: z.string(),
    freeTiersApplied: z.literal(false),
    freeTiersNote: z.string(),
    verification: z.string(),
    prices: z.record(z.string(), priceEntry),
  })
  .strict();

export type PriceEntry = z.infer<typeof priceEntry>;

export interface PriceTable {
  readonly region: string;
  readonly asOf: string;
  readonly currency: "USD";
  /** Path of the table relative to the repository root, as shown in the plan. */
  readonly file: string;
  readonly prices: Readonly<Record<PriceKey, PriceEntry>>;
}

/** The folder of shipped tables, one per region and month: `<region>.<yyyy-mm>.json`. */
export const PRICES_DIR = path.join(__dirname, "prices");
const REPO_ROOT = path.resolve(__dirname, "..", "..");

/** Validates a parsed table; errors name the file and the key. */
export function parsePriceTable(raw: unknown, file: string): PriceTable {
  const parsed = priceTableFile.safeParse(raw);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `\`${i.path.join(".") || "(root)"}\` ${i.message}`);
    throw new Error(`${file}: invalid price table:\n  - ${problems.join("\n  - ")}`);
  }
  const missing = PRICE_KEYS.filter((k) => !(k in parsed.data.prices));
  if (missing.length)
    throw new Error(`${file}: missing prices ${missing.map((k) => `\`prices.${k}\``).join(", ")}; every table must price every key in PRICE_KEYS.`);
  const unknown = Object.keys(parsed.data.prices).filter((k) => !(PRICE_KEYS as readonly string[]).includes(k));
  if (unknown.length)
    throw new Error(`${file}: unknown prices ${unknown.map((k) => `\`prices.${k}\``).join(", ")}; add them to PRICE_KEYS or remove them.`);
  const { region, asOf, currency, prices } = parsed.data;
  return { region, asOf, currency, file, prices: prices as Record<PriceKey, PriceEntry> };
}

/**
 * Loads the newest shipped table for `region` (or the table at `file`, when given).
 * Newest = the greatest `<yyyy-mm>` in the file name, so adding next month's table needs no code change.
 */
export function loadPriceTable(region: string, file?: string): PriceTable {
  const chosen = file ?? newestTableFor(region);
  const raw: unknown = JSON.parse(fs.readFileSync(chosen, "utf8"));
  const table = parsePriceTable(raw, relative(chosen));
  if (table.region !== region)
    throw new Error(`${relative(chosen)}: \`region\` is "${table.region}" but the stack deploys to "${region}"; use that region's table.`);
  return table;
}

export function availableRegions(): string[] {
  return [...new Set(fs.readdirSync(PRICES_DIR).map((f) => /^(.+)\.\d{4}-\d{2}\.json$/.exec(f)?.[1]).filter((r): r is string => !!r))].sort();
}

function newestTableFor(region: string): string {
  const files = fs
    .readdirSync(PRICES_DIR)
    .filter((f) => f.startsWith(`${region}.`) && /^.+\.\d{4}-\d{2}\.json$/.test(f))
    .sort();
  if (!files.length)
    throw new Error(
      `No price table for region "${region}" in ${relative(PRICES_DIR)} (have: ${availableRegions().join(", ") || "none"}); ` +
        `add ${relative(path.join(PRICES_DIR, `${region}.<yyyy-mm>.json`))} with that region's prices.`,
    );
  return path.join(PRICES_DIR, files[files.length - 1]);
}

/** The price of ONE unit, exactly: "0.20" per 1,000,000 -> 0.0000002. */
export function unitPrice(table: PriceTable, key: PriceKey): Rational {
  const p = table.prices[key];
  return div(rat(p.usd), rat(p.per));
}

function relative(p: string): string {
  return path.relative(REPO_ROOT, p).split(path.sep).join("/");
}
