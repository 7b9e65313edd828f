import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { policyJson, serviceTrustPolicy } from "../iam/policy-documents";
import { arns, StackContext } from "../naming";
import { BuildProject } from "./build-project";
import { deliveryArns, deliveryNames, releaseBucketOf } from "./names";
import { PipelineConfig } from "./pipeline-config";
import { codeBuildAction, pipelineServiceRole } from "./pipeline-parts";
import { assumeDeployer, listPrefixes, pipelineArtifactsAccess, publishTo, readObjects, runProjects } from "./policies";
import { LATEST_PROMOTION_KEY, PROMOTION_RECORD_FILE, RELEASE_PREFIXES } from "./release-layout";
import { SecureBucket } from "./secure-bucket";

export interface ProdPipelineArgs {
  readonly context: StackContext;
  /** `serverless:pipeline`, validated (a promoted stack: `promotesFrom` set). */
  readonly pipeline: PipelineConfig;
  /** The stack's alert topic: the approval request goes there. */
  readonly alertTopicArn: pulumi.Input<string>;
  /** Retention of the CodeBuild log groups. @default 90 */
  readonly logRetentionDays?: number;
  /** Days CodePipeline's transient stage artifacts (and the plans shown to approvers) are kept. @default 90 */
  readonly pipelineArtifactDays?: number;
}

export const PROD_PIPELINE_DEFAULTS = { logRetentionDays: 90, pipelineArtifactDays: 90 } as const;

export const PROD_STAGES = ["Source", "Prepare", "Approve", "Deploy"] as const;

export function validateProdPipelineArgs(name: string, a: ProdPipelineArgs): void {
  if (!a.pipeline.promotesFrom)
    throw new Error(`ProdPipeline "${name}": \`pipeline.promotesFrom\` must name the stack whose promotion records it deploys (e.g. staging).`);
  if (a.pipeline.promotesFrom === a.context.stack)
    throw new Error(`ProdPipeline "${name}": \`pipeline.promotesFrom\` must name another stack; got this stack, "${a.context.stack}".`);
}

/**
 * The release pipeline of a promoted stack (CodePipeline V2). It has no repository source: it
 * starts only when the stack it promotes from writes a new `promotions/latest.zip` (an S3
 * Object Created event through EventBridge, no polling). Prepare checks every promoted zip's
 * sha256 against the record and previews the stack; a person approves with the plan's link;
 * Deploy checks the hashes again and releases exactly those zips. Both stacks share the account
 * and region (the source bucket's name is derived from them).
 */
export class ProdPipeline extends pulumi.ComponentResource {
  readonly pipelineName: pulumi.Output<string>;
  readonly sourceBucketName: pulumi.Output<string>;
  readonly projectNames: Readonly<Record<string, pulumi.Output<string>>>;

  constructor(name: string, args: ProdPipelineArgs, opts?: pulumi.ComponentResourceOptions) {
    validateProdPipelineArgs(name, args);
    super("serverless:delivery:ProdPipeline", name, {}, opts);
    const ctx = args.context;
    const cfg = args.pipeline;
    const d = PROD_PIPELINE_DEFAULTS;
    const names = deliveryNames(ctx, ctx.accountId, ctx.region);
    const source = releaseBucketOf(ctx.project, cfg.promotesFrom!, ctx.accountId, ctx.region);
    const pipelineArn = deliveryArns.pipeline(ctx, names.pipeline);
    const parent = { parent: this };

    const store = new SecureBucket(
      `${name}-artifacts`,
      { context: ctx, bucketName: names.pipelineBucket, expireCurrent: { "": args.pipelineArtifactDays ?? d.pipelineArtifactDays }, noncurrentVersionDays: 1 },
      parent,
    );

    const environment = {
      STACK: ctx.stack,
      ARTIFACT_BUCKET: source,
      PROMOTION_RECORD: PROMOTION_RECORD_FILE,
      DEPLOYER_ROLE_ARN: arns.role(ctx, cfg.deployerRoleName),
      ...(cfg.backendUrl ? { PULUMI_BACKEND_URL: cfg.backendUrl } : {}),
    };
    const readRelease = [
      readObjects(ctx, "ReadPromotedRelease", source, [RELEASE_PREFIXES.artifacts, RELEASE_PREFIXES.promotions]),
      listPrefixes(ctx, "ListPromotedRelease", source, [RELEASE_PREFIXES.artifacts, RELEASE_PREFIXES.promotions]),
      assumeDeployer(ctx, cfg.deployerRoleName),
    ];
    const common = { context: ctx, pipelineBucket: store.bucketName, statements: readRelease, timeoutMinutes: cfg.buildTimeoutMinutes, logRetentionDays: args.logRetentionDays ?? d.logRetentionDays };
    const prepare = new BuildProject(`${name}-prepare`, { ...common, role: "prepare", buildspec: "buildspecs/prepare.yml", environment: { ...environment, PLAN_BUCKET: store.bucketName } }, parent);
    const deploy = new BuildProject(`${name}-deploy`, { ...common, role: "deploy", buildspec: "buildspecs/deploy.yml", environment }, parent);
    this.projectNames = { prepare: prepare.projectName, deploy: deploy.projectName };

    const { role, policy } = pipelineServiceRole(
      name,
      ctx,
      names,
      [
        ...pipelineArtifactsAccess(ctx, store.bucketName),
        readObjects(ctx, "ReadPromotion", source, [LATEST_PROMOTION_KEY]),
        { Sid: "CheckSourceBucket", Effect: "Allow", Action: ["s3:GetBucketVersioning"], Resource: [deliveryArns.bucket(ctx, source)] },
        runProjects(ctx, [names.project("prepare"), names.project("deploy")]),
        publishTo("RequestApproval", args.alertTopicArn),
      ],
      parent,
    );
    // Every action reads the promotion record the Source action fetched.
    const codeBuild = (actionName: string, project: pulumi.Input<string>, outputs: string[], namespace?: string) =>
      codeBuildAction({ name: actionName, project, inputs: ["promotion"], outputs, namespace });
    const pipeline = new aws.codepipeline.Pipeline(
      `${name}-pipeline`,
      {
        name: names.pipeline,
        pipelineType: "V2",
        // SUPERSEDED: a newer promotion replaces one still waiting for approval, so nobody approves
        // (or deploys) a release that is already outdated; an action in progress always finishes.
        executionMode: "SUPERSEDED",
        roleArn: arns.role(ctx, role.name),
        artifactStores: [{ location: store.bucketName, type: "S3" }],
        stages: [
          {
            name: "Source",
            actions: [
              {
                name: "Promotion",
                category: "Source",
                owner: "AWS",
                provider: "S3",
                version: "1",
                namespace: "PromotionVariables",
                outputArtifacts: ["promotion"],
                // Started by the EventBridge rule below, never by polling.
                configuration: { S3Bucket: source, S3ObjectKey: LATEST_PROMOTION_KEY, PollForSourceChanges: "false" },
              },
            ],
          },
          // Exports COMMIT and PLAN_URL (buildspecs/prepare.yml `exported-variables`) for the approval.
          { name: "Prepare", actions: [codeBuild("VerifyAndPreview", prepare.projectName, ["plan"], "ReleaseVariables")], onFailure: { result: "FAIL" } },
          {
            name: "Approve",
            actions: [
              {
                name: "Approve",
                category: "Approval",
                owner: "AWS",
                provider: "Manual",
                version: "1",
                configuration: {
                  NotificationArn: args.alertTopicArn,
                  CustomData: `Release commit #{ReleaseVariables.COMMIT} to ${ctx.stack}: verified and promoted by ${cfg.promotesFrom}, artifact hashes checked. Review the plan (link) before approving.`,
                  ExternalEntityLink: "#{ReleaseVariables.PLAN_URL}",
                },
              },
            ],
          },
          // A failed deployment (or a canary rolled back by an alarm) redeploys the last release that passed this stage.
          { name: "Deploy", actions: [codeBuild("Deploy", deploy.projectName, [])], onFailure: { result: "ROLLBACK" } },
        ],
      },
      { parent: this, dependsOn: [policy] },
    );
    this.pipelineName = pipeline.name;
    this.sourceBucketName = source;

    // EventBridge starts the pipeline; its role can do that and nothing else.
    const startRole = new aws.iam.Role(
      `${name}-start-role`,
      { name: names.startRole, description: `EventBridge starts ${names.pipeline} on a new promotion`, assumeRolePolicy: policyJson(serviceTrustPolicy("events.amazonaws.com", ctx.accountId)) },
      parent,
    );
    const startPolicy = new aws.iam.RolePolicy(
      `${name}-start-policy`,
      {
        role: startRole.name,
        policy: policyJson({ Version: "2012-10-17", Statement: [{ Sid: "StartThisPipeline", Effect: "Allow", Action: ["codepipeline:StartPipelineExecution"], Resource: [pipelineArn] }] }),
      },
      parent,
    );
    const rule = new aws.cloudwatch.EventRule(
      `${name}-start`,
      {
        name: names.startRule,
        description: `A new promotion from ${cfg.promotesFrom} starts ${names.pipeline}.`,
        eventPattern: pulumi.jsonStringify({
          source: ["aws.s3"],
          "detail-type": ["Object Created"],
          detail: { bucket: { name: [source] }, object: { key: [LATEST_PROMOTION_KEY] } },
        }),
      },
      parent,
    );
    new aws.cloudwatch.EventTarget(`${name}-start-target`, { rule: rule.name, arn: pipelineArn, roleArn: arns.role(ctx, startRole.name) }, { parent: this, dependsOn: [startPolicy, pipeline] });

    this.registerOutputs({ pipelineName: this.pipelineName, sourceBucketName: this.sourceBucketName, projectNames: this.projectNames });
  }
}
