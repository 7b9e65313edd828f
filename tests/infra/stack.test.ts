import * as assert from "assert";
import * as fs from "fs";
import * as path from "path";
import { discoverFunctions, FunctionEntry } from "../../infra/catalog";
import { readManifest } from "../../tools/build/manifest";
import { Plan, planStack, TEST_ACCOUNT_ID, UNKNOWN } from "../support/plan-stack";
import { builtConfig, builtManifest, REPO_ROOT } from "./fixtures";

const T = {
  fn: "aws:lambda/function:Function",
  alias: "aws:lambda/alias:Alias",
  logGroup: "aws:cloudwatch/logGroup:LogGroup",
  role: "aws:iam/role:Role",
  rolePolicy: "aws:iam/rolePolicy:RolePolicy",
  alarm: "aws:cloudwatch/metricAlarm:MetricAlarm",
  group: "aws:codedeploy/deploymentGroup:DeploymentGroup",
  runtime: "aws:lambda/runtimeManagementConfig:RuntimeManagementConfig",
  permission: "aws:lambda/permission:Permission",
  target: "aws:cloudwatch/eventTarget:EventTarget",
  mapping: "aws:lambda/eventSourceMapping:EventSourceMapping",
  integration: "aws:apigatewayv2/integration:Integration",
  queue: "aws:sqs/queue:Queue",
  queuePolicy: "aws:sqs/queuePolicy:QueuePolicy",
  provisioned: "aws:lambda/provisionedConcurrencyConfig:ProvisionedConcurrencyConfig",
  pipeline: "aws:codepipeline/pipeline:Pipeline",
  project: "aws:codebuild/project:Project",
  bucket: "aws:s3/bucket:Bucket",
  connection: "aws:codestarconnections/connection:Connection",
  composite: "aws:cloudwatch/compositeAlarm:CompositeAlarm",
  dashboard: "aws:cloudwatch/dashboard:Dashboard",
  budget: "aws:budgets/budget:Budget",
  topicPolicy: "aws:sns/topicPolicy:TopicPolicy",
  provider: "pulumi:providers:aws",
} as const;

const RETENTION = { staging: 14, prod: 90 } as const;
/** What each stack file asks of its pipeline and budget. */
const DELIVERY = {
  staging: { stages: ["Source", "Build", "Deploy", "Verify", "Promote"], projects: ["build", "deploy", "promote", "verify"], budget: "50.00" },
  prod: { stages: ["Source", "Prepare", "Approve", "Deploy"], projects: ["deploy", "prepare"], budget: "250.00" },
} as const;
const releaseBucket = `serverless-staging-artifacts-${TEST_ACCOUNT_ID}-eu-west-1`;
const hookArn = (stack: string) => `arn:aws:lambda:eu-west-1:${TEST_ACCOUNT_ID}:function:serverless-${stack}-pre-traffic-hook`;
/** A provider's object inputs travel JSON-encoded; a resource's as objects. */
const decoded = (v: unknown) => (typeof v === "string" ? JSON.parse(v) : v);
const aliasArn = (stack: string, fn: string) => `arn:aws:lambda:eu-west-1:${TEST_ACCOUNT_ID}:function:serverless-${stack}-${fn}:live`;
const topicArn = (stack: string) => `arn:aws:sns:eu-west-1:${TEST_ACCOUNT_ID}:serverless-${stack}-alerts`;

for (const stack of ["staging", "prod"] as const) {
  describe(`the ${stack} stack under Pulumi's mocks`, () => {
    let plan: Plan;
    let functions: FunctionEntry[];
    const physical = (fn: string) => `serverless-${stack}-${fn}`;

    before(async () => {
      functions = discoverFunctions(path.join(REPO_ROOT, "functions"));
      plan = await planStack(stack, { config: await builtConfig() });
    });

    it("declares every function of the catalog, named after project, stack and folder, and the pre-traffic hook", () => {
      assert.deepStrictEqual(plan.all(T.fn).map((r) => r.inputs.name).sort(), [...functions.map((f) => physical(f.name)), physical("pre-traffic-hook")].sort());
    });

    it("pins the runtime, traces, publishes versions and deploys the built zip by its hash", async () => {
      const manifest = readManifest(await builtManifest());
      for (const f of functions) {
        const fn = plan.one(T.fn, `${f.name}-function`).inputs;
        const built = manifest.functions.find((m) => m.name === f.name)!;
        assert.equal(fn.runtime, "nodejs24.x");
        assert.deepStrictEqual(fn.architectures, ["arm64"]);
        assert.equal(fn.publish, true);
        assert.deepStrictEqual(fn.tracingConfig, { mode: "Active" });
        assert.equal(fn.sourceCodeHash, Buffer.from(built.sha256, "hex").toString("base64"));
        assert.equal(path.basename(fn.code.archive), `${f.name}.zip`);
        assert.deepStrictEqual(fn.loggingConfig.logFormat, "JSON");
        assert.equal(fn.loggingConfig.logGroup, `/aws/lambda/${physical(f.name)}`);
        assert.equal(plan.one(T.runtime, `${f.name}-runtime`).inputs.updateRuntimeOn, "FunctionUpdate");
      }
    });

    it("creates each function's log group, with the stack's retention, before the function", () => {
      for (const f of functions) {
        const logs = plan.one(T.logGroup, `${f.name}-logs`);
        assert.equal(logs.inputs.name, `/aws/lambda/${physical(f.name)}`);
        assert.equal(logs.inputs.retentionInDays, RETENTION[stack]);
        assert.ok(plan.one(T.fn, `${f.name}-function`).dependencies.includes(logs.urn), `${f.name} does not wait for its log group`);
      }
    });

    it("gives every function a `live` alias that Pulumi creates and then leaves to CodeDeploy", () => {
      for (const f of functions) {
        const alias = plan.one(T.alias, `${f.name}-alias`);
        assert.equal(alias.inputs.name, "live");
        assert.equal(alias.inputs.functionName, physical(f.name));
        assert.deepStrictEqual(alias.ignoreChanges.sort(), ["functionVersion", "routingConfig"]);
      }
    });

    it("resolves environment references to the stack's resource names", () => {
      const vars = plan.one(T.fn, "fulfil-order-function").inputs.environment.variables;
      assert.equal(vars.EVENT_BUS_NAME, `serverless-${stack}-events`);
      assert.equal(vars.ORDERS_TABLE_NAME, `serverless-${stack}-orders`);
    });

    it("lets only Lambda, for this account, assume a function's role", () => {
      for (const f of functions) {
        const trust = JSON.parse(plan.one(T.role, `${f.name}-role`).inputs.assumeRolePolicy);
        assert.deepStrictEqual(trust.Statement.map((s: any) => [s.Principal.Service, s.Condition.StringEquals["aws:SourceAccount"]]), [["lambda.amazonaws.com", TEST_ACCOUNT_ID]]);
      }
    });

    it("grants no action wildcard, and Resource * only to the X-Ray actions, in any role policy", () => {
      const policies = plan.all(T.rolePolicy);
      for (const f of functions) for (const name of [`${f.name}-policy`, `${f.name}-deployment-policy`]) plan.one(T.rolePolicy, name);
      for (const p of policies) {
        for (const s of JSON.parse(p.inputs.policy).Statement) {
          for (const action of s.Action) assert.ok(!action.includes("*"), `${p.name} grants ${action}`);
          const resources = ([] as string[]).concat(s.Resource);
          if (resources.includes("*")) assert.deepStrictEqual(s.Action, ["xray:PutTraceSegments", "xray:PutTelemetryRecords"], `${p.name} grants ${s.Action} on *`);
        }
      }
    });

    it("builds every ARN in a role policy from values known at preview", () => {
      for (const p of plan.all(T.rolePolicy)) {
        assert.equal(typeof p.inputs.policy, "string", `${p.name}'s policy is unknown at preview`);
        for (const s of JSON.parse(p.inputs.policy).Statement) {
          if (s.Resource === "*") continue;
          // S3 ARNs carry no region or account: the bucket names (derived from both) do.
          const s3 = new RegExp(`^arn:aws:s3:::serverless-(staging|prod)-[a-z]+-${TEST_ACCOUNT_ID}-eu-west-1(/\\S*)?$`);
          for (const arn of s.Resource) assert.ok(new RegExp(`^arn:aws:[a-z-]+:(eu-west-1)?:${TEST_ACCOUNT_ID}:\\S+$`).test(arn) || s3.test(arn), `${p.name}: ${arn}`);
        }
      }
    });

    it("grants a function exactly its declared actions on the stack resources, and its table's index", () => {
      const statements = JSON.parse(plan.one(T.rolePolicy, "reconcile-orders-policy").inputs.policy).Statement;
      const table = statements.find((s: any) => s.Sid === "UseOrdersTable");
      assert.deepStrictEqual(table.Action, ["dynamodb:Query"]);
      assert.deepStrictEqual(table.Resource, [
        `arn:aws:dynamodb:eu-west-1:${TEST_ACCOUNT_ID}:table/serverless-${stack}-orders`,
        `arn:aws:dynamodb:eu-west-1:${TEST_ACCOUNT_ID}:table/serverless-${stack}-orders/index/byStatus`,
      ]);
      const logs = statements.find((s: any) => s.Sid === "WriteOwnLogs");
      assert.deepStrictEqual(logs.Resource, [
        `arn:aws:logs:eu-west-1:${TEST_ACCOUNT_ID}:log-group:/aws/lambda/${physical("reconcile-orders")}`,
        `arn:aws:logs:eu-west-1:${TEST_ACCOUNT_ID}:log-group:/aws/lambda/${physical("reconcile-orders")}:log-stream:*`,
      ]);
    });

    it("watches every function's errors, throttles and p99 duration on its alias, notifying the alert topic", () => {
      for (const f of functions) {
        for (const [role, metric] of [["errors", "Errors"], ["throttles", "Throttles"], ["duration-p99", "Duration"]]) {
          const alarm = plan.one(T.alarm, `${f.name}-alarms-${role}`).inputs;
          assert.equal(alarm.namespace, "AWS/Lambda");
          assert.equal(alarm.metricName, metric);
          assert.deepStrictEqual(alarm.dimensions, { FunctionName: physical(f.name), Resource: `${physical(f.name)}:live` });
          assert.deepStrictEqual(alarm.alarmActions, [topicArn(stack)]);
          assert.deepStrictEqual(alarm.okActions, [topicArn(stack)]);
          assert.equal(alarm.treatMissingData, "notBreaching");
        }
      }
    });

    it("alarms on p99 duration at the configured share of the timeout", () => {
      const percent = stack === "prod" ? 75 : 80;
      const duration = plan.one(T.alarm, "reconcile-orders-alarms-duration-p99").inputs;
      assert.equal(duration.extendedStatistic, "p99");
      assert.equal(duration.threshold, 60 * 1000 * (percent / 100));
    });

    it("watches the queue consumer's dead-letter queue depth and its queue's oldest message", () => {
      const dlq = plan.one(T.alarm, "fulfil-order-alarms-dlq-depth").inputs;
      assert.deepStrictEqual([dlq.metricName, dlq.dimensions, dlq.threshold], ["ApproximateNumberOfMessagesVisible", { QueueName: `${physical("fulfil-order")}-dlq` }, 0]);
      const age = plan.one(T.alarm, "fulfil-order-alarms-queue-age").inputs;
      assert.deepStrictEqual([age.metricName, age.dimensions], ["ApproximateAgeOfOldestMessage", { QueueName: `${physical("fulfil-order")}-queue` }]);
    });

    it("gives every function a deployment group that rolls back on failure and on its alarms", () => {
      const alarmNames = new Set(plan.all(T.alarm).map((a) => a.inputs.name));
      for (const f of functions) {
        const group = plan.one(T.group, `${f.name}-deployment-group`).inputs;
        assert.equal(group.appName, `serverless-${stack}-functions`);
        assert.equal(group.deploymentGroupName, physical(f.name));
        assert.deepStrictEqual(group.deploymentStyle, { deploymentType: "BLUE_GREEN", deploymentOption: "WITH_TRAFFIC_CONTROL" });
        assert.equal(group.alarmConfiguration.enabled, true);
        assert.deepStrictEqual(group.alarmConfiguration.alarms, ["errors", "throttles", "duration-p99"].map((r) => `${physical(f.name)}-${r}`));
        group.alarmConfiguration.alarms.forEach((a: string) => assert.ok(alarmNames.has(a), `alarm ${a} is not in the stack`));
        assert.deepStrictEqual(group.autoRollbackConfiguration, { enabled: true, events: ["DEPLOYMENT_FAILURE", "DEPLOYMENT_STOP_ON_ALARM"] });
        assert.equal(group.serviceRoleArn, `arn:aws:iam::${TEST_ACCOUNT_ID}:role/${physical(f.name)}-cd`);
      }
    });

    it("scopes CodeDeploy's role to moving this function's alias", () => {
      const doc = JSON.parse(plan.one(T.rolePolicy, "orders-api-deployment-policy").inputs.policy);
      const shift = doc.Statement.find((s: any) => s.Sid === "ShiftLiveAlias");
      assert.deepStrictEqual(shift.Resource, [aliasArn(stack, "orders-api").replace(/:live$/, ""), aliasArn(stack, "orders-api")]);
      assert.deepStrictEqual(doc.Statement.find((s: any) => s.Sid === "NotifyAlerts").Resource, [topicArn(stack)]);
    });

    it("routes HTTP requests to the alias, allowed from this API route and account only", () => {
      const integration = plan.one(T.integration, "orders-api-trigger-integration").inputs;
      assert.equal(integration.integrationUri, aliasArn(stack, "orders-api"));
      assert.equal(integration.payloadFormatVersion, "2.0");
      const permission = plan.one(T.permission, "orders-api-trigger-permission").inputs;
      assert.deepStrictEqual([permission.qualifier, permission.principal, permission.sourceAccount], ["live", "apigateway.amazonaws.com", TEST_ACCOUNT_ID]);
      // The API's id exists only once the API does: on a first preview the route ARN is unknown,
      // and the account (known) is what a policy can verify.
      assert.equal(permission.sourceArn, UNKNOWN);
    });

    it("allows API Gateway to invoke from the function's own route once the API exists", async () => {
      const executionArn = `arn:aws:execute-api:eu-west-1:${TEST_ACCOUNT_ID}:a1b2c3`;
      const existing = (type: string) => (type === "aws:apigatewayv2/api:Api" ? { executionArn } : undefined);
      const again = await planStack(stack, { config: await builtConfig(), existing });
      assert.equal(again.one(T.permission, "orders-api-trigger-permission").inputs.sourceArn, `${executionArn}/*/POST/orders`);
    });

    it("points rule targets and the queue's event source mapping at the alias", () => {
      assert.equal(plan.one(T.target, "reconcile-orders-trigger-target").inputs.arn, aliasArn(stack, "reconcile-orders"));
      assert.equal(plan.one(T.target, "notify-customer-trigger-target").inputs.arn, aliasArn(stack, "notify-customer"));
      const mapping = plan.one(T.mapping, "fulfil-order-trigger-mapping").inputs;
      assert.equal(mapping.functionName, aliasArn(stack, "fulfil-order"));
      assert.deepStrictEqual(mapping.functionResponseTypes, ["ReportBatchItemFailures"]);
      for (const name of ["reconcile-orders-trigger-permission", "notify-customer-trigger-permission"]) {
        const p = plan.one(T.permission, name).inputs;
        assert.equal(p.qualifier, "live");
        assert.match(p.sourceArn, new RegExp(`^arn:aws:events:eu-west-1:${TEST_ACCOUNT_ID}:rule/`));
      }
    });

    it("lets only the subscription rule send to the encrypted queue, which dead-letters after retries", () => {
      const queue = plan.one(T.queue, "fulfil-order-trigger-queue").inputs;
      assert.equal(queue.sqsManagedSseEnabled, true);
      assert.ok(queue.visibilityTimeoutSeconds >= 6 * 30, `visibility ${queue.visibilityTimeoutSeconds}s`);
      assert.deepStrictEqual(JSON.parse(queue.redrivePolicy), {
        deadLetterTargetArn: `arn:aws:sqs:eu-west-1:${TEST_ACCOUNT_ID}:${physical("fulfil-order")}-dlq`,
        maxReceiveCount: 3,
      });
      const statement = JSON.parse(plan.one(T.queuePolicy, "fulfil-order-trigger-queue-policy").inputs.policy).Statement[0];
      assert.equal(statement.Principal.Service, "events.amazonaws.com");
      assert.equal(statement.Condition.ArnEquals["aws:SourceArn"], `arn:aws:events:eu-west-1:${TEST_ACCOUNT_ID}:rule/serverless-${stack}-events/${physical("fulfil-order")}`);
    });

    it("declares the release pipeline as CodePipeline V2 with its CodeBuild projects and the release bucket", () => {
      const expected = DELIVERY[stack];
      const [pipeline] = plan.all(T.pipeline);
      assert.equal(plan.all(T.pipeline).length, 1);
      assert.deepStrictEqual([pipeline.inputs.name, pipeline.inputs.pipelineType], [physical("release"), "V2"]);
      assert.deepStrictEqual(pipeline.inputs.stages.map((st: any) => st.name), expected.stages);
      assert.deepStrictEqual(plan.all(T.project).map((p) => p.inputs.name).sort(), expected.projects.map((r) => physical(`release-${r}`)));
      for (const p of plan.all(T.project)) assert.match(p.inputs.environment.image, /^aws\/codebuild\/[a-z0-9-]+:\d+\.\d+$/);
      // Both stacks release from staging's bucket: staging writes it, prod deploys its promotions.
      assert.equal(plan.outputs.releaseBucket, releaseBucket);
      assert.equal(plan.outputs.pipeline, physical("release"));
      if (stack === "staging") assert.equal(plan.one(T.bucket, "delivery-store-release-bucket").inputs.bucket, releaseBucket);
      else assert.equal(stageOf(pipeline, "Source")[0].configuration.S3Bucket, releaseBucket);
    });

    it("lets every deployment group's role invoke the stack's pre-traffic hook, and exports the hook's name", () => {
      for (const f of functions) {
        const doc = JSON.parse(plan.one(T.rolePolicy, `${f.name}-deployment-policy`).inputs.policy);
        assert.deepStrictEqual(doc.Statement.find((st: any) => st.Sid === "InvokeLifecycleHooks"), { Sid: "InvokeLifecycleHooks", Effect: "Allow", Action: ["lambda:InvokeFunction"], Resource: [hookArn(stack)] });
      }
      assert.equal(plan.outputs.preTrafficHook, physical("pre-traffic-hook"));
    });

    it("gives the alert topic exactly one policy, letting each service publish for this account and its own resources only", () => {
      const [policy] = plan.all(T.topicPolicy);
      assert.equal(plan.all(T.topicPolicy).length, 1);
      assert.equal(policy.name, "alerts-policy");
      assert.equal(policy.inputs.arn, topicArn(stack));
      const doc = JSON.parse(policy.inputs.policy);
      const services = doc.Statement.filter((st: any) => st.Principal.Service);
      assert.deepStrictEqual(services.map((st: any) => st.Principal.Service).sort(), ["budgets.amazonaws.com", "cloudwatch.amazonaws.com", "codestar-notifications.amazonaws.com", "events.amazonaws.com"]);
      for (const st of services) {
        assert.deepStrictEqual([st.Action, st.Resource, st.Condition.StringEquals["aws:SourceAccount"]], ["sns:Publish", topicArn(stack), TEST_ACCOUNT_ID], st.Sid);
        assert.ok(String(st.Condition.ArnLike["aws:SourceArn"]).includes(`:${TEST_ACCOUNT_ID}:`), st.Sid);
      }
    });

    it("gives every alarm, metric and composite, an action on the alert topic", () => {
      const alarms = [...plan.all(T.alarm), ...plan.all(T.composite)];
      assert.ok(alarms.length > functions.length * 3);
      for (const a of alarms) assert.deepStrictEqual(a.inputs.alarmActions, [topicArn(stack)], a.name);
    });

    it("summarises every function's alarms in one composite service alarm", () => {
      const [service] = plan.all(T.composite);
      assert.equal(plan.all(T.composite).length, 1);
      assert.equal(service.inputs.alarmName, physical("service"));
      const watched = [...service.inputs.alarmRule.matchAll(/ALARM\("([^"]+)"\)/g)].map((m: RegExpMatchArray) => m[1]).sort();
      const functionAlarms = plan.all(T.alarm).filter((a) => !a.name.startsWith("delivery-")).map((a) => a.inputs.name).sort();
      assert.deepStrictEqual(watched, functionAlarms);
      assert.equal(plan.outputs.serviceAlarm, physical("service"));
    });

    it("generates one dashboard with every function and the service alarm", () => {
      const [dashboard] = plan.all(T.dashboard);
      assert.equal(plan.all(T.dashboard).length, 1);
      assert.equal(dashboard.inputs.dashboardName, `serverless-${stack}`);
      const body = dashboard.inputs.dashboardBody as string;
      for (const f of functions) assert.ok(body.includes(`"${physical(f.name)}"`), `no widget for ${f.name}`);
      assert.ok(body.includes(`alarm:${physical("service")}`), "no service alarm widget");
      assert.equal(plan.outputs.dashboard, `serverless-${stack}`);
    });

    it("budgets the stack's monthly limit on its cost allocation tag, notifying the topic on actual and forecast spend", () => {
      const budget = plan.one(T.budget, "stack-budget").inputs;
      assert.deepStrictEqual([budget.name, budget.limitAmount, budget.limitUnit, budget.timeUnit], [`serverless-${stack}-monthly`, DELIVERY[stack].budget, "USD", "MONTHLY"]);
      assert.deepStrictEqual(budget.costFilters, [{ name: "TagKeyValue", values: [`user:Stack$serverless-${stack}`] }]);
      assert.deepStrictEqual(budget.notifications.map((n: any) => [n.notificationType, n.threshold, n.subscriberSnsTopicArns]), [
        ["ACTUAL", 80, [topicArn(stack)]],
        ["FORECASTED", 100, [topicArn(stack)]],
      ]);
    });

    it("tags every resource through the stack's provider and each function's own resources with its name", () => {
      const provider = plan.one(T.provider, "aws");
      assert.equal(provider.inputs.region, "eu-west-1");
      assert.deepStrictEqual(decoded(provider.inputs.defaultTags).tags, { Project: "serverless", Stack: `serverless-${stack}`, Service: "serverless" });
      const tags = { Project: "serverless", Stack: `serverless-${stack}`, Service: "serverless", Function: "fulfil-order" };
      assert.deepStrictEqual(plan.one(T.fn, "fulfil-order-function").inputs.tags, { ...tags, "serverless:function": "fulfil-order" });
      for (const [type, name] of [[T.logGroup, "fulfil-order-logs"], [T.queue, "fulfil-order-trigger-queue"], [T.queue, "fulfil-order-trigger-dlq"], [T.alarm, "fulfil-order-alarms-errors"]] as const)
        assert.deepStrictEqual(plan.one(type, name).inputs.tags, tags, name);
    });

    it("returns what the deploy step needs for each function", async () => {
      const manifest = readManifest(await builtManifest());
      const out = plan.outputs.functions["orders-api"];
      assert.equal(out.functionName, physical("orders-api"));
      assert.equal(out.aliasName, "live");
      assert.equal(out.deploymentGroup, physical("orders-api"));
      assert.equal(out.codeDeployApplication, `serverless-${stack}-functions`);
      assert.equal(out.sha256, manifest.functions.find((f) => f.name === "orders-api")!.sha256);
    });
  });
}

describe("prod against staging", () => {
  let staging: Plan;
  let prod: Plan;
  before(async () => {
    const config = await builtConfig();
    staging = await planStack("staging", { config });
    prod = await planStack("prod", { config });
  });

  it("keeps the HTTP function warm with provisioned concurrency in prod only", () => {
    assert.equal(prod.one(T.provisioned, "orders-api-provisioned-concurrency").inputs.provisionedConcurrentExecutions, 2);
    assert.equal(prod.one(T.provisioned, "orders-api-provisioned-concurrency").inputs.qualifier, "live");
    assert.equal(staging.all(T.provisioned).length, 0);
  });

  it("shifts traffic more slowly in prod", () => {
    assert.equal(staging.one(T.group, "orders-api-deployment-group").inputs.deploymentConfigName, "CodeDeployDefault.LambdaCanary10Percent5Minutes");
    assert.equal(prod.one(T.group, "orders-api-deployment-group").inputs.deploymentConfigName, "CodeDeployDefault.LambdaCanary10Percent15Minutes");
  });

  it("builds from the repository in staging only: prod has no CodeStar source, connection or trigger", () => {
    const providers = (p: Plan) => p.one(T.pipeline, "delivery-pipeline-pipeline").inputs.stages.flatMap((st: any) => st.actions.map((a: any) => a.provider));
    assert.ok(providers(staging).includes("CodeStarSourceConnection"));
    assert.ok(!providers(prod).includes("CodeStarSourceConnection"));
    assert.equal(prod.all(T.connection).length, 0);
    assert.equal(prod.one(T.pipeline, "delivery-pipeline-pipeline").inputs.triggers, undefined);
    assert.equal(prod.all(T.bucket).some((b) => b.inputs.bucket === releaseBucket), false, "prod must not declare staging's bucket");
  });

  it("passes every staging CodeBuild action the commit and the execution id, and Verify the deployed stack's outputs", () => {
    const pipeline = staging.one(T.pipeline, "delivery-pipeline-pipeline");
    for (const stage of ["Build", "Deploy", "Verify", "Promote"]) {
      const [action] = stageOf(pipeline, stage);
      assert.deepStrictEqual(JSON.parse(action.configuration.EnvironmentVariables), [
        { name: "COMMIT", value: "#{SourceVariables.CommitId}", type: "PLAINTEXT" },
        { name: "PIPELINE_EXECUTION_ID", value: "#{codepipeline.PipelineExecutionId}", type: "PLAINTEXT" },
      ]);
    }
    assert.deepStrictEqual(stageOf(pipeline, "Deploy")[0].outputArtifacts, ["deployed"]);
    assert.ok(stageOf(pipeline, "Verify")[0].inputArtifacts.includes("deployed"));
  });

  it("keeps logs longer in prod", () => {
    assert.equal(staging.one(T.logGroup, "orders-api-logs").inputs.retentionInDays, 14);
    assert.equal(prod.one(T.logGroup, "orders-api-logs").inputs.retentionInDays, 90);
  });

  it("never shares a physical name between the stacks", () => {
    const names = (p: Plan) => new Set(p.resources.map((r) => r.inputs.name).filter((n) => typeof n === "string" && n !== "live" && n !== "$default"));
    const shared = [...names(staging)].filter((n) => names(prod).has(n));
    assert.deepStrictEqual(shared, []);
  });

  it("declares a custom linear config once and uses it in every deployment group", async () => {
    const config = { ...(await builtConfig()), "serverless:canary": JSON.stringify({ type: "linear", percent: 20, intervalMinutes: 2 }) };
    const plan = await planStack("staging", { config });
    const custom = plan.one("aws:codedeploy/deploymentConfig:DeploymentConfig", "shared-traffic-shifting").inputs;
    assert.deepStrictEqual(custom.trafficRoutingConfig, { type: "TimeBasedLinear", timeBasedLinear: { percentage: 20, interval: 2 } });
    for (const g of plan.all(T.group)) assert.equal(g.inputs.deploymentConfigName, custom.deploymentConfigName);
  });
});

function stageOf(pipeline: { inputs: Record<string, any> }, name: string): Record<string, any>[] {
  const stage = pipeline.inputs.stages.find((st: any) => st.name === name);
  assert.ok(stage, `no stage ${name}`);
  return stage.actions;
}

// Kept here so a missing build shows up as one clear failure rather than many.
it("finds the real functions' folder", () => assert.ok(fs.existsSync(path.join(REPO_ROOT, "functions"))));
