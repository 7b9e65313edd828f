import * as esbuild from "esbuild";
import * as fs from "fs";
import * as path from "path";
import { generateRegistrySource } from "../../hooks/pre-traffic/generate-registry";
import type { Registry } from "../../hooks/pre-traffic/registry";

export const ROOT = path.resolve(__dirname, "../..");

let cached: Registry | undefined;

/**
 * The registry exactly as the hook's bundle gets it: the generated module compiled by esbuild
 * (packages left to node_modules), then loaded. Built once per test run.
 */
export async function generatedRegistry(functionsDir = path.join(ROOT, "functions")): Promise<Registry> {
  if (cached && functionsDir === path.join(ROOT, "functions")) return cached;
  const source = generateRegistrySource(functionsDir, ROOT);
  const dir = fs.mkdtempSync(path.join(ROOT, ".registry-test-"));
  try {
    const out = path.join(dir, "registry.js");
    await esbuild.build({
      stdin: { contents: source, loader: "ts", resolveDir: ROOT, sourcefile: "registry.generated.ts" },
      bundle: true,
      platform: "node",
      format: "cjs",
      packages: "external",
      outfile: out,
      logLevel: "silent",
    });
    const registry = (require(out) as { registry: Registry }).registry;
    if (functionsDir === path.join(ROOT, "functions")) cached = registry;
    return registry;
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
