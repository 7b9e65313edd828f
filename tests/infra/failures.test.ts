import * as assert from "assert";
import { planStack } from "../support/plan-stack";
import { fixtureFunctions, SETTINGS } from "./fixtures";

/** Plans staging against a throwaway functions folder and build; resolves to the error message. */
async function failureOf(functions: Parameters<typeof fixtureFunctions>[0], extra: Record<string, string> = {}): Promise<string> {
  const { config } = fixtureFunctions(functions);
  try {
    await planStack("staging", { config: { ...config, ...extra } });
  } catch (e) {
    return (e as Error).message;
  }
  assert.fail("expected the program to fail");
}

describe("the program refusing bad input before declaring anything", () => {
  it("names the function.json and field of an invalid setting", async () => {
    const message = await failureOf([{ name: "things-api", settings: { ...SETTINGS.http, memoryMb: 64 } }]);
    assert.match(message, /things-api\/function\.json: `memoryMb` .*; got 64/);
  });

  it("names a function that is missing from the build and says to run the build", async () => {
    const message = await failureOf([
      { name: "things-api", settings: SETTINGS.http },
      { name: "nightly-job", settings: SETTINGS.schedule, unbuilt: true },
    ]);
    assert.match(message, /function "nightly-job" is not in .*manifest\.json; run `npm run build` to build it\./);
  });

  it("names a function built with another trigger than it now declares", async () => {
    const { functionsDir, config } = fixtureFunctions([{ name: "things-api", settings: SETTINGS.http }]);
    const fs = await import("fs");
    fs.writeFileSync(`${functionsDir}/things-api/function.json`, JSON.stringify(SETTINGS.schedule));
    await assert.rejects(
      planStack("staging", { config }),
      /function "things-api" was built as http\/arm64\/nodejs24\.x but is now schedule\/arm64\/nodejs24\.x; run `npm run build` again/,
    );
  });

  it("ignores a built function that is no longer in the catalog", async () => {
    const { functionsDir, config } = fixtureFunctions([
      { name: "things-api", settings: SETTINGS.http },
      { name: "old-job", settings: SETTINGS.schedule },
    ]);
    const fs = await import("fs");
    fs.rmSync(`${functionsDir}/old-job`, { recursive: true });
    const plan = await planStack("staging", { config });
    assert.deepStrictEqual(plan.all("aws:lambda/function:Function").map((r) => r.inputs.name).sort(), ["serverless-staging-pre-traffic-hook", "serverless-staging-things-api"]);
  });

  it("names the stack file and key of an override for a function that does not exist", async () => {
    const message = await failureOf([{ name: "things-api", settings: SETTINGS.http }], { "serverless:functions": JSON.stringify({ "thing-api": { memoryMb: 512 } }) });
    assert.match(message, /Pulumi\.staging\.yaml: serverless:functions\.thing-api overrides a function that does not exist; known functions: things-api/);
  });

  it("names the stack file and key of a bad stack value", async () => {
    const message = await failureOf([{ name: "things-api", settings: SETTINGS.http }], { "serverless:canary": JSON.stringify({ type: "canary", percent: 150, intervalMinutes: 5 }) });
    assert.match(message, /Pulumi\.staging\.yaml: serverless:canary\.percent must be 1-99; got 150/);
  });

  it("reports the usage estimate's, the pipeline's and the budget's problems together with the others", async () => {
    const message = await failureOf([{ name: "things-api", settings: SETTINGS.http }], {
      "serverless:canary": JSON.stringify({ type: "canary", percent: 150, intervalMinutes: 5 }),
      "serverless:pipeline": JSON.stringify({ repository: "acme/orders" }),
      "serverless:budget": JSON.stringify({ monthlyLimitUsd: -5 }),
      "serverless:usage": JSON.stringify({ functions: { "thing-api": { monthlyInvocations: 1, averageDurationMs: 10, logBytesPerInvocation: 0 } } }),
    });
    assert.match(message, /Pulumi\.staging\.yaml: serverless:canary\.percent must be 1-99; got 150/);
    assert.match(message, /Pulumi\.staging\.yaml: serverless:pipeline\.deployerRoleName is required/);
    assert.match(message, /Pulumi\.staging\.yaml: serverless:budget\.monthlyLimitUsd must be a positive number; got -5/);
    assert.match(message, /Pulumi\.staging\.yaml: `serverless:usage\.functions\.thing-api` names no function; known functions: things-api/);
  });

  it("refuses a hook zip that is not the one its manifest records, saying to rebuild", async () => {
    const { manifest, config } = fixtureFunctions([{ name: "things-api", settings: SETTINGS.http }]);
    const fs = await import("fs");
    const path = await import("path");
    fs.writeFileSync(path.join(path.dirname(manifest), "hooks", "pre-traffic.zip"), "a hook built on its own");
    await assert.rejects(planStack("staging", { config }), /hooks\/pre-traffic\.zip: sha256 [0-9a-f]{64} is not the [0-9a-f]{64} its build manifest records; .*Run `npm run build` again/);
  });

  it("names the missing hook zip and the command that builds it", async () => {
    const { manifest, config } = fixtureFunctions([{ name: "things-api", settings: SETTINGS.http }]);
    const fs = await import("fs");
    const path = await import("path");
    fs.rmSync(path.join(path.dirname(manifest), "hooks"), { recursive: true });
    await assert.rejects(planStack("staging", { config }), /hooks\/pre-traffic\.zip: the pre-traffic hook is not built; run `npm run build`/);
  });

  it("declares no HTTP API when no function has an HTTP trigger", async () => {
    const { config } = fixtureFunctions([{ name: "nightly-job", settings: SETTINGS.schedule }]);
    const plan = await planStack("staging", { config });
    assert.equal(plan.all("aws:apigatewayv2/api:Api").length, 0);
    assert.equal(plan.outputs.apiUrl, undefined);
  });
});
