import * as esbuild from "esbuild";
import * as fs from "fs";
import * as path from "path";
import { discoverFunctions, ESBUILD_TARGET, FunctionEntry, LAMBDA_RUNTIME } from "../../infra/catalog";
import { Bundle, bundleFunctions, BundleError } from "./bundle";
import { PackageVersions } from "./dependencies";
import { buildHook } from "../../hooks/pre-traffic/build";
import { HOOK_ZIPS, Manifest, MANIFEST_FILE, MANIFEST_SCHEMA_VERSION, ManifestFunction, ManifestHook, serializeManifest } from "./manifest";
import { resolveCommit } from "./provenance";
import { deterministicZip } from "./zip";

export interface BuildFunctionsOptions {
  /** Folder of function folders. */
  readonly functionsDir: string;
  /** Where the zips, unzipped bundles and manifest.json go; replaced as a whole. */
  readonly outDir: string;
  /** Build only these functions (the manifest then lists only them). @default all */
  readonly only?: readonly string[];
  /**
   * The project root: esbuild's working directory and what source-map paths are relative to.
   * @default the nearest folder above `functionsDir` with a package.json
   */
  readonly rootDir?: string;
  /** Zips written at once. @default 8 (bounded: a thousand bundles must not sit in memory together) */
  readonly concurrency?: number;
  /** Receives each esbuild warning, formatted with file:line and the function. @default ignored */
  readonly onWarning?: (message: string) => void;
  /** Where the commit is read from (CI variables). @default process.env */
  readonly env?: NodeJS.ProcessEnv;
  /**
   * Whether to build the pre-traffic hook into `<out>/hooks/pre-traffic.zip` (and list it in the
   * manifest's `hooks`). It always carries every function's contract and examples, also with
   * `only`: the hook guards every deployment of the stack. "auto" builds it when the project has
   * `hooks/pre-traffic/handler.ts` (this repository does; a project of functions alone does not).
   * @default "auto"
   */
  readonly hook?: boolean | "auto";
}

/** Where the hook's source lies in a project, relative to its root. */
export const HOOK_ENTRY = path.join("hooks", "pre-traffic", "handler.ts");

/** A build that did not produce artifacts; `exitCode` 2 for bad input, 1 for a failed build. */
export class BuildError extends Error {
  constructor(message: string, readonly exitCode: 1 | 2) {
    super(message);
    this.name = "BuildError";
  }
}

const BUILD_DEFAULTS = { concurrency: 8, handler: "index.handler", architecture: "arm64", hook: "auto" } as const;

/**
 * Bundles every function once, packs each into a deterministic zip and writes the manifest.
 * The output folder is assembled beside the project root and swapped in whole, so a function
 * removed from `functions/` leaves nothing behind and a failed build leaves the last one intact.
 */
export async function buildFunctions(options: BuildFunctionsOptions): Promise<Manifest> {
  const functionsDir = path.resolve(options.functionsDir);
  const outDir = path.resolve(options.outDir);
  const functions = selectFunctions(functionsDir, options.only);
  const rootDir = options.rootDir ? path.resolve(options.rootDir) : projectRootOf(functionsDir);
  checkOutDir(outDir, rootDir, functionsDir);

  const stageDir = fs.mkdtempSync(path.join(rootDir, ".build-"));
  fs.chmodSync(stageDir, 0o755); // it becomes the output folder; mkdtemp makes it owner-only
  try {
    let bundles: Bundle[];
    try {
      const bundled = await bundleFunctions(functions, rootDir, stageDir);
      bundled.warnings.forEach((w) => options.onWarning?.(w));
      bundles = bundled.bundles;
    } catch (e) {
      if (e instanceof BundleError) throw new BuildError(e.message, 1);
      throw new BuildError((e as Error).message, 1);
    }
    const versions = new PackageVersions();
    const byName = new Map(functions.map((f) => [f.name, f]));
    const entries = await mapLimit(bundles, options.concurrency ?? BUILD_DEFAULTS.concurrency, (b) =>
      packFunction(byName.get(b.name)!, b, stageDir, versions),
    );
    const hooks = await packHooks(options.hook ?? BUILD_DEFAULTS.hook, rootDir, functionsDir, stageDir);
    const manifest: Manifest = {
      schemaVersion: MANIFEST_SCHEMA_VERSION,
      commit: resolveCommit(rootDir, functionsDir, options.env),
      builtWith: { esbuild: esbuild.version, target: ESBUILD_TARGET },
      functions: entries.sort((a, b) => (a.name < b.name ? -1 : 1)),
      ...(hooks.length ? { hooks } : {}),
    };
    fs.writeFileSync(path.join(stageDir, MANIFEST_FILE), serializeManifest(manifest));
    publish(stageDir, outDir);
    return manifest;
  } finally {
    fs.rmSync(stageDir, { recursive: true, force: true });
  }
}

async function packFunction(f: FunctionEntry, b: Bundle, stageDir: string, versions: PackageVersions): Promise<ManifestFunction> {
  const [js, map] = await Promise.all([fs.promises.readFile(b.js), fs.promises.readFile(b.map)]);
  const zip = await deterministicZip([
    { name: "index.js", data: js },
    { name: "index.js.map", data: map },
  ]);
  await fs.promises.writeFile(path.join(stageDir, `${f.name}.zip`), zip.data);
  return {
    name: f.name,
    trigger: f.settings.trigger.type,
    runtime: LAMBDA_RUNTIME,
    architecture: f.settings.architecture ?? BUILD_DEFAULTS.architecture,
    handler: BUILD_DEFAULTS.handler,
    zip: `${f.name}.zip`,
    sha256: zip.sha256,
    bytes: zip.data.length,
    dependencies: versions.dependenciesOf(b.bundledFiles),
  };
}

/**
 * Builds the pre-traffic hook into the stage folder (a direct child of the project root, as
 * buildHook requires for machine-independent source maps) from every function of `functionsDir`.
 */
async function packHooks(hook: boolean | "auto", rootDir: string, functionsDir: string, stageDir: string): Promise<ManifestHook[]> {
  const present = fs.existsSync(path.join(rootDir, HOOK_ENTRY));
  if (hook === false || (hook === "auto" && !present)) return [];
  if (!present) throw new BuildError(`${shown(path.join(rootDir, HOOK_ENTRY))}: not found; the pre-traffic hook cannot be built in this project (pass \`hook: "auto"\` or false).`, 2);
  try {
    const built = await buildHook({ rootDir, functionsDir, outDir: stageDir });
    return [{ name: "pre-traffic", zip: HOOK_ZIPS["pre-traffic"], sha256: built.sha256, bytes: built.bytes }];
  } catch (e) {
    // A function folder the hook cannot carry (no contract, no examples) is bad input; anything else a failed build.
    const message = (e as Error).message;
    throw new BuildError(message, message.startsWith("The pre-traffic hook cannot be built") ? 2 : 1);
  }
}

function selectFunctions(functionsDir: string, only: readonly string[] | undefined): FunctionEntry[] {
  if (!fs.existsSync(functionsDir) || !fs.statSync(functionsDir).isDirectory())
    throw new BuildError(`${shown(functionsDir)}: functions folder not found; pass \`--functions <dir>\` or create it.`, 2);
  let all: FunctionEntry[];
  try {
    all = discoverFunctions(functionsDir);
  } catch (e) {
    throw new BuildError((e as Error).message, 2);
  }
  if (!only) return all;
  const names = new Set(all.map((f) => f.name));
  const unknown = only.filter((n) => !names.has(n));
  if (unknown.length)
    throw new BuildError(`--only: no function named ${unknown.map((n) => `"${n}"`).join(", ")} in ${shown(functionsDir)}; found ${[...names].join(", ")}.`, 2);
  if (!only.length) throw new BuildError("--only: give at least one function name.", 2);
  return all.filter((f) => only.includes(f.name));
}

/** The nearest folder at or above `dir` holding a package.json; else `dir`'s parent. */
export function projectRootOf(dir: string): string {
  for (let d = dir; ; d = path.dirname(d)) {
    if (fs.existsSync(path.join(d, "package.json"))) return d;
    if (path.dirname(d) === d) return path.dirname(dir);
  }
}

/** The output folder is replaced whole: refuse anything that is not a previous build's output. */
function checkOutDir(outDir: string, rootDir: string, functionsDir: string): void {
  const contains = (outer: string, inner: string) => inner === outer || inner.startsWith(outer + path.sep);
  if (contains(outDir, rootDir) || contains(outDir, functionsDir) || contains(functionsDir, outDir))
    throw new BuildError(`--out ${shown(outDir)}: must not contain the project or the functions folder, nor lie inside the functions folder; it is replaced on every build. Use e.g. \`--out dist\`.`, 2);
  if (!fs.existsSync(outDir)) return;
  if (!fs.statSync(outDir).isDirectory())
    throw new BuildError(`--out ${shown(outDir)}: exists and is not a folder; remove it or choose another.`, 2);
  const present = fs.readdirSync(outDir);
  if (present.length && !present.includes(MANIFEST_FILE))
    throw new BuildError(`--out ${shown(outDir)}: not empty and holds no ${MANIFEST_FILE} of an earlier build; it would be replaced whole. Empty it or choose another folder.`, 2);
}

/** Moves the finished stage folder into place, replacing the previous output. */
function publish(stageDir: string, outDir: string): void {
  fs.mkdirSync(path.dirname(outDir), { recursive: true });
  const suffix = `${process.pid}-${Date.now()}`;
  const next = `${outDir}.next-${suffix}`;
  try {
    fs.renameSync(stageDir, next);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== "EXDEV") throw e;
    fs.cpSync(stageDir, next, { recursive: true }); // another file system (e.g. --out under /tmp)
  }
  const old = `${outDir}.old-${suffix}`;
  if (fs.existsSync(outDir)) fs.renameSync(outDir, old);
  fs.renameSync(next, outDir);
  fs.rmSync(old, { recursive: true, force: true });
}

/**
 * Runs `fn` over `items`, at most `limit` at a time, results in input order. Hand-written: ten
 * lines, and the libraries that do it (p-limit, p-map) are ESM-only.
 */
async function mapLimit<T, R>(items: readonly T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      results[i] = await fn(items[i]);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, worker));
  return results;
}

function shown(p: string): string {
  const rel = path.relative(process.cwd(), p);
  return rel && !rel.startsWith("..") ? rel : p;
}
