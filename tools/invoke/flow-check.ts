import { correlationIdSchema } from "../../functions/shared/events";
import type { FlowResult, Hop } from "./flow";

/**
 * The flow's verdict on correlation: which id the journey should carry (the caller's, else the
 * one the entry function generated), and every log line, metric blob and event that does not.
 */

/** Every log line, metric blob and event of every hop carries one id, the one expected. */
export function checkCorrelation(hops: readonly Hop[], wanted: string | undefined, entryEvent: unknown): Pick<FlowResult, "correlationId" | "correlationSource" | "counted" | "problems"> {
  const header = correlationHeader(entryEvent);
  const parsed = hops.map((h) => ({ hop: h, entries: h.lines.map(parseLine) }));
  const firstLogged = parsed.flatMap((p) => p.entries).find((e) => e && typeof e.correlation_id === "string")?.correlation_id as string | undefined;
  const [correlationId, correlationSource] = wanted
    ? [wanted, "--correlation-id"]
    : header
      ? [header, "the entry event's x-correlation-id header"]
      : [firstLogged, "the entry function, which generated it"];
  const problems: string[] = [];
  const counted = { logLines: 0, metricBlobs: 0, events: 0 };
  for (const { hop, entries } of parsed) {
    const where = `hop ${hop.index} ${hop.fn}`;
    entries.forEach((entry, i) => {
      if (!entry) return problems.push(`${where}: printed a line that is not JSON: ${hop.lines[i].slice(0, 160)}`);
      const isMetric = "_aws" in entry;
      if (isMetric) counted.metricBlobs += 1;
      else counted.logLines += 1;
      // The cold-start metric is one per container, not per request: Powertools publishes it without metadata.
      if (isMetric && entry.correlation_id === undefined && "ColdStart" in entry) return;
      if (entry.correlation_id !== correlationId)
        problems.push(`${where}: ${isMetric ? "metric blob" : `log line "${String(entry.message)}"`} carries correlation_id ${JSON.stringify(entry.correlation_id ?? null)}, not "${correlationId}".`);
    });
    for (const e of hop.emitted) {
      counted.events += 1;
      const id = metadataCorrelationId(e.entry.Detail);
      if (id !== correlationId) problems.push(`${where}: event ${e.entry.DetailType} carries detail.metadata.correlationId ${JSON.stringify(id ?? null)}, not "${correlationId}".`);
      if (e.undelivered) problems.push(`${where}: event ${e.entry.DetailType} was not delivered: ${e.undelivered}.`);
    }
  }
  const invalid = wanted === undefined ? undefined : correlationIdSchema.safeParse(wanted).error?.issues[0]?.message;
  if (invalid) problems.unshift(`--correlation-id "${wanted}" ${invalid} (functions/shared/events.ts \`correlationIdSchema\`), so the entry function replaced it with a new id; pass a valid one.`);
  if (!correlationId) problems.push("no correlation id: --correlation-id was not given, the entry event has no x-correlation-id header, and no log line carried one.");
  return { correlationId, correlationSource, counted, problems };
}

function parseLine(line: string): Record<string, unknown> | undefined {
  try {
    const value = JSON.parse(line) as unknown;
    return value !== null && typeof value === "object" && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

function metadataCorrelationId(detail: string | undefined): unknown {
  try {
    return (JSON.parse(detail ?? "null") as { metadata?: { correlationId?: unknown } } | null)?.metadata?.correlationId;
  } catch {
    return undefined;
  }
}

export function headersOf(event: unknown): Record<string, unknown> | undefined {
  const headers = (event as { headers?: unknown } | null)?.headers;
  return headers !== null && typeof headers === "object" ? (headers as Record<string, unknown>) : undefined;
}

function correlationHeader(event: unknown): string | undefined {
  const headers = headersOf(event) ?? {};
  const key = Object.keys(headers).find((k) => k.toLowerCase() === "x-correlation-id");
  return key && typeof headers[key] === "string" ? (headers[key] as string) : undefined;
}

