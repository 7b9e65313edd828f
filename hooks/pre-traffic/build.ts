import * as esbuild from "esbuild";
import * as fs from "fs";
import * as path from "path";
import { ESBUILD_OPTIONS } from "../../tools/build/bundle";
import { HOOK_ZIPS } from "../../tools/build/manifest";
import { deterministicZip } from "../../tools/build/zip";
import { generateRegistrySource } from "./generate-registry";

export interface BuildHookOptions {
  /** The project root (package.json, node_modules, functions/, hooks/). */
  readonly rootDir: string;
  /** @default `<rootDir>/functions` */
  readonly functionsDir?: string;
  /**
   * Where `hooks/pre-traffic.zip` goes (the build's output folder, `dist`, or its staging folder
   * before the swap). It must be a direct child of `rootDir`, like the functions' stage folder, so
   * source-map paths are the same on every machine.
   */
  readonly outDir: string;
}

export interface HookBuild {
  readonly zipPath: string;
  readonly sha256: string;
  readonly bytes: number;
}

/** The path the program and the manifest expect, relative to the build's output folder. */
export const HOOK_ZIP = HOOK_ZIPS["pre-traffic"];
const REGISTRY_MODULE = /^\.\/registry\.generated$/;
const NAMESPACE = "pre-traffic-registry";

/**
 * Bundles hooks/pre-traffic/handler.ts with the function options (same target, minified, linked
 * source map, SDK bundled) and the registry generated from the function folders, then packs
 * `index.js` and `index.js.map` into a deterministic zip (the functions' zip writer): the same
 * sources give the same sha256 anywhere.
 */
export async function buildHook(options: BuildHookOptions): Promise<HookBuild> {
  const rootDir = path.resolve(options.rootDir);
  const outDir = path.resolve(options.outDir);
  if (path.dirname(outDir) !== rootDir) throw new Error(`buildHook: \`outDir\` ${outDir} must be a direct child of the project root ${rootDir}.`);
  const source = generateRegistrySource(path.resolve(options.functionsDir ?? path.join(rootDir, "functions")), rootDir);
  const registryPlugin: esbuild.Plugin = {
    name: NAMESPACE,
    setup(build) {
      build.onResolve({ filter: REGISTRY_MODULE }, () => ({ path: "registry.generated.ts", namespace: NAMESPACE }));
      build.onLoad({ filter: /.*/, namespace: NAMESPACE }, () => ({ contents: source, loader: "ts", resolveDir: rootDir }));
    },
  };
  const bundleDir = path.join(outDir, "hooks", "pre-traffic");
  let result: esbuild.BuildResult;
  try {
    result = await esbuild.build({
      ...ESBUILD_OPTIONS,
      metafile: false,
      write: false,
      absWorkingDir: rootDir,
      outdir: bundleDir,
      entryPoints: { index: path.join(rootDir, "hooks", "pre-traffic", "handler.ts") },
      plugins: [registryPlugin],
    });
  } catch (e) {
    const failure = e as esbuild.BuildFailure;
    if (!Array.isArray(failure.errors)) throw e;
    throw new Error(`buildHook: esbuild failed:\n  - ${failure.errors.map((m) => (m.location ? `${m.location.file}:${m.location.line}: ${m.text}` : m.text)).join("\n  - ")}`);
  }
  const file = (name: string) => {
    const out = result.outputFiles!.find((f) => path.basename(f.path) === name);
    if (!out) throw new Error(`buildHook: esbuild produced no ${name}.`);
    return Buffer.from(out.contents);
  };
  const js = file("index.js");
  const map = file("index.js.map");
  for (const dir of new Set([rootDir, fs.realpathSync(rootDir)]))
    if (js.includes(dir) || map.includes(dir)) throw new Error(`buildHook: the bundle contains the absolute path ${dir}; it would differ on another machine.`);
  const zip = await deterministicZip([
    { name: "index.js", data: js },
    { name: "index.js.map", data: map },
  ]);
  const zipPath = path.join(outDir, HOOK_ZIP);
  fs.mkdirSync(path.dirname(zipPath), { recursive: true });
  fs.writeFileSync(zipPath, zip.data);
  return { zipPath, sha256: zip.sha256, bytes: zip.data.length };
}

// `npx ts-node --transpile-only hooks/pre-traffic/build.ts [outDir]`: the hook alone. `npm run build`
// builds it with the functions (tools/build/build.ts) and records its sha256 in the manifest; this
// entry point only rewrites the zip (a manifest that lists the hook then no longer matches it).
if (require.main === module) {
  const rootDir = path.resolve(__dirname, "../..");
  buildHook({ rootDir, outDir: path.resolve(rootDir, process.argv[2] ?? "dist") }).then(
    (b) => console.log(`${path.relative(rootDir, b.zipPath)} ${b.bytes} bytes sha256 ${b.sha256}`),
    (e) => {
      console.error((e as Error).message);
      process.exitCode = 1;
    },
  );
}
