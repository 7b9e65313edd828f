import * as assert from "node:assert/strict";
import { CodeDeployClient, GetDeploymentCommand, PutLifecycleEventHookExecutionStatusCommand } from "@aws-sdk/client-codedeploy";
import { InvokeCommand, LambdaClient } from "@aws-sdk/client-lambda";
import { mockClient } from "aws-sdk-client-mock";
import { createPreTrafficHook, Log, parseAppSpec } from "../../hooks/pre-traffic/hook";
import type { Registry } from "../../hooks/pre-traffic/registry";
import { generatedRegistry } from "./registry-fixture";

const PREFIX = "serverless-staging-";
const EVENT = { DeploymentId: "d-ABCDEF123", LifecycleEventHookExecutionId: "exec-1" };

function appSpec(fn: string, target = "7"): string {
  return JSON.stringify({
    version: "0.0",
    Resources: [{ [fn]: { Type: "AWS::Lambda::Function", Properties: { Name: `${PREFIX}${fn}`, Alias: "live", CurrentVersion: "6", TargetVersion: target } } }],
    Hooks: [{ BeforeAllowTraffic: `${PREFIX}pre-traffic-hook` }],
  });
}

const ok = (body: unknown, statusCode = 202) => ({ statusCode, headers: { "content-type": "application/json" }, body: JSON.stringify(body) });
const bytes = (v: unknown) => new Uint8Array(Buffer.from(JSON.stringify(v)));

/** A well-behaved orders-api: 202 with { orderId, correlationId } for valid orders, 4xx naming the field otherwise. */
function ordersApi(registry: Registry) {
  const valid = new Set(registry["orders-api"].examples.filter((e) => e.valid).map((e) => JSON.stringify(e.event)));
  return (payload: unknown) =>
    valid.has(JSON.stringify(payload))
      ? ok({ orderId: "0b8a4f4e-3c1d-4f6a-9a57-1d2e3f4a5b6c", correlationId: "c-1" })
      : ok({ error: "The order is invalid.", issues: [{ field: "items", message: "Required" }] }, 400);
}

describe("the pre-traffic hook", () => {
  const codedeploy = mockClient(CodeDeployClient);
  const lambda = mockClient(LambdaClient);
  let registry: Registry;
  let logged: { level: string; message: string; fields?: Record<string, unknown> }[];
  const log: Log = {
    info: (message, fields) => logged.push({ level: "info", message, fields }),
    error: (message, fields) => logged.push({ level: "error", message, fields }),
  };
  const hook = () => createPreTrafficHook({ registry, codedeploy: new CodeDeployClient({}), lambda: new LambdaClient({}), log, functionNamePrefix: PREFIX });
  const reported = () => codedeploy.commandCalls(PutLifecycleEventHookExecutionStatusCommand).map((c) => c.args[0].input);
  const respondWith = (fn: (payload: unknown) => unknown, functionError?: (payload: unknown) => string | undefined) =>
    lambda.on(InvokeCommand).callsFake((input) => {
      const payload = JSON.parse(Buffer.from(input.Payload).toString("utf8"));
      return { StatusCode: 200, FunctionError: functionError?.(payload), Payload: bytes(fn(payload)) };
    });

  before(async function () {
    this.timeout(60_000);
    registry = await generatedRegistry();
  });
  beforeEach(() => {
    codedeploy.reset();
    lambda.reset();
    logged = [];
    codedeploy.on(PutLifecycleEventHookExecutionStatusCommand).resolves({ lifecycleEventHookExecutionId: "exec-1" });
  });

  it("reports Succeeded when every example of the function keeps its contract", async () => {
    codedeploy.on(GetDeploymentCommand).resolves({ deploymentInfo: { revision: { revisionType: "AppSpecContent", appSpecContent: { content: appSpec("orders-api") } } } });
    respondWith(ordersApi(registry));

    const outcome = await hook()(EVENT);

    assert.equal(outcome.status, "Succeeded", outcome.reason);
    assert.deepEqual(reported(), [{ deploymentId: "d-ABCDEF123", lifecycleEventHookExecutionId: "exec-1", status: "Succeeded" }]);
    assert.equal(outcome.checks.length, registry["orders-api"].examples.length);
  });

  it("invokes the target version, not the alias", async () => {
    codedeploy.on(GetDeploymentCommand).resolves({ deploymentInfo: { revision: { appSpecContent: { content: appSpec("orders-api", "42") } } } });
    respondWith(ordersApi(registry));

    await hook()(EVENT);

    const calls = lambda.commandCalls(InvokeCommand).map((c) => c.args[0].input);
    assert.ok(calls.length > 0);
    for (const c of calls) assert.deepEqual([c.FunctionName, c.Qualifier, c.InvocationType], [`${PREFIX}orders-api`, "42", "RequestResponse"]);
  });

  it("reports Failed and logs the reason when a valid request gets a response that breaks the contract", async () => {
    codedeploy.on(GetDeploymentCommand).resolves({ deploymentInfo: { revision: { appSpecContent: { content: appSpec("orders-api") } } } });
    const good = ordersApi(registry);
    // The new version answers valid orders 202 without an orderId.
    respondWith((p) => {
      const r = good(p) as { statusCode: number };
      return r.statusCode === 202 ? ok({ correlationId: "c-1" }) : r;
    });

    const outcome = await hook()(EVENT);

    assert.equal(outcome.status, "Failed");
    assert.equal(reported()[0].status, "Failed");
    assert.match(outcome.reason, /valid-order\.json: HTTP 202 body breaks the contract: `orderId`/);
    assert.ok(logged.some((l) => l.level === "error" && l.message === "Example broke the contract" && l.fields?.example === "valid-order.json"));
  });

  it("reports Failed when an invalid event crashes an event consumer instead of a ContractError", async () => {
    codedeploy.on(GetDeploymentCommand).resolves({ deploymentInfo: { revision: { appSpecContent: { content: appSpec("notify-customer") } } } });
    const valid = new Set(registry["notify-customer"].examples.filter((e) => e.valid).map((e) => JSON.stringify(e.event)));
    respondWith(
      (p) =>
        valid.has(JSON.stringify(p))
          ? { orderId: "0b8a4f4e-3c1d-4f6a-9a57-1d2e3f4a5b6c", customerId: "cus-1", channel: "log", template: "order-fulfilled", notifiedAt: "2025-03-10T12:00:00.000Z" }
          : { errorType: "TypeError", errorMessage: "Cannot read properties of undefined (reading 'data')" },
      (p) => (valid.has(JSON.stringify(p)) ? undefined : "Unhandled"),
    );

    const outcome = await hook()(EVENT);

    assert.equal(outcome.status, "Failed");
    assert.match(outcome.reason, /made the function throw TypeError/);
  });

  it("accepts a ContractError as the documented refusal of an invalid event", async () => {
    codedeploy.on(GetDeploymentCommand).resolves({ deploymentInfo: { revision: { appSpecContent: { content: appSpec("notify-customer") } } } });
    const valid = new Set(registry["notify-customer"].examples.filter((e) => e.valid).map((e) => JSON.stringify(e.event)));
    respondWith(
      (p) =>
        valid.has(JSON.stringify(p))
          ? { orderId: "0b8a4f4e-3c1d-4f6a-9a57-1d2e3f4a5b6c", customerId: "cus-1", channel: "log", template: "order-fulfilled", notifiedAt: "2025-03-10T12:00:00.000Z" }
          : { errorType: "ContractError", errorMessage: "notify-customer: the OrderFulfilled event does not match its contract" },
      (p) => (valid.has(JSON.stringify(p)) ? undefined : "Unhandled"),
    );

    const outcome = await hook()(EVENT);

    assert.equal(outcome.status, "Succeeded", outcome.reason);
  });

  it("still reports Failed when its own code throws while checking", async () => {
    codedeploy.on(GetDeploymentCommand).resolves({ deploymentInfo: { revision: { appSpecContent: { content: appSpec("orders-api") } } } });
    lambda.on(InvokeCommand).rejects(new Error("socket hang up"));

    const outcome = await hook()(EVENT);

    assert.equal(outcome.status, "Failed");
    assert.deepEqual(reported(), [{ deploymentId: "d-ABCDEF123", lifecycleEventHookExecutionId: "exec-1", status: "Failed" }]);
    assert.match(outcome.reason, /socket hang up/);
  });

  it("reports Failed when GetDeployment fails", async () => {
    codedeploy.on(GetDeploymentCommand).rejects(Object.assign(new Error("User is not authorized to perform: codedeploy:GetDeployment"), { name: "AccessDeniedException" }));

    const outcome = await hook()(EVENT);

    assert.equal(reported()[0].status, "Failed");
    assert.match(outcome.reason, /AccessDeniedException/);
    assert.equal(lambda.commandCalls(InvokeCommand).length, 0);
  });

  it("reports Failed for a function of another stack, without invoking it", async () => {
    codedeploy.on(GetDeploymentCommand).resolves({
      deploymentInfo: { revision: { appSpecContent: { content: appSpec("orders-api").replace(/serverless-staging-orders-api/, "serverless-prod-orders-api") } } },
    });

    const outcome = await hook()(EVENT);

    assert.equal(outcome.status, "Failed");
    assert.match(outcome.reason, /not one of this stack's/);
    assert.equal(lambda.commandCalls(InvokeCommand).length, 0);
  });

  it("reports Failed, before any example, when too little time is left to finish", async () => {
    codedeploy.on(GetDeploymentCommand).resolves({ deploymentInfo: { revision: { appSpecContent: { content: appSpec("orders-api") } } } });
    respondWith(ordersApi(registry));

    const outcome = await hook()(EVENT, { getRemainingTimeInMillis: () => 5_000 });

    assert.equal(reported()[0].status, "Failed");
    assert.match(outcome.reason, /ran out of time after 0 of/);
  });

  it("refuses an event without a hook execution id (there is nothing to report to)", async () => {
    await assert.rejects(hook()({ DeploymentId: "d-1" } as never), /LifecycleEventHookExecutionId/);
    assert.equal(reported().length, 0);
  });

  it("reads a YAML AppSpec as well as JSON", () => {
    const yaml = "version: 0.0\nResources:\n  - fn:\n      Type: AWS::Lambda::Function\n      Properties:\n        Name: serverless-staging-orders-api\n        Alias: live\n        CurrentVersion: 3\n        TargetVersion: 4\n";
    assert.deepEqual(parseAppSpec(yaml), { functionName: "serverless-staging-orders-api", alias: "live", currentVersion: "3", targetVersion: "4" });
  });
});
