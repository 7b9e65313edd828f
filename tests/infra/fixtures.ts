import { createHash } from "crypto";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { buildFunctions } from "../../tools/build";
import { HOOK_ZIPS, Manifest, serializeManifest } from "../../tools/build/manifest";

/** The repository root: Pulumi.yaml, the stack files and functions/. */
export const REPO_ROOT = path.resolve(__dirname, "../..");

let built: Promise<string> | undefined;

/**
 * Builds the real functions once per test run (with the real build) into a temp folder and
 * returns its manifest path, so the program deploys exactly what `npm run build` produces.
 */
export function builtManifest(): Promise<string> {
  built ??= (async () => {
    const outDir = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "serverless-infra-")), "dist");
    await buildFunctions({ functionsDir: path.join(REPO_ROOT, "functions"), outDir, rootDir: REPO_ROOT });
    return path.join(outDir, "manifest.json");
  })();
  return built;
}

/** Config that points the program at the test build. */
export async function builtConfig(): Promise<Record<string, string>> {
  return { "serverless:artifactManifest": await builtManifest() };
}

export interface FixtureFunction {
  readonly name: string;
  /** function.json content (written as given, so it may be invalid on purpose). */
  readonly settings: unknown;
  /** Leave the function out of the manifest. @default false */
  readonly unbuilt?: boolean;
}

/**
 * A throwaway functions folder and a manifest with zips for it (and the pre-traffic hook's zip the
 * program deploys with them): for the failure cases (a bad function.json, a function missing from
 * the build) without touching the repository. `config` points the staging stack at them, with no
 * usage estimate (the stack file's names the repository's functions).
 */
export function fixtureFunctions(functions: readonly FixtureFunction[]): { functionsDir: string; manifest: string; config: Record<string, string> } {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), "serverless-fixture-"));
  const functionsDir = path.join(root, "functions");
  const dist = path.join(root, "dist");
  fs.mkdirSync(dist, { recursive: true });
  const entries: Manifest["functions"] = [];
  for (const f of functions) {
    const dir = path.join(functionsDir, f.name);
    fs.mkdirSync(dir, { recursive: true });
    fs.writeFileSync(path.join(dir, "function.json"), typeof f.settings === "string" ? f.settings : JSON.stringify(f.settings));
    fs.writeFileSync(path.join(dir, "handler.ts"), "export const handler = async () => ({ ok: true });\n");
    if (f.unbuilt) continue;
    const zip = Buffer.from(`fixture zip of ${f.name}`);
    fs.writeFileSync(path.join(dist, `${f.name}.zip`), zip);
    const trigger = (f.settings as { trigger?: { type?: string } })?.trigger?.type ?? "http";
    entries.push({
      name: f.name,
      trigger: trigger as Manifest["functions"][number]["trigger"],
      runtime: "nodejs24.x",
      architecture: "arm64",
      handler: "index.handler",
      zip: `${f.name}.zip`,
      sha256: createHash("sha256").update(zip).digest("hex"),
      bytes: zip.length,
      dependencies: {},
    });
  }
  entries.sort((a, b) => (a.name < b.name ? -1 : 1));
  const hook = Buffer.from("fixture zip of the pre-traffic hook");
  fs.mkdirSync(path.join(dist, "hooks"));
  fs.writeFileSync(path.join(dist, HOOK_ZIPS["pre-traffic"]), hook);
  const hooks = [{ name: "pre-traffic" as const, zip: HOOK_ZIPS["pre-traffic"], sha256: createHash("sha256").update(hook).digest("hex"), bytes: hook.length }];
  const manifest = path.join(dist, "manifest.json");
  fs.writeFileSync(manifest, serializeManifest({ schemaVersion: 1, commit: "fixture", builtWith: { esbuild: "0.0.0", target: "node24" }, functions: entries, hooks }));
  return { functionsDir, manifest, config: { "serverless:functionsDir": functionsDir, "serverless:artifactManifest": manifest, "serverless:usage": "{}" } };
}

/** A valid function.json for each trigger kind, to vary in fixtures. */
export const SETTINGS = {
  http: { description: "fixture http", trigger: { type: "http", method: "GET", path: "/things" }, permissions: [] },
  schedule: { description: "fixture schedule", trigger: { type: "schedule", expression: "rate(1 hour)" }, permissions: [] },
} as const;
