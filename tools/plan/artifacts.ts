import * as fs from "node:fs";
import * as path from "node:path";
import { ManifestHook, readManifest } from "../build/manifest";
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

/**
 * True when the build must run again: the manifest is missing or unreadable, a hook it lists
 * (`hooks[].zip`, e.g. `hooks/pre-traffic.zip` beside it) is missing, the project has the hook's
 * source but the manifest lists no hook (built before hooks were), or any source file under the
 * functions folder or the project's `hooks/` folder is newer than the manifest.
 */
export function isStale(manifest: string, functionsDir: string): boolean {
  if (!fs.existsSync(manifest)) return true;
  let hooks: ManifestHook[];
  try {
    hooks = readManifest(manifest).hooks ?? [];
  } catch {
    return true; // an invalid manifest: a build writes a valid one
  }
  if (hooks.some((h) => !fs.existsSync(path.resolve(path.dirname(manifest), h.zip)))) return true;
  const hooksDir = path.join(projectRootOf(functionsDir), "hooks");
  if (!hooks.length && fs.existsSync(path.join(hooksDir, "pre-traffic", "handler.ts"))) return true;
  const built = fs.statSync(manifest).mtimeMs;
  const newer = (dir: string): boolean => {
    for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
      if (e.name === "node_modules" || e.name.startsWith(".")) continue;
      const p = path.join(dir, e.name);
      if (e.isDirectory() ? newer(p) : fs.statSync(p).mtimeMs > built) return true;
    }
    return false;
  };
  return newer(functionsDir) || (fs.existsSync(hooksDir) && fs.statSync(hooksDir).isDirectory() && newer(hooksDir));
}

/**
 * The folder the build takes `hooks/` from: the nearest one above the functions folder with a
 * package.json. The same rule as tools/build/build.ts `projectRootOf`, repeated here because that
 * module loads esbuild, which a plan that builds nothing must not pay for.
 */
function projectRootOf(dir: string): string {
  for (let d = dir; ; d = path.dirname(d)) {
    if (fs.existsSync(path.join(d, "package.json"))) return d;
    if (path.dirname(d) === d) return path.dirname(dir);
  }
}
