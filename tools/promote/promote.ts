import { S3Client } from "@aws-sdk/client-s3";
import * as fs from "fs";
import { LATEST_PROMOTION_KEY, promotedArtifactMismatches, PromotionRecord, promotionRecordSchema, releaseKeys } from "../../infra/delivery/release-layout";
import type { Manifest } from "../build/manifest";
import type { VerificationResult } from "../verify/result";
import { putVerified, remoteSha256, sha256Hex } from "./s3";
import { promotionSourceZip, serializeRecord } from "./source-zip";

/** The hook zips a release carries besides the functions: name -> path relative to the manifest's folder. */
export const RELEASE_HOOKS = { "pre-traffic": "hooks/pre-traffic.zip" } as const;

/** Promotion would let prod deploy something staging did not verify; nothing was written. */
export class PromotionRefusedError extends Error {
  override readonly name = "PromotionRefusedError";
  constructor(readonly reasons: readonly string[]) {
    super(`promotion refused:\n  - ${reasons.join("\n  - ")}`);
  }
}

export interface PromoteOptions {
  readonly stack: string;
  readonly bucket: string;
  readonly commit: string;
  readonly manifest: Manifest;
  /** The manifest file's bytes, exactly as uploaded to `artifacts/<commit>/manifest.json`. */
  readonly manifestBytes: Buffer;
  readonly verification: VerificationResult;
  /** Hook name -> the zip's bytes (the hooks are not in the manifest; their sha256 is taken here). */
  readonly hooks: Readonly<Record<string, Buffer>>;
  /** The repository checkout at `commit`: latest.zip carries it to prod. */
  readonly sourceDir: string;
  readonly s3: S3Client;
  /** The staging pipeline execution, recorded when known. */
  readonly pipelineExecutionId?: string;
  readonly now?: () => Date;
  readonly log?: (line: string) => void;
}

export interface Promotion {
  readonly record: PromotionRecord;
  readonly recordKey: string;
  readonly latestKey: string;
  readonly latestSha256: string;
}

/**
 * Checks that the release may be promoted, then writes `promotions/<commit>.json` and, last,
 * `promotions/latest.zip` (writing it starts the prod pipeline). Refuses, writing nothing, when the
 * verification did not pass on this stack for this commit and every function, or when any
 * uploaded artifact's bytes differ from what the manifest (or the local hook zip) says.
 */
export async function runPromotion(o: PromoteOptions): Promise<Promotion> {
  const log = o.log ?? (() => undefined);
  const recordKey = releaseKeys.promotion(o.commit); // throws on a commit that is not a git sha
  refuseUnverified(o);

  const draft = promotionRecordSchema.parse({
    schemaVersion: 1,
    commit: o.commit,
    verifiedOn: o.stack,
    promotedAt: (o.now ?? (() => new Date()))().toISOString(),
    ...(o.pipelineExecutionId ? { pipelineExecutionId: o.pipelineExecutionId } : {}),
    manifest: { key: releaseKeys.manifest(o.commit), sha256: sha256Hex(o.manifestBytes) },
    artifacts: [
      ...o.manifest.functions.map((f) => ({ name: f.name, key: releaseKeys.functionZip(o.commit, f.name, f.sha256), sha256: f.sha256 })),
      ...Object.entries(o.hooks)
        .sort(([a], [b]) => a.localeCompare(b))
        .map(([hook, data]) => {
          const sha = sha256Hex(data);
          return { name: `hooks/${hook}`, key: releaseKeys.hookZip(o.commit, hook, sha), sha256: sha };
        }),
    ],
    verification: {
      result: "passed",
      checks: o.verification.functions.flatMap((f) => f.examples.map((e) => ({ function: f.name, example: e.example, outcome: "passed" as const }))),
    },
  });

  // What is in the bucket must be exactly what the record names: the manifest and every zip.
  const expected = [{ name: "manifest", key: draft.manifest.key, sha256: draft.manifest.sha256 }, ...draft.artifacts];
  const actual = new Map<string, string | undefined>();
  for (const a of expected) {
    actual.set(a.key, await remoteSha256(o.s3, o.bucket, a.key));
    log(`checked s3://${o.bucket}/${a.key}`);
  }
  const mismatches = promotedArtifactMismatches({ ...draft, artifacts: expected }, actual, `s3://${o.bucket}`);
  if (mismatches.length)
    throw new PromotionRefusedError([...mismatches, `The uploaded artifacts are not the ones verified; re-run the pipeline for ${o.commit} (Build uploads them).`]);

  const recordBytes = Buffer.from(serializeRecord(draft));
  await putVerified(o.s3, o.bucket, recordKey, recordBytes, "application/json");
  log(`wrote s3://${o.bucket}/${recordKey}`);
  const zip = await promotionSourceZip(o.sourceDir, draft);
  await putVerified(o.s3, o.bucket, LATEST_PROMOTION_KEY, zip.data, "application/zip");
  log(`wrote s3://${o.bucket}/${LATEST_PROMOTION_KEY} (${zip.files} files, sha256 ${zip.sha256}): the prod pipeline starts from it`);
  return { record: draft, recordKey, latestKey: LATEST_PROMOTION_KEY, latestSha256: zip.sha256 };
}

/** Every reason the verification does not cover this release, all at once. */
function refuseUnverified(o: PromoteOptions): void {
  const v = o.verification;
  const reasons: string[] = [];
  if (o.manifest.commit !== o.commit) reasons.push(`the manifest was built from commit "${o.manifest.commit}", not --commit ${o.commit}; pass the manifest of this commit's build.`);
  if (v.commit !== o.commit) reasons.push(`the verification is of commit "${v.commit}", not --commit ${o.commit}; verify this commit first.`);
  if (v.stack !== o.stack) reasons.push(`the verification ran on stack "${v.stack}", not --stack ${o.stack}.`);
  if (v.result !== "passed" || v.totals.failed > 0) {
    const failed = v.functions.flatMap((f) => f.examples.filter((e) => e.outcome !== "passed").map((e) => `${f.name}/${e.example}: ${e.reason}`));
    reasons.push(`verification on ${v.stack} failed (${v.totals.failed} of ${v.totals.examples} examples)${failed.length ? `: ${failed.join(" | ")}` : ""}; fix the release and let it verify again.`);
  }
  for (const f of o.manifest.functions) {
    const checked = v.functions.find((x) => x.name === f.name);
    if (!checked || !checked.examples.length) reasons.push(`function "${f.name}" is in the manifest but no example of it was verified.`);
  }
  if (!Object.keys(o.hooks).length) reasons.push("no hook zip was given; the release needs the pre-traffic hook (dist/hooks/pre-traffic.zip).");
  if (reasons.length) throw new PromotionRefusedError(reasons);
}

/** Reads a hook zip; a missing file is a refusal naming it. */
export function readHookZip(file: string): Buffer {
  try {
    return fs.readFileSync(file);
  } catch (e) {
    throw new PromotionRefusedError([`${file}: cannot be read (${(e as NodeJS.ErrnoException).code ?? (e as Error).message}); the release needs the pre-traffic hook built beside the manifest.`]);
  }
}
