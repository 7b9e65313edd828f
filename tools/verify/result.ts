import * as fs from "fs";
import { z } from "zod";

/**
 * The verification result `npm run verify --out verification.json` writes (schemaVersion 1) and
 * `npm run promote` reads: for every function, every example sent to its `live` alias, judged
 * against its contract by the pre-traffic hook's judge.
 */
export const VERIFICATION_SCHEMA_VERSION = 1;

/** The alias Verify invokes: what real traffic reaches after the canary. */
export const LIVE_ALIAS = "live";

const exampleResult = z.strictObject({
  /** The example's file name in `functions/<name>/events/`. */
  example: z.string().min(1),
  /** `valid-*.json` must succeed; the others must be refused the documented way. */
  valid: z.boolean(),
  outcome: z.enum(["passed", "failed"]),
  reason: z.string(),
});

const functionResult = z.strictObject({
  name: z.string().min(1),
  /** Physical name invoked (with qualifier `live`); absent when the stack does not export it. */
  functionName: z.string().min(1).optional(),
  examples: z.array(exampleResult),
});

export const verificationResultSchema = z.strictObject({
  schemaVersion: z.literal(VERIFICATION_SCHEMA_VERSION),
  stack: z.string().min(1),
  commit: z.string().min(1),
  qualifier: z.literal(LIVE_ALIAS),
  /** "skip": only contract-breaking examples were sent (valid ones have real effects). */
  validExamples: z.enum(["run", "skip"]),
  startedAt: z.iso.datetime(),
  finishedAt: z.iso.datetime(),
  result: z.enum(["passed", "failed"]),
  totals: z.strictObject({ functions: z.number().int().nonnegative(), examples: z.number().int().nonnegative(), passed: z.number().int().nonnegative(), failed: z.number().int().nonnegative() }),
  functions: z.array(functionResult),
});

export type VerificationResult = z.infer<typeof verificationResultSchema>;
export type FunctionVerification = z.infer<typeof functionResult>;
export type ExampleVerification = z.infer<typeof exampleResult>;

/** Reads and validates a verification file; errors name the file and the field. */
export function readVerificationResult(file: string): VerificationResult {
  let raw: unknown;
  try {
    raw = JSON.parse(fs.readFileSync(file, "utf8"));
  } catch (e) {
    throw new Error(`--verification ${file}: cannot read it as JSON (${(e as Error).message}); pass the file \`npm run verify -- --out <file>\` wrote.`);
  }
  const parsed = verificationResultSchema.safeParse(raw);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `\`${i.path.join(".") || "(root)"}\` ${i.message}`);
    throw new Error(`--verification ${file}: not a verification result (schemaVersion ${VERIFICATION_SCHEMA_VERSION}):\n  - ${problems.join("\n  - ")}`);
  }
  return parsed.data;
}
