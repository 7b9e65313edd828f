import * as assert from "assert";
import {
  BatchGetDeploymentsCommand,
  DeploymentInfo,
  GetApplicationRevisionCommand,
  GetDeploymentCommand,
  ListDeploymentsCommand,
  StopDeploymentCommand,
} from "@aws-sdk/client-codedeploy";
import { GetAliasCommand, UpdateAliasCommand } from "@aws-sdk/client-lambda";
import { mockClient } from "aws-sdk-client-mock";
import { buildAppSpec } from "../../tools/deploy/appspec";
import { chooseRollbackVersion } from "../../tools/rollback/history";
import { runRollback } from "../../tools/rollback/rollback";
import { collectLog, fakeClock, fn, outputs, testClients } from "./fixtures";

const FN = "serverless-prod-orders-api";

function succeeded(id: string, from: string, to: string, completed: string, opts: { inline?: boolean } = {}): DeploymentInfo {
  const content = buildAppSpec({ logicalName: "orders-api", functionName: FN, alias: "live", currentVersion: from, targetVersion: to }).content;
  return {
    deploymentId: id,
    status: "Succeeded",
    completeTime: new Date(completed),
    revision:
      opts.inline === false
        ? { revisionType: "AppSpecContent", appSpecContent: { sha256: `sha-of-${id}` } }
        : { revisionType: "AppSpecContent", appSpecContent: { content, sha256: "x" } },
  };
}

describe("rollback (npm run rollback)", () => {
  const stack = outputs({ "orders-api": { ...fn("orders-api", "9"), functionName: FN } });

  function setup() {
    const clients = testClients();
    const cd = mockClient(clients.codeDeploy);
    const lambda = mockClient(clients.lambda);
    const { lines, log } = collectLog();
    const run = (moveAliases = true) =>
      runRollback({ stack: "prod", outputs: stack, scope: ["orders-api"], moveAliases, clients, log, clock: fakeClock(), pollIntervalMs: 1_000, timeoutMs: 60_000 });
    return { cd, lambda, lines, run };
  }

  it("stops an in-flight deployment with automatic rollback and waits for the rollback deployment", async () => {
    const { cd, lambda, run } = setup();
    cd.on(ListDeploymentsCommand).resolves({ deployments: ["d-CANARY"] });
    cd.on(StopDeploymentCommand).resolves({ status: "Pending", statusMessage: "Stop requested" });
    cd.on(GetDeploymentCommand, { deploymentId: "d-CANARY" })
      .resolvesOnce({ deploymentInfo: { status: "InProgress" } })
      .resolves({ deploymentInfo: { status: "Stopped", rollbackInfo: { rollbackDeploymentId: "d-RB" } } });
    cd.on(GetDeploymentCommand, { deploymentId: "d-RB" }).resolves({ deploymentInfo: { status: "Succeeded" } });
    lambda.on(GetAliasCommand).resolves({ FunctionVersion: "8" });

    const [result] = await run();

    assert.deepEqual(cd.commandCalls(ListDeploymentsCommand)[0].args[0].input.includeOnlyStatuses?.slice().sort(), ["Baking", "Created", "InProgress", "Queued", "Ready"]);
    assert.deepEqual(cd.commandCalls(StopDeploymentCommand).map((c) => c.args[0].input), [{ deploymentId: "d-CANARY", autoRollbackEnabled: true }]);
    assert.equal(result.action, "stopped");
    assert.equal(result.detail, "d-CANARY Stopped, rolled back by d-RB (Succeeded). live now serves version 8.");
    assert.equal(lambda.commandCalls(UpdateAliasCommand).length, 0);
  });

  it("moves the alias back to the target of the last succeeded deployment before the current one", async () => {
    const { cd, lambda, lines, run } = setup();
    cd.on(ListDeploymentsCommand).callsFake(async (input) => ({ deployments: input.includeOnlyStatuses?.includes("Succeeded") ? ["d-7", "d-9", "d-8"] : [] }));
    // Returned out of order on purpose: the history is ordered by completion time, not by listing order.
    cd.on(BatchGetDeploymentsCommand).resolves({
      deploymentsInfo: [
        succeeded("d-9", "8", "9", "2026-07-03T10:00:00Z"),
        succeeded("d-7", "6", "7", "2026-07-01T10:00:00Z"),
        succeeded("d-8", "7", "8", "2026-07-02T10:00:00Z", { inline: false }),
      ],
    });
    cd.on(GetApplicationRevisionCommand).resolves({
      revision: { revisionType: "AppSpecContent", appSpecContent: { content: buildAppSpec({ logicalName: "orders-api", functionName: FN, alias: "live", currentVersion: "7", targetVersion: "8" }).content } },
    });
    lambda.on(GetAliasCommand).resolves({ FunctionVersion: "9" });
    lambda.on(UpdateAliasCommand).resolves({});

    const [result] = await run();

    assert.deepEqual(lambda.commandCalls(UpdateAliasCommand).map((c) => c.args[0].input), [
      { FunctionName: FN, Name: "live", FunctionVersion: "8", RoutingConfig: { AdditionalVersionWeights: {} } },
    ]);
    assert.equal(cd.commandCalls(StopDeploymentCommand).length, 0);
    assert.equal(result.action, "alias-moved");
    assert.match(result.detail, /live moved from version 9 \(deployed by d-9\) back to version 8 \(deployed by d-8 at 2026-07-02T10:00:00.000Z\)/);
    assert.ok(lines.some((l) => l.startsWith("orders-api: alias-moved: ")), lines.join("\n"));
  });

  it("says clearly that there is nothing to roll back when only one deployment is recorded", async () => {
    const { cd, lambda, run } = setup();
    cd.on(ListDeploymentsCommand).callsFake(async (input) => ({ deployments: input.includeOnlyStatuses?.includes("Succeeded") ? ["d-1"] : [] }));
    cd.on(BatchGetDeploymentsCommand).resolves({ deploymentsInfo: [succeeded("d-1", "1", "2", "2026-07-01T10:00:00Z")] });
    lambda.on(GetAliasCommand).resolves({ FunctionVersion: "2" });

    const [result] = await run();

    assert.equal(result.action, "nothing-to-roll-back");
    assert.match(result.detail, /"orders-api": nothing to roll back to\. d-1 \(version 1 -> 2\) is the first succeeded deployment recorded/);
    assert.match(result.detail, /aws lambda update-alias --function-name serverless-prod-orders-api --name live --function-version 1/);
    assert.equal(lambda.commandCalls(UpdateAliasCommand).length, 0);
  });

  it("only stops, and leaves aliases alone, when no function was named and nothing is in flight", async () => {
    const { cd, lambda, run } = setup();
    cd.on(ListDeploymentsCommand).resolves({ deployments: [] });
    lambda.on(GetAliasCommand).resolves({ FunctionVersion: "9" });

    const [result] = await run(false);

    assert.equal(result.action, "nothing-in-flight");
    assert.match(result.detail, /npm run rollback -- --stack prod --function orders-api/);
    assert.equal(lambda.commandCalls(UpdateAliasCommand).length, 0);
    assert.equal(cd.commandCalls(BatchGetDeploymentsCommand).length, 0);
  });

  it("reports a failed rollback deployment as a failure with CodeDeploy's reason", async () => {
    const { cd, lambda, run } = setup();
    cd.on(ListDeploymentsCommand).resolves({ deployments: ["d-CANARY"] });
    cd.on(StopDeploymentCommand).resolves({ status: "Pending" });
    cd.on(GetDeploymentCommand, { deploymentId: "d-CANARY" }).resolves({ deploymentInfo: { status: "Stopped", rollbackInfo: { rollbackDeploymentId: "d-RB" } } });
    cd.on(GetDeploymentCommand, { deploymentId: "d-RB" }).resolves({ deploymentInfo: { status: "Failed", errorInformation: { code: "INTERNAL_ERROR", message: "alias update refused" } } });
    lambda.on(GetAliasCommand).resolves({ FunctionVersion: "9" });

    const [result] = await run();

    assert.equal(result.action, "failed");
    assert.equal(result.detail, "rollback deployment d-RB Failed: status Failed; INTERNAL_ERROR: alias update refused");
  });
});

describe("choosing the version to roll back to", () => {
  const res = (from: string, to: string) => ({ name: FN, alias: "live", currentVersion: from, targetVersion: to });
  const history = [
    { deploymentId: "d-7", at: new Date("2026-07-01"), resource: res("6", "7") },
    { deploymentId: "d-8", at: new Date("2026-07-02"), resource: res("7", "8") },
    { deploymentId: "d-9", at: new Date("2026-07-03"), resource: res("8", "9") },
    { deploymentId: "d-other", at: new Date("2026-07-04") },
  ];

  it("goes one step further back on a second rollback, from CodeDeploy's history alone", () => {
    const first = chooseRollbackVersion("orders-api", "9", history);
    const second = chooseRollbackVersion("orders-api", "8", history);

    assert.deepEqual([first.kind === "version" && first.version, second.kind === "version" && second.version], ["8", "7"]);
  });

  it("refuses to guess when the live version was not put there by any succeeded deployment", () => {
    const choice = chooseRollbackVersion("orders-api", "5", history);

    assert.equal(choice.kind, "nothing");
    assert.match(choice.kind === "nothing" ? choice.reason : "", /live version 5 was not put in place by any succeeded CodeDeploy deployment \(3 succeeded deployment\(s\) recorded\)/);
  });
});
