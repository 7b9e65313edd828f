import * as assert from "assert";
import { GetObjectCommand, PutObjectCommand } from "@aws-sdk/client-s3";
import * as fs from "fs";
import * as path from "path";
import { LATEST_PROMOTION_KEY, PROMOTION_RECORD_FILE, promotionRecordSchema, releaseKeys } from "../../infra/delivery/release-layout";
import { main as promote } from "../../tools/promote/cli";
import { main as upload } from "../../tools/promote/upload-cli";
import { VerificationResult } from "../../tools/verify/result";
import { readZip } from "../build/zip-reader";
import { buildFolder, COMMIT, fakeBucket, passingVerification, sha, sourceTree, uploadedObjects } from "./release-fixture";
import { capture, tempDir } from "./support";

const NOW = new Date("2025-06-01T10:05:00.000Z");
const b64 = (hex: string) => Buffer.from(hex, "hex").toString("base64");

describe("promote (npm run promote)", () => {
  function setup(opts: { verification?: VerificationResult; objects?: (o: Map<string, Buffer>) => void; withoutChecksum?: boolean } = {}) {
    const build = buildFolder();
    const objects = uploadedObjects(build);
    opts.objects?.(objects);
    const bucket = fakeBucket(objects, { withoutChecksum: opts.withoutChecksum });
    const verificationFile = path.join(tempDir("verification"), "verification.json");
    fs.writeFileSync(verificationFile, JSON.stringify(opts.verification ?? passingVerification()));
    const source = sourceTree();
    const { io, ...print } = capture();
    const run = (extra: string[] = []) =>
      promote(["--stack", "staging", "--bucket", "rel-bucket", "--commit", COMMIT, "--manifest", build.manifestFile, "--verification", verificationFile, "--source", source, ...extra], {
        s3: bucket.s3,
        env: { PIPELINE_EXECUTION_ID: "6f0d1c2e-exec" },
        now: () => NOW,
        ...print,
      });
    return { build, bucket, run, io };
  }

  it("writes the promotion record, exactly per release-layout, to promotions/<commit>.json", async () => {
    const { build, bucket, run } = setup();

    const code = await run();

    assert.equal(code, 0);
    const [recordPut] = bucket.puts();
    assert.equal(recordPut.Key, `promotions/${COMMIT}.json`);
    const record = JSON.parse(recordPut.Body.toString("utf8"));
    assert.deepEqual(record, {
      schemaVersion: 1,
      commit: COMMIT,
      verifiedOn: "staging",
      promotedAt: "2025-06-01T10:05:00.000Z",
      pipelineExecutionId: "6f0d1c2e-exec",
      manifest: { key: `artifacts/${COMMIT}/manifest.json`, sha256: sha(build.manifestBytes) },
      artifacts: [
        { name: "fulfil-order", key: `artifacts/${COMMIT}/fulfil-order-${sha(build.zips["fulfil-order"])}.zip`, sha256: sha(build.zips["fulfil-order"]) },
        { name: "orders-api", key: `artifacts/${COMMIT}/orders-api-${sha(build.zips["orders-api"])}.zip`, sha256: sha(build.zips["orders-api"]) },
        { name: "hooks/pre-traffic", key: `artifacts/${COMMIT}/hooks/pre-traffic-${sha(build.hook)}.zip`, sha256: sha(build.hook) },
      ],
      verification: {
        result: "passed",
        checks: [
          { function: "fulfil-order", example: "valid-order-placed.json", outcome: "passed" },
          { function: "orders-api", example: "missing-items.json", outcome: "passed" },
          { function: "orders-api", example: "valid-order.json", outcome: "passed" },
        ],
      },
    });
    assert.doesNotThrow(() => promotionRecordSchema.parse(record));
  });

  it("writes promotions/latest.zip last: the source tree plus promotion.json, without node_modules or dist", async () => {
    const { bucket, run } = setup();

    await run();

    const puts = bucket.puts();
    assert.deepEqual(puts.map((p) => p.Key), [`promotions/${COMMIT}.json`, LATEST_PROMOTION_KEY]);
    const entries = readZip(puts[1].Body);
    assert.deepEqual(entries.map((e) => e.name), ["buildspecs/deploy.yml", "infra/index.ts", "package.json", PROMOTION_RECORD_FILE]);
    assert.deepEqual(entries.find((e) => e.name === PROMOTION_RECORD_FILE)!.data, puts[0].Body, "latest.zip carries the same record");
  });

  it("puts every object with its SHA-256 and x-amz-server-side-encryption AES256", async () => {
    const { bucket, run } = setup();

    await run();

    for (const put of bucket.puts()) {
      assert.equal(put.ServerSideEncryption, "AES256", put.Key);
      assert.equal(put.ChecksumSHA256, b64(sha(put.Body)), put.Key);
      assert.equal(put.Bucket, "rel-bucket");
    }
    assert.deepEqual(bucket.puts().map((p) => p.ContentType), ["application/json", "application/zip"]);
  });

  it("refuses a failed verification, naming the failed example, and writes nothing", async () => {
    const failed = passingVerification();
    failed.result = "failed";
    failed.totals = { ...failed.totals, passed: 2, failed: 1 };
    failed.functions[1].examples[1] = { ...failed.functions[1].examples[1], outcome: "failed", reason: "a valid request got HTTP 500; expected 2xx" };
    const { bucket, run, io } = setup({ verification: failed });

    const code = await run();

    assert.equal(code, 1);
    assert.match(io.stderr, /promotion refused:\n  - verification on staging failed \(1 of 3 examples\): orders-api\/valid-order\.json: a valid request got HTTP 500/);
    assert.equal(bucket.mock.commandCalls(PutObjectCommand).length, 0);
  });

  it("refuses a verification of another commit", async () => {
    const { bucket, run, io } = setup({ verification: passingVerification("fedcba9876543210fedcba9876543210fedcba98") });

    const code = await run();

    assert.equal(code, 1);
    assert.match(io.stderr, /the verification is of commit "fedcba9876543210fedcba9876543210fedcba98", not --commit 0123456789abcdef/);
    assert.equal(bucket.puts().length, 0);
  });

  it("refuses when an uploaded zip's bytes differ from the manifest, naming the function and both hashes", async () => {
    const tampered = Buffer.from("someone else's orders-api");
    let key = "";
    const { build, bucket, run, io } = setup({
      objects: (o) => {
        key = [...o.keys()].find((k) => k.includes("/orders-api-"))!;
        o.set(key, tampered);
      },
    });

    const code = await run();

    assert.equal(code, 1);
    assert.ok(io.stderr.includes(`${key} (orders-api) has sha256 ${sha(tampered)}, but the promotion record of ${COMMIT} says ${sha(build.zips["orders-api"])}.`), io.stderr);
    assert.equal(bucket.puts().length, 0);
  });

  it("refuses when an artifact is missing from the bucket", async () => {
    const { bucket, run, io } = setup({ objects: (o) => o.delete(releaseKeys.manifest(COMMIT)) });

    const code = await run();

    assert.equal(code, 1);
    assert.match(io.stderr, new RegExp(`artifacts/${COMMIT}/manifest.json \\(manifest\\) is missing from s3://rel-bucket`));
    assert.equal(bucket.puts().length, 0);
  });

  it("downloads and hashes an object S3 stored without a SHA-256, and still refuses a mismatch", async () => {
    const { bucket, run, io } = setup({ withoutChecksum: true, objects: (o) => o.set([...o.keys()].find((k) => k.includes("/fulfil-order-"))!, Buffer.from("other")) });

    const code = await run();

    assert.equal(code, 1);
    assert.match(io.stderr, /\(fulfil-order\) has sha256 [0-9a-f]{64}, but the promotion record/);
    assert.equal(bucket.mock.commandCalls(GetObjectCommand).length, 4, "manifest, two functions and the hook are hashed from their bytes");
  });

  it("exits 2 naming the flag when --commit is not a git sha", async () => {
    const { bucket, run, io } = setup();

    const code = await run(["--commit", "main"]);

    assert.equal(code, 2);
    assert.match(io.stderr, /--commit: must be a git sha .*got "main"/);
    assert.equal(bucket.puts().length, 0);
  });
});

describe("upload of the build (Build stage)", () => {
  it("uploads every zip, the hook, the plans and the SBOM under artifacts/<commit>/, the manifest last", async () => {
    const build = buildFolder();
    const bucket = fakeBucket(new Map());
    const dir = tempDir("plans");
    fs.writeFileSync(path.join(dir, "plan-staging.md"), "# plan staging\n");
    fs.writeFileSync(path.join(dir, "sbom.cdx.json"), "{}\n");
    const { io, ...print } = capture();

    const code = await upload(
      ["--bucket", "rel-bucket", "--commit", COMMIT, "--manifest", build.manifestFile, "--plan", path.join(dir, "plan-staging.md"), "--sbom", path.join(dir, "sbom.cdx.json")],
      { s3: bucket.s3, ...print },
    );

    assert.equal(code, 0, io.stderr);
    const expectedZips = [...uploadedObjects(build).keys()].filter((k) => k.endsWith(".zip"));
    assert.deepEqual(bucket.puts().map((p) => p.Key), [...expectedZips, releaseKeys.plan(COMMIT, "staging"), releaseKeys.sbom(COMMIT), releaseKeys.manifest(COMMIT)]);
    for (const put of bucket.puts()) {
      assert.equal(put.ServerSideEncryption, "AES256");
      assert.equal(put.ChecksumSHA256, b64(sha(put.Body)));
    }
  });

  it("uploads nothing when a zip does not match the manifest", async () => {
    const build = buildFolder();
    fs.writeFileSync(path.join(build.dir, "orders-api.zip"), "changed after the build");
    const bucket = fakeBucket(new Map());
    const { io, ...print } = capture();

    const code = await upload(["--bucket", "rel-bucket", "--commit", COMMIT, "--manifest", build.manifestFile], { s3: bucket.s3, ...print });

    assert.equal(code, 2);
    assert.match(io.stderr, /orders-api\.zip: sha256 [0-9a-f]{64} \(\d+ bytes\) does not match the manifest's/);
    assert.equal(bucket.puts().length, 0);
  });
});
