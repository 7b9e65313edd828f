import * as assert from "assert";
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { readLambdaResource } from "../../tools/deploy/appspec";
import { CannotStartError } from "../../tools/deploy/errors";
import { readManifest } from "../../tools/deploy/manifest";
import { checkArtifacts, normaliseSha256, planRelease } from "../../tools/deploy/plan";
import { parseStackOutputs } from "../../tools/deploy/stack-outputs";
import { activatedAlarms, trafficOnTarget } from "../../tools/deploy/status";
import { fn, manifestFor, outputs, SHA } from "./fixtures";

const ROOT = path.resolve(__dirname, "../..");

describe("release logic (pure)", () => {
  it("rejects stack outputs without a deployment group, naming the field", () => {
    const raw = { functions: { "orders-api": { ...fn("orders-api", "3"), deploymentGroup: undefined } } };

    assert.throws(() => parseStackOutputs(raw, "outputs.json"), (e: Error) => e instanceof CannotStartError && /outputs\.json: .*`functions\.orders-api\.deploymentGroup`/s.test(e.message));
  });

  it("rejects $LATEST as a target version", () => {
    const raw = { functions: { "orders-api": fn("orders-api", "$LATEST") } };

    assert.throws(() => parseStackOutputs(raw, "outputs.json"), /`functions\.orders-api\.version` must be a published version number/);
  });

  it("reads a numeric version as its string", () => {
    const parsed = parseStackOutputs({ functions: { "orders-api": { ...fn("orders-api", "3"), version: 3 } } }, "x");

    assert.equal(parsed.functions["orders-api"].version, "3");
  });

  it("reports a function the manifest has but the stack does not export", () => {
    const stack = outputs({ "orders-api": fn("orders-api", "3") });
    const manifest = { commit: "c", functions: [...manifestFor(stack).functions, { name: "fulfil-order", sha256: SHA["fulfil-order"] }] };

    assert.deepEqual(checkArtifacts(stack, manifest, "m.json"), ['"fulfil-order" is in m.json but the stack exports no such function.']);
  });

  it("plans only the functions whose live version differs, sorted by name", () => {
    const stack = outputs({ "orders-api": fn("orders-api", "3"), "fulfil-order": fn("fulfil-order", "5") });

    const plan = planRelease(stack, { "orders-api": "3", "fulfil-order": "4" });

    assert.deepEqual(plan.map((p) => [p.name, p.action]), [["fulfil-order", "deploy"], ["orders-api", "skip"]]);
  });

  it("refuses a sha256 that is neither hex nor base64 of 32 bytes", () => {
    assert.equal(normaliseSha256("not-a-hash"), undefined);
    assert.equal(normaliseSha256("A".repeat(64)), "a".repeat(64));
  });

  it("reads the function's versions back from a YAML AppSpec with lowercase keys", () => {
    const yaml = "version: 0.0\nresources:\n  - orders:\n      type: AWS::Lambda::Function\n      properties:\n        name: fn-x\n        alias: live\n        currentversion: 4\n        targetversion: 5\n";

    assert.deepEqual(readLambdaResource(yaml, "fn-x"), { name: "fn-x", alias: "live", currentVersion: "4", targetVersion: "5" });
    assert.equal(readLambdaResource(yaml, "fn-y"), undefined);
  });

  it("names the alarms of an ALARM_ACTIVE stop and nothing for other errors", () => {
    const message = "One or more alarms have been activated ... stopped. Activated alarms: errors-alarm, latency-alarm";

    assert.deepEqual(activatedAlarms({ errorInformation: { code: "ALARM_ACTIVE", message } }), ["errors-alarm", "latency-alarm"]);
    assert.deepEqual(activatedAlarms({ errorInformation: { code: "HOOK_EXECUTION_FAILURE", message } }), []);
  });

  it("computes the traffic on the target version from the alias", () => {
    assert.equal(trafficOnTarget("6", { AdditionalVersionWeights: { "7": 0.1 } }, "7"), 10);
    assert.equal(trafficOnTarget("7", undefined, "7"), 100);
    assert.equal(trafficOnTarget("6", undefined, "7"), 0);
  });

  it("rejects a manifest that is not schemaVersion 1, naming the file", () => {
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "deploy-")), "manifest.json");
    fs.writeFileSync(file, JSON.stringify({ schemaVersion: 2, commit: "c", functions: [] }));

    assert.throws(() => readManifest(file), (e: Error) => e.message.startsWith(`--manifest ${file}: not a build manifest`) && /`schemaVersion`/.test(e.message));
  });
});

describe("release CLIs", () => {
  function cli(tool: "deploy" | "rollback", args: string[]) {
    return spawnSync(process.execPath, ["-r", "ts-node/register/transpile-only", path.join(ROOT, `tools/${tool}/cli.ts`), ...args], {
      cwd: ROOT,
      encoding: "utf8",
      env: { ...process.env, AWS_REGION: "eu-west-1", AWS_ACCESS_KEY_ID: "A", AWS_SECRET_ACCESS_KEY: "B", AWS_EC2_METADATA_DISABLED: "true" },
    });
  }

  it("deploy exits 2, naming the function and both hashes, when the manifest does not match the stack", () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "deploy-cli-"));
    const stack = outputs({ "orders-api": fn("orders-api", "7") });
    fs.writeFileSync(path.join(dir, "outputs.json"), JSON.stringify(stack));
    fs.writeFileSync(path.join(dir, "manifest.json"), JSON.stringify({ schemaVersion: 1, commit: "abc", functions: [{ name: "orders-api", sha256: "f".repeat(64) }] }));

    const run = cli("deploy", ["--stack", "staging", "--outputs", path.join(dir, "outputs.json"), "--manifest", path.join(dir, "manifest.json")]);

    assert.equal(run.status, 2, run.stderr);
    assert.match(run.stderr, /Release stopped: stack "staging" was not deployed with the artifacts of .*manifest\.json \(commit abc\)/);
    assert.match(run.stderr, new RegExp(`"orders-api": stack output sha256 ${SHA["orders-api"]} differs`));
  });

  it("rollback exits 2 and lists the stack's functions when --function names none of them", () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "rollback-cli-"));
    fs.writeFileSync(path.join(dir, "outputs.json"), JSON.stringify(outputs({ "orders-api": fn("orders-api", "7") })));

    const run = cli("rollback", ["--stack", "prod", "--outputs", path.join(dir, "outputs.json"), "--function", "nope"]);

    assert.equal(run.status, 2, run.stderr);
    assert.match(run.stderr, /--function: stack "prod" has no function "nope"; it has orders-api\./);
  });

  it("deploy exits 2 with the usage for an unknown flag", () => {
    const run = cli("deploy", ["--stack", "staging", "--colour"]);

    assert.equal(run.status, 2);
    assert.match(run.stderr, /--colour/);
    assert.match(run.stderr, /usage: npm run deploy -- --stack <name>/);
  });
});
