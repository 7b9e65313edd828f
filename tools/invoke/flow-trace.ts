import type { LocalAwsCall } from "./local-aws";
import type { Emitted, FlowResult, Hop } from "./flow";

/**
 * The flow as a person reads it: one block per hop, the function's log lines printed verbatim
 * (one JSON object per line, so `| grep '^{' | jq` works), everything else indented, and a last
 * `check:` line.
 */

const RESULT_WIDTH = 300;

export interface TraceHeader {
  readonly entry: string;
  readonly eventFile: string;
  readonly dist: string;
}

export function formatTrace(result: FlowResult, header: TraceHeader): string {
  const lines = [`flow: stack "${result.stack}", bus ${result.busName}, bundles in ${header.dist}; ${header.entry} <- ${header.eventFile}`];
  for (const hop of result.hops) lines.push(...formatHop(hop));
  lines.push(`path: ${result.hops.map((h) => h.fn).join(" -> ")}`);
  lines.push(checkLine(result));
  return lines.join("\n");
}

function formatHop(hop: Hop): string[] {
  const lines = [`hop ${hop.index}: ${hop.fn} <- ${hop.kind}: ${hop.arrived} (request ${hop.requestId})`];
  lines.push(`  result: ${resultSummary(hop)}`);
  if (hop.failure) lines.push(`  FAILED: ${hop.failure}`);
  lines.push(...hop.lines.map((l) => (l.trimStart().startsWith("{") ? l : `  | ${l}`)));
  for (const call of hop.awsCalls.filter((c) => c.service !== "events")) lines.push(`  aws: ${describeCall(call)}`);
  for (const e of hop.emitted) lines.push(`  event: ${describeEmitted(e)}`);
  lines.push(...hop.notes.map((n) => `  note: ${n}`));
  return lines;
}

function resultSummary(hop: Hop): string {
  if (!hop.outcome.ok) return `${hop.outcome.phase} error`;
  const r = hop.outcome.result as { statusCode?: number; body?: string } | undefined;
  const text = hop.kind === "http" && typeof r?.statusCode === "number" ? `HTTP ${r.statusCode} ${r.body ?? ""}` : JSON.stringify(hop.outcome.result ?? null);
  return text.length > RESULT_WIDTH ? `${text.slice(0, RESULT_WIDTH)}...` : text;
}

function describeCall(call: LocalAwsCall): string {
  const input = call.input as { TableName?: string; Key?: unknown; Item?: { orderId?: unknown } };
  const key = input.Key ?? (input.Item?.orderId ? { orderId: input.Item.orderId } : undefined);
  const error = call.status === 200 ? "" : ` ${String((call.output as { __type?: string }).__type ?? "").split("#").pop()}`;
  return `${call.service}.${call.operation} ${input.TableName ?? ""}${key ? ` ${JSON.stringify(key)}` : ""} -> ${call.status}${error}`;
}

function describeEmitted(e: Emitted): string {
  const head = `${e.entry.DetailType} on ${e.entry.EventBusName} (event ${e.eventId})`;
  if (e.undelivered) return `${head} -> NOT delivered: ${e.undelivered}`;
  if (!e.routes.length) return `${head} -> matched no rule (EventBridge drops it)`;
  return `${head} -> ${e.routes.map((r) => `${r.fn.name} (rule ${r.ruleName}${r.queue ? `, via queue ${r.queue.name}` : ""})`).join(", ")}`;
}

function checkLine(result: FlowResult): string {
  const { logLines, metricBlobs, events } = result.counted;
  if (!result.problems.length)
    return `check: OK: ${result.hops.length} hops; ${logLines} log lines, ${metricBlobs} metric blobs and ${events} events all carry correlation id "${result.correlationId}" (from ${result.correlationSource}).`;
  return [`check: FAILED: ${result.problems.length} problem(s) with correlation id "${result.correlationId ?? "(none)"}" (from ${result.correlationSource}):`, ...result.problems.map((p) => `  - ${p}`)].join("\n");
}
