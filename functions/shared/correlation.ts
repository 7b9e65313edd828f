import { randomUUID } from "crypto";
import { correlationIdSchema } from "./events";

/**
 * Where the correlation id of an invocation comes from, per trigger. The id is created once, at
 * the edge (HTTP), and then only copied: HTTP header -> EventBridge `detail.metadata` ->
 * SQS body (the EventBridge event) -> the consumers. These lookups never throw: a missing or
 * malformed id is replaced (HTTP) or reported as absent, never a reason to fail.
 */

export const CORRELATION_HEADER = "x-correlation-id";

export function newCorrelationId(): string {
  return randomUUID();
}

/** A well-formed correlation id, or undefined. Rejects ids that could forge log lines. */
export function validCorrelationId(value: unknown): string | undefined {
  const parsed = correlationIdSchema.safeParse(value);
  return parsed.success ? parsed.data : undefined;
}

/** HTTP: the caller's `x-correlation-id` header when well formed, else a new id. */
export function correlationIdFromHeaders(headers: Record<string, string | undefined> | undefined): string {
  const wanted = CORRELATION_HEADER.toLowerCase();
  const key = Object.keys(headers ?? {}).find((k) => k.toLowerCase() === wanted);
  return validCorrelationId(key ? headers?.[key] : undefined) ?? newCorrelationId();
}

/** EventBridge: `detail.metadata.correlationId` of an event on our bus. */
export function correlationIdFromEventBridge(event: unknown): string | undefined {
  const detail = field(event, "detail");
  return validCorrelationId(field(field(detail, "metadata"), "correlationId"));
}

/** SQS fed by an EventBridge rule: the record body is the whole EventBridge event. */
export function correlationIdFromSqsRecord(record: unknown): string | undefined {
  const body = field(record, "body");
  if (typeof body !== "string") return undefined;
  try {
    return correlationIdFromEventBridge(JSON.parse(body));
  } catch {
    return undefined;
  }
}

/** SQS batch: the id shared by every record, or undefined when records carry different ids. */
export function correlationIdFromSqsBatch(event: unknown): string | undefined {
  const records = field(event, "Records");
  if (!Array.isArray(records) || records.length === 0) return undefined;
  const ids = new Set(records.map(correlationIdFromSqsRecord));
  return ids.size === 1 ? [...ids][0] : undefined;
}

function field(value: unknown, key: string): unknown {
  return value !== null && typeof value === "object" ? (value as Record<string, unknown>)[key] : undefined;
}
