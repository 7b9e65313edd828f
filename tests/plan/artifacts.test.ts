import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { serializeManifest } from "../../tools/build/manifest";
import { isStale } from "../../tools/plan/artifacts";
import { planStack } from "../../tools/plan/plan";
import { fixtureProgram, removeDir, tempDir, writeFiles } from "./fixtures";

const SHA = "0".repeat(64);
const HOOK = { name: "pre-traffic" as const, zip: "hooks/pre-traffic.zip" as const, sha256: SHA, bytes: 4 };

/** A project as the build sees it: package.json, a function, the hook's source and a build of them. */
function builtProject(hooks: (typeof HOOK)[] | null): { dir: string; manifest: string; functionsDir: string } {
  const dir = tempDir("artifacts");
  writeFiles(dir, {
    "package.json": "{}\n",
    "functions/orders/handler.ts": "export const handler = async () => 1;\n",
    "hooks/pre-traffic/handler.ts": "export const handler = async () => undefined;\n",
    "hooks/pre-traffic/checks.ts": "export const checks = [];\n",
    "dist/orders.zip": "zip!",
    "dist/hooks/pre-traffic.zip": "zip!",
    "dist/manifest.json": serializeManifest({
      schemaVersion: 1,
      commit: "abc123",
      builtWith: { esbuild: "0.0.0", target: "node24" },
      functions: [{ name: "orders", trigger: "http", runtime: "nodejs24.x", architecture: "arm64", handler: "index.handler", zip: "orders.zip", sha256: SHA, bytes: 4, dependencies: {} }],
      ...(hooks ? { hooks } : {}), // null: a manifest from before hooks were built
    }),
  });
  // Sources a minute older than the build, so only what a test touches is newer.
  const past = new Date(Date.now() - 60_000);
  for (const rel of ["functions/orders/handler.ts", "hooks/pre-traffic/handler.ts", "hooks/pre-traffic/checks.ts"]) fs.utimesSync(path.join(dir, rel), past, past);
  return { dir, manifest: path.join(dir, "dist", "manifest.json"), functionsDir: path.join(dir, "functions") };
}

/** Marks a file as edited after the build. */
function touchLater(file: string): void {
  const later = new Date(Date.now() + 60_000);
  fs.utimesSync(file, later, later);
}

describe("offline plan: when the functions and the hook must be built again", () => {
  const dirs: string[] = [];
  const project = (hooks: (typeof HOOK)[] | null = [HOOK]) => {
    const p = builtProject(hooks);
    dirs.push(p.dir);
    return p;
  };
  after(() => dirs.forEach(removeDir));

  it("takes a build newer than every function and hook source, with the hook zip its manifest lists, as fresh", () => {
    const { manifest, functionsDir } = project();

    assert.equal(isStale(manifest, functionsDir), false);
  });

  it("rebuilds when the manifest is missing", () => {
    const { manifest, functionsDir } = project();
    fs.rmSync(manifest);

    assert.equal(isStale(manifest, functionsDir), true);
  });

  it("rebuilds when a function's source is newer than the manifest", () => {
    const { dir, manifest, functionsDir } = project();
    touchLater(path.join(dir, "functions/orders/handler.ts"));

    assert.equal(isStale(manifest, functionsDir), true);
  });

  it("rebuilds when the hook zip the manifest lists (dist/hooks/pre-traffic.zip) is missing", () => {
    const { dir, manifest, functionsDir } = project();
    fs.rmSync(path.join(dir, "dist/hooks/pre-traffic.zip"));

    assert.equal(isStale(manifest, functionsDir), true);
  });

  it("rebuilds when any file under hooks/ is newer than the manifest, not only the hook's handler", () => {
    const { dir, manifest, functionsDir } = project();
    touchLater(path.join(dir, "hooks/pre-traffic/checks.ts"));

    assert.equal(isStale(manifest, functionsDir), true);
  });

  it("rebuilds when the project has the hook's source but the manifest lists no hook (built before hooks were)", () => {
    const { manifest, functionsDir } = project(null);

    assert.equal(isStale(manifest, functionsDir), true);
  });

  it("rebuilds when the manifest is not a valid build manifest", () => {
    const { manifest, functionsDir } = project();
    fs.writeFileSync(manifest, "{ not json");

    assert.equal(isStale(manifest, functionsDir), true);
  });
});

describe("offline plan: an async program", () => {
  let dir: string;
  before(() => {
    dir = fixtureProgram({ dev: "config:\n  aws:region: eu-west-1\n" }, ASYNC_PROGRAM);
  });
  after(() => removeDir(dir));

  it("waits for the promise the module exports and takes what it resolves to as the stack outputs", async () => {
    const plan = await planStack({ programDir: dir, stack: "dev", policyPack: null });

    assert.deepEqual(plan.outputs, { late: "fixture-dev-late", count: 2 });
    assert.deepEqual(
      plan.resources.filter((r) => r.type === "aws:s3/bucket:Bucket").map((r) => r.name),
      ["early", "late"],
    );
  });
});

/**
 * As infra/index.ts does: the module's value is the promise of the stack outputs, and a resource
 * is declared after the program yielded to the event loop.
 */
const ASYNC_PROGRAM = `
import * as pulumi from "@pulumi/pulumi";
import * as aws from "@pulumi/aws";

async function main() {
  const early = new aws.s3.Bucket("early", { bucket: \`fixture-\${pulumi.getStack()}-early\` });
  await new Promise<void>((resolve) => setImmediate(resolve));
  const late = new aws.s3.Bucket("late", { bucket: \`fixture-\${pulumi.getStack()}-late\` }, { dependsOn: [early] });
  return { late: late.bucket, count: 2 };
}

export = main();
`;
