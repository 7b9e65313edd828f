import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { PolicyStatement } from "../iam/policy-documents";
import { arns, StackContext } from "../naming";
import { BuildProject } from "./build-project";
import { BuildRole, deliveryNames } from "./names";
import { PipelineConfig } from "./pipeline-config";
import { codeBuildAction, pipelineServiceRole } from "./pipeline-parts";
import { assumeDeployer, invokeQualified, listPrefixes, pipelineArtifactsAccess, readObjects, runProjects, useConnection, writeObjects } from "./policies";
import { RELEASE_PREFIXES } from "./release-layout";
import { SecureBucket } from "./secure-bucket";

export interface StagingPipelineArgs {
  readonly context: StackContext;
  /** `serverless:pipeline`, validated (a source stack: no `promotesFrom`). */
  readonly pipeline: PipelineConfig;
  /** The stack's release bucket (ArtifactStore). */
  readonly releaseBucketName: pulumi.Input<string>;
  /** Physical names of the stack's functions; Verify invokes their `live` aliases. */
  readonly functionNames: string[];
  /** Retention of the CodeBuild log groups. @default 30 */
  readonly logRetentionDays?: number;
  /** Days CodePipeline's transient stage artifacts are kept. @default 30 */
  readonly pipelineArtifactDays?: number;
}

export const STAGING_PIPELINE_DEFAULTS = { logRetentionDays: 30, pipelineArtifactDays: 30 } as const;

/** Stage names, in order: tests and docs refer to them. */
export const STAGING_STAGES = ["Source", "Build", "Deploy", "Verify", "Promote"] as const;

export function validateStagingPipelineArgs(name: string, a: StagingPipelineArgs): void {
  if (a.pipeline.promotesFrom)
    throw new Error(`StagingPipeline "${name}": the stack promotes from "${a.pipeline.promotesFrom}", so it gets a ProdPipeline, not a pipeline built from source.`);
  if (!a.pipeline.repository) throw new Error(`StagingPipeline "${name}": \`pipeline.repository\` is required (owner/name).`);
  if (!a.functionNames.length) throw new Error(`StagingPipeline "${name}": \`functionNames\` is empty; Verify would check nothing.`);
}

/**
 * The release pipeline of a stack built from source (CodePipeline V2): Source (the repository
 * through a CodeConnections connection, started by pushes to the branch that touch a release
 * path) -> Build (test, plan, audit, SBOM, build once, upload by commit) -> Deploy (`pulumi up`
 * with those artifacts, then the CodeDeploy canaries) -> Verify (example events against the
 * live aliases, checked against the contracts) -> Promote (the promotion record prod deploys).
 */
export class StagingPipeline extends pulumi.ComponentResource {
  readonly pipelineName: pulumi.Output<string>;
  readonly connectionArn: pulumi.Output<string>;
  readonly projectNames: Readonly<Record<string, pulumi.Output<string>>>;

  constructor(name: string, args: StagingPipelineArgs, opts?: pulumi.ComponentResourceOptions) {
    validateStagingPipelineArgs(name, args);
    super("serverless:delivery:StagingPipeline", name, {}, opts);
    const ctx = args.context;
    const cfg = args.pipeline;
    const d = STAGING_PIPELINE_DEFAULTS;
    const names = deliveryNames(ctx, ctx.accountId, ctx.region);
    const release = args.releaseBucketName;
    const parent = { parent: this };

    const store = new SecureBucket(
      `${name}-artifacts`,
      {
        context: ctx,
        bucketName: names.pipelineBucket,
        expireCurrent: { "": args.pipelineArtifactDays ?? d.pipelineArtifactDays },
        noncurrentVersionDays: 1,
      },
      parent,
    );

    // A created connection starts PENDING: someone completes the GitHub handshake once in the
    // console (docs/delivery.md). A configured one (`connectionArn`) is used as is.
    this.connectionArn = cfg.connectionArn
      ? pulumi.output(cfg.connectionArn)
      : new aws.codestarconnections.Connection(`${name}-github`, { name: names.connection, providerType: "GitHub" }, parent).arn;

    const common = { STACK: ctx.stack, ARTIFACT_BUCKET: release };
    const deployer = arns.role(ctx, cfg.deployerRoleName);
    const backend: Record<string, string> = cfg.backendUrl ? { PULUMI_BACKEND_URL: cfg.backendUrl } : {};
    const project = (role: BuildRole, buildspec: string, statements: PolicyStatement[], environment: Record<string, pulumi.Input<string>>) =>
      makeProject(this, name, ctx, role, buildspec, store.bucketName, statements, environment, cfg.buildTimeoutMinutes, args.logRetentionDays ?? d.logRetentionDays);
    const projects = {
      build: project("build", "buildspecs/build.yml", [writeObjects(ctx, "UploadArtifacts", release, [RELEASE_PREFIXES.artifacts])], {
        ...common,
        AUDIT_LEVEL: cfg.auditLevel,
      }),
      deploy: project(
        "deploy",
        "buildspecs/deploy.yml",
        [readObjects(ctx, "ReadArtifacts", release, [RELEASE_PREFIXES.artifacts]), assumeDeployer(ctx, cfg.deployerRoleName)],
        { ...common, ...backend, DEPLOYER_ROLE_ARN: deployer, ARTIFACT_INPUT: "build" },
      ),
      verify: project("verify", "buildspecs/verify.yml", [invokeQualified(ctx, "InvokeLiveAliases", args.functionNames)], {
        ...common,
        FUNCTION_NAME_PREFIX: `${ctx.project}-${ctx.stack}-`,
      }),
      promote: project(
        "promote",
        "buildspecs/promote.yml",
        [
          readObjects(ctx, "ReadArtifacts", release, [RELEASE_PREFIXES.artifacts]),
          listPrefixes(ctx, "ListRelease", release, [RELEASE_PREFIXES.artifacts, RELEASE_PREFIXES.promotions]),
          writeObjects(ctx, "WritePromotionRecords", release, [RELEASE_PREFIXES.promotions]),
        ],
        common,
      ),
    };
    this.projectNames = Object.fromEntries(Object.entries(projects).map(([k, p]) => [k, p.projectName]));

    const { role, policy } = pipelineServiceRole(
      name,
      ctx,
      names,
      [
        ...pipelineArtifactsAccess(ctx, store.bucketName),
        useConnection(ctx, cfg.connectionArn, cfg.repository),
        runProjects(ctx, (["build", "deploy", "verify", "promote"] as const).map((r) => names.project(r))),
      ],
      parent,
    );
    const codeBuild = (actionName: string, project: pulumi.Input<string>, inputs: string[], outputs: string[]) =>
      codeBuildAction({
        name: actionName,
        project,
        inputs,
        outputs,
        configuration: {
          PrimarySource: "source",
          // The commit the Source action read, so every step names the same release; the execution
          // id, so the promotion record names the run that verified it (tools/promote).
          EnvironmentVariables: JSON.stringify([
            { name: "COMMIT", value: "#{SourceVariables.CommitId}", type: "PLAINTEXT" },
            { name: "PIPELINE_EXECUTION_ID", value: "#{codepipeline.PipelineExecutionId}", type: "PLAINTEXT" },
          ]),
        },
      });
    const pipeline = new aws.codepipeline.Pipeline(
      `${name}-pipeline`,
      {
        name: names.pipeline,
        pipelineType: "V2",
        // QUEUED: every merged commit is built, deployed, verified and promoted in order, so each
        // promotion record stands for a commit that really ran on staging (SUPERSEDED could skip
        // commits between stages, and rollback would then return to a commit never verified).
        executionMode: "QUEUED",
        roleArn: arns.role(ctx, role.name),
        artifactStores: [{ location: store.bucketName, type: "S3" }],
        stages: [
          {
            name: "Source",
            actions: [
              {
                name: "Source",
                category: "Source",
                owner: "AWS",
                provider: "CodeStarSourceConnection",
                version: "1",
                namespace: "SourceVariables",
                outputArtifacts: ["source"],
                configuration: {
                  ConnectionArn: this.connectionArn,
                  FullRepositoryId: cfg.repository,
                  BranchName: cfg.branch,
                  OutputArtifactFormat: "CODE_ZIP",
                },
              },
            ],
          },
          { name: "Build", actions: [codeBuild("Build", projects.build.projectName, ["source"], ["build"])] },
          // A failed deployment (or a canary rolled back by an alarm) redeploys the last release that passed this stage.
          { name: "Deploy", actions: [codeBuild("Deploy", projects.deploy.projectName, ["source", "build"], ["deployed"])], onFailure: { result: "ROLLBACK" } },
          // No ROLLBACK here: re-running Verify on the old release would not undo the deployment. A
          // failed Verify stops the release before Promote (prod never sees it) and notifies.
          // Verify reads Deploy's stack-outputs.json ($CODEBUILD_SRC_DIR_deployed): the function names `pulumi up` reported.
          { name: "Verify", actions: [codeBuild("Verify", projects.verify.projectName, ["source", "deployed"], ["verification"])], onFailure: { result: "FAIL" } },
          { name: "Promote", actions: [codeBuild("Promote", projects.promote.projectName, ["source", "build", "verification"], [])], onFailure: { result: "FAIL" } },
        ],
        triggers: [
          {
            providerType: "CodeStarSourceConnection",
            gitConfiguration: {
              sourceActionName: "Source",
              pushes: [{ branches: { includes: [cfg.branch] }, filePaths: { includes: [...cfg.filePaths] } }],
            },
          },
        ],
      },
      { parent: this, dependsOn: [policy] },
    );
    this.pipelineName = pipeline.name;
    this.registerOutputs({ pipelineName: this.pipelineName, connectionArn: this.connectionArn, projectNames: this.projectNames });
  }
}

function makeProject(
  parent: pulumi.Resource,
  name: string,
  ctx: StackContext,
  role: BuildRole,
  buildspec: string,
  pipelineBucket: pulumi.Input<string>,
  statements: PolicyStatement[],
  environment: Record<string, pulumi.Input<string>>,
  timeoutMinutes: number,
  logRetentionDays: number,
): BuildProject {
  return new BuildProject(`${name}-${role}`, { context: ctx, role, buildspec, pipelineBucket, statements, environment, timeoutMinutes, logRetentionDays }, { parent });
}
