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
} as const;

const RETENTION = { staging: 14, prod: 90 } as const;
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

    it("declares every function of the catalog, named after project, stack and folder", () => {
      assert.deepStrictEqual(plan.all(T.fn).map((r) => r.inputs.name).sort(), functions.map((f) => physical(f.name)).sort());
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
      assert.equal(policies.length, functions.length * 2, "one policy per function role and per deployment role");
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
          for (const arn of s.Resource) assert.match(arn, new RegExp(`^arn:aws:[a-z-]+:(eu-west-1)?:${TEST_ACCOUNT_ID}:\\S+$`), `${p.name}: ${arn}`);
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

// Kept here so a missing build shows up as one clear failure rather than many.
it("finds the real functions' folder", () => assert.ok(fs.existsSync(path.join(REPO_ROOT, "functions"))));
