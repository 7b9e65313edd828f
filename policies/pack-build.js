// @ts-check
/**
 * A compiled build of the policy pack, used only while it matches the sources.
 *
 * Why: the CLI's runner (@pulumi/pulumi/cmd/run-policy-pack/run.js) registers ts-node with
 * `typeCheck: true` hard-coded, so a pack shipped as TypeScript is type-checked on every start.
 * Measured on the 2-core machine (2026-11-23): 4.4 s of the pack process's CPU in TypeScript when
 * it starts from index.ts, against well under a second from the compiled build (see docs/plan.md,
 * "Speed"). The type check is not lost: this build is made by `tsc` with the same tsconfig (a
 * type error means no build), and `npm test` runs `tsc -p policies`.
 *
 * Never stale: `bin/stamp.json` records the SHA-256 of every input (each .ts file, the tsconfig
 * files, and any JSON file tsc copied into the build); `isFresh` recomputes them (a few ms) and
 * loader.js falls back to index.ts, which the runner compiles as before, when anything differs,
 * a .ts file was added or removed, or there is no build at all.
 *
 * Usage: `node policies/pack-build.js [--warn-only]` (the root `prepare` script runs it, so
 * `npm ci` builds it). Plain JavaScript, so it runs without ts-node.
 */
"use strict";
const crypto = require("node:crypto");
const fs = require("node:fs");
const path = require("node:path");

const PACK_DIR = __dirname;
const OUT = "bin";
const STAMP = "stamp.json";
const TSCONFIG = "tsconfig.build.json";
const SKIP = new Set(["node_modules", OUT]);

/** Relative paths of the pack's TypeScript sources and tsconfig files, sorted. */
function sourceFiles(dir = PACK_DIR, rel = "") {
  const out = [];
  for (const e of fs.readdirSync(path.join(dir, rel), { withFileTypes: true })) {
    if (e.name.startsWith(".") || e.name.startsWith(`${OUT}.tmp-`) || (rel === "" && SKIP.has(e.name))) continue;
    const r = rel ? `${rel}/${e.name}` : e.name;
    if (e.isDirectory()) out.push(...sourceFiles(dir, r));
    else if ((e.name.endsWith(".ts") && !e.name.endsWith(".d.ts")) || (rel === "" && /^tsconfig.*\.json$/.test(e.name))) out.push(r);
  }
  return out.sort();
}

function hashFile(file) {
  return crypto.createHash("sha256").update(fs.readFileSync(file)).digest("hex");
}

/** True when `bin/` was built from exactly the sources now in the pack folder. */
function isFresh(dir = PACK_DIR) {
  let stamp;
  try {
    stamp = JSON.parse(fs.readFileSync(path.join(dir, OUT, STAMP), "utf8"));
  } catch {
    return false;
  }
  const recorded = Object.keys(stamp.inputs || {});
  const sources = sourceFiles(dir);
  // Every current source must be recorded (a new file makes the build stale) ...
  if (sources.some((f) => !(f in stamp.inputs))) return false;
  // ... and every recorded input (sources and copied JSON) must be unchanged and present.
  for (const f of recorded) {
    try {
      if (hashFile(path.join(dir, f)) !== stamp.inputs[f]) return false;
    } catch {
      return false;
    }
  }
  return true;
}

/**
 * Type-checks and compiles the pack with tsc (tsconfig.build.json) into a temporary folder, then
 * swaps it in as `bin/`, so a concurrent reader sees the old build or the new one, never half.
 * The inputs are hashed BEFORE compiling: a file edited meanwhile leaves a stale stamp, never a
 * stale build taken as fresh. Returns the type errors (empty when built).
 */
function build(dir = PACK_DIR) {
  const ts = require(require.resolve("typescript", { paths: [dir] }));
  const inputs = {};
  for (const f of sourceFiles(dir)) inputs[f] = hashFile(path.join(dir, f));
  const tmp = path.join(dir, `${OUT}.tmp-${process.pid}`);
  fs.rmSync(tmp, { recursive: true, force: true });
  try {
    const configFile = path.join(dir, TSCONFIG);
    const read = ts.readConfigFile(configFile, ts.sys.readFile);
    if (read.error) return [ts.flattenDiagnosticMessageText(read.error.messageText, "\n")];
    const parsed = ts.parseJsonConfigFileContent(read.config, ts.sys, dir, { outDir: tmp }, configFile);
    const program = ts.createProgram({ rootNames: parsed.fileNames, options: parsed.options });
    const diagnostics = [...ts.getPreEmitDiagnostics(program)];
    if (diagnostics.length === 0) diagnostics.push(...program.emit().diagnostics);
    if (diagnostics.length > 0)
      return diagnostics.map((d) => {
        const msg = ts.flattenDiagnosticMessageText(d.messageText, "\n");
        if (!d.file || d.start === undefined) return msg;
        const { line, character } = d.file.getLineAndCharacterOfPosition(d.start);
        return `${path.relative(process.cwd(), d.file.fileName)}:${line + 1}:${character + 1}: ${msg}`;
      });
    // JSON modules tsc copied (resolveJsonModule) are inputs too.
    for (const f of copiedJson(tmp)) inputs[f] = hashFile(path.join(dir, f));
    fs.writeFileSync(path.join(tmp, STAMP), `${JSON.stringify({ typescript: ts.version, inputs }, null, 2)}\n`);
    const old = path.join(dir, `${OUT}.tmp-old-${process.pid}`);
    if (fs.existsSync(path.join(dir, OUT))) fs.renameSync(path.join(dir, OUT), old);
    fs.renameSync(tmp, path.join(dir, OUT));
    fs.rmSync(old, { recursive: true, force: true });
    return [];
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
}

function copiedJson(root, rel = "") {
  const out = [];
  for (const e of fs.readdirSync(path.join(root, rel), { withFileTypes: true })) {
    const r = rel ? `${rel}/${e.name}` : e.name;
    if (e.isDirectory()) out.push(...copiedJson(root, r));
    else if (e.name.endsWith(".json")) out.push(r);
  }
  return out;
}

module.exports = { isFresh, build, OUT };

if (require.main === module) {
  const warnOnly = process.argv.includes("--warn-only");
  const t0 = Date.now();
  const errors = build();
  if (errors.length === 0) {
    process.stdout.write(`policies: compiled build in ${path.relative(process.cwd(), path.join(PACK_DIR, OUT)) || OUT}/ (${Date.now() - t0} ms)\n`);
  } else {
    process.stderr.write(
      `policies: not built, the pack has type errors (it still runs from its TypeScript sources, and reports them):\n  ${errors.join("\n  ")}\n` +
        `Fix them and run \`node policies/pack-build.js\` again.\n`,
    );
    if (!warnOnly) process.exitCode = 1;
  }
}
