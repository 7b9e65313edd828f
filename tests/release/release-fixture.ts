import { GetObjectCommand, HeadObjectCommand, PutObjectCommand, PutObjectCommandInput } from "@aws-sdk/client-s3";
import { mockClient } from "aws-sdk-client-mock";
import { createHash } from "crypto";
import * as fs from "fs";
import * as path from "path";
import { releaseKeys } from "../../infra/delivery/release-layout";
import { Manifest, serializeManifest } from "../../tools/build/manifest";
import { VerificationResult } from "../../tools/verify/result";
import { s3Client, tempDir } from "./support";

export const COMMIT = "0123456789abcdef0123456789abcdef01234567";
export const sha = (b: Buffer) => createHash("sha256").update(b).digest("hex");

/** A build folder as `npm run build` + the hook build leave it: two zips, the hook, the manifest. */
export function buildFolder(commit = COMMIT) {
  const dir = tempDir("dist");
  const zips = { "fulfil-order": Buffer.from("fulfil-order zip bytes"), "orders-api": Buffer.from("orders-api zip bytes") };
  const hook = Buffer.from("pre-traffic hook zip bytes");
  const manifest: Manifest = {
    schemaVersion: 1,
    commit,
    builtWith: { esbuild: "0.28.2", target: "node24" },
    functions: Object.entries(zips).map(([name, data]) => ({
      name,
      trigger: name === "orders-api" ? "http" : "queue",
      runtime: "nodejs24.x",
      architecture: "arm64",
      handler: "index.handler",
      zip: `${name}.zip`,
      sha256: sha(data),
      bytes: data.length,
      dependencies: { zod: "4.6.7" },
    })),
  };
  for (const [name, data] of Object.entries(zips)) fs.writeFileSync(path.join(dir, `${name}.zip`), data);
  fs.mkdirSync(path.join(dir, "hooks"));
  fs.writeFileSync(path.join(dir, "hooks", "pre-traffic.zip"), hook);
  const manifestBytes = Buffer.from(serializeManifest(manifest));
  fs.writeFileSync(path.join(dir, "manifest.json"), manifestBytes);
  return { dir, manifestFile: path.join(dir, "manifest.json"), manifest, manifestBytes, zips, hook };
}

/** What Build uploaded for that folder, by key. */
export function uploadedObjects(b: ReturnType<typeof buildFolder>, commit = COMMIT): Map<string, Buffer> {
  return new Map([
    [releaseKeys.manifest(commit), b.manifestBytes],
    ...Object.entries(b.zips).map(([name, data]) => [releaseKeys.functionZip(commit, name, sha(data)), data] as [string, Buffer]),
    [releaseKeys.hookZip(commit, "pre-traffic", sha(b.hook)), b.hook],
  ]);
}

export function passingVerification(commit = COMMIT): VerificationResult {
  const ex = (example: string, valid: boolean) => ({ example, valid, outcome: "passed" as const, reason: "ok" });
  return {
    schemaVersion: 1,
    stack: "staging",
    commit,
    qualifier: "live",
    validExamples: "run",
    startedAt: "2025-06-01T10:00:00.000Z",
    finishedAt: "2025-06-01T10:00:05.000Z",
    result: "passed",
    totals: { functions: 2, examples: 3, passed: 3, failed: 0 },
    functions: [
      { name: "fulfil-order", functionName: "serverless-staging-fulfil-order", examples: [ex("valid-order-placed.json", true)] },
      { name: "orders-api", functionName: "serverless-staging-orders-api", examples: [ex("missing-items.json", false), ex("valid-order.json", true)] },
    ],
  };
}

const notFound = () => Object.assign(new Error("Not Found"), { name: "NotFound", $metadata: { httpStatusCode: 404 } });

/**
 * An S3 client whose bucket holds `objects`: HeadObject answers the stored SHA-256 (as S3 does for
 * objects PUT with one) unless `withoutChecksum`, GetObject the bytes, PutObject records the write.
 */
export function fakeBucket(objects: Map<string, Buffer>, opts: { withoutChecksum?: boolean } = {}) {
  const s3 = s3Client();
  const mock = mockClient(s3);
  mock.on(HeadObjectCommand).callsFake(async ({ Key }) => {
    const data = objects.get(Key!);
    if (!data) throw notFound();
    return { ContentLength: data.length, ...(opts.withoutChecksum ? {} : { ChecksumSHA256: createHash("sha256").update(data).digest("base64"), ChecksumType: "FULL_OBJECT" }) };
  });
  mock.on(GetObjectCommand).callsFake(async ({ Key }) => {
    const data = objects.get(Key!);
    if (!data) throw Object.assign(new Error("The specified key does not exist."), { name: "NoSuchKey", $metadata: { httpStatusCode: 404 } });
    return { Body: { transformToByteArray: async () => new Uint8Array(data) } as never };
  });
  mock.on(PutObjectCommand).resolves({ ETag: '"etag"' });
  const puts = () => mock.commandCalls(PutObjectCommand).map((c) => c.args[0].input as PutObjectCommandInput & { Body: Buffer });
  return { s3, mock, puts };
}

/** A repository checkout with what CodeBuild leaves beside it (node_modules, dist). */
export function sourceTree() {
  const dir = tempDir("source");
  const files: Record<string, string> = {
    "package.json": '{"name":"serverless-delivery"}\n',
    "buildspecs/deploy.yml": "version: 0.2\n",
    "infra/index.ts": "export {};\n",
    "node_modules/zod/index.js": "module.exports = {};\n",
    "dist/orders-api.zip": "stale local build",
  };
  for (const [rel, text] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(dir, rel)), { recursive: true });
    fs.writeFileSync(path.join(dir, rel), text);
  }
  return dir;
}
