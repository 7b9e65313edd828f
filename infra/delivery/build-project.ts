import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { PolicyStatement, policyJson, serviceTrustPolicy } from "../iam/policy-documents";
import { arns, StackContext } from "../naming";
import { BuildRole, deliveryNames } from "./names";
import { ownBuildLogs, pipelineArtifactsAccess } from "./policies";

/** CodeBuild's curated images with a version tag (never `latest`); nodejs 24 is on each. */
export const PINNED_IMAGES = {
  arm64: { image: "aws/codebuild/amazonlinux-aarch64-standard:3.0", type: "ARM_CONTAINER" },
  x86_64: { image: "aws/codebuild/amazonlinux-x86_64-standard:5.0", type: "LINUX_CONTAINER" },
} as const;

export interface BuildProjectArgs {
  readonly context: StackContext;
  /** The project's part in the release; names the project, its role and log group. */
  readonly role: BuildRole;
  /** Buildspec file in the repository, relative to its root (e.g. `buildspecs/build.yml`). */
  readonly buildspec: string;
  /** CodePipeline's artifact bucket (the project reads its inputs and writes its outputs there). */
  readonly pipelineBucket: pulumi.Input<string>;
  /** Grants beyond logs and pipeline artifacts, e.g. the release bucket prefixes it uses. */
  readonly statements: PolicyStatement[];
  /** Plain environment variables (STACK, ARTIFACT_BUCKET, ...). Never secrets. @default {} */
  readonly environment?: Readonly<Record<string, pulumi.Input<string>>>;
  /** @default "arm64": Graviton builds cost less, and the functions run on arm64 too. */
  readonly architecture?: keyof typeof PINNED_IMAGES;
  /** @default "BUILD_GENERAL1_SMALL" (3 GB, 2 vCPUs): enough for esbuild and the tests. */
  readonly computeType?: string;
  /** @default 60 */
  readonly timeoutMinutes?: number;
  /** @default 30 */
  readonly logRetentionDays?: number;
}

export const BUILD_PROJECT_DEFAULTS = { environment: {}, architecture: "arm64", computeType: "BUILD_GENERAL1_SMALL", timeoutMinutes: 60, logRetentionDays: 30 } as const;

export function validateBuildProjectArgs(name: string, a: BuildProjectArgs): void {
  if (!/^buildspecs\/[a-z0-9-]+\.ya?ml$/.test(a.buildspec))
    throw new Error(`BuildProject "${name}": \`buildspec\` must be a file under buildspecs/ (e.g. buildspecs/build.yml); got "${a.buildspec}".`);
  const t = a.timeoutMinutes ?? BUILD_PROJECT_DEFAULTS.timeoutMinutes;
  if (!Number.isInteger(t) || t < 5 || t > 480) throw new Error(`BuildProject "${name}": \`timeoutMinutes\` must be 5-480 (CodeBuild's limit); got ${t}.`);
  for (const key of Object.keys(a.environment ?? {}))
    if (!/^[A-Z_][A-Z0-9_]*$/.test(key) || key.startsWith("CODEBUILD_"))
      throw new Error(`BuildProject "${name}": environment variable "${key}" must be UPPER_SNAKE_CASE and not start with CODEBUILD_ (reserved).`);
  const sids = a.statements.map((s) => s.Sid);
  const dup = sids.find((s, i) => sids.indexOf(s) !== i);
  if (dup) throw new Error(`BuildProject "${name}": statement Sid "${dup}" is used twice; give each grant its own Sid.`);
}

/**
 * One CodeBuild project of the release pipeline: a pinned image, its buildspec from the
 * repository, its own log group with retention, and a role that can write those logs, read and
 * write the pipeline's artifacts, and do exactly what `statements` add.
 */
export class BuildProject extends pulumi.ComponentResource {
  readonly projectName: pulumi.Output<string>;
  readonly roleName: pulumi.Output<string>;
  readonly logGroupName: pulumi.Output<string>;

  constructor(name: string, args: BuildProjectArgs, opts?: pulumi.ComponentResourceOptions) {
    validateBuildProjectArgs(name, args);
    super("serverless:delivery:BuildProject", name, {}, opts);
    const ctx = args.context;
    const d = BUILD_PROJECT_DEFAULTS;
    const names = deliveryNames(ctx, ctx.accountId, ctx.region);
    const parent = { parent: this };

    const logGroup = new aws.cloudwatch.LogGroup(
      `${name}-logs`,
      { name: names.projectLogGroup(args.role), retentionInDays: args.logRetentionDays ?? d.logRetentionDays },
      parent,
    );
    const role = new aws.iam.Role(
      `${name}-role`,
      {
        name: names.projectRole(args.role),
        description: `CodeBuild ${names.project(args.role)}: the ${args.role} step of the release`,
        assumeRolePolicy: policyJson(serviceTrustPolicy("codebuild.amazonaws.com", ctx.accountId)),
      },
      parent,
    );
    const policy = new aws.iam.RolePolicy(
      `${name}-policy`,
      {
        role: role.name,
        policy: policyJson({
          Version: "2012-10-17",
          Statement: [ownBuildLogs(ctx, logGroup.name), ...pipelineArtifactsAccess(ctx, args.pipelineBucket), ...args.statements],
        }),
      },
      parent,
    );
    const image = PINNED_IMAGES[args.architecture ?? d.architecture];
    const env = Object.entries(args.environment ?? d.environment).sort(([a], [b]) => a.localeCompare(b));
    const project = new aws.codebuild.Project(
      `${name}-project`,
      {
        name: names.project(args.role),
        description: `The ${args.role} step of ${names.pipeline} (${args.buildspec})`,
        serviceRole: arns.role(ctx, role.name),
        source: { type: "CODEPIPELINE", buildspec: args.buildspec },
        artifacts: { type: "CODEPIPELINE" },
        environment: {
          computeType: args.computeType ?? d.computeType,
          image: image.image,
          type: image.type,
          imagePullCredentialsType: "CODEBUILD",
          environmentVariables: env.map(([k, value]) => ({ name: k, value: value as pulumi.Input<string>, type: "PLAINTEXT" })),
        },
        buildTimeout: args.timeoutMinutes ?? d.timeoutMinutes,
        logsConfig: { cloudwatchLogs: { status: "ENABLED", groupName: logGroup.name }, s3Logs: { status: "DISABLED" } },
      },
      // The role must be able to write logs and read artifacts before the first build starts.
      { parent: this, dependsOn: [policy] },
    );
    this.projectName = project.name;
    this.roleName = role.name;
    this.logGroupName = logGroup.name;
    this.registerOutputs({ projectName: this.projectName, roleName: this.roleName, logGroupName: this.logGroupName });
  }
}
