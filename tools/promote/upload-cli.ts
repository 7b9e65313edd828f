// npm run upload-artifacts -- --bucket <name> --commit <sha> [--manifest dist/manifest.json] [--plan plan-staging.md ...] [--sbom sbom.cdx.json]
import { S3Client } from "@aws-sdk/client-s3";
import { readManifest } from "../build/manifest";
import { parseFlags } from "../deploy/args";
import { CannotStartError, UsageError } from "../deploy/errors";
import { createS3Client } from "./s3";
import { uploadBuildArtifacts } from "./upload";

const USAGE = `usage: npm run upload-artifacts -- --bucket <release bucket> --commit <sha> [--manifest dist/manifest.json] [--plan plan-<stack>.md ...] [--sbom sbom.cdx.json]
Uploads the build (every zip the manifest names, dist/hooks/*.zip, the manifest last), the plans and the
SBOM to artifacts/<commit>/ in the release bucket, each with its SHA-256 and SSE-S3.
Exit 0: uploaded; 1: an upload failed; 2: bad arguments, or the artifacts do not match the manifest.`;

export async function main(argv: string[], deps: { s3?: S3Client; out?: (t: string) => void; err?: (t: string) => void } = {}): Promise<number> {
  const out = deps.out ?? ((t: string) => process.stdout.write(t));
  const err = deps.err ?? ((t: string) => process.stderr.write(t));
  try {
    const flags = parseFlags(argv, {
      bucket: { type: "string" },
      commit: { type: "string" },
      manifest: { type: "string", default: "dist/manifest.json" },
      plan: { type: "string", multiple: true },
      sbom: { type: "string" },
      help: { type: "boolean", short: "h" },
    });
    if (flags.help) return out(`${USAGE}\n`), 0;
    if (!flags.bucket) throw new UsageError("--bucket <name> is required: the stack's release bucket (ARTIFACT_BUCKET in the pipeline).");
    if (!flags.commit || !/^[0-9a-f]{7,40}$/.test(flags.commit)) throw new UsageError(`--commit: must be a git sha (7-40 lowercase hex characters); got "${flags.commit ?? ""}".`);
    let manifest;
    try {
      manifest = readManifest(flags.manifest!);
    } catch (e) {
      throw new CannotStartError(`--manifest: ${(e as Error).message}`);
    }
    let keys: string[];
    try {
      keys = await uploadBuildArtifacts({
        s3: deps.s3 ?? createS3Client(),
        bucket: flags.bucket,
        commit: flags.commit,
        manifestFile: flags.manifest!,
        manifest,
        plans: flags.plan ?? [],
        sbom: flags.sbom,
        log: (line) => out(`${line}\n`),
      });
    } catch (e) {
      // A local file problem (mismatch, missing hook, bad plan name) is bad input; S3 errors carry $metadata.
      if ((e as { $metadata?: unknown }).$metadata === undefined) throw new CannotStartError((e as Error).message);
      throw e;
    }
    out(`Uploaded ${keys.length} objects to s3://${flags.bucket}/artifacts/${flags.commit}/\n`);
    return 0;
  } catch (e) {
    if (e instanceof UsageError) return err(`${e.message}\n${USAGE}\n`), 2;
    if (e instanceof CannotStartError) return err(`${e.message}\n`), 2;
    err(`upload-artifacts: ${(e as Error).stack ?? e}\n`);
    return 1;
  }
}

if (require.main === module) {
  main(process.argv.slice(2)).then((code) => {
    process.exitCode = code;
  });
}
