import type { FunctionResult } from "./deploy";

/** A fixed-width table of every function's result, for the end of the log and for CI summaries. */
export function formatSummary(stack: string, results: readonly FunctionResult[]): string {
  const rows = results.map((r) => [r.name, r.outcome, r.outcome === "skipped" ? r.fromVersion : `${r.fromVersion} -> ${r.toVersion}`, r.deploymentId ?? "-", r.detail ?? ""]);
  const header = ["function", "result", "version", "deployment", "detail"];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (cells: string[]) => cells.map((c, i) => (i === cells.length - 1 ? c : c.padEnd(widths[i]))).join("  ").trimEnd();
  const counts = countBy(results);
  const verdict = releaseSucceeded(results) ? "release succeeded" : "release FAILED";
  return [
    `Deploy summary for stack "${stack}":`,
    line(header),
    ...rows.map(line),
    `${verdict}: ${counts.succeeded} deployed, ${counts.skipped} unchanged, ${counts.failed} failed, ${counts["timed-out"]} timed out`,
  ].join("\n");
}

export function releaseSucceeded(results: readonly FunctionResult[]): boolean {
  return results.every((r) => r.outcome === "succeeded" || r.outcome === "skipped");
}

function countBy(results: readonly FunctionResult[]): Record<FunctionResult["outcome"], number> {
  const counts = { succeeded: 0, skipped: 0, failed: 0, "timed-out": 0 };
  for (const r of results) counts[r.outcome]++;
  return counts;
}
