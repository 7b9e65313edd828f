import * as fs from "fs";
import { z } from "zod";
import { CannotStartError } from "./errors";

/** The part of `dist/manifest.json` (docs/architecture.md, schemaVersion 1) the deploy step checks. */
export interface ReleaseManifest {
  readonly commit: string;
  readonly functions: ReadonlyArray<{ readonly name: string; readonly sha256: string }>;
}

const manifestSchema = z.object({
  schemaVersion: z.literal(1),
  commit: z.string(),
  functions: z.array(z.object({ name: z.string().min(1), sha256: z.string().regex(/^[0-9a-f]{64}$/, "must be a lowercase hex sha256") }).passthrough()),
}).passthrough();

export function readManifest(file: string): ReleaseManifest {
  let raw: unknown;
  try {
    raw = JSON.parse(fs.readFileSync(file, "utf8"));
  } catch (e) {
    throw new CannotStartError(`--manifest ${file}: cannot read it as JSON (${(e as Error).message}); pass the manifest of the build artifact that was deployed (default dist/manifest.json, written by \`npm run build\`).`);
  }
  const parsed = manifestSchema.safeParse(raw);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `\`${i.path.join(".") || "(root)"}\` ${i.message}`);
    throw new CannotStartError(`--manifest ${file}: not a build manifest (schemaVersion 1):\n  - ${problems.join("\n  - ")}`);
  }
  return parsed.data;
}
