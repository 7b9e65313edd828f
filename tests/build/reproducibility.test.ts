import * as assert from "assert";
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { buildFunctions, Manifest, readManifest } from "../../tools/build";
import { makeProject, removeProject, REPO_ROOT, touchAll } from "./fixture";

const CLI = path.join(REPO_ROOT, "tools/build/cli.ts");

/** Runs `npm run build`'s program in a child process with the given TZ and umask. */
function buildInChild(root: string, outDir: string, tz: string, umask: string) {
  const args = ["-r", "ts-node/register/transpile-only", CLI, "--functions", path.join(root, "functions"), "--out", outDir];
  return spawnSync("sh", ["-c", `umask ${umask} && exec "$0" "$@"`, process.execPath, ...args], {
    cwd: REPO_ROOT,
    env: { ...process.env, TZ: tz },
    encoding: "utf8",
  });
}

function hashes(m: Manifest): Record<string, string> {
  return Object.fromEntries(m.functions.map((f) => [f.name, `${f.sha256} ${f.bytes}`]));
}

describe("build: reproducibility", () => {
  let root: string;
  let first: Manifest;

  before(async () => {
    root = makeProject();
    first = await buildFunctions({ functionsDir: path.join(root, "functions"), outDir: path.join(root, "dist") });
  });
  after(() => removeProject(root));

  it("gives byte-identical zips and the same manifest when the same source is built twice", async () => {
    const again = await buildFunctions({ functionsDir: path.join(root, "functions"), outDir: path.join(root, "dist-again") });

    assert.deepStrictEqual(again, first);
    for (const f of first.functions) {
      const a = fs.readFileSync(path.join(root, "dist", f.zip));
      const b = fs.readFileSync(path.join(root, "dist-again", f.zip));
      assert.ok(a.equals(b), `${f.zip} differs between two builds`);
    }
  });

  it("gives the same zips from a checkout at another path, with new mtimes and node_modules copied instead of linked", async () => {
    const parent = fs.mkdtempSync(path.join(path.dirname(root), "elsewhere-"));
    const deeper = path.join(parent, "a", "much", "longer", "checkout-path");
    fs.mkdirSync(deeper, { recursive: true });
    const other = makeProject({ parent: deeper, copyZod: true });
    touchAll(other, new Date("2031-07-04T13:37:00Z"));

    const manifest = await buildFunctions({ functionsDir: path.join(other, "functions"), outDir: path.join(other, "dist") });

    assert.deepStrictEqual(hashes(manifest), hashes(first));
    fs.rmSync(parent, { recursive: true, force: true });
  });

  it("gives the same zips under other time zones and umasks", () => {
    const localEpoch = (tz: string) =>
      spawnSync(process.execPath, ["-p", "new Date(1980, 0, 1).getTime()"], { env: { ...process.env, TZ: tz }, encoding: "utf8" }).stdout.trim();
    assert.notStrictEqual(localEpoch("Asia/Tokyo"), localEpoch("America/Los_Angeles"), "the machine must honour TZ for this test to mean anything");

    const runs = [
      { tz: "Asia/Tokyo", umask: "077" },
      { tz: "America/Los_Angeles", umask: "002" },
    ].map(({ tz, umask }) => {
      const out = path.join(root, `dist-${umask}`);
      const child = buildInChild(root, out, tz, umask);
      assert.strictEqual(child.status, 0, `build under TZ=${tz} failed:\n${child.stderr}`);
      return hashes(readManifest(path.join(out, "manifest.json")));
    });

    assert.deepStrictEqual(runs[0], hashes(first));
    assert.deepStrictEqual(runs[1], hashes(first));
  });

  it("names no folder of the build machine in any bundle or source map", () => {
    for (const f of first.functions) {
      const js = fs.readFileSync(path.join(root, "dist", f.name, "index.js"), "utf8");
      const mapText = fs.readFileSync(path.join(root, "dist", f.name, "index.js.map"), "utf8");
      for (const dir of [root, REPO_ROOT, fs.realpathSync(root)]) {
        assert.ok(!js.includes(dir), `${f.name}/index.js contains ${dir}`);
        assert.ok(!mapText.includes(dir), `${f.name}/index.js.map contains ${dir}`);
      }
      const sources = (JSON.parse(mapText) as { sources: string[] }).sources;
      const escaping = sources.filter((s) => !s.startsWith("../../") || s.startsWith("../../../"));
      assert.deepStrictEqual(escaping, [], `${f.name}: sources must be relative to the project root`);
    }
  });

  it("maps the bundle to the function's source and its packages by project-relative paths", () => {
    const map = JSON.parse(fs.readFileSync(path.join(root, "dist", "alpha", "index.js.map"), "utf8")) as { sources: string[] };
    const js = fs.readFileSync(path.join(root, "dist", "alpha", "index.js"), "utf8");

    assert.ok(map.sources.includes("../../functions/alpha/handler.ts"), map.sources.slice(0, 5).join(", "));
    assert.ok(map.sources.some((s) => s.startsWith("../../node_modules/zod/")));
    assert.ok(js.trimEnd().endsWith("//# sourceMappingURL=index.js.map"));
  });
});
