import * as assert from "assert";
import * as fs from "fs";
import * as path from "path";
import { main } from "../../tools/build/cli";
import { readManifest } from "../../tools/build";
import { addFunction, FUNCTIONS, makeProject, removeProject } from "./fixture";

/** Runs the build command in-process and returns its exit code and what it printed. */
async function build(...argv: string[]) {
  let out = "";
  let err = "";
  const code = await main(argv, { out: (t) => (out += t), err: (t) => (err += t) });
  return { code, out, err };
}

describe("build: command line", () => {
  let root: string;
  let functionsDir: string;
  let dist: string;

  beforeEach(() => {
    root = makeProject({ functions: { alpha: FUNCTIONS.alpha } });
    functionsDir = path.join(root, "functions");
    dist = path.join(root, "dist");
  });
  afterEach(() => removeProject(root));

  it("builds every function and prints each hash and the manifest path", async () => {
    addFunction(root, "gamma", { settings: { description: "g", trigger: { type: "event", pattern: { source: ["s"], detailType: ["D"] } } }, handler: "export const handler = async () => 1;\n" });

    const run = await build("--functions", functionsDir, "--out", dist);

    assert.strictEqual(run.code, 0, run.err);
    assert.deepStrictEqual(readManifest(path.join(dist, "manifest.json")).functions.map((f) => [f.name, f.trigger]), [["alpha", "http"], ["gamma", "event"]]);
    assert.match(run.out, /alpha .* sha256 [0-9a-f]{64}/);
    assert.match(run.out, /Built 2 function\(s\) .* wrote .*manifest\.json/);
  });

  it("exits 1 naming the function, the file and the line when a handler has a syntax error", async () => {
    addFunction(root, "broken", { settings: FUNCTIONS.alpha.settings, handler: "export const handler = async () => {\n  return { ok: true ;\n};\n" });

    const run = await build("--functions", functionsDir, "--out", dist);

    assert.strictEqual(run.code, 1);
    assert.match(run.err, /functions\/broken\/handler\.ts:2:\d+ \(function "broken"\): Expected "}" but found ";"/);
    assert.ok(!fs.existsSync(dist), "a failed build publishes nothing");
  });

  it("exits 1 naming the function when an import cannot be resolved", async () => {
    addFunction(root, "lost", { settings: FUNCTIONS.alpha.settings, handler: 'import { x } from "not-installed-anywhere";\nexport const handler = async () => x;\n' });

    const run = await build("--functions", functionsDir, "--out", dist);

    assert.strictEqual(run.code, 1);
    assert.match(run.err, /functions\/lost\/handler\.ts:1:\d+ \(function "lost"\): Could not resolve "not-installed-anywhere"/);
  });

  it("keeps the previous output when a build fails", async () => {
    assert.strictEqual((await build("--functions", functionsDir, "--out", dist)).code, 0);
    addFunction(root, "broken", { settings: FUNCTIONS.alpha.settings, handler: "export const handler = ;\n" });

    assert.strictEqual((await build("--functions", functionsDir, "--out", dist)).code, 1);

    assert.deepStrictEqual(readManifest(path.join(dist, "manifest.json")).functions.map((f) => f.name), ["alpha"]);
  });

  it("drops a removed function's zip, bundle and manifest entry on the next build", async () => {
    addFunction(root, "gamma", { settings: FUNCTIONS.alpha.settings, handler: "export const handler = async () => 1;\n" });
    assert.strictEqual((await build("--functions", functionsDir, "--out", dist)).code, 0);
    fs.rmSync(path.join(functionsDir, "gamma"), { recursive: true });

    const run = await build("--functions", functionsDir, "--out", dist);

    assert.strictEqual(run.code, 0, run.err);
    assert.deepStrictEqual(readManifest(path.join(dist, "manifest.json")).functions.map((f) => f.name), ["alpha"]);
    assert.deepStrictEqual(fs.readdirSync(dist).sort(), ["alpha", "alpha.zip", "manifest.json"]);
    assert.deepStrictEqual(fs.readdirSync(root).filter((n) => n.startsWith(".build-") || n.startsWith("dist.")), [], "no staging folder left");
  });

  it("builds only the functions named by --only", async () => {
    addFunction(root, "gamma", { settings: FUNCTIONS.alpha.settings, handler: "export const handler = async () => 1;\n" });

    const run = await build("--functions", functionsDir, "--out", dist, "--only", "gamma");

    assert.strictEqual(run.code, 0, run.err);
    assert.deepStrictEqual(readManifest(path.join(dist, "manifest.json")).functions.map((f) => f.name), ["gamma"]);
  });

  it("exits 2 naming the unknown function given to --only", async () => {
    const run = await build("--functions", functionsDir, "--out", dist, "--only", "alpha,nope");

    assert.strictEqual(run.code, 2);
    assert.match(run.err, /--only: no function named "nope" .* found alpha/);
  });

  it("exits 2 naming the folder when the functions folder does not exist", async () => {
    const run = await build("--functions", path.join(root, "missing"), "--out", dist);

    assert.strictEqual(run.code, 2);
    assert.match(run.err, /missing: functions folder not found; pass `--functions <dir>`/);
  });

  it("exits 2 naming the file and field when a function.json is invalid", async () => {
    addFunction(root, "gamma", { settings: { description: "g", trigger: { type: "http", method: "FETCH", path: "/g" } }, handler: "export const handler = 1;\n" });

    const run = await build("--functions", functionsDir, "--out", dist);

    assert.strictEqual(run.code, 2);
    assert.match(run.err, /gamma\/function\.json: `trigger\.method` .*FETCH/);
  });

  it("exits 2 on an unknown option, with the usage", async () => {
    const run = await build("--functoins", functionsDir);

    assert.strictEqual(run.code, 2);
    assert.match(run.err, /usage: npm run build/);
  });

  it("refuses to replace a non-empty output folder that is not an earlier build", async () => {
    fs.mkdirSync(dist);
    fs.writeFileSync(path.join(dist, "notes.txt"), "mine");

    const run = await build("--functions", functionsDir, "--out", dist);

    assert.strictEqual(run.code, 2);
    assert.match(run.err, /not empty and holds no manifest\.json/);
    assert.strictEqual(fs.readFileSync(path.join(dist, "notes.txt"), "utf8"), "mine");
  });
});
