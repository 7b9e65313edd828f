import * as fs from "node:fs";
import * as path from "node:path";
import { StackSettings } from "../lib/pulumi-project";

/** The program's own defaults for where functions and their manifest live (infra/config.ts). */
const DEFAULTS = { functionsDir: "functions", artifactManifest: "dist/manifest.json" } as const;

/**
 * Builds the functions when the program will need artifacts that are missing or older than their
 * sources, so `npm ci && npm run plan -- --stack staging` works on a fresh clone. A program that
 * has no functions folder (any other Pulumi project) is left alone. Returns the build's
 * milliseconds (0 when nothing was built).
 */
export async function ensureArtifacts(programDir: string, settings: StackSettings, onBuild: (phase: string) => void): Promise<number> {
  const key = (k: keyof typeof DEFAULTS) => path.resolve(programDir, settings.config[`${settings.project}:${k}`] ?? DEFAULTS[k]);
  const functionsDir = key("functionsDir");
  const manifest = key("artifactManifest");
  if (!fs.existsSync(functionsDir) || !fs.statSync(functionsDir).isDirectory()) return 0;
  if (!isStale(manifest, functionsDir)) return 0;
  onBuild("building functions");
  const t0 = performance.now();
  // Loaded only when needed: esbuild and the bundler are not part of a plan's usual cost.
  const { buildFunctions } = await import("../build");
  await buildFunctions({ functionsDir, outDir: path.dirname(manifest) });
  return performance.now() - t0;
}

/** True when the manifest is missing or any source file under the functions folder is newer. */
export function isStale(manifest: string, functionsDir: string): boolean {
  if (!fs.existsSync(manifest)) return true;
  const built = fs.statSync(manifest).mtimeMs;
  const newer = (dir: string): boolean => {
    for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
      if (e.name === "node_modules" || e.name.startsWith(".")) continue;
      const p = path.join(dir, e.name);
      if (e.isDirectory() ? newer(p) : fs.statSync(p).mtimeMs > built) return true;
    }
    return false;
  };
  return newer(functionsDir);
}
