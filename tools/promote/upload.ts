import { S3Client } from "@aws-sdk/client-s3";
import * as fs from "fs";
import * as path from "path";
import { releaseKeys } from "../../infra/delivery/release-layout";
import { artifactPath, Manifest, verifyArtifacts } from "../build/manifest";
import { RELEASE_HOOKS } from "./promote";
import { putVerified, sha256Hex } from "./s3";

export interface UploadOptions {
  readonly s3: S3Client;
  readonly bucket: string;
  readonly commit: string;
  readonly manifestFile: string;
  readonly manifest: Manifest;
  /** `plan-<stack>.md` files of the offline plan. @default [] */
  readonly plans?: readonly string[];
  /** The SBOM file (CycloneDX JSON). */
  readonly sbom?: string;
  readonly log?: (line: string) => void;
}

/**
 * The Build stage's upload: the manifest, every function zip and hook zip (content-addressed keys,
 * `infra/delivery/release-layout.ts`), the plans and the SBOM under `artifacts/<commit>/`, each
 * PUT with its SHA-256 and SSE-S3. The zips are checked against the manifest first, so the bucket
 * never holds a zip under a sha256 that is not its own. Returns the keys written.
 */
export async function uploadBuildArtifacts(o: UploadOptions): Promise<string[]> {
  const log = o.log ?? (() => undefined);
  if (o.manifest.commit !== o.commit)
    throw new Error(`${o.manifestFile}: built from commit "${o.manifest.commit}", not --commit ${o.commit}; build this commit (CODEBUILD_RESOLVED_SOURCE_VERSION names it).`);
  verifyArtifacts(o.manifestFile, o.manifest);
  // `key` gets the bytes: a hook's key holds its sha256, which no manifest records.
  const files: { key: (body: Buffer) => string; file: string; type: string }[] = [
    ...o.manifest.functions.map((f) => ({ key: () => releaseKeys.functionZip(o.commit, f.name, f.sha256), file: artifactPath(o.manifestFile, f), type: "application/zip" })),
    ...Object.entries(RELEASE_HOOKS).map(([hook, rel]) => {
      const file = path.join(path.dirname(o.manifestFile), rel);
      if (!fs.existsSync(file)) throw new Error(`${file}: missing; build the pre-traffic hook into the artifact folder (hooks/pre-traffic/build.ts) before uploading.`);
      return { key: (body: Buffer) => releaseKeys.hookZip(o.commit, hook, sha256Hex(body)), file, type: "application/zip" };
    }),
    ...(o.plans ?? []).map((file) => {
      const stack = /^plan-(.+)\.md$/.exec(path.basename(file))?.[1];
      if (!stack) throw new Error(`--plans: ${file} must be named plan-<stack>.md.`);
      return { key: () => releaseKeys.plan(o.commit, stack), file, type: "text/markdown" };
    }),
    ...(o.sbom ? [{ key: () => releaseKeys.sbom(o.commit), file: o.sbom, type: "application/vnd.cyclonedx+json" }] : []),
  ];
  // Every file is read before the first PUT: a missing one uploads nothing.
  const bodies = files.map((f) => {
    try {
      return fs.readFileSync(f.file);
    } catch (e) {
      throw new Error(`${f.file}: cannot be read (${(e as NodeJS.ErrnoException).code ?? (e as Error).message}); nothing was uploaded.`);
    }
  });
  const manifestBytes = fs.readFileSync(o.manifestFile);
  const written: string[] = [];
  for (const [i, f] of files.entries()) {
    const body = bodies[i];
    const key = f.key(body);
    await putVerified(o.s3, o.bucket, key, body, f.type);
    written.push(key);
    log(`uploaded ${f.file} -> s3://${o.bucket}/${key}`);
  }
  // The manifest last: a reader that finds it finds every zip it names.
  const manifestKey = releaseKeys.manifest(o.commit);
  await putVerified(o.s3, o.bucket, manifestKey, manifestBytes, "application/json");
  log(`uploaded ${o.manifestFile} -> s3://${o.bucket}/${manifestKey}`);
  return [...written, manifestKey];
}
