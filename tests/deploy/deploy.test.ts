import * as assert from "assert";
import { createHash } from "crypto";
import { CodeDeployClient, CreateDeploymentCommand, GetDeploymentCommand } from "@aws-sdk/client-codedeploy";
import { GetAliasCommand, LambdaClient } from "@aws-sdk/client-lambda";
import { mockClient } from "aws-sdk-client-mock";
import { runDeploy } from "../../tools/deploy/deploy";
import { ReleaseBlockedError } from "../../tools/deploy/errors";
import { formatSummary, releaseSucceeded } from "../../tools/deploy/summary";
import { collectLog, fakeClock, fn, manifestFor, outputs, SHA, testClients } from "./fixtures";

describe("deploy step (npm run deploy)", () => {
  function setup(stack = outputs({ "orders-api": fn("orders-api", "7") })) {
    const clients = testClients();
    const cd = mockClient(clients.codeDeploy);
    const lambda = mockClient(clients.lambda);
    const { lines, log } = collectLog();
    const clock = fakeClock();
    const run = (extra: Partial<Parameters<typeof runDeploy>[0]> = {}) =>
      runDeploy({ stack: "staging", outputs: stack, manifest: manifestFor(stack), manifestFile: "dist/manifest.json", clients, log, clock, pollIntervalMs: 15_000, timeoutMs: 30 * 60_000, ...extra });
    return { clients, cd, lambda, lines, clock, run };
  }

  it("creates exactly one deployment with the exact AppSpec for a changed function and reports success", async () => {
    const stack = outputs({ "orders-api": fn("orders-api", "7") }, { pre: "serverless-staging-pre-traffic", post: "serverless-staging-post-traffic" });
    const { cd, lambda, lines, run } = setup(stack);
    lambda.on(GetAliasCommand).resolvesOnce({ FunctionVersion: "6" }).resolvesOnce({ FunctionVersion: "6", RoutingConfig: { AdditionalVersionWeights: { "7": 0.1 } } }).resolves({ FunctionVersion: "7" });
    cd.on(CreateDeploymentCommand).resolves({ deploymentId: "d-ORDERS1" });
    cd.on(GetDeploymentCommand).resolvesOnce({ deploymentInfo: { status: "InProgress" } }).resolves({ deploymentInfo: { status: "Succeeded" } });

    const results = await run();

    const creates = cd.commandCalls(CreateDeploymentCommand);
    assert.equal(creates.length, 1);
    const input = creates[0].args[0].input;
    const expectedContent =
      '{"version":"0.0","Resources":[{"orders-api":{"Type":"AWS::Lambda::Function","Properties":{"Name":"serverless-staging-orders-api","Alias":"live","CurrentVersion":"6","TargetVersion":"7"}}}],' +
      '"Hooks":[{"BeforeAllowTraffic":"serverless-staging-pre-traffic"},{"AfterAllowTraffic":"serverless-staging-post-traffic"}]}';
    assert.equal(input.applicationName, "serverless-staging-functions");
    assert.equal(input.deploymentGroupName, "serverless-staging-orders-api");
    assert.equal(input.revision?.revisionType, "AppSpecContent");
    assert.equal(input.revision?.appSpecContent?.content, expectedContent);
    assert.equal(input.revision?.appSpecContent?.sha256, createHash("sha256").update(expectedContent).digest("hex"));
    assert.deepEqual(results, [{ name: "orders-api", outcome: "succeeded", fromVersion: "6", toVersion: "7", deploymentId: "d-ORDERS1" }]);
    assert.ok(lines.includes("orders-api: d-ORDERS1 InProgress, 10% of traffic on version 7"), lines.join("\n"));
    assert.ok(releaseSucceeded(results));
  });

  it("leaves the Hooks section out when the stack has no hook functions", async () => {
    const { cd, lambda, run } = setup();
    lambda.on(GetAliasCommand).resolvesOnce({ FunctionVersion: "6" }).resolves({ FunctionVersion: "7" });
    cd.on(CreateDeploymentCommand).resolves({ deploymentId: "d-1" });
    cd.on(GetDeploymentCommand).resolves({ deploymentInfo: { status: "Succeeded" } });

    await run();

    const content = JSON.parse(cd.commandCalls(CreateDeploymentCommand)[0].args[0].input.revision!.appSpecContent!.content!);
    assert.equal(content.Hooks, undefined);
  });

  it("skips an unchanged function without creating a deployment, and says so", async () => {
    const { cd, lambda, lines, run } = setup();
    lambda.on(GetAliasCommand).resolves({ FunctionVersion: "7" });

    const results = await run();

    assert.equal(cd.commandCalls(CreateDeploymentCommand).length, 0);
    assert.equal(results[0].outcome, "skipped");
    assert.ok(lines.some((l) => l === "orders-api: unchanged, live already serves version 7; skipped"), lines.join("\n"));
    assert.ok(releaseSucceeded(results));
  });

  it("fails with the alarm and the rollback when CodeDeploy stops the deployment on ALARM_ACTIVE", async () => {
    const { cd, lambda, run } = setup();
    lambda.on(GetAliasCommand).resolves({ FunctionVersion: "6" });
    cd.on(CreateDeploymentCommand).resolves({ deploymentId: "d-ALARM" });
    cd.on(GetDeploymentCommand).resolves({
      deploymentInfo: {
        status: "Stopped",
        errorInformation: {
          code: "ALARM_ACTIVE",
          message: "One or more alarms have been activated according to the Amazon CloudWatch metrics you selected, and the affected deployments have been stopped. Activated alarms: serverless-staging-orders-api-errors",
        },
        rollbackInfo: { rollbackDeploymentId: "d-ROLLBACK", rollbackMessage: "Deployment d-ALARM was rolled back." },
      },
    });

    const results = await run();

    assert.equal(results[0].outcome, "failed");
    assert.match(results[0].detail!, /status Stopped; ALARM_ACTIVE: .*; alarm serverless-staging-orders-api-errors; rolled back by d-ROLLBACK/);
    assert.equal(releaseSucceeded(results), false);
    assert.match(formatSummary("staging", results), /release FAILED: 0 deployed, 0 unchanged, 1 failed, 0 timed out/);
  });

  it("fails with CodeDeploy's error when a hook fails the deployment", async () => {
    const { cd, lambda, run } = setup();
    lambda.on(GetAliasCommand).resolves({ FunctionVersion: "6" });
    cd.on(CreateDeploymentCommand).resolves({ deploymentId: "d-HOOK" });
    cd.on(GetDeploymentCommand).resolves({
      deploymentInfo: { status: "Failed", errorInformation: { code: "HOOK_EXECUTION_FAILURE", message: "BeforeAllowTraffic hook reported Failed" } },
    });

    const [result] = await run();

    assert.equal(result.outcome, "failed");
    assert.equal(result.detail, "status Failed; HOOK_EXECUTION_FAILURE: BeforeAllowTraffic hook reported Failed");
  });

  it("stops waiting at the bound and reports the deployment as timed out", async () => {
    const { cd, lambda, clock, run } = setup();
    lambda.on(GetAliasCommand).resolves({ FunctionVersion: "6" });
    cd.on(CreateDeploymentCommand).resolves({ deploymentId: "d-SLOW" });
    cd.on(GetDeploymentCommand).resolves({ deploymentInfo: { status: "InProgress" } });

    const [result] = await run({ timeoutMs: 60_000, pollIntervalMs: 15_000 });

    assert.equal(result.outcome, "timed-out");
    assert.match(result.detail!, /still InProgress after 1 min/);
    assert.match(result.detail!, /npm run rollback -- --stack staging --function orders-api/);
    assert.deepEqual(clock.slept, [15_000, 15_000, 15_000, 15_000]);
    assert.equal(cd.commandCalls(GetDeploymentCommand).length, 5);
  });

  it("keeps polling when GetDeployment is still throttled after the SDK's retries", async () => {
    const { cd, lambda, lines, run } = setup();
    lambda.on(GetAliasCommand).resolvesOnce({ FunctionVersion: "6" }).resolves({ FunctionVersion: "7" });
    cd.on(CreateDeploymentCommand).resolves({ deploymentId: "d-T" });
    const throttled = Object.assign(new Error("Rate exceeded"), { name: "ThrottlingException", $retryable: { throttling: true } });
    cd.on(GetDeploymentCommand).rejectsOnce(throttled).resolves({ deploymentInfo: { status: "Succeeded" } });

    const [result] = await run();

    assert.equal(result.outcome, "succeeded");
    assert.equal(cd.commandCalls(GetDeploymentCommand).length, 2);
    assert.ok(lines.some((l) => l.includes("status poll throttled (ThrottlingException)")), lines.join("\n"));
  });

  it("finishes and reports every function when one of them fails (partial failure)", async () => {
    const stack = outputs({ "orders-api": fn("orders-api", "7"), "fulfil-order": fn("fulfil-order", "3") });
    const { cd, lambda, run } = setup(stack);
    lambda.on(GetAliasCommand, { FunctionName: "serverless-staging-orders-api" }).resolves({ FunctionVersion: "6" });
    lambda.on(GetAliasCommand, { FunctionName: "serverless-staging-fulfil-order" }).resolvesOnce({ FunctionVersion: "2" }).resolves({ FunctionVersion: "3" });
    cd.on(CreateDeploymentCommand, { deploymentGroupName: "serverless-staging-orders-api" }).resolves({ deploymentId: "d-BAD" });
    cd.on(CreateDeploymentCommand, { deploymentGroupName: "serverless-staging-fulfil-order" }).resolves({ deploymentId: "d-GOOD" });
    cd.on(GetDeploymentCommand, { deploymentId: "d-BAD" }).resolves({ deploymentInfo: { status: "Failed", errorInformation: { code: "INTERNAL_ERROR", message: "boom" } } });
    cd.on(GetDeploymentCommand, { deploymentId: "d-GOOD" }).resolves({ deploymentInfo: { status: "Succeeded" } });

    const results = await run();

    assert.deepEqual(results.map((r) => [r.name, r.outcome, r.deploymentId]), [["fulfil-order", "succeeded", "d-GOOD"], ["orders-api", "failed", "d-BAD"]]);
    assert.equal(releaseSucceeded(results), false);
    const summary = formatSummary("staging", results);
    assert.match(summary, /fulfil-order\s+succeeded\s+2 -> 3\s+d-GOOD/);
    assert.match(summary, /orders-api\s+failed\s+6 -> 7\s+d-BAD\s+status Failed; INTERNAL_ERROR: boom/);
  });

  it("reports a function whose CreateDeployment is refused and still deploys the others", async () => {
    const stack = outputs({ "orders-api": fn("orders-api", "7"), "fulfil-order": fn("fulfil-order", "3") });
    const { cd, lambda, run } = setup(stack);
    lambda.on(GetAliasCommand, { FunctionName: "serverless-staging-orders-api" }).resolves({ FunctionVersion: "6" });
    lambda.on(GetAliasCommand, { FunctionName: "serverless-staging-fulfil-order" }).resolvesOnce({ FunctionVersion: "2" }).resolves({ FunctionVersion: "3" });
    const busy = Object.assign(new Error("A deployment is already in progress for this deployment group"), { name: "DeploymentLimitExceededException" });
    cd.on(CreateDeploymentCommand, { deploymentGroupName: "serverless-staging-orders-api" }).rejects(busy);
    cd.on(CreateDeploymentCommand, { deploymentGroupName: "serverless-staging-fulfil-order" }).resolves({ deploymentId: "d-GOOD" });
    cd.on(GetDeploymentCommand).resolves({ deploymentInfo: { status: "Succeeded" } });

    const results = await run();

    assert.deepEqual(results.map((r) => r.outcome), ["succeeded", "failed"]);
    assert.match(results[1].detail!, /already in progress/);
  });

  it("stops the release before any deployment when the manifest sha256 differs from the stack's", async () => {
    const stack = outputs({ "orders-api": fn("orders-api", "7"), "fulfil-order": fn("fulfil-order", "3") });
    const { cd, lambda, run } = setup(stack);
    const manifest = { commit: "feedbee", functions: [{ name: "orders-api", sha256: "e".repeat(64) }, { name: "fulfil-order", sha256: SHA["fulfil-order"] }] };

    await assert.rejects(run({ manifest }), (e: Error) => {
      assert.ok(e instanceof ReleaseBlockedError);
      assert.match(e.message, new RegExp(`"orders-api": stack output sha256 ${SHA["orders-api"]} differs from dist/manifest.json sha256 ${"e".repeat(64)}`));
      assert.doesNotMatch(e.message, /fulfil-order/);
      return true;
    });
    assert.equal(cd.calls().length, 0);
    assert.equal(lambda.calls().length, 0);
  });

  it("accepts the stack's sha256 as base64 (Lambda's sourceCodeHash) when it names the same bytes", async () => {
    const hex = SHA["orders-api"];
    const stack = outputs({ "orders-api": fn("orders-api", "7", Buffer.from(hex, "hex").toString("base64")) });
    const { lambda, run } = setup(stack);
    lambda.on(GetAliasCommand).resolves({ FunctionVersion: "7" });

    const results = await run({ manifest: { commit: "x", functions: [{ name: "orders-api", sha256: hex }] } });

    assert.equal(results[0].outcome, "skipped");
  });

  it("never runs more deployments at once than the concurrency bound", async () => {
    const names = ["fn-a", "fn-b", "fn-c", "fn-d", "fn-e"];
    const stack = outputs(Object.fromEntries(names.map((n) => [n, fn(n, "2")])));
    const { cd, lambda, run } = setup(stack);
    const alias: Record<string, string> = Object.fromEntries(names.map((n) => [`serverless-staging-${n}`, "1"]));
    lambda.on(GetAliasCommand).callsFake(async (input) => ({ FunctionVersion: alias[input.FunctionName] }));
    let active = 0;
    let peak = 0;
    cd.on(CreateDeploymentCommand).callsFake(async (input) => {
      active++;
      peak = Math.max(peak, active);
      return { deploymentId: `d-${input.deploymentGroupName}` };
    });
    cd.on(GetDeploymentCommand).callsFake(async (input) => {
      await new Promise((r) => setImmediate(r));
      alias[input.deploymentId.slice(2)] = "2";
      active--;
      return { deploymentInfo: { status: "Succeeded" } };
    });

    const results = await run({ concurrency: 2 });

    assert.equal(peak, 2);
    assert.deepEqual(results.map((r) => r.outcome), names.map(() => "succeeded"));
  });

  it("fails a deployment that CodeDeploy calls Succeeded when the alias did not move", async () => {
    const { cd, lambda, run } = setup();
    lambda.on(GetAliasCommand).resolves({ FunctionVersion: "6" });
    cd.on(CreateDeploymentCommand).resolves({ deploymentId: "d-ODD" });
    cd.on(GetDeploymentCommand).resolves({ deploymentInfo: { status: "Succeeded" } });

    const [result] = await run();

    assert.equal(result.outcome, "failed");
    assert.match(result.detail!, /live points at version 6, not 7/);
  });
});

describe("SDK retries of the release tools", () => {
  it("retries a throttled CreateDeployment and then succeeds", async () => {
    const { scriptedHttp } = await import("./fixtures");
    const http = scriptedHttp([
      { status: 400, body: { __type: "ThrottlingException", message: "Rate exceeded" }, errorType: "ThrottlingException" },
      { status: 200, body: { deploymentId: "d-AFTER-THROTTLE" } },
    ]);
    const clients = testClients(http.handler);

    const out = await clients.codeDeploy.send(new CreateDeploymentCommand({ applicationName: "app", deploymentGroupName: "group" }));

    assert.equal(out.deploymentId, "d-AFTER-THROTTLE");
    assert.deepEqual(http.targets, ["CodeDeploy_20141006.CreateDeployment", "CodeDeploy_20141006.CreateDeployment"]);
  });

  it("retries a throttled GetDeployment and then succeeds", async () => {
    const { scriptedHttp } = await import("./fixtures");
    const http = scriptedHttp([
      { status: 400, body: { __type: "ThrottlingException", message: "Rate exceeded" }, errorType: "ThrottlingException" },
      { status: 400, body: { __type: "ThrottlingException", message: "Rate exceeded" }, errorType: "ThrottlingException" },
      { status: 200, body: { deploymentInfo: { deploymentId: "d-1", status: "Succeeded" } } },
    ]);
    const clients = testClients(http.handler);

    const out = await clients.codeDeploy.send(new GetDeploymentCommand({ deploymentId: "d-1" }));

    assert.equal(out.deploymentInfo?.status, "Succeeded");
    assert.equal(http.targets.length, 3);
  });

  it("would fail on the same throttled answer without retries (the scripted server really throttles)", async () => {
    const { scriptedHttp } = await import("./fixtures");
    const http = scriptedHttp([
      { status: 400, body: { __type: "ThrottlingException", message: "Rate exceeded" }, errorType: "ThrottlingException" },
      { status: 200, body: { deploymentId: "never" } },
    ]);
    const bare = new CodeDeployClient({ region: "eu-west-1", credentials: { accessKeyId: "A", secretAccessKey: "B" }, requestHandler: http.handler as never, maxAttempts: 1 });

    await assert.rejects(bare.send(new CreateDeploymentCommand({ applicationName: "app", deploymentGroupName: "group" })), { name: "ThrottlingException" });
  });

  it("configures both clients with adaptive retries", async () => {
    const clients = testClients();

    // The resolved config holds either the value or a provider of it, depending on the setting.
    const value = async (v: unknown) => (typeof v === "function" ? await v() : v);
    assert.equal(await value(clients.codeDeploy.config.retryMode), "adaptive");
    assert.equal(await value(clients.lambda.config.retryMode), "adaptive");
    assert.equal(await value(clients.codeDeploy.config.maxAttempts), 10);
    assert.equal(await value(clients.lambda.config.maxAttempts), 10);
    assert.ok(clients.lambda instanceof LambdaClient);
  });
});
