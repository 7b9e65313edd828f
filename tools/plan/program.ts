import * as fs from "node:fs";
import Module from "node:module";
import * as path from "node:path";
import { ConfigError } from "../lib/pulumi-project";

/** This repository's root, whose installed `@pulumi/*` serve programs that bring none. */
const OUR_ROOT = path.resolve(__dirname, "../..");

/**
 * The program's entry file, found as the nodejs language host finds it (cmd/run/run.js):
 * Pulumi.yaml `main`, else package.json `exports`/`main`, else index.ts / index.js.
 */
export function resolveEntry(programDir: string, main?: string): string {
  if (main) return mustExist(path.resolve(programDir, main), `Pulumi.yaml \`main\``);
  const pkgFile = path.join(programDir, "package.json");
  if (fs.existsSync(pkgFile)) {
    const pkg = JSON.parse(fs.readFileSync(pkgFile, "utf8")) as { main?: string; exports?: unknown };
    const exp = typeof pkg.exports === "string" ? pkg.exports : (pkg.exports as Record<string, unknown> | undefined)?.["."];
    const target = typeof exp === "string" ? exp : pkg.main;
    if (target) return mustExist(path.resolve(programDir, target), `${path.relative(process.cwd(), pkgFile) || pkgFile} \`main\``);
  }
  for (const f of ["index.ts", "index.js"]) if (fs.existsSync(path.join(programDir, f))) return path.join(programDir, f);
  throw new ConfigError(`${programDir}: no entry point; set \`main\` in Pulumi.yaml or add index.ts.`);
}

function mustExist(file: string, what: string): string {
  for (const candidate of [file, `${file}.ts`, `${file}.js`, path.join(file, "index.ts"), path.join(file, "index.js")])
    if (fs.existsSync(candidate) && fs.statSync(candidate).isFile()) return candidate;
  throw new ConfigError(`${what} points at ${file}, which does not exist.`);
}

/** Where `@pulumi/pulumi` comes from for this program: its own install, else ours. */
export function sdkPath(programDir: string): string {
  for (const from of [programDir, OUR_ROOT]) {
    try {
      return require.resolve("@pulumi/pulumi", { paths: [from] });
    } catch {
      /* try the next */
    }
  }
  throw new ConfigError(`@pulumi/pulumi is not installed here or in ${programDir}; run npm ci.`);
}

let fallbackInstalled = false;

/**
 * A program folder without node_modules (a fixture, a generated bench program) must still load
 * `@pulumi/*`, and the SAME instance the plan sets its monitor on: runtime state such as the
 * monitor and `isDryRun` lives in module variables. Node's resolver has no hook for "try another
 * root last", so this wraps `Module._resolveFilename` for `@pulumi/` requests only, and only
 * after the normal lookup failed; a program with its own install keeps it.
 */
export function installPulumiFallback(): void {
  if (fallbackInstalled) return;
  fallbackInstalled = true;
  const M = Module as unknown as { _resolveFilename: (req: string, parent: unknown, ...rest: unknown[]) => string };
  const original = M._resolveFilename;
  M._resolveFilename = function (request: string, parent: unknown, ...rest: unknown[]): string {
    try {
      return original.call(this, request, parent, ...rest);
    } catch (e) {
      if (!request.startsWith("@pulumi/")) throw e;
      return require.resolve(request, { paths: [OUR_ROOT] });
    }
  };
}

/**
 * TypeScript programs need ts-node. When this process already compiles .ts (the `plan` script
 * runs under `ts-node --transpile-only`, mocha registers it too) that registration is reused;
 * otherwise ts-node is registered transpile-only: type checking a large program costs seconds
 * and `npm run typecheck` does it already.
 */
export function ensureTypeScript(entry: string, programDir: string): void {
  if (!entry.endsWith(".ts") || require.extensions[".ts"]) return;
  const tsconfig = path.join(programDir, "tsconfig.json");
  // eslint-disable-next-line @typescript-eslint/no-var-requires
  require("ts-node").register({
    transpileOnly: true,
    ...(fs.existsSync(tsconfig) ? { project: tsconfig } : { skipProject: true, compilerOptions: { module: "commonjs", target: "es2022", esModuleInterop: true } }),
  });
}
