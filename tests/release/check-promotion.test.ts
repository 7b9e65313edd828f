import * as assert from "assert";
import * as fs from "fs";
import * as path from "path";
import { PromotionRecord, releaseKeys } from "../../infra/delivery/release-layout";
import { main } from "../../tools/check-promotion/cli";
import { main as promote } from "../../tools/promote/cli";
import { readZip } from "../build/zip-reader";
import { buildFolder, COMMIT, fakeBucket, passingVerification, sha, sourceTree, uploadedObjects } from "./release-fixture";
import { capture, tempDir } from "./support";

/** The record promote writes for the fixture build, and that build downloaded as the bucket holds it. */
function promoted() {
  const build = buildFolder();
  const record: PromotionRecord = {
    schemaVersion: 1,
    commit: COMMIT,
    verifiedOn: "staging",
    promotedAt: "2025-06-01T10:05:00.000Z",
    manifest: { key: releaseKeys.manifest(COMMIT), sha256: sha(build.manifestBytes) },
    artifacts: [
      ...Object.entries(build.zips).map(([name, data]) => ({ name, key: releaseKeys.functionZip(COMMIT, name, sha(data)), sha256: sha(data) })),
      { name: "hooks/pre-traffic", key: releaseKeys.hookZip(COMMIT, "pre-traffic", sha(build.hook)), sha256: sha(build.hook) },
    ],
    verification: { result: "passed", checks: [{ function: "orders-api", example: "valid-order.json", outcome: "passed" }] },
  };
  const recordFile = path.join(tempDir("record"), "promotion.json");
  fs.writeFileSync(recordFile, JSON.stringify(record));
  // `aws s3 cp --recursive s3://<bucket>/artifacts/<commit>/ release/`
  const release = tempDir("download");
  for (const [key, data] of uploadedObjects(build)) {
    const file = path.join(release, key.slice(releaseKeys.artifactDir(COMMIT).length));
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, data);
  }
  const { io, ...print } = capture();
  const run = (args: string[] = ["--record", recordFile, "--dist", release]) => main(args, print);
  return { build, record, recordFile, release, run, io };
}

describe("check-promotion (npm run check-promotion)", () => {
  it("exits 0 when every downloaded file has the sha256 its promotion record gives", () => {
    const { run, io } = promoted();

    const code = run();

    assert.equal(code, 0, io.stderr);
    assert.match(io.stdout, new RegExp(`All 4 files of ${COMMIT} \\(verified on staging\\) match the promotion record`));
  });

  it("exits 1 naming the function and both hashes when a zip differs", () => {
    const { build, record, release, run, io } = promoted();
    const key = record.artifacts.find((a) => a.name === "orders-api")!.key;
    fs.writeFileSync(path.join(release, path.basename(key)), "rebuilt, not promoted");

    const code = run();

    assert.equal(code, 1);
    assert.ok(io.stderr.includes(`${key} (orders-api) has sha256 ${sha(Buffer.from("rebuilt, not promoted"))}, but the promotion record of ${COMMIT} says ${sha(build.zips["orders-api"])}.`), io.stderr);
    assert.match(io.stderr, /the release stops here/);
  });

  it("exits 1 when a file the record names was not downloaded", () => {
    const { record, release, run, io } = promoted();
    fs.rmSync(path.join(release, "hooks"), { recursive: true });

    const code = run();

    assert.equal(code, 1);
    assert.ok(io.stderr.includes(`${record.artifacts[2].key} (hooks/pre-traffic) is missing from ${release}.`), io.stderr);
  });

  it("installs the checked files where the program reads them with --install-to", () => {
    const { build, release, recordFile, run } = promoted();
    const dist = path.join(tempDir("install"), "dist");

    const code = run(["--record", recordFile, "--dist", release, "--install-to", dist]);

    assert.equal(code, 0);
    const files = (dir: string): string[] => fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? files(path.join(dir, e.name)).map((f) => `${e.name}/${f}`) : [e.name]));
    assert.deepEqual(files(dist).sort(), ["fulfil-order.zip", "hooks/pre-traffic.zip", "manifest.json", "orders-api.zip"]);
    assert.deepEqual(fs.readFileSync(path.join(dist, "orders-api.zip")), build.zips["orders-api"]);
  });

  it("accepts a build folder (<function>.zip) as well as the bucket layout", () => {
    const { build, recordFile, run } = promoted();

    const code = run(["--record", recordFile, "--dist", build.dir]);

    assert.equal(code, 0);
  });

  it("exits 2 naming the file and field when the record is not a promotion record", () => {
    const { record, release, run, io } = promoted();
    const bad = path.join(tempDir("bad"), "promotion.json");
    fs.writeFileSync(bad, JSON.stringify({ ...record, verification: { result: "failed", checks: [] } }));

    const code = run(["--record", bad, "--dist", release]);

    assert.equal(code, 2);
    assert.ok(io.stderr.includes(`--record ${bad}: not a promotion record`), io.stderr);
    assert.match(io.stderr, /`verification\.result`/);
  });

  it("accepts the record promote put in latest.zip for the artifacts Build uploaded (staging to prod, end to end)", async () => {
    const build = buildFolder();
    const objects = uploadedObjects(build);
    const bucket = fakeBucket(objects);
    const verification = path.join(tempDir("verification"), "verification.json");
    fs.writeFileSync(verification, JSON.stringify(passingVerification()));
    const args = ["--stack", "staging", "--bucket", "rel", "--commit", COMMIT, "--manifest", build.manifestFile, "--verification", verification, "--source", sourceTree()];
    assert.equal(await promote(args, { s3: bucket.s3, env: {}, out: () => undefined, err: () => undefined }), 0);
    // prod: the S3 source action unpacks latest.zip; Prepare downloads artifacts/<commit>/.
    const source = tempDir("prod-source");
    for (const e of readZip(bucket.puts()[1].Body)) {
      fs.mkdirSync(path.dirname(path.join(source, e.name)), { recursive: true });
      fs.writeFileSync(path.join(source, e.name), e.data);
    }
    const release = tempDir("prod-release");
    for (const [key, data] of objects) {
      const file = path.join(release, key.slice(releaseKeys.artifactDir(COMMIT).length));
      fs.mkdirSync(path.dirname(file), { recursive: true });
      fs.writeFileSync(file, data);
    }
    const { io, ...print } = capture();

    const code = main(["--record", path.join(source, "promotion.json"), "--dist", release], print);

    assert.equal(code, 0, io.stderr);
    assert.ok(fs.existsSync(path.join(source, "buildspecs", "deploy.yml")), "prod gets the buildspecs of the promoted commit");
  });
});
