import { InvokeCommand, LambdaClient } from "@aws-sdk/client-lambda";
import { invocationResultOf, judge } from "../../hooks/pre-traffic/judge";
import type { Registry } from "../../hooks/pre-traffic/registry";
import { ExampleVerification, FunctionVerification, LIVE_ALIAS, VERIFICATION_SCHEMA_VERSION, VerificationResult } from "./result";

export interface VerifyOptions {
  readonly stack: string;
  readonly commit: string;
  /** Every function's contract and examples (loadRegistry). */
  readonly registry: Registry;
  /** Logical name -> physical function name, from the stack outputs; a missing one fails. */
  readonly functionNames: Readonly<Record<string, string>>;
  readonly lambda: LambdaClient;
  /** "skip" sends only the contract-breaking examples (valid ones have real effects). @default "run" */
  readonly validExamples?: "run" | "skip";
  /** Progress lines, one per example. @default no output */
  readonly log?: (line: string) => void;
  /** @default () => new Date() */
  readonly now?: () => Date;
}

/**
 * Sends every example event of every function to its `live` alias, one after another (the traffic
 * is small, and the log then reads in order), and judges each response with the pre-traffic hook's
 * judge. An Invoke that fails (throttled after the SDK's retries, denied, no such alias) is a failed
 * example with the AWS error as its reason: verification never stops at the first problem.
 */
export async function runVerification(o: VerifyOptions): Promise<VerificationResult> {
  const now = o.now ?? (() => new Date());
  const log = o.log ?? (() => undefined);
  const validExamples = o.validExamples ?? "run";
  const startedAt = now().toISOString();
  const functions: FunctionVerification[] = [];

  for (const name of Object.keys(o.registry).sort()) {
    const fn = o.registry[name];
    const examples = fn.examples.filter((e) => !e.valid || validExamples === "run");
    const functionName = o.functionNames[name];
    const results: ExampleVerification[] = [];
    for (const example of examples) {
      let row: ExampleVerification;
      if (!functionName) {
        row = { example: example.file, valid: example.valid, outcome: "failed", reason: `the stack exports no \`functions.${name}.functionName\`; is "${name}" deployed on ${o.stack}?` };
      } else {
        try {
          const out = await o.lambda.send(
            new InvokeCommand({ FunctionName: functionName, Qualifier: LIVE_ALIAS, InvocationType: "RequestResponse", Payload: Buffer.from(JSON.stringify(example.event)) }),
          );
          const verdict = judge(fn, example, invocationResultOf(out));
          row = { example: example.file, valid: example.valid, outcome: verdict.ok ? "passed" : "failed", reason: verdict.reason };
        } catch (error) {
          const e = error as Error;
          row = { example: example.file, valid: example.valid, outcome: "failed", reason: `Invoke ${functionName}:${LIVE_ALIAS} failed: ${e?.name ?? "Error"}: ${e?.message ?? String(error)}` };
        }
      }
      results.push(row);
      log(`${row.outcome === "passed" ? "pass" : "FAIL"}  ${name}  ${row.example}  ${row.reason}`);
    }
    functions.push({ name, ...(functionName ? { functionName } : {}), examples: results });
  }

  const all = functions.flatMap((f) => f.examples);
  const failed = all.filter((r) => r.outcome === "failed").length;
  return {
    schemaVersion: VERIFICATION_SCHEMA_VERSION,
    stack: o.stack,
    commit: o.commit,
    qualifier: LIVE_ALIAS,
    validExamples,
    startedAt,
    finishedAt: now().toISOString(),
    // Nothing checked is not a pass: a registry or filter that left no example fails the release.
    result: failed === 0 && all.length > 0 ? "passed" : "failed",
    totals: { functions: functions.length, examples: all.length, passed: all.length - failed, failed },
    functions,
  };
}

/** The result as a table a person reads in the build log: one row per example, failures first. */
export function formatVerificationTable(r: VerificationResult): string {
  const rows = r.functions.flatMap((f) => f.examples.map((e) => [e.outcome === "passed" ? "pass" : "FAIL", f.name, e.example, e.valid ? "valid" : "invalid", e.reason]));
  rows.sort((a, b) => (a[0] === b[0] ? 0 : a[0] === "FAIL" ? -1 : 1));
  const head = ["result", "function", "example", "kind", "reason"];
  const widths = head.slice(0, 4).map((h, i) => Math.max(h.length, ...rows.map((row) => row[i].length)));
  const line = (cells: string[]) => cells.map((c, i) => (i < 4 ? c.padEnd(widths[i]) : c)).join("  ");
  const verdict =
    r.totals.examples === 0
      ? `No example was checked on ${r.stack}: verification fails (add examples under functions/<name>/events/).`
      : `${r.totals.passed} of ${r.totals.examples} examples kept their contract on ${r.stack} (${r.functions.length} functions, alias ${r.qualifier}, commit ${r.commit}): ${r.result.toUpperCase()}.`;
  return [line(head), ...rows.map(line), "", verdict].join("\n");
}
