/** What a CloudWatch metric alarm watches, read from its inputs (plain metric or metric math). */
import { PackResource, T } from "./resources";
import { asArray, at, isUnknown } from "./values";

export interface WatchedMetric {
  namespace: unknown;
  metricName: unknown;
  dimensions: unknown;
}

export function watchedMetrics(alarm: PackResource): WatchedMetric[] | "unknown" {
  const p = alarm.props;
  const out: WatchedMetric[] = [];
  if (p.metricName !== undefined || p.namespace !== undefined)
    out.push({ namespace: p.namespace, metricName: p.metricName, dimensions: p.dimensions });
  const queries = p.metricQueries;
  if (isUnknown(queries)) return "unknown";
  for (const q of asArray(queries) ?? []) {
    const m = at(q, "metric");
    if (isUnknown(m)) return "unknown";
    if (m && typeof m === "object")
      out.push({ namespace: at(m, "namespace"), metricName: at(m, "metricName"), dimensions: at(m, "dimensions") });
  }
  return out;
}

export type Match = "yes" | "no" | "unknown";

/** Three-valued equality: unknown on either side is "unknown". */
export function eq(a: unknown, b: unknown): Match {
  if (isUnknown(a) || isUnknown(b)) return "unknown";
  return a === b ? "yes" : "no";
}

export function and(...ms: Match[]): Match {
  if (ms.includes("no")) return "no";
  return ms.includes("unknown") ? "unknown" : "yes";
}

export function or(ms: Match[]): Match {
  if (ms.includes("yes")) return "yes";
  return ms.includes("unknown") ? "unknown" : "no";
}

/** One metric an alarm watches, or an alarm whose metrics are unknown, at its place in the stack. */
interface AlarmEntry {
  alarm: PackResource;
  /** The metric, or "unknown" when the alarm's `metricQueries` (or a query's metric) is unknown. */
  metric: WatchedMetric | "unknown";
}

/**
 * The stack's alarm metrics, grouped by known `namespace` + `metricName`. An entry whose namespace
 * and metric name are known strings can only match a query for exactly those; entries with either
 * unknown (or unknown metrics) may match any query; entries with a known non-string namespace or
 * name never match (`eq` gives "no"). `findAlarm` is called per
 * function and metric, and scanning every alarm each time made lambda-alarms-required and
 * dlq-depth-alarm O(functions x resources): 1.2 s of AnalyzeStack at 20,259 resources, 0.13 s with it.
 * A rule builds it once per check (never cached across calls: resources could change between them).
 */
export interface AlarmIndex {
  byMetric: Map<string, AlarmEntry[]>;
  /** Entries any query must look at. */
  open: AlarmEntry[];
  /** Stack order of every entry, so answers list alarms in the order a full scan would. */
  order: Map<AlarmEntry, number>;
}

const metricKey = (namespace: string, metricName: string) => JSON.stringify([namespace, metricName]);

export function alarmIndex(resources: PackResource[]): AlarmIndex {
  const index: AlarmIndex = { byMetric: new Map(), open: [], order: new Map() };
  for (const alarm of resources) {
    if (alarm.type !== T.metricAlarm) continue;
    const metrics = watchedMetrics(alarm);
    for (const metric of metrics === "unknown" ? ["unknown" as const] : metrics) {
      const entry: AlarmEntry = { alarm, metric };
      index.order.set(entry, index.order.size);
      if (metric === "unknown" || isUnknown(metric.namespace) || isUnknown(metric.metricName)) index.open.push(entry);
      else if (typeof metric.namespace === "string" && typeof metric.metricName === "string") {
        const key = metricKey(metric.namespace, metric.metricName);
        const list = index.byMetric.get(key);
        if (list) list.push(entry);
        else index.byMetric.set(key, [entry]);
      }
    }
  }
  return index;
}

/**
 * Does any alarm in the stack watch `namespace/metricName` with dimensions accepted by `dims`?
 * Returns the alarm paths that were unknown when the answer is "unknown". Pass an
 * {@link alarmIndex} of the resources when asking more than once.
 */
export function findAlarm(
  resources: PackResource[] | AlarmIndex,
  namespace: string,
  metricName: string,
  dims: (dimensions: unknown) => Match,
): { match: Match; unknownAlarms: string[] } {
  const index = Array.isArray(resources) ? alarmIndex(resources) : resources;
  const candidates = [...(index.byMetric.get(metricKey(namespace, metricName)) ?? []), ...index.open];
  if (index.open.length > 0) candidates.sort((a, b) => index.order.get(a)! - index.order.get(b)!);
  const results: Match[] = [];
  const unknownAlarms: string[] = [];
  for (const { alarm: a, metric: m } of candidates) {
    if (m === "unknown") {
      results.push("unknown");
      unknownAlarms.push(`${a.name}.metricQueries`);
      continue;
    }
    const d = isUnknown(m.dimensions) ? "unknown" : dims(m.dimensions ?? {});
    const r = and(eq(m.namespace, namespace), eq(m.metricName, metricName), d);
    results.push(r);
    if (r === "unknown") unknownAlarms.push(a.name);
  }
  return { match: or(results), unknownAlarms };
}

/** Names of all alarms in the stack (known ones), for CodeDeploy's alarm configuration. */
export function alarmNames(resources: PackResource[]): { names: Set<string>; unknown: string[] } {
  const names = new Set<string>();
  const unknown: string[] = [];
  for (const r of resources) {
    const key = r.type === T.metricAlarm ? "name" : r.type === T.compositeAlarm ? "alarmName" : undefined;
    if (!key) continue;
    const v = r.props[key];
    if (isUnknown(v)) unknown.push(r.name);
    else if (typeof v === "string") names.add(v);
  }
  return { names, unknown };
}
