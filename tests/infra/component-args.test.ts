import * as assert from "assert";
import { FunctionSettings } from "../../infra/catalog";
import {
  ServerlessFunctionArgs,
  validateCanaryDeploymentArgs,
  validateFunctionAlarmsArgs,
  validateQueueSubscriptionArgs,
  validateServerlessFunctionArgs,
} from "../../infra/components";
import { StackContext } from "../../infra/naming";

const ctx: StackContext = { project: "serverless", stack: "staging", region: "eu-west-1", partition: "aws", accountId: "123456789012" };
const settings: FunctionSettings = { description: "d", trigger: { type: "schedule", expression: "rate(1 hour)" }, permissions: [], environment: {} };
const fnArgs: ServerlessFunctionArgs = {
  context: ctx,
  settings,
  artifact: { zipPath: "x.zip", sha256: "0".repeat(64), sourceCodeHash: "", handler: "index.handler" },
  shared: { eventBusName: "b", ordersTableName: "t", ordersTableIndexes: [], alertTopicArn: "a", codeDeployApplicationName: "c", deploymentConfigName: "d" },
};

describe("component arguments, checked before any child exists", () => {
  it("rejects `memoryMb` below 128", () => {
    assert.throws(() => validateServerlessFunctionArgs("job", { ...fnArgs, memoryMb: 64 }), /ServerlessFunction "job": `memoryMb` must be an integer 128-10240; got 64\./);
  });

  it("rejects provisioned concurrency above reserved concurrency", () => {
    assert.throws(() => validateServerlessFunctionArgs("job", { ...fnArgs, provisionedConcurrency: 5, reservedConcurrency: 2 }), /`provisionedConcurrency` \(5\) must not exceed `reservedConcurrency` \(2\)/);
  });

  it("rejects an HTTP function without the shared API", () => {
    const http: ServerlessFunctionArgs = { ...fnArgs, settings: { ...settings, trigger: { type: "http", method: "GET", path: "/x" } } };
    assert.throws(() => validateServerlessFunctionArgs("api", http), /an HTTP trigger needs `shared.httpApi`/);
  });

  it("rejects a function name whose derived names exceed AWS's 64 characters", () => {
    assert.throws(() => validateServerlessFunctionArgs("a".repeat(45), fnArgs), /longer than 64 characters; shorten the function folder's name/);
  });

  it("rejects a deployment group without alarms", () => {
    assert.throws(
      () => validateCanaryDeploymentArgs("job", { context: ctx, functionName: "f", roleName: "r", applicationName: "a", deploymentConfigName: "d", alarmNames: [], alertTopicArn: "t" }),
      /`alarmNames` must name at least one alarm/,
    );
  });

  it("rejects a p99 threshold above the timeout", () => {
    assert.throws(
      () => validateFunctionAlarmsArgs("job", { functionName: "f", alarmNamePrefix: "f", timeoutSeconds: 10, alertTopicArn: "t", thresholds: { p99DurationPercentOfTimeout: 150 } }),
      /`thresholds.p99DurationPercentOfTimeout` must be 1-100; got 150/,
    );
  });

  it("rejects a queue name longer than SQS's 80 characters", () => {
    const args = { context: ctx, target: { functionName: "f", aliasName: "live", aliasArn: "arn" }, busName: "b", queueName: "q".repeat(81), deadLetterQueueName: "d", ruleName: "r", pattern: { source: ["s"], detailType: ["t"] }, functionTimeoutSeconds: 30, consumerPolicy: undefined as never };
    assert.throws(() => validateQueueSubscriptionArgs("job", args), /QueueSubscription "job": `queueName` must be at most 80 characters/);
  });
});
