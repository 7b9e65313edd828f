import { CostDiff, DeltaRow } from "./diff";
import { CostLine, Estimate, FunctionEstimate } from "./estimate";
import { formatQuantity, formatUsd, formatUsdDelta, rat, Rational, sum, toFixed, toMicroUsd } from "./money";

/** Money in the JSON plan: cents for people, integer micro-dollars for machines (both rounded from the exact value). */
export interface JsonMoney {
  readonly usd: string;
  readonly microUsd: number;
}

export interface JsonCostLine extends JsonMoney {
  readonly key: string;
  readonly label: string;
  readonly quantity: string;
  readonly unit: string;
  readonly unitPrice: { readonly priceKey: string; readonly usd: string; readonly per: number; readonly unit: string };
  readonly verified: boolean;
  readonly free?: true;
  readonly note?: string;
}

/** The `cost` member of the plan's `--json` output (documented in docs/cost.md). */
export interface CostJson {
  readonly currency: "USD";
  readonly asOf: string;
  readonly priceTable: string;
  readonly region: string;
  readonly stack?: string;
  readonly functions: readonly {
    readonly name: string;
    readonly trigger: string;
    readonly architecture: string;
    readonly memoryMb: number;
    readonly monthlyInvocations: number;
    readonly provisionedConcurrency: number;
    readonly lines: readonly JsonCostLine[];
    readonly total: JsonMoney;
  }[];
  readonly shared: readonly JsonCostLine[];
  readonly total: JsonMoney;
  /** Price keys used by a non-zero line whose price is not verified. */
  readonly unverifiedPrices: readonly string[];
  readonly assumptions: readonly string[];
  readonly warnings: readonly string[];
}

const money = (a: Rational): JsonMoney => ({ usd: toFixed(a, 2), microUsd: toMicroUsd(a) });

function jsonLine(l: CostLine): JsonCostLine {
  return {
    key: l.key,
    label: l.label,
    quantity: formatQuantity(l.quantity).replace(/,/g, ""),
    unit: l.unit,
    unitPrice: { priceKey: l.priceKey, ...l.unitPrice },
    ...money(l.amount),
    verified: l.verified,
    ...(l.free ? { free: true as const } : {}),
    ...(l.note ? { note: l.note } : {}),
  };
}

export function costJson(e: Estimate): CostJson {
  return {
    currency: e.currency,
    asOf: e.asOf,
    priceTable: e.priceTable,
    region: e.region,
    ...(e.stack ? { stack: e.stack } : {}),
    functions: e.functions.map((f) => ({
      name: f.name,
      trigger: f.trigger,
      architecture: f.architecture,
      memoryMb: f.memoryMb,
      monthlyInvocations: f.monthlyInvocations,
      provisionedConcurrency: f.provisionedConcurrency,
      lines: f.lines.map(jsonLine),
      total: money(f.total),
    })),
    shared: e.shared.map(jsonLine),
    total: money(e.total),
    unverifiedPrices: unverified(e),
    assumptions: e.assumptions,
    warnings: e.warnings,
  };
}

function unverified(e: Estimate): string[] {
  const lines = [...e.functions.flatMap((f) => f.lines), ...e.shared];
  return [...new Set(lines.filter((l) => !l.verified && !l.free && l.amount.n !== 0n).map((l) => l.priceKey))].sort();
}

/** "$0.20/1M request", "$0.0000133334/GB-second", "$2.00/100K email notification". */
export function formatUnitPrice(p: CostLine["unitPrice"]): string {
  const per = p.per === 1 ? "" : p.per % 1_000_000 === 0 ? `${p.per / 1_000_000}M ` : p.per % 1000 === 0 ? `${p.per / 1000}K ` : `${p.per} `;
  return `$${p.usd}/${per}${p.unit}`;
}

const amountText = (l: CostLine) => (l.free ? "free" : formatUsd(l.amount) + (l.verified || l.amount.n === 0n ? "" : "*"));
const functionHeading = (f: FunctionEstimate) =>
  `${f.name} (${f.trigger}, ${f.architecture}, ${f.memoryMb} MB, ${formatQuantity(rat(f.monthlyInvocations))} invocations` +
  `${f.provisionedConcurrency ? `, ${f.provisionedConcurrency} provisioned` : ""})`;

function title(e: { stack?: string; region: string }): string {
  return `${e.stack ? `stack ${e.stack}, ` : ""}${e.region}`;
}

/** Plain text for the terminal: per function with its lines, shared lines, the total. */
export function renderCostText(e: Estimate): string {
  const rows: [string, string, string][] = []; // [label, detail, amount]
  for (const f of e.functions) {
    rows.push([functionHeading(f), "", formatUsd(f.total)]);
    for (const l of f.lines) rows.push([`  ${l.label}`, `${formatQuantity(l.quantity)} ${l.unit} × ${formatUnitPrice(l.unitPrice)}`, amountText(l)]);
  }
  rows.push(["Shared", "", formatUsd(sum(e.shared.map((l) => l.amount)))]);
  for (const l of e.shared) rows.push([`  ${l.label}`, `${formatQuantity(l.quantity)} ${l.unit} × ${formatUnitPrice(l.unitPrice)}`, amountText(l)]);
  rows.push(["Total", "", formatUsd(e.total)]);

  const w0 = Math.max(...rows.map((r) => r[0].length));
  const w1 = Math.max(...rows.map((r) => r[1].length));
  const w2 = Math.max(...rows.map((r) => r[2].length));
  const out = [
    `Monthly cost estimate: ${title(e)} (USD, list prices as of ${e.asOf}, ${e.priceTable})`,
    "",
    ...rows.map(([a, b, c]) => `${a.padEnd(w0)}  ${b.padEnd(w1)}  ${c.padStart(w2)}`.trimEnd()),
  ];
  return [...out, ...footer(e)].join("\n") + "\n";
}

function footer(e: Estimate): string[] {
  const out: string[] = [];
  const u = unverified(e);
  if (u.length) out.push("", `* unverified price (${u.join(", ")}); see docs/cost.md`);
  out.push("", "Assumptions:", ...e.assumptions.map((a) => `- ${a}`));
  if (e.warnings.length) out.push("", "Warnings:", ...e.warnings.map((w) => `- ${w}`));
  return out;
}

const md = (s: string) => s.replace(/\|/g, "\\|");

/** Markdown for pull-request comments: a summary table, then every line item in a collapsed section. */
export function renderCostMarkdown(e: Estimate): string {
  const sharedTotal = sum(e.shared.map((l) => l.amount));
  const out = [
    `### Monthly cost estimate: ${e.stack ? `\`${e.stack}\` ` : ""}(${e.region})`,
    "",
    `List prices in USD as of ${e.asOf} from \`${e.priceTable}\`; free tiers not applied.`,
    "",
    "| Function | Trigger | Architecture | Memory | Invocations | Monthly |",
    "|---|---|---|---:|---:|---:|",
    ...e.functions.map(
      (f) =>
        `| ${md(f.name)} | ${f.trigger} | ${f.architecture} | ${f.memoryMb} MB${f.provisionedConcurrency ? ` (${f.provisionedConcurrency} provisioned)` : ""} | ` +
        `${formatQuantity(rat(f.monthlyInvocations))} | ${formatUsd(f.total)} |`,
    ),
    `| Shared | | | | | ${formatUsd(sharedTotal)} |`,
    `| **Total** | | | | | **${formatUsd(e.total)}** |`,
    "",
    "<details><summary>Line items</summary>",
    "",
    "| Item | Quantity | Unit price | Monthly |",
    "|---|---:|---:|---:|",
    ...e.functions.flatMap((f) => f.lines.map((l) => mdLine(`${f.name}: ${l.label}`, l))),
    ...e.shared.map((l) => mdLine(`shared: ${l.label}`, l)),
    "",
    "</details>",
  ];
  const u = unverified(e);
  if (u.length) out.push("", `\\* unverified price (${u.map((k) => `\`${k}\``).join(", ")}); see docs/cost.md.`);
  out.push("", "Assumptions: " + e.assumptions.join(" "));
  if (e.warnings.length) out.push("", "Warnings:", "", ...e.warnings.map((w) => `- ${md(w)}`));
  return out.join("\n") + "\n";
}

function mdLine(item: string, l: CostLine): string {
  return `| ${md(item)} | ${formatQuantity(l.quantity)} ${l.unit} | ${formatUnitPrice(l.unitPrice)} | ${amountText(l).replace("*", "\\*")} |`;
}

/** JSON of a diff: the same money shape as the estimate. */
export function costDiffJson(d: CostDiff) {
  const r = (x: DeltaRow) => ({
    key: x.key,
    label: x.label,
    from: money(x.from),
    to: money(x.to),
    delta: money(x.delta),
    ...(x.onlyIn ? { onlyIn: x.onlyIn } : {}),
  });
  return { currency: d.currency, from: d.from, to: d.to, functions: d.functions.map(r), shared: d.shared.map(r), total: r(d.total) };
}

export function renderCostDiffText(d: CostDiff): string {
  const head = [`Cost delta: ${title(d.from)} -> ${title(d.to)} (USD per month)`, ""];
  const rows = [...d.functions.map((r) => r), { ...d.total, label: "Total" }].map((r, i, all) => [
    i === all.length - 1 ? "Total" : r.label,
    formatUsd(r.from),
    formatUsd(r.to),
    formatUsdDelta(r.delta),
  ]);
  const shared = d.shared.filter((r) => r.delta.n !== 0n).map((r) => [`shared: ${r.label}`, formatUsd(r.from), formatUsd(r.to), formatUsdDelta(r.delta)]);
  const all = [["", d.from.stack ?? "from", d.to.stack ?? "to", "delta"], ...rows.slice(0, -1), ...shared, rows[rows.length - 1]];
  const w = [0, 1, 2, 3].map((i) => Math.max(...all.map((r) => r[i].length)));
  return [...head, ...all.map((r) => `${r[0].padEnd(w[0])}  ${r[1].padStart(w[1])}  ${r[2].padStart(w[2])}  ${r[3].padStart(w[3])}`)].join("\n") + "\n";
}

export function renderCostDiffMarkdown(d: CostDiff): string {
  const row = (label: string, r: DeltaRow) => `| ${md(label)} | ${formatUsd(r.from)} | ${formatUsd(r.to)} | ${formatUsdDelta(r.delta)} |`;
  return (
    [
      `### Cost delta: \`${d.from.stack ?? d.from.region}\` → \`${d.to.stack ?? d.to.region}\``,
      "",
      `| | ${d.from.stack ?? "from"} | ${d.to.stack ?? "to"} | Delta |`,
      "|---|---:|---:|---:|",
      ...d.functions.map((r) => row(r.label, r)),
      ...d.shared.filter((r) => r.delta.n !== 0n).map((r) => row(`shared: ${r.label}`, r)),
      `| **Total** | **${formatUsd(d.total.from)}** | **${formatUsd(d.total.to)}** | **${formatUsdDelta(d.total.delta)}** |`,
    ].join("\n") + "\n"
  );
}
