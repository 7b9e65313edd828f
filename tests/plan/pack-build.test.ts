import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { startPolicyPack } from "../../tools/lib/policy-pack-client";
import { REPO_ROOT, removeDir, tempDir } from "./fixtures";

/** A copy of the repository's pack (sources, config, loader; no build) in a folder of its own. */
function copyPack(): string {
  const dir = tempDir("pack-build");
  const from = path.join(REPO_ROOT, "policies");
  fs.cpSync(from, dir, { recursive: true, filter: (src) => !/[\\/](bin|node_modules)$/.test(src) && !/[\\/]bin\.tmp-/.test(src) });
  return dir;
}

// eslint-disable-next-line @typescript-eslint/no-var-requires
const packBuild = (dir: string) => require(path.join(dir, "pack-build.js")) as { isFresh(dir: string): boolean; build(dir: string): string[] };

const RUNTIME_RULE = "rules/lambda-runtime.ts";
const OLD_TEXT = "is not in the pack's support table";
const fn = {
  type: "aws:lambda/function:Function",
  name: "f",
  urn: "urn:pulumi:dev::p::aws:lambda/function:Function::f",
  properties: { name: "f", runtime: "nodejs4.3-unknown", packageType: "Zip" },
};

describe("policy pack: compiled build, used only while it matches the sources", () => {
  let dir: string;
  before(function () {
    this.timeout(120_000);
    dir = copyPack();
    assert.deepEqual(packBuild(dir).build(dir), [], "the pack compiles without type errors");
  });
  after(() => removeDir(dir));

  it("takes a fresh build as fresh, and any edited, added or missing input as stale", () => {
    const { isFresh } = packBuild(dir);
    assert.equal(isFresh(dir), true);
    const rule = path.join(dir, RUNTIME_RULE);
    const original = fs.readFileSync(rule, "utf8");
    fs.writeFileSync(rule, `${original}\n// edited\n`);
    assert.equal(isFresh(dir), false, "an edited rule");
    fs.writeFileSync(rule, original);
    assert.equal(isFresh(dir), true, "the same content again");
    fs.writeFileSync(path.join(dir, "lib", "extra.ts"), "export const x = 1;\n");
    assert.equal(isFresh(dir), false, "a new source file");
    fs.rmSync(path.join(dir, "lib", "extra.ts"));
    fs.writeFileSync(path.join(dir, "tsconfig.json"), fs.readFileSync(path.join(dir, "tsconfig.json"), "utf8").replace('"strict": true', '"strict": false'));
    assert.equal(isFresh(dir), false, "a changed tsconfig");
    fs.cpSync(path.join(REPO_ROOT, "policies", "tsconfig.json"), path.join(dir, "tsconfig.json"));
    assert.equal(isFresh(dir), true);
    fs.rmSync(path.join(dir, "bin", "stamp.json"));
    assert.equal(isFresh(dir), false, "a build without its stamp");
  });

  it("runs an edited rule from its source, never the stale build, when started as the CLI starts it", async function () {
    this.timeout(120_000);
    assert.deepEqual(packBuild(dir).build(dir), []);
    const rule = path.join(dir, RUNTIME_RULE);
    fs.writeFileSync(rule, fs.readFileSync(rule, "utf8").replace(OLD_TEXT, "is missing from the EDITED support table"));
    const pack = await startPolicyPack({ packDir: dir, project: "p", stack: "dev" });
    try {
      const messages = (await pack.analyze(fn)).map((d) => d.message).join("\n");
      assert.match(messages, /EDITED support table/);
    } finally {
      await pack.close();
    }
  });

  it("runs the compiled build when it is fresh, with the same verdicts, and finds the baseline from bin/", async function () {
    this.timeout(120_000);
    fs.cpSync(path.join(REPO_ROOT, "policies", RUNTIME_RULE), path.join(dir, RUNTIME_RULE));
    assert.deepEqual(packBuild(dir).build(dir), []);
    assert.equal(packBuild(dir).isFresh(dir), true);
    // eslint-disable-next-line @typescript-eslint/no-var-requires
    assert.equal(require(path.join(dir, "bin", "rules", "iam.js")).PACK_DIR, dir, "config paths stay relative to the pack folder");
    const pack = await startPolicyPack({ packDir: dir, project: "p", stack: "dev" });
    try {
      const messages = (await pack.analyze(fn)).map((d) => d.message).join("\n");
      assert.ok(messages.includes(OLD_TEXT), messages);
    } finally {
      await pack.close();
    }
  });
});
