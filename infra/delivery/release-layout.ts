import { z } from "zod";

/**
 * Where a release lives in the release bucket, and what a promotion record holds. Plain data and
 * functions shared by the program (prefixes in grants), the buildspecs' tools and the tests.
 *
 *   artifacts/<commit>/manifest.json              the build manifest (docs/architecture.md)
 *   artifacts/<commit>/<function>-<sha256>.zip    each function's zip, content-addressed
 *   artifacts/<commit>/hooks/pre-traffic-<sha256>.zip
 *   artifacts/<commit>/plan-<stack>.md            the offline plan of every stack
 *   artifacts/<commit>/sbom.cdx.json              the SBOM of the build (CycloneDX)
 *   promotions/<commit>.json                      one promotion record per verified commit
 *   promotions/latest.zip                         the prod pipeline's source: the repository at the
 *                                                 promoted commit plus `promotion.json` (its record)
 *
 * Why latest.zip and not latest.json: CodePipeline's S3 source action hands its object to the next
 * actions as a zip archive, and prod's CodeBuild steps need the repository at exactly the promoted
 * commit (buildspecs, the Pulumi program) besides the record. Prod never reads the branch.
 */

export const RELEASE_PREFIXES = { artifacts: "artifacts/", promotions: "promotions/" } as const;
export const LATEST_PROMOTION_KEY = `${RELEASE_PREFIXES.promotions}latest.zip`;
/** The record's file name inside latest.zip. */
export const PROMOTION_RECORD_FILE = "promotion.json";

const COMMIT = /^[0-9a-f]{7,40}$/;
const SHA256 = /^[0-9a-f]{64}$/;

function checkCommit(commit: string): void {
  if (!COMMIT.test(commit)) throw new Error(`release layout: commit must be a git sha (7-40 hex characters); got "${commit}".`);
}

export const releaseKeys = {
  artifactDir: (commit: string) => (checkCommit(commit), `${RELEASE_PREFIXES.artifacts}${commit}/`),
  manifest: (commit: string) => `${releaseKeys.artifactDir(commit)}manifest.json`,
  functionZip: (commit: string, fn: string, sha256: string) => {
    if (!SHA256.test(sha256)) throw new Error(`release layout: sha256 of "${fn}" must be 64 hex characters; got "${sha256}".`);
    return `${releaseKeys.artifactDir(commit)}${fn}-${sha256}.zip`;
  },
  /** A hook's zip (`hook` is its name in `dist/hooks/<hook>.zip`, e.g. `pre-traffic`). */
  hookZip: (commit: string, hook: string, sha256: string) => {
    if (!SHA256.test(sha256)) throw new Error(`release layout: sha256 of hook "${hook}" must be 64 hex characters; got "${sha256}".`);
    return `${releaseKeys.artifactDir(commit)}hooks/${hook}-${sha256}.zip`;
  },
  plan: (commit: string, stack: string) => `${releaseKeys.artifactDir(commit)}plan-${stack}.md`,
  sbom: (commit: string) => `${releaseKeys.artifactDir(commit)}sbom.cdx.json`,
  promotion: (commit: string) => (checkCommit(commit), `${RELEASE_PREFIXES.promotions}${commit}.json`),
};

/** A promotion record (schemaVersion 1): what staging verified, and so what prod may deploy. */
export const promotionRecordSchema = z.strictObject({
  schemaVersion: z.literal(1),
  commit: z.string().regex(COMMIT, "must be a git sha"),
  /** The stack the release was verified on. */
  verifiedOn: z.string().min(1),
  promotedAt: z.iso.datetime(),
  /** The staging pipeline execution that verified and promoted it, when run by CodePipeline. */
  pipelineExecutionId: z.string().min(1).optional(),
  /** Key of the manifest in the release bucket and the sha256 of its bytes. */
  manifest: z.strictObject({ key: z.string().min(1), sha256: z.string().regex(SHA256) }),
  /** Every deployable zip: functions and hooks, by key, with the sha256 the manifest gives. */
  artifacts: z.array(z.strictObject({ name: z.string().min(1), key: z.string().min(1), sha256: z.string().regex(SHA256) })).min(1),
  verification: z.strictObject({
    result: z.literal("passed"),
    /** Examples run and checked against their contracts, per function. */
    checks: z.array(z.strictObject({ function: z.string(), example: z.string(), outcome: z.literal("passed") })),
  }),
});
export type PromotionRecord = z.infer<typeof promotionRecordSchema>;

/**
 * Compares downloaded artifacts with a record: every artifact present with exactly the recorded
 * sha256. Returns the mismatches (empty when the release may proceed), each saying what differs.
 * `where` names the place the actual hashes come from, for the "missing" message.
 */
export function promotedArtifactMismatches(record: PromotionRecord, actualSha256: ReadonlyMap<string, string | undefined>, where = "the release bucket"): string[] {
  const problems: string[] = [];
  for (const a of record.artifacts) {
    const actual = actualSha256.get(a.key);
    if (actual === undefined) problems.push(`${a.key} (${a.name}) is missing from ${where}.`);
    else if (actual !== a.sha256) problems.push(`${a.key} (${a.name}) has sha256 ${actual}, but the promotion record of ${record.commit} says ${a.sha256}.`);
  }
  return problems;
}
