import { z } from "zod";

/**
 * The stack's `serverless:pipeline` setting: which delivery pipeline the stack declares and how.
 * One plain validator (`validatePipelineConfig`), called from infra/config.ts with the stack's
 * other settings, so a bad value fails before any resource with every problem at once:
 * `Pulumi.prod.yaml: serverless:pipeline.branch must be a git branch name; got "ma in"`.
 *
 * Two shapes, chosen by `promotesFrom`:
 * - a source stack (staging): the staging pipeline, started by pushes to `branch` of `repository`;
 * - a promoted stack (prod, `promotesFrom: staging`): the prod pipeline, started only by a new
 *   promotion record of the stack it promotes from; it never reads the repository's branch.
 */

/** npm audit's severity levels, least to most severe. */
export const AUDIT_LEVELS = ["low", "moderate", "high", "critical"] as const;

/** Defaults of every `serverless:pipeline` field. */
export const PIPELINE_CONFIG_DEFAULTS = {
  /** @default true: every stack gets its pipeline; false leaves delivery out (a sandbox stack). */
  enabled: true,
  /** @default "main": the branch whose pushes release to staging. */
  branch: "main",
  /** @default "high": npm audit fails the build on high and critical advisories, not on every low one. */
  auditLevel: "high",
  /** @default 90 days: a quarter of releases to roll back to, then old artifacts expire. */
  artifactRetentionDays: 90,
  /**
   * @default what a release is made of: a push touching only docs or workflows releases nothing.
   * CodePipeline V2 glob syntax; CodePipeline accepts at most 8 include globs per filter.
   */
  filePaths: ["functions/**", "infra/**", "policies/**", "hooks/**", "buildspecs/**", "tools/**", "package*.json", "Pulumi*.yaml"],
  /** @default 60 minutes per CodeBuild action; a stuck build stops instead of billing all day. */
  buildTimeoutMinutes: 60,
  /** @default "" (none): the stack is a source stack. */
  promotesFrom: "",
} as const;

export interface PipelineConfig {
  readonly enabled: boolean;
  /** `owner/name` of the GitHub repository. */
  readonly repository: string;
  readonly branch: string;
  /**
   * ARN of an existing (AVAILABLE) CodeStar/CodeConnections connection. When absent the stack
   * creates one, which stays PENDING until its one-time console handshake (docs/delivery.md).
   */
  readonly connectionArn?: string;
  /** Role, created out of band (bootstrap), that `pulumi up` runs as; see docs/delivery.md. */
  readonly deployerRoleName: string;
  readonly auditLevel: (typeof AUDIT_LEVELS)[number];
  readonly artifactRetentionDays: number;
  readonly filePaths: readonly string[];
  readonly buildTimeoutMinutes: number;
  /** The stack whose promotion records this stack deploys; undefined for a source stack. */
  readonly promotesFrom?: string;
  /** Pulumi state backend for `pulumi login` in CodeBuild (e.g. s3://acme-pulumi-state). @default Pulumi Cloud */
  readonly backendUrl?: string;
}

const ROLE_NAME = /^[\w+=,.@-]{1,64}$/;
// git check-ref-format, simplified to what a branch filter needs: no spaces, `..`, `~^:?*[\`, no leading `-` or `/`.
const BRANCH = /^(?!-|\/)(?!.*\.\.)(?!.*\/\/)[^\s~^:?*[\\]+(?<!\/|\.lock|\.)$/;
const CONNECTION_ARN = /^arn:aws(-[a-z]+)*:(codestar-connections|codeconnections):[a-z0-9-]+:\d{12}:connection\/[0-9a-f-]{36}$/;

const schema = z
  .object({
    enabled: z.boolean({ error: "must be true or false" }).optional(),
    repository: z.string({ error: "must be the GitHub repository as owner/name" }).regex(/^[A-Za-z0-9-]{1,39}\/[A-Za-z0-9._-]{1,100}$/, "must be the GitHub repository as owner/name (e.g. acme/orders)").optional(),
    branch: z.string({ error: "must be a git branch name" }).regex(BRANCH, "must be a git branch name (e.g. main)").optional(),
    connectionArn: z
      .string({ error: "must be a connection ARN" })
      .regex(CONNECTION_ARN, "must be the ARN of a CodeConnections connection (arn:aws:codeconnections:<region>:<account>:connection/<uuid>)")
      .optional(),
    deployerRoleName: z.string({ error: "must be an IAM role name" }).regex(ROLE_NAME, "must be an IAM role name (1-64 characters of letters, digits and +=,.@_-), not an ARN").optional(),
    auditLevel: z.enum(AUDIT_LEVELS, { error: `must be one of ${AUDIT_LEVELS.join(", ")}` }).optional(),
    artifactRetentionDays: z
      .number({ error: "must be a whole number of days 1-3650" })
      .int("must be a whole number of days 1-3650")
      .min(1, "must be 1-3650")
      .max(3650, "must be 1-3650")
      .optional(),
    filePaths: z.array(z.string().min(1, "must not be empty"), { error: "must be a list of path globs" }).min(1, "must hold at least one glob").max(8, "may hold at most 8 globs (CodePipeline's limit per trigger filter)").optional(),
    buildTimeoutMinutes: z.number({ error: "must be a whole number 5-480" }).int("must be a whole number 5-480").min(5, "must be 5-480").max(480, "must be 5-480").optional(),
    backendUrl: z.string({ error: "must be a Pulumi backend URL" }).regex(/^(s3|gs|azblob|file|https):\/\/\S+$/, "must be a Pulumi backend URL (s3://bucket, https://api.pulumi.com, ...)").optional(),
    promotesFrom: z.string({ error: "must be a stack name" }).regex(/^[a-z][a-z0-9-]{0,30}$/, "must be the name of another stack of this project (e.g. staging)").optional(),
  })
  .strict();

const KEY = "serverless:pipeline";

/**
 * Checks `serverless:pipeline` (already JSON-decoded) for stack `stack` and returns it typed,
 * defaults applied; undefined when the stack has none (absent or `{}`) or sets `enabled: false`. `requireApproval`
 * is the stack's existing `serverless:requireApproval`: a promoted stack must require it (its
 * releases go through the manual approval).
 * Throws one error listing every problem, each naming the file, the key, the rule and the value.
 */
export function validatePipelineConfig(stackFile: string, stack: string, raw: unknown, requireApproval: boolean): PipelineConfig | undefined {
  // `{}` is Pulumi.yaml's default (project config keys without a default are required by the CLI).
  if (raw === undefined || (raw !== null && typeof raw === "object" && !Array.isArray(raw) && Object.keys(raw).length === 0)) return undefined;
  const problems: string[] = [];
  const parsed = schema.safeParse(raw);
  if (!parsed.success) {
    for (const issue of parsed.error.issues) {
      if (issue.code === "unrecognized_keys") {
        for (const k of issue.keys) problems.push(`${stackFile}: ${KEY}.${k} is not a known setting (known: ${Object.keys(schema.shape).join(", ")}).`);
        continue;
      }
      const where = [KEY, ...issue.path.map(String)].join(".");
      problems.push(`${stackFile}: ${where} ${issue.message}${got(raw, issue.path)}`);
    }
    throw new Error(`Invalid stack config:\n  - ${problems.join("\n  - ")}`);
  }
  const c = parsed.data;
  if (c.enabled === false) return undefined;
  const promotesFrom = c.promotesFrom || undefined;
  if (!c.deployerRoleName)
    problems.push(`${stackFile}: ${KEY}.deployerRoleName is required: the role \`pulumi up\` assumes (created by the bootstrap, see docs/delivery.md).`);
  if (promotesFrom === undefined && !c.repository)
    problems.push(`${stackFile}: ${KEY}.repository is required for a stack built from source (owner/name of the GitHub repository); or set ${KEY}.promotesFrom to release promoted artifacts instead.`);
  if (promotesFrom !== undefined) {
    if (promotesFrom === stack) problems.push(`${stackFile}: ${KEY}.promotesFrom names this stack ("${stack}"); name the stack whose promotion records it deploys (e.g. staging).`);
    for (const k of ["repository", "branch", "connectionArn", "filePaths", "auditLevel"] as const)
      if (c[k] !== undefined) problems.push(`${stackFile}: ${KEY}.${k} has no effect with promotesFrom (a promoted stack never builds from source); remove it.`);
    if (!requireApproval)
      problems.push(`${stackFile}: serverless:requireApproval must be true when ${KEY}.promotesFrom is set; a promoted release waits for a person's approval.`);
  }
  if (problems.length) throw new Error(`Invalid stack config:\n  - ${problems.join("\n  - ")}`);
  const d = PIPELINE_CONFIG_DEFAULTS;
  return {
    enabled: true,
    repository: c.repository ?? "",
    branch: c.branch ?? d.branch,
    connectionArn: c.connectionArn,
    deployerRoleName: c.deployerRoleName!,
    auditLevel: c.auditLevel ?? d.auditLevel,
    artifactRetentionDays: c.artifactRetentionDays ?? d.artifactRetentionDays,
    filePaths: c.filePaths ?? d.filePaths,
    buildTimeoutMinutes: c.buildTimeoutMinutes ?? d.buildTimeoutMinutes,
    promotesFrom,
    backendUrl: c.backendUrl,
  };
}

function got(raw: unknown, at: PropertyKey[]): string {
  let value: unknown = raw;
  for (const k of at) {
    if (value === null || typeof value !== "object") return "";
    value = (value as Record<PropertyKey, unknown>)[k];
  }
  return value === undefined ? "" : `; got ${JSON.stringify(value)}`;
}
