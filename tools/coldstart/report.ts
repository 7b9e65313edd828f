import type { Row } from "./measure";

/** The target: every function under this many ms above a bare Node start. */
export const OVERHEAD_TARGET_MS = 50;

/** What `.bench/coldstart.json` holds. */
export interface ColdStartReport {
  readonly schemaVersion: 1;
  readonly measuredAt: string;
  readonly node: string;
  readonly platform: string;
  readonly runs: number;
  readonly tracing: boolean;
  readonly targetOverheadMs: number;
  readonly bareNode: Row["bareNode"];
  readonly functions: ReadonlyArray<Row & { readonly withinTarget: boolean }>;
}

export function coldStartReport(rows: readonly Row[], meta: { runs: number; tracing: boolean; measuredAt?: Date }): ColdStartReport {
  if (!rows.length) throw new Error("coldstart: no function was measured; is the manifest empty?");
  return {
    schemaVersion: 1,
    measuredAt: (meta.measuredAt ?? new Date()).toISOString(),
    node: process.version,
    platform: `${process.platform}-${process.arch}`,
    runs: meta.runs,
    tracing: meta.tracing,
    targetOverheadMs: OVERHEAD_TARGET_MS,
    bareNode: rows[0].bareNode,
    functions: rows.map((r) => ({ ...r, withinTarget: r.overheadMs < OVERHEAD_TARGET_MS })),
  };
}

const COLUMNS = ["function", "zip KB", "js KB", "median ms", "p90 ms", "overhead ms", "init ms", "1st event ms"] as const;

/** A fixed-width table: one row per function, then bare Node measured in the same rounds. */
export function formatTable(rows: readonly Row[]): string {
  if (!rows.length) return "(no functions)\n";
  const kb = (bytes: number) => (bytes / 1024).toFixed(1);
  const ms = (v: number) => v.toFixed(1);
  const lines: string[][] = rows.map((r) => [
    r.name,
    kb(r.zipBytes),
    kb(r.jsBytes),
    ms(r.wall.medianMs),
    ms(r.wall.p90Ms),
    `${r.overheadMs >= 0 ? "+" : ""}${ms(r.overheadMs)}`,
    ms(r.init.medianMs),
    ms(r.firstInvoke.medianMs),
  ]);
  const bare = rows[0].bareNode;
  lines.push(["node -e 0", "", "", ms(bare.medianMs), ms(bare.p90Ms), "", "", ""]);
  const table = [[...COLUMNS], ...lines];
  const widths = COLUMNS.map((_, i) => Math.max(...table.map((l) => l[i].length)));
  const render = (l: string[]) => l.map((cell, i) => (i === 0 ? cell.padEnd(widths[i]) : cell.padStart(widths[i]))).join("  ").trimEnd();
  const rule = widths.map((w) => "-".repeat(w)).join("  ");
  return `${[render(table[0]), rule, ...lines.map(render)].join("\n")}\n`;
}

/** One line per function over the target, or a line saying all are within it. */
export function targetSummary(rows: readonly Row[]): string {
  const over = rows.filter((r) => r.overheadMs >= OVERHEAD_TARGET_MS);
  if (!over.length) return `All ${rows.length} function(s) start within ${OVERHEAD_TARGET_MS} ms of bare Node (median).\n`;
  return over.map((r) => `over target: ${r.name} adds ${r.overheadMs.toFixed(1)} ms to a bare Node start (target < ${OVERHEAD_TARGET_MS} ms).\n`).join("");
}
