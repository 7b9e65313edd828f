import * as assert from "assert";
import { createHash } from "crypto";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { buildHook } from "../../hooks/pre-traffic/build";
import { discoverFunctions } from "../../infra/catalog";
import { buildFunctions, Manifest } from "../../tools/build";
import { readManifest } from "../../tools/build/manifest";
import { makeProject, REPO_ROOT, removeProject } from "./fixture";
import { readZip } from "./zip-reader";

const sha256 = (data: Buffer) => createHash("sha256").update(data).digest("hex");

describe("build: the pre-traffic hook beside the functions", function () {
  this.timeout(180_000);
  const temps: string[] = [];
  let dist: string;
  let manifest: Manifest;

  before(async () => {
    const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "build-hook-"));
    temps.push(tmp);
    dist = path.join(tmp, "dist");
    // One function only: the hook must still carry every function's contract and examples.
    manifest = await buildFunctions({ functionsDir: path.join(REPO_ROOT, "functions"), outDir: dist, rootDir: REPO_ROOT, only: ["orders-api"], env: { GITHUB_SHA: "0123abc" } });
  });
  after(() => temps.forEach((d) => fs.rmSync(d, { recursive: true, force: true })));

  it("writes hooks/pre-traffic.zip and records its sha256 and size in the manifest", () => {
    const zip = fs.readFileSync(path.join(dist, "hooks", "pre-traffic.zip"));

    assert.deepStrictEqual(manifest.hooks, [{ name: "pre-traffic", zip: "hooks/pre-traffic.zip", sha256: sha256(zip), bytes: zip.length }]);
    assert.deepStrictEqual(readManifest(path.join(dist, "manifest.json")).hooks, manifest.hooks);
    assert.deepStrictEqual(readZip(zip).map((e) => e.name), ["index.js", "index.js.map"]);
  });

  it("builds the hook from every function, even when only some functions are built", () => {
    const js = readZip(fs.readFileSync(path.join(dist, "hooks", "pre-traffic.zip"))).find((e) => e.name === "index.js")!.data.toString("utf8");

    assert.deepStrictEqual(manifest.functions.map((f) => f.name), ["orders-api"]);
    for (const f of discoverFunctions(path.join(REPO_ROOT, "functions"))) assert.ok(js.includes(`"${f.name}"`), `the hook does not carry ${f.name}`);
  });

  it("packs the same bytes as building the hook on its own", async () => {
    const outDir = fs.mkdtempSync(path.join(REPO_ROOT, ".hook-alone-"));
    temps.push(outDir);

    const alone = await buildHook({ rootDir: REPO_ROOT, outDir });

    assert.strictEqual(alone.sha256, manifest.hooks![0].sha256);
  });

  it("builds no hook, and writes no `hooks`, in a project without hooks/pre-traffic", async () => {
    const root = makeProject();
    try {
      const built = await buildFunctions({ functionsDir: path.join(root, "functions"), outDir: path.join(root, "dist") });

      assert.strictEqual(built.hooks, undefined);
      assert.ok(!fs.existsSync(path.join(root, "dist", "hooks")));
      assert.ok(!fs.readFileSync(path.join(root, "dist", "manifest.json"), "utf8").includes('"hooks"'));
    } finally {
      removeProject(root);
    }
  });

  it("refuses `hook: true` in a project without hooks/pre-traffic, naming the missing file", async () => {
    const root = makeProject();
    try {
      await assert.rejects(buildFunctions({ functionsDir: path.join(root, "functions"), outDir: path.join(root, "dist"), hook: true }), (e: Error & { exitCode?: number }) => {
        assert.match(e.message, /hooks\/pre-traffic\/handler\.ts: not found; the pre-traffic hook cannot be built/);
        assert.strictEqual(e.exitCode, 2);
        return true;
      });
    } finally {
      removeProject(root);
    }
  });
});
