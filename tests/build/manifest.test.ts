import * as assert from "assert";
import { execFileSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { Manifest, readManifest, serializeManifest, verifyArtifacts } from "../../tools/build/manifest";
import { resolveCommit } from "../../tools/build/provenance";

const VALID: Manifest = {
  schemaVersion: 1,
  commit: "abc123",
  builtWith: { esbuild: "0.28.2", target: "node24" },
  functions: [
    {
      name: "orders-api",
      trigger: "http",
      runtime: "nodejs24.x",
      architecture: "arm64",
      handler: "index.handler",
      zip: "orders-api.zip",
      sha256: "",
      bytes: 0,
      dependencies: { zod: "4.6.7" },
    },
  ],
};

describe("build: manifest reader", () => {
  let dir: string;
  let file: string;
  const write = (m: unknown) => fs.writeFileSync(file, typeof m === "string" ? m : JSON.stringify(m));

  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "manifest-test-"));
    file = path.join(dir, "manifest.json");
    const zip = Buffer.from("not really a zip, but bytes with a hash");
    fs.writeFileSync(path.join(dir, "orders-api.zip"), zip);
    VALID.functions[0].sha256 = require("crypto").createHash("sha256").update(zip).digest("hex");
    VALID.functions[0].bytes = zip.length;
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it("reads back what the build writes", () => {
    write(serializeManifest(VALID));

    assert.deepStrictEqual(readManifest(file), VALID);
  });

  it("reads back a manifest with the hooks built beside the functions", () => {
    const hook = Buffer.from("a hook zip");
    fs.mkdirSync(path.join(dir, "hooks"));
    fs.writeFileSync(path.join(dir, "hooks", "pre-traffic.zip"), hook);
    const withHooks: Manifest = { ...VALID, hooks: [{ name: "pre-traffic", zip: "hooks/pre-traffic.zip", sha256: require("crypto").createHash("sha256").update(hook).digest("hex"), bytes: hook.length }] };
    write(serializeManifest(withHooks));

    assert.deepStrictEqual(readManifest(file), withHooks);
    assert.doesNotThrow(() => verifyArtifacts(file));
  });

  it("reports a hook zip that no longer matches the manifest", () => {
    fs.mkdirSync(path.join(dir, "hooks"));
    fs.writeFileSync(path.join(dir, "hooks", "pre-traffic.zip"), "rebuilt on its own");
    write(serializeManifest({ ...VALID, hooks: [{ name: "pre-traffic", zip: "hooks/pre-traffic.zip", sha256: "0".repeat(64), bytes: 1 }] }));

    assert.throws(() => verifyArtifacts(file), /hooks\/pre-traffic\.zip: sha256 [0-9a-f]{64} .* does not match the manifest's 0{64}/);
  });

  it("loads without esbuild, so the Pulumi program stays fast", () => {
    // The module graph of the reader itself: the process may hold esbuild for other reasons
    // (ts-node's transpiler here), the Pulumi CLI's ts-node does not.
    const script = `
      const m = require.cache[require.resolve(${JSON.stringify(path.resolve(__dirname, "../../tools/build/manifest.ts"))})] ?? (require(${JSON.stringify(path.resolve(__dirname, "../../tools/build/manifest.ts"))}), require.cache[require.resolve(${JSON.stringify(path.resolve(__dirname, "../../tools/build/manifest.ts"))})]);
      const seen = new Set();
      const walk = (mod) => { if (seen.has(mod)) return; seen.add(mod); mod.children.forEach(walk); };
      walk(m);
      console.log([...seen].some((mod) => mod.id.includes("/node_modules/esbuild/")));`;
    const loaded = execFileSync(process.execPath, ["-r", "ts-node/register/transpile-only", "-e", script], {
      cwd: path.resolve(__dirname, "../.."),
      encoding: "utf8",
    }).trim();

    assert.strictEqual(loaded, "false");
  });

  const bad: [string, (m: Manifest) => unknown, RegExp][] = [
    ["a hook the build does not know", (m) => ({ ...m, hooks: [{ name: "post-traffic", zip: "hooks/post-traffic.zip", sha256: "0".repeat(64), bytes: 1 }] }), /`hooks\.0\.name` /],
    ["a hook zip somewhere else", (m) => ({ ...m, hooks: [{ name: "pre-traffic", zip: "hooks/other.zip", sha256: "0".repeat(64), bytes: 1 }] }), /`hooks\.0\.zip` must be "hooks\/pre-traffic\.zip" \(the hook's name\)/],
    ["a sha256 that is not 64 hex characters", (m) => ({ ...m, functions: [{ ...m.functions[0], sha256: "abc" }] }), /`functions\.0\.sha256` must be 64 lowercase hex characters \(a sha256\); got "abc"/],
    ["an unknown trigger", (m) => ({ ...m, functions: [{ ...m.functions[0], trigger: "cron" }] }), /`functions\.0\.trigger` .*; got "cron"/],
    ["a zip that is not the function's name", (m) => ({ ...m, functions: [{ ...m.functions[0], zip: "other.zip" }] }), /`functions\.0\.zip` must be "orders-api\.zip"/],
    ["another schemaVersion", (m) => ({ ...m, schemaVersion: 2 }), /`schemaVersion` .*; got 2/],
    ["a missing commit", (m) => ({ ...m, commit: undefined }), /`commit` /],
    ["an unknown field", (m) => ({ ...m, extra: true }), /`\(root\)` .*extra/],
    [
      "functions out of order",
      (m) => ({ ...m, functions: [{ ...m.functions[0], name: "b", zip: "b.zip" }, { ...m.functions[0], name: "a", zip: "a.zip" }] }),
      /`functions\.1\.name` functions must be sorted by name/,
    ],
  ];
  for (const [what, mutate, message] of bad) {
    it(`rejects ${what}, naming the file and the field`, () => {
      write(mutate(structuredClone(VALID)));

      assert.throws(() => readManifest(file), (e: Error) => {
        assert.match(e.message, message);
        assert.ok(e.message.includes(file) || e.message.includes(path.relative(process.cwd(), file)), e.message);
        return true;
      });
    });
  }

  it("rejects a file that is not JSON, naming it", () => {
    write("{ nope");

    assert.throws(() => readManifest(file), /manifest\.json: not valid JSON .*npm run build/);
  });

  it("says to run the build when the manifest does not exist", () => {
    assert.throws(() => readManifest(path.join(dir, "absent.json")), /absent\.json: not found\. Run `npm run build` first/);
  });

  it("accepts artifacts whose sha256 and size match", () => {
    write(serializeManifest(VALID));

    assert.doesNotThrow(() => verifyArtifacts(file));
  });

  it("refuses an artifact changed after the build, naming the zip", () => {
    write(serializeManifest(VALID));
    fs.appendFileSync(path.join(dir, "orders-api.zip"), "tampered");

    assert.throws(() => verifyArtifacts(file), /orders-api\.zip: sha256 [0-9a-f]{64} .* does not match the manifest's/);
  });
});

describe("build: provenance", () => {
  let repo: string;
  const git = (...args: string[]) =>
    execFileSync("git", ["-c", "user.name=t", "-c", "user.email=t@example.com", ...args], { cwd: repo, encoding: "utf8" }).trim();

  beforeEach(() => {
    repo = fs.mkdtempSync(path.join(os.tmpdir(), "provenance-test-"));
    fs.mkdirSync(path.join(repo, "functions", "a"), { recursive: true });
    fs.writeFileSync(path.join(repo, "functions", "a", "handler.ts"), "export const handler = 1;\n");
    fs.writeFileSync(path.join(repo, "README.md"), "x\n");
  });
  afterEach(() => fs.rmSync(repo, { recursive: true, force: true }));

  it("takes the CI's resolved source version first", () => {
    assert.strictEqual(resolveCommit(repo, path.join(repo, "functions"), { CODEBUILD_RESOLVED_SOURCE_VERSION: "cb1", GITHUB_SHA: "gh2" }), "cb1");
    assert.strictEqual(resolveCommit(repo, path.join(repo, "functions"), { GITHUB_SHA: "gh2" }), "gh2");
  });

  it("says unknown outside a git checkout", () => {
    assert.strictEqual(resolveCommit(repo, path.join(repo, "functions"), {}), "unknown");
  });

  it("uses HEAD, marked -dirty only when the functions have uncommitted changes", () => {
    git("init", "-q");
    git("add", ".");
    git("commit", "-q", "-m", "init");
    const head = git("rev-parse", "HEAD");
    const commit = () => resolveCommit(repo, path.join(repo, "functions"), {});

    assert.strictEqual(commit(), head);
    fs.appendFileSync(path.join(repo, "README.md"), "unrelated\n");
    assert.strictEqual(commit(), head);
    fs.appendFileSync(path.join(repo, "functions", "a", "handler.ts"), "// changed\n");
    assert.strictEqual(commit(), `${head}-dirty`);
  });
});
