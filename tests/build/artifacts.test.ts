import * as assert from "assert";
import { createHash } from "crypto";
import * as fs from "fs";
import * as path from "path";
import { buildFunctions, deterministicZip, Manifest } from "../../tools/build";
import { FAKE_PACKAGES, makeProject, removeProject, REPO_NODE_MODULES } from "./fixture";
import { dosDateTime, readZip } from "./zip-reader";

const versionOf = (pkg: string) =>
  (JSON.parse(fs.readFileSync(path.join(REPO_NODE_MODULES, pkg, "package.json"), "utf8")) as { version: string }).version;

describe("build: artifacts and manifest", () => {
  let root: string;
  let dist: string;
  let manifest: Manifest;

  before(async () => {
    root = makeProject();
    dist = path.join(root, "dist");
    manifest = await buildFunctions({ functionsDir: path.join(root, "functions"), outDir: dist, env: { GITHUB_SHA: "0123abc" } });
  });
  after(() => removeProject(root));

  it("packs exactly index.js and index.js.map, sorted, stored, dated 1980-01-01 00:00, mode 0644, no extra fields", () => {
    for (const f of manifest.functions) {
      const entries = readZip(fs.readFileSync(path.join(dist, f.zip)));

      assert.deepStrictEqual(entries.map((e) => e.name), ["index.js", "index.js.map"]);
      for (const e of entries) {
        assert.deepStrictEqual(dosDateTime(e.dosDate, e.dosTime), { year: 1980, month: 1, day: 1, hours: 0, minutes: 0, seconds: 0 });
        assert.deepStrictEqual([e.localDate, e.localTime], [e.dosDate, e.dosTime]);
        assert.strictEqual((e.externalAttributes >>> 16).toString(8), "100644", `${f.zip}:${e.name} mode`);
        assert.strictEqual(e.method, 0, `${f.zip}:${e.name} is stored, not deflated`);
        assert.strictEqual(e.extraLength + e.localExtraLength, 0, `${f.zip}:${e.name} has no extra (timestamp) fields`);
        assert.ok(e.data.equals(fs.readFileSync(path.join(dist, f.name, e.name))), `${f.zip}:${e.name} equals dist/${f.name}/${e.name}`);
      }
    }
  });

  it("sorts entries by name whatever order they are given in", async () => {
    const a = await deterministicZip([
      { name: "index.js.map", data: Buffer.from("{}") },
      { name: "index.js", data: Buffer.from("x") },
    ]);
    const b = await deterministicZip([
      { name: "index.js", data: Buffer.from("x") },
      { name: "index.js.map", data: Buffer.from("{}") },
    ]);

    assert.strictEqual(a.sha256, b.sha256);
    assert.deepStrictEqual(readZip(a.data).map((e) => e.name), ["index.js", "index.js.map"]);
  });

  it("writes the manifest in the documented format, with each zip's real sha256 and size", () => {
    const zipFacts = (name: string) => {
      const data = fs.readFileSync(path.join(dist, `${name}.zip`));
      return { sha256: createHash("sha256").update(data).digest("hex"), bytes: data.length };
    };
    const esbuildVersion = versionOf("esbuild");

    assert.deepStrictEqual(manifest, {
      schemaVersion: 1,
      commit: "0123abc",
      builtWith: { esbuild: esbuildVersion, target: "node24" },
      functions: [
        {
          name: "alpha",
          trigger: "http",
          runtime: "nodejs24.x",
          architecture: "arm64",
          handler: "index.handler",
          zip: "alpha.zip",
          ...zipFacts("alpha"),
          dependencies: {
            "fixture-core": FAKE_PACKAGES["fixture-core"],
            "fixture-used": FAKE_PACKAGES["fixture-used"],
            zod: versionOf("zod"),
          },
        },
        {
          name: "beta",
          trigger: "schedule",
          runtime: "nodejs24.x",
          architecture: "x86_64",
          handler: "index.handler",
          zip: "beta.zip",
          ...zipFacts("beta"),
          dependencies: manifest.functions[1].dependencies, // asserted in its own test below
        },
      ],
    });
    assert.deepStrictEqual(JSON.parse(fs.readFileSync(path.join(dist, "manifest.json"), "utf8")), manifest);
  });

  it("writes manifest.json with keys in the documented order and a trailing newline", () => {
    const text = fs.readFileSync(path.join(dist, "manifest.json"), "utf8");
    const fn = (JSON.parse(text) as Manifest).functions[0];

    assert.ok(text.endsWith("}\n"));
    assert.deepStrictEqual(Object.keys(JSON.parse(text)), ["schemaVersion", "commit", "builtWith", "functions"]);
    assert.deepStrictEqual(Object.keys(fn), ["name", "trigger", "runtime", "architecture", "handler", "zip", "sha256", "bytes", "dependencies"]);
  });

  it("records the bundled AWS SDK client and its transitive packages at their installed versions", () => {
    const deps = manifest.functions.find((f) => f.name === "beta")!.dependencies;

    assert.strictEqual(deps["@aws-sdk/client-eventbridge"], versionOf("@aws-sdk/client-eventbridge"));
    assert.ok(Object.keys(deps).some((d) => d.startsWith("@smithy/")), Object.keys(deps).join(", "));
    assert.deepStrictEqual(Object.keys(deps), Object.keys(deps).slice().sort());
    assert.strictEqual(deps.zod, undefined, "beta does not import zod");
  });

  it("leaves out packages that are tree-shaken away, only re-export others' code, or are never imported", () => {
    const alpha = manifest.functions.find((f) => f.name === "alpha")!.dependencies;
    const js = fs.readFileSync(path.join(dist, "alpha", "index.js"), "utf8");

    assert.strictEqual(alpha["fixture-shaken"], undefined);
    assert.strictEqual(alpha["fixture-unimported"], undefined);
    assert.strictEqual(alpha["fixture-facade"], undefined);
    assert.strictEqual(alpha["fixture-core"], FAKE_PACKAGES["fixture-core"]);
    assert.ok(!js.includes("fixture-shaken should never be bundled"));
  });

  it("produces bundles that run: the handler answers a valid and an invalid event", async () => {
    const alpha = require(path.join(dist, "alpha", "index.js")) as { handler: (e: unknown) => Promise<unknown> };
    const beta = require(path.join(dist, "beta", "index.js")) as { handler: () => Promise<unknown> };

    assert.deepStrictEqual(await alpha.handler({ name: "Ada" }), { statusCode: 200, body: "hello ADA" });
    assert.deepStrictEqual(await alpha.handler({ name: "" }), { statusCode: 400, body: "name" });
    assert.deepStrictEqual(await beta.handler(), { region: "eu-west-1", entries: 1 });
  });
});
