import * as esbuild from "esbuild";
import * as fs from "fs";
import * as path from "path";
import { ESBUILD_TARGET, FunctionEntry } from "../../infra/catalog";

/** What esbuild produced for one function, in `<stageDir>/<name>/`. */
export interface Bundle {
  readonly name: string;
  /** Absolute paths of `index.js` and `index.js.map`. */
  readonly js: string;
  readonly map: string;
  /** Absolute paths of every source file with code in the bundle (after tree-shaking). */
  readonly bundledFiles: readonly string[];
}

/** esbuild failed: every error, already formatted with file:line and the function(s) concerned. */
export class BundleError extends Error {
  /** Errors listed in the message; a broken shared file can fail every function at once. */
  static readonly SHOWN = 20;
  constructor(readonly problems: readonly string[]) {
    const shown = problems.slice(0, BundleError.SHOWN);
    const more = problems.length > shown.length ? `\n  ... and ${problems.length - shown.length} more` : "";
    super(`esbuild failed with ${problems.length} error(s):\n  - ${shown.join("\n  - ")}${more}`);
  }
}

/**
 * The options every function is bundled with. Nothing is marked external, the AWS SDK v3
 * included: the SDK preinstalled in the Lambda runtime changes without a deployment of ours, so
 * a zip that relied on it would not be the artifact we tested; bundled, the exact versions are
 * in the zip and recorded in the manifest.
 */
export const ESBUILD_OPTIONS = {
  bundle: true,
  platform: "node",
  format: "cjs",
  target: ESBUILD_TARGET,
  treeShaking: true,
  /**
   * ES module builds first: the AWS SDK v3 ships both, and only the ES one can be tree-shaken
   * (about 150 KB less per SDK client, 30-40 ms less cold start). Packages with `exports` are
   * resolved by their conditions as before; this only changes the fallback order.
   */
  mainFields: ["module", "main"],
  /** Smaller code parses faster at cold start; stack traces are mapped back by the source map. */
  minify: true,
  /** `index.js.map` beside the code plus the `//# sourceMappingURL` comment Node needs to find it. */
  sourcemap: "linked",
  /**
   * Mappings only: Node's `--enable-source-maps` needs no source text to map a stack trace, and
   * the text would triple the map that Node parses at cold start.
   */
  sourcesContent: false,
  legalComments: "eof",
  metafile: true,
  write: true,
  logLevel: "silent",
} as const satisfies esbuild.BuildOptions;

/**
 * Bundles all functions in ONE esbuild call (it parses each shared file once).
 * `stageDir` must be a direct child of `rootDir`: source paths in the maps are then
 * `../../<path from the project root>`, the same on every machine and still correct once
 * `<name>/` moves into `dist/`.
 */
export async function bundleFunctions(
  functions: readonly FunctionEntry[],
  rootDir: string,
  stageDir: string,
): Promise<{ bundles: Bundle[]; warnings: string[] }> {
  if (path.dirname(stageDir) !== rootDir) throw new Error(`internal: stage folder ${stageDir} must be a direct child of ${rootDir}.`);
  let result: esbuild.BuildResult<typeof ESBUILD_OPTIONS>;
  try {
    result = await esbuild.build({
      ...ESBUILD_OPTIONS,
      absWorkingDir: rootDir,
      outdir: stageDir,
      entryPoints: Object.fromEntries(functions.map((f) => [`${f.name}/index`, f.entry])),
      plugins: [zodNamespaceImports],
    });
  } catch (e) {
    const failure = e as esbuild.BuildFailure;
    if (!Array.isArray(failure.errors)) throw e;
    throw new BundleError(failure.errors.map((m) => formatMessage(m, functions, rootDir)));
  }
  const warnings = result.warnings.map((m) => formatMessage(m, functions, rootDir));
  const bundles = functions.map((f) => collect(f, result.metafile, rootDir, stageDir));
  return { bundles, warnings };
}

/**
 * Rewrites `import { z } from "zod"` in bundled packages to `import * as z from "zod"`, the form
 * Zod recommends. esbuild keeps EVERY export of a namespace that is re-exported as a binding
 * (zod's `export { z }`), so one such import (the Powertools parser schemas have dozens) pulls
 * all of Zod with its 50 locales, ~440 KB and ~30 ms of cold start; through `import * as z`
 * esbuild keeps only the members used. Same values, same (English) messages: `z` IS that
 * namespace. Hand-written because no esbuild option or Zod entry point avoids it
 * (colinhacks/zod#6597). Our own code uses the namespace import directly.
 */
export const zodNamespaceImports: esbuild.Plugin = {
  name: "zod-namespace-imports",
  setup(build) {
    build.onLoad({ filter: /[\\/]node_modules[\\/].*\.m?js$/ }, async (args) => {
      const text = await fs.promises.readFile(args.path, "utf8");
      if (!text.includes("zod")) return undefined; // esbuild reads it itself
      const rewritten = text.replace(/^import\s*\{([^}]*)\}\s*from\s*(['"])zod\2;?/gm, (statement, names: string) => {
        const specifiers = names.split(",").map((n) => n.trim()).filter(Boolean);
        if (!specifiers.includes("z")) return statement;
        const others = specifiers.filter((n) => n !== "z");
        return `import * as z from "zod";${others.length ? ` import { ${others.join(", ")} } from "zod";` : ""}`;
      });
      return rewritten === text ? undefined : { contents: rewritten, loader: "js" };
    });
  },
};

function collect(f: FunctionEntry, metafile: esbuild.Metafile, rootDir: string, stageDir: string): Bundle {
  const js = path.join(stageDir, f.name, "index.js");
  const map = `${js}.map`;
  const key = toPosix(path.relative(rootDir, js));
  const output = metafile.outputs[key];
  if (!output) throw new Error(`internal: esbuild's metafile has no output "${key}" for function "${f.name}".`);
  const bundledFiles: string[] = [];
  let outsideRoot = false;
  for (const [input, info] of Object.entries(output.inputs)) {
    if (info.bytesInOutput === 0) continue; // no code of its own left: tree-shaken, or re-exports only
    if (/^[a-z-]+:/.test(input)) continue; // esbuild-internal namespaces (e.g. "(disabled):"), not files
    if (input.startsWith("../") || path.isAbsolute(input)) outsideRoot = true;
    bundledFiles.push(path.resolve(rootDir, input));
  }
  // A dependency outside the project root (node_modules symlinked elsewhere, a monorepo's
  // hoisted packages) would put this machine's folders into the map: rewrite those paths.
  if (outsideRoot) rewriteSources(map, rootDir);
  assertNoAbsolutePaths(f.name, [js, map], [rootDir, fs.realpathSync(rootDir), ...outsideDirs(bundledFiles, rootDir)]);
  return { name: f.name, js, map, bundledFiles };
}

/**
 * Rewrites each `sources` entry to `../../<path from the project root>` (or `../../node_modules/...`).
 * Only the one line esbuild writes the array on is replaced, formatted as esbuild formats it, so
 * the map is byte-identical to the one a checkout with node_modules inside the root produces
 * (and the multi-megabyte `mappings` is never parsed).
 */
function rewriteSources(mapFile: string, rootDir: string): void {
  const text = fs.readFileSync(mapFile, "utf8");
  const open = '\n  "sources": [';
  const start = text.indexOf(open);
  const end = start < 0 ? -1 : text.indexOf("],\n", start);
  if (start < 0 || end < 0) throw new Error(`internal: ${mapFile} does not have esbuild's source map layout; cannot make its paths relative.`);
  const sources = JSON.parse(text.slice(start + open.length - 1, end + 1)) as string[];
  const mapDir = path.dirname(mapFile);
  const rewritten = sources.map((s) => JSON.stringify(`../../${canonicalPath(path.resolve(mapDir, s), rootDir)}`));
  fs.writeFileSync(mapFile, `${text.slice(0, start + open.length)}${rewritten.join(", ")}${text.slice(end)}`);
}

/** A machine-independent name for a bundled file: relative to the root, or from `node_modules/` on. */
export function canonicalPath(abs: string, rootDir: string): string {
  const rel = path.relative(rootDir, abs);
  if (!rel.startsWith("..") && !path.isAbsolute(rel)) return toPosix(rel);
  const parts = abs.split(path.sep);
  const at = parts.indexOf("node_modules");
  if (at >= 0) return parts.slice(at).join("/");
  throw new Error(
    `${abs} is bundled but lies outside the project root ${rootDir} and outside node_modules; its absolute path would make the bundle machine-dependent. Move it under the project.`,
  );
}

function outsideDirs(files: readonly string[], rootDir: string): string[] {
  const dirs = new Set<string>();
  for (const f of files) {
    const rel = path.relative(rootDir, f);
    if (!rel.startsWith("..")) continue;
    const at = f.indexOf(`${path.sep}node_modules${path.sep}`);
    dirs.add(at >= 0 ? f.slice(0, at) : path.dirname(f));
  }
  return [...dirs];
}

/** A reproducible bundle names no folder of the machine it was built on. */
function assertNoAbsolutePaths(name: string, files: string[], dirs: string[]): void {
  for (const file of files) {
    const data = fs.readFileSync(file);
    for (const dir of new Set(dirs)) {
      if (dir.length > 1 && data.includes(dir))
        throw new Error(
          `function "${name}": ${path.basename(file)} contains the absolute path ${dir}, so it would differ on another machine. Find what embeds it (a __dirname, a plugin) and remove it.`,
        );
    }
  }
}

function formatMessage(m: esbuild.Message, functions: readonly FunctionEntry[], rootDir: string): string {
  if (!m.location) return m.text;
  const abs = path.resolve(rootDir, m.location.file);
  const owners = functions.filter((f) => abs.startsWith(f.dir + path.sep)).map((f) => `"${f.name}"`);
  const who = owners.length ? `function ${owners.join(", ")}` : "shared code imported by a function";
  const shown = path.relative(process.cwd(), abs).startsWith("..") ? abs : path.relative(process.cwd(), abs);
  const where = `${shown}:${m.location.line}:${m.location.column + 1}`;
  const line = m.location.lineText ? `\n      ${m.location.lineText.trim()}` : "";
  return `${where} (${who}): ${m.text}${line}`;
}

function toPosix(p: string): string {
  return p.split(path.sep).join("/");
}
