import { Estimate } from "./estimate";
import { Rational, sub, ZERO } from "./money";

export interface DeltaRow {
  readonly key: string;
  readonly label: string;
  readonly from: Rational;
  readonly to: Rational;
  readonly delta: Rational;
  /** Set when the row exists in one estimate only. */
  readonly onlyIn?: "from" | "to";
}

export interface CostDiff {
  readonly from: { readonly stack?: string; readonly region: string; readonly asOf: string };
  readonly to: { readonly stack?: string; readonly region: string; readonly asOf: string };
  readonly currency: "USD";
  /** One row per function, by name. */
  readonly functions: readonly DeltaRow[];
  /** One row per shared line, by key. */
  readonly shared: readonly DeltaRow[];
  readonly total: DeltaRow;
}

/** The change from estimate `a` to estimate `b` (typically staging -> prod): b - a, per function, per shared line, in total. */
export function diffEstimates(a: Estimate, b: Estimate): CostDiff {
  const fa = new Map(a.functions.map((f) => [f.name, f.total]));
  const fb = new Map(b.functions.map((f) => [f.name, f.total]));
  const sa = new Map(a.shared.map((l) => [l.key, l]));
  const sb = new Map(b.shared.map((l) => [l.key, l]));
  return {
    from: { stack: a.stack, region: a.region, asOf: a.asOf },
    to: { stack: b.stack, region: b.region, asOf: b.asOf },
    currency: "USD",
    functions: union(fa.keys(), fb.keys())
      .sort()
      .map((name) => row(name, name, fa.get(name), fb.get(name))),
    shared: union(sa.keys(), sb.keys()).map((key) => row(key, (sb.get(key) ?? sa.get(key))!.label, sa.get(key)?.amount, sb.get(key)?.amount)),
    total: row("total", "Total", a.total, b.total),
  };
}

function row(key: string, label: string, from: Rational | undefined, to: Rational | undefined): DeltaRow {
  const f = from ?? ZERO;
  const t = to ?? ZERO;
  return { key, label, from: f, to: t, delta: sub(t, f), ...(from === undefined ? { onlyIn: "to" as const } : to === undefined ? { onlyIn: "from" as const } : {}) };
}

function union(a: Iterable<string>, b: Iterable<string>): string[] {
  return [...new Set([...a, ...b])];
}
