import { createHash } from "crypto";
import * as fs from "fs";
import * as path from "path";
import { z } from "zod";

/**
 * The build manifest (`dist/manifest.json`, schemaVersion 1), see docs/architecture.md.
 * This module is what the Pulumi program, the offline plan and the deploy tools load: it must
 * stay cheap to import, so it never imports esbuild or the bundler.
 */

export const MANIFEST_FILE = "manifest.json";
export const MANIFEST_SCHEMA_VERSION = 1;

const sha256Hex = z.string().regex(/^[0-9a-f]{64}$/, "must be 64 lowercase hex characters (a sha256)");

export const manifestFunctionSchema = z
  .object({
    name: z.string().min(1),
    trigger: z.enum(["http", "queue", "schedule", "event"]),
    runtime: z.string().regex(/^nodejs\d+\.x$/, "must be a Lambda Node.js runtime like `nodejs24.x`"),
    architecture: z.enum(["arm64", "x86_64"]),
    handler: z.string().min(1),
    zip: z
      .string()
      .regex(/^[a-z0-9][a-z0-9-]*\.zip$/, "must be a zip file name relative to the manifest's folder"),
    sha256: sha256Hex,
    bytes: z.number().int().positive(),
    /** Package name -> exact version bundled (several versions, if bundled, joined by ", "). */
    dependencies: z.record(z.string(), z.string().min(1)),
  })
  .strict();

/** The hooks a build carries, by name, and where each zip lies relative to the manifest's folder. */
export const HOOK_ZIPS = { "pre-traffic": "hooks/pre-traffic.zip" } as const;
export type HookName = keyof typeof HOOK_ZIPS;

export const manifestHookSchema = z
  .object({
    name: z.enum(Object.keys(HOOK_ZIPS) as [HookName, ...HookName[]]),
    zip: z.string().regex(/^hooks\/[a-z0-9][a-z0-9-]*\.zip$/, "must be a zip under hooks/, relative to the manifest's folder"),
    sha256: sha256Hex,
    bytes: z.number().int().positive(),
  })
  .strict();

export const manifestSchema = z
  .object({
    schemaVersion: z.literal(MANIFEST_SCHEMA_VERSION),
    commit: z.string().min(1),
    builtWith: z.object({ esbuild: z.string().min(1), target: z.string().min(1) }).strict(),
    functions: z.array(manifestFunctionSchema),
    /**
     * The hooks built with the functions (the pre-traffic hook), sorted by name. Optional, so a
     * manifest written before hooks were built with the functions still reads; the program then
     * takes the hook zip beside it as it is, unchecked.
     */
    hooks: z.array(manifestHookSchema).optional(),
  })
  .strict()
  .superRefine((m, ctx) => {
    m.functions.forEach((f, i) => {
      if (f.zip !== `${f.name}.zip`)
        ctx.addIssue({ code: "custom", path: ["functions", i, "zip"], message: `must be "${f.name}.zip" (the function's name)` });
      if (i > 0 && m.functions[i - 1].name >= f.name)
        ctx.addIssue({ code: "custom", path: ["functions", i, "name"], message: "functions must be sorted by name, each once" });
    });
    (m.hooks ?? []).forEach((h, i, all) => {
      if (h.zip !== HOOK_ZIPS[h.name]) ctx.addIssue({ code: "custom", path: ["hooks", i, "zip"], message: `must be "${HOOK_ZIPS[h.name]}" (the hook's name)` });
      if (i > 0 && all[i - 1].name >= h.name) ctx.addIssue({ code: "custom", path: ["hooks", i, "name"], message: "hooks must be sorted by name, each once" });
    });
  });

export type Manifest = z.infer<typeof manifestSchema>;
export type ManifestFunction = z.infer<typeof manifestFunctionSchema>;
export type ManifestHook = z.infer<typeof manifestHookSchema>;

/** The manifest as written: keys in the documented order, two-space indent, trailing newline. */
export function serializeManifest(m: Manifest): string {
  const ordered: Manifest = {
    schemaVersion: m.schemaVersion,
    commit: m.commit,
    builtWith: { esbuild: m.builtWith.esbuild, target: m.builtWith.target },
    functions: m.functions.map((f) => ({
      name: f.name,
      trigger: f.trigger,
      runtime: f.runtime,
      architecture: f.architecture,
      handler: f.handler,
      zip: f.zip,
      sha256: f.sha256,
      bytes: f.bytes,
      dependencies: Object.fromEntries(Object.keys(f.dependencies).sort().map((k) => [k, f.dependencies[k]])),
    })),
    ...(m.hooks ? { hooks: m.hooks.map((h) => ({ name: h.name, zip: h.zip, sha256: h.sha256, bytes: h.bytes })) } : {}),
  };
  return `${JSON.stringify(ordered, null, 2)}\n`;
}

/**
 * Reads and validates a build manifest. Errors name the file and the field, and say how to fix:
 * `dist/manifest.json: \`functions.0.sha256\` must be 64 lowercase hex characters (a sha256); got "abc".`
 */
export function readManifest(file: string): Manifest {
  const shown = display(file);
  let text: string;
  try {
    text = fs.readFileSync(file, "utf8");
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === "ENOENT")
      throw new Error(`${shown}: not found. Run \`npm run build\` first, or point \`serverless:artifactManifest\` at a downloaded artifact folder's manifest.json.`);
    throw new Error(`${shown}: cannot be read (${(e as Error).message}).`);
  }
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (e) {
    throw new Error(`${shown}: not valid JSON (${(e as Error).message}). Rebuild it with \`npm run build\`.`);
  }
  const parsed = manifestSchema.safeParse(raw);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => {
      const field = issue.path.length ? issue.path.join(".") : "(root)";
      return `${shown}: \`${field}\` ${issue.message}${received(raw, issue.path)}`;
    });
    throw new Error(`${problems.join("\n")}\nRebuild it with \`npm run build\` (schemaVersion ${MANIFEST_SCHEMA_VERSION}).`);
  }
  return parsed.data;
}

/** Absolute path of a function's (or a hook's) zip, resolved against the manifest's folder. */
export function artifactPath(manifestFile: string, fn: Pick<ManifestFunction, "zip">): string {
  return path.join(path.dirname(path.resolve(manifestFile)), fn.zip);
}

/**
 * Checks that every zip the manifest names exists with the recorded size and sha256 (what prod
 * does before deploying promoted artifacts: nothing rebuilt, hashes checked).
 */
export function verifyArtifacts(manifestFile: string, manifest: Manifest = readManifest(manifestFile)): void {
  const problems: string[] = [];
  const listed = [...manifest.functions.map((f) => ({ ...f, what: `function "${f.name}"` })), ...(manifest.hooks ?? []).map((h) => ({ ...h, what: `hook "${h.name}"` }))];
  for (const fn of listed) {
    const zip = artifactPath(manifestFile, fn);
    let data: Buffer;
    try {
      data = fs.readFileSync(zip);
    } catch {
      problems.push(`${display(zip)}: missing; the manifest lists ${fn.what}.`);
      continue;
    }
    const sha = createHash("sha256").update(data).digest("hex");
    if (sha !== fn.sha256 || data.length !== fn.bytes)
      problems.push(`${display(zip)}: sha256 ${sha} (${data.length} bytes) does not match the manifest's ${fn.sha256} (${fn.bytes} bytes).`);
  }
  if (problems.length)
    throw new Error(`${display(manifestFile)} does not match its artifacts:\n  - ${problems.join("\n  - ")}\nRebuild with \`npm run build\` or download the artifact folder again.`);
}

function received(raw: unknown, at: PropertyKey[]): string {
  let value: unknown = raw;
  for (const key of at) {
    if (value === null || typeof value !== "object") return "";
    value = (value as Record<PropertyKey, unknown>)[key];
  }
  return value === undefined ? "" : `; got ${JSON.stringify(value)}`;
}

function display(p: string): string {
  const rel = path.relative(process.cwd(), path.resolve(p));
  return rel && !rel.startsWith("..") ? rel : path.resolve(p);
}
