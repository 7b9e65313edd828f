import * as assert from "node:assert/strict";
import { collectRoleGrants, findAbsoluteViolations } from "../../policies/iam";
import { Plan, TEST_ACCOUNT_ID, UNKNOWN } from "../support/plan-stack";
import { planDelivery, policyOf, PROD_PIPELINE, STAGING_PIPELINE, stageOf, statements } from "./plan";

const A = TEST_ACCOUNT_ID;
const RELEASE_BUCKET = `serverless-staging-artifacts-${A}-eu-west-1`;

function absoluteViolations(plan: Plan) {
  const resources = plan.resources.map((r) => ({ type: r.type, name: r.name, urn: r.urn, props: r.inputs }));
  return findAbsoluteViolations(resources, collectRoleGrants(resources)).map((v) => `${v.rule}: ${v.message}`);
}

describe("delivery components (staging: built from source)", function () {
  this.timeout(120_000);
  let plan: Plan;
  before(async () => {
    plan = await planDelivery("staging", STAGING_PIPELINE, false);
  });

  it("declares a versioned, encrypted, private release bucket named from account and region", () => {
    const bucket = plan.one("aws:s3/bucket:Bucket", "delivery-store-release-bucket");
    assert.equal(bucket.inputs.bucket, RELEASE_BUCKET);
    assert.equal(plan.one("aws:s3/bucketVersioning:BucketVersioning", "delivery-store-release-versioning").inputs.versioningConfiguration.status, "Enabled");
    const sse = plan.one("aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration", "delivery-store-release-encryption");
    assert.equal(sse.inputs.rules[0].applyServerSideEncryptionByDefault.sseAlgorithm, "AES256");
    const pab = plan.one("aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock", "delivery-store-release-public-access").inputs;
    assert.deepEqual([pab.blockPublicAcls, pab.blockPublicPolicy, pab.ignorePublicAcls, pab.restrictPublicBuckets], [true, true, true, true]);
    assert.equal(plan.one("aws:s3/bucketOwnershipControls:BucketOwnershipControls", "delivery-store-release-ownership").inputs.rule.objectOwnership, "BucketOwnerEnforced");
  });

  it("denies every request to the release bucket that does not use TLS", () => {
    const policy = JSON.parse(plan.one("aws:s3/bucketPolicy:BucketPolicy", "delivery-store-release-policy").inputs.policy);
    assert.deepEqual(policy.Statement, [
      {
        Sid: "DenyInsecureTransport",
        Effect: "Deny",
        Principal: "*",
        Action: "s3:*",
        Resource: [`arn:aws:s3:::${RELEASE_BUCKET}`, `arn:aws:s3:::${RELEASE_BUCKET}/*`],
        Condition: { Bool: { "aws:SecureTransport": "false" } },
      },
    ]);
  });

  it("expires old artifacts and replaced versions after the retention days, and keeps promotion records", () => {
    const rules = plan.one("aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration", "delivery-store-release-lifecycle").inputs.rules as any[];
    assert.equal(rules.find((r) => r.id === "expire-noncurrent-versions").noncurrentVersionExpiration.noncurrentDays, 90);
    const artifacts = rules.find((r) => r.filter?.prefix === "artifacts/");
    assert.equal(artifacts.expiration.days, 90);
    assert.ok(!rules.some((r) => r.filter?.prefix === "promotions/" && r.expiration), "promotion records must not expire");
    assert.equal(plan.one("aws:s3/bucketNotification:BucketNotification", "delivery-store-release-eventbridge").inputs.eventbridge, true);
  });

  it("runs a V2 pipeline Source -> Build -> Deploy -> Verify -> Promote, queued", () => {
    const p = plan.one("aws:codepipeline/pipeline:Pipeline", "delivery-pipeline-pipeline");
    assert.equal(p.inputs.pipelineType, "V2");
    assert.equal(p.inputs.executionMode, "QUEUED");
    assert.deepEqual(p.inputs.stages.map((s: any) => s.name), ["Source", "Build", "Deploy", "Verify", "Promote"]);
    assert.deepEqual(p.inputs.stages.map((s: any) => s.actions.map((a: any) => a.provider).join(",")), ["CodeStarSourceConnection", "CodeBuild", "CodeBuild", "CodeBuild", "CodeBuild"]);
    assert.equal(stageOf(p, "Deploy").onFailure?.result, "ROLLBACK");
  });

  it("starts only on pushes to main that touch a release path", () => {
    const p = plan.one("aws:codepipeline/pipeline:Pipeline", "delivery-pipeline-pipeline");
    const [trigger] = p.inputs.triggers;
    assert.equal(trigger.providerType, "CodeStarSourceConnection");
    assert.deepEqual(trigger.gitConfiguration.pushes[0].branches.includes, ["main"]);
    assert.ok(trigger.gitConfiguration.pushes[0].filePaths.includes.includes("functions/**"));
    assert.equal(stageOf(p, "Source").actions[0].configuration.FullRepositoryId, "acme/orders");
  });

  it("uses the buildspecs of the repository and pinned build images", () => {
    const projects = plan.all("aws:codebuild/project:Project");
    assert.deepEqual(projects.map((p) => p.inputs.source.buildspec).sort(), ["buildspecs/build.yml", "buildspecs/deploy.yml", "buildspecs/promote.yml", "buildspecs/verify.yml"]);
    for (const p of projects) assert.match(p.inputs.environment.image, /^aws\/codebuild\/[a-z0-9-]+:\d+\.\d+$/, p.name);
    const build = projects.find((p) => p.inputs.source.buildspec === "buildspecs/build.yml")!;
    const env = Object.fromEntries(build.inputs.environment.environmentVariables.map((v: any) => [v.name, v.value]));
    assert.deepEqual(env, { ARTIFACT_BUCKET: RELEASE_BUCKET, AUDIT_LEVEL: "high", STACK: "staging" });
    for (const p of projects) assert.match(p.inputs.logsConfig.cloudwatchLogs.groupName, /^\/aws\/codebuild\/serverless-staging-release-/);
  });

  it("lets only the Build project upload artifacts and only Promote write promotion records", () => {
    const writers = statements(plan).filter((s) => s.Action.includes("s3:PutObject") && s.Resource.some((r) => r.startsWith(`arn:aws:s3:::${RELEASE_BUCKET}/`)));
    assert.deepEqual(
      writers.map((w) => [w.policy, w.Resource]),
      [
        ["delivery-pipeline-build-policy", [`arn:aws:s3:::${RELEASE_BUCKET}/artifacts/*`]],
        ["delivery-pipeline-promote-policy", [`arn:aws:s3:::${RELEASE_BUCKET}/promotions/*`]],
      ],
    );
  });

  it("gives the Deploy project only sts:AssumeRole on the deployer role, never the rights of pulumi up", () => {
    const deploy = policyOf(plan, "delivery-pipeline-deploy-policy");
    assert.deepEqual(deploy.find((s) => s.Sid === "AssumeDeployer"), { Sid: "AssumeDeployer", Action: ["sts:AssumeRole"], Resource: [`arn:aws:iam::${A}:role/serverless-staging-deployer`], Condition: undefined });
    assert.ok(!deploy.some((s) => s.Action.some((a) => /^(iam|lambda|cloudformation):/.test(a))));
  });

  it("lets the pipeline use the connection for this repository only", () => {
    const use = policyOf(plan, "delivery-pipeline-policy").find((s) => s.Sid === "UseRepositoryConnection")!;
    assert.deepEqual(use.Condition, { StringEquals: { "codestar-connections:FullRepositoryId": "acme/orders" } });
  });

  it("grants no action wildcard, no iam:PassRole, and nothing the pack's absolute rules refuse", () => {
    for (const s of statements(plan)) {
      for (const a of s.Action) assert.ok(!a.includes("*") && a !== "iam:PassRole", `${s.policy} ${s.Sid}: ${a}`);
      for (const r of s.Resource) assert.ok(!r.includes(UNKNOWN), `${s.policy} ${s.Sid}: unknown resource`);
    }
    assert.deepEqual(absoluteViolations(plan), []);
  });

  it("sends every pipeline and deployment state change to the alert topic", () => {
    const rule = plan.one("aws:codestarnotifications/notificationRule:NotificationRule", "delivery-notifications-serverless-staging-release");
    assert.equal(rule.inputs.resource, `arn:aws:codepipeline:eu-west-1:${A}:serverless-staging-release`);
    assert.deepEqual(rule.inputs.targets, [{ address: `arn:aws:sns:eu-west-1:${A}:serverless-staging-alerts`, type: "SNS" }]);
    assert.ok(rule.inputs.eventTypeIds.includes("codepipeline-pipeline-pipeline-execution-failed"));
    const events = JSON.parse(plan.one("aws:cloudwatch/eventRule:EventRule", "delivery-notifications-deployments").inputs.eventPattern);
    assert.deepEqual(events, { source: ["aws.codedeploy"], "detail-type": ["CodeDeploy Deployment State-change Notification"], detail: { application: ["serverless-staging-functions"] } });
    assert.equal(plan.one("aws:cloudwatch/eventTarget:EventTarget", "delivery-notifications-deployments-to-topic").inputs.arn, `arn:aws:sns:eu-west-1:${A}:serverless-staging-alerts`);
  });

  it("declares no topic policy of its own: the topic's one policy is AlertTopicPolicy's (infra/observability)", () => {
    assert.deepEqual(plan.all("aws:sns/topicPolicy:TopicPolicy"), []);
  });

  it("passes every CodeBuild action the commit and the pipeline execution id", () => {
    const p = plan.one("aws:codepipeline/pipeline:Pipeline", "delivery-pipeline-pipeline");
    for (const stage of ["Build", "Deploy", "Verify", "Promote"]) {
      const vars = JSON.parse(stageOf(p, stage).actions[0].configuration.EnvironmentVariables);
      assert.deepEqual(vars.map((v: any) => [v.name, v.value]), [["COMMIT", "#{SourceVariables.CommitId}"], ["PIPELINE_EXECUTION_ID", "#{codepipeline.PipelineExecutionId}"]], stage);
    }
  });

  it("verifies with the stack outputs Deploy wrote (its output artifact), not only the source", () => {
    const p = plan.one("aws:codepipeline/pipeline:Pipeline", "delivery-pipeline-pipeline");
    assert.deepEqual(stageOf(p, "Deploy").actions[0].outputArtifacts, ["deployed"]);
    assert.deepEqual(stageOf(p, "Verify").actions[0].inputArtifacts, ["source", "deployed"]);
    assert.deepEqual(stageOf(p, "Promote").actions[0].inputArtifacts, ["source", "build", "verification"]);
  });

  it("gives the pre-traffic hook exactly its deployment groups, its functions' versions and its logs", () => {
    assert.deepEqual(policyOf(plan, "delivery-pre-traffic-policy"), [
      {
        Sid: "WriteOwnLogs",
        Action: ["logs:CreateLogStream", "logs:PutLogEvents"],
        Resource: [`arn:aws:logs:eu-west-1:${A}:log-group:/aws/lambda/serverless-staging-pre-traffic-hook`, `arn:aws:logs:eu-west-1:${A}:log-group:/aws/lambda/serverless-staging-pre-traffic-hook:log-stream:*`],
        Condition: undefined,
      },
      {
        Sid: "ReadAndReportDeployments",
        Action: ["codedeploy:GetDeployment", "codedeploy:PutLifecycleEventHookExecutionStatus"],
        Resource: [
          `arn:aws:codedeploy:eu-west-1:${A}:deploymentgroup:serverless-staging-functions/serverless-staging-fulfil-order`,
          `arn:aws:codedeploy:eu-west-1:${A}:deploymentgroup:serverless-staging-functions/serverless-staging-orders-api`,
        ],
        Condition: undefined,
      },
      {
        Sid: "InvokeTargetVersions",
        Action: ["lambda:InvokeFunction"],
        Resource: [`arn:aws:lambda:eu-west-1:${A}:function:serverless-staging-fulfil-order:*`, `arn:aws:lambda:eu-west-1:${A}:function:serverless-staging-orders-api:*`],
        Condition: undefined,
      },
    ]);
    const fn = plan.one("aws:lambda/function:Function", "delivery-pre-traffic-function");
    assert.equal(fn.inputs.name, "serverless-staging-pre-traffic-hook");
    assert.equal(plan.outputs.hook, "serverless-staging-pre-traffic-hook");
  });
});

describe("delivery components (prod: promoted, never built from source)", function () {
  this.timeout(120_000);
  let plan: Plan;
  before(async () => {
    plan = await planDelivery("prod", PROD_PIPELINE, true);
  });

  it("runs a V2 pipeline whose only source is staging's promotion record", () => {
    const p = plan.one("aws:codepipeline/pipeline:Pipeline", "delivery-pipeline-pipeline");
    assert.equal(p.inputs.pipelineType, "V2");
    assert.deepEqual(p.inputs.stages.map((s: any) => s.name), ["Source", "Prepare", "Approve", "Deploy"]);
    const providers = p.inputs.stages.flatMap((s: any) => s.actions.map((a: any) => a.provider));
    assert.ok(!providers.includes("CodeStarSourceConnection"));
    assert.equal(p.inputs.triggers, undefined);
    const source = stageOf(p, "Source").actions[0];
    assert.deepEqual([source.provider, source.configuration], ["S3", { S3Bucket: RELEASE_BUCKET, S3ObjectKey: "promotions/latest.zip", PollForSourceChanges: "false" }]);
    assert.equal(plan.all("aws:codestarconnections/connection:Connection").length, 0);
    assert.equal(stageOf(p, "Deploy").onFailure?.result, "ROLLBACK");
  });

  it("waits for a manual approval announced on the alert topic with a link to the plan", () => {
    const approve = stageOf(plan.one("aws:codepipeline/pipeline:Pipeline", "delivery-pipeline-pipeline"), "Approve").actions[0];
    assert.deepEqual([approve.category, approve.provider], ["Approval", "Manual"]);
    assert.equal(approve.configuration.NotificationArn, `arn:aws:sns:eu-west-1:${A}:serverless-prod-alerts`);
    assert.equal(approve.configuration.ExternalEntityLink, "#{ReleaseVariables.PLAN_URL}");
    assert.match(approve.configuration.CustomData, /#\{ReleaseVariables\.COMMIT\}/);
  });

  it("is started by EventBridge on a new promotion, through a role that can start this pipeline only", () => {
    const pattern = JSON.parse(plan.one("aws:cloudwatch/eventRule:EventRule", "delivery-pipeline-start").inputs.eventPattern);
    assert.deepEqual(pattern, { source: ["aws.s3"], "detail-type": ["Object Created"], detail: { bucket: { name: [RELEASE_BUCKET] }, object: { key: ["promotions/latest.zip"] } } });
    const target = plan.one("aws:cloudwatch/eventTarget:EventTarget", "delivery-pipeline-start-target");
    assert.equal(target.inputs.arn, `arn:aws:codepipeline:eu-west-1:${A}:serverless-prod-release`);
    assert.deepEqual(policyOf(plan, "delivery-pipeline-start-policy"), [
      { Sid: "StartThisPipeline", Action: ["codepipeline:StartPipelineExecution"], Resource: [`arn:aws:codepipeline:eu-west-1:${A}:serverless-prod-release`], Condition: undefined },
    ]);
  });

  it("reads the promoted artifacts read-only and deploys through the prod deployer role", () => {
    const deploy = policyOf(plan, "delivery-pipeline-deploy-policy");
    assert.ok(!deploy.some((s) => s.Action.includes("s3:PutObject") && s.Resource.some((r) => r.includes(RELEASE_BUCKET))));
    assert.deepEqual(deploy.find((s) => s.Sid === "AssumeDeployer")?.Resource, [`arn:aws:iam::${A}:role/serverless-prod-deployer`]);
  });

  it("grants no action wildcard, no iam:PassRole, and nothing the pack's absolute rules refuse", () => {
    for (const s of statements(plan)) for (const a of s.Action) assert.ok(!a.includes("*") && a !== "iam:PassRole", `${s.policy} ${s.Sid}: ${a}`);
    assert.deepEqual(absoluteViolations(plan), []);
  });
});
