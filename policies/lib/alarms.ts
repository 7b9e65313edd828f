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

/**
 * Does any alarm in the stack watch `namespace/metricName` with dimensions accepted by `dims`?
 * Returns the alarm paths that were unknown when the answer is "unknown".
 */
export function findAlarm(
  resources: PackResource[],
  namespace: string,
  metricName: string,
  dims: (dimensions: unknown) => Match,
): { match: Match; unknownAlarms: string[] } {
  const results: Match[] = [];
  const unknownAlarms: string[] = [];
  for (const a of resources) {
    if (a.type !== T.metricAlarm) continue;
    const metrics = watchedMetrics(a);
    if (metrics === "unknown") {
      results.push("unknown");
      unknownAlarms.push(`${a.name}.metricQueries`);
      continue;
    }
    for (const m of metrics) {
      const d = isUnknown(m.dimensions) ? "unknown" : dims(m.dimensions ?? {});
      const r = and(eq(m.namespace, namespace), eq(m.metricName, metricName), d);
      results.push(r);
      if (r === "unknown") unknownAlarms.push(a.name);
    }
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
