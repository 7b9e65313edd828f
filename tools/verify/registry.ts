import * as esbuild from "esbuild";
import Module = require("module");
import * as path from "path";
import { generateRegistrySource } from "../../hooks/pre-traffic/generate-registry";
import type { Registry } from "../../hooks/pre-traffic/registry";

/**
 * The registry the pre-traffic hook carries (every function's trigger, contract module and example
 * events), built from the same generated source the hook's bundle holds, so `npm run verify` judges
 * exactly what the hook judges. esbuild compiles it in memory with packages left to `node_modules`;
 * the module is then evaluated as if it lived in `rootDir`, so those packages resolve there.
 * (Node has no public API to load a module from a string; `Module#_compile` is what `require`
 * itself uses, and it avoids a temporary file beside the sources.)
 */
export async function loadRegistry(functionsDir: string, rootDir: string): Promise<Registry> {
  const root = path.resolve(rootDir);
  const source = generateRegistrySource(path.resolve(functionsDir), root);
  const result = await esbuild.build({
    stdin: { contents: source, loader: "ts", resolveDir: root, sourcefile: "registry.generated.ts" },
    bundle: true,
    platform: "node",
    format: "cjs",
    packages: "external",
    write: false,
    logLevel: "silent",
  });
  const filename = path.join(root, "registry.generated.js");
  type Internal = Module & { _compile(code: string, file: string): void; paths: string[] };
  const statics = Module as unknown as { _nodeModulePaths(dir: string): string[] };
  const m = new Module(filename) as Internal;
  m.filename = filename;
  m.paths = statics._nodeModulePaths(root);
  m._compile(result.outputFiles[0].text, filename);
  return (m.exports as { registry: Registry }).registry;
}
