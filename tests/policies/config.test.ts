import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { RunningPolicyPack, startPolicyPack } from "../../tools/lib/policy-pack-client";
import { CORPUS_BASELINE, goodStack, pick } from "./corpus/base";
import { analyzeAll, mandatoryPolicies } from "./helpers";

const PACK_DIR = path.resolve(__dirname, "../../policies");

describe("policy pack config, through the analyzer protocol", function () {
  this.timeout(180_000);
  let pack: RunningPolicyPack;
  let baselinePath: string;
  const withRuntime = (runtime: string, updateRuntimeOn?: string) => {
    const s = goodStack();
    const fn = pick(s, "orders-api").properties;
    fn.runtime = runtime;
    if (updateRuntimeOn === undefined) s.splice(s.indexOf(pick(s, "orders-api-runtime")), 1);
    else pick(s, "orders-api-runtime").properties.updateRuntimeOn = updateRuntimeOn;
    return s;
  };

  before(async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "policy-config-"));
    fs.writeFileSync(path.join(dir, "baseline.json"), JSON.stringify(CORPUS_BASELINE));
    baselinePath = path.relative(PACK_DIR, path.join(dir, "baseline.json"));
    pack = await startPolicyPack({ packDir: PACK_DIR, env: { POLICY_PACK_TODAY: "2026-11-15" } });
  });
  after(async () => {
    await pack?.close();
  });

  it("declares every policy mandatory and sends schema defaults with Configure, as the CLI does", () => {
    assert.ok(pack.info.policies.length >= 10);
    for (const p of pack.info.policies) assert.equal(p.enforcementLevel, "mandatory", p.name);
    assert.deepEqual(pack.appliedConfig["lambda-runtime-supported"].properties, { warnDays: 180 });
    assert.deepEqual(pack.appliedConfig["iam-no-privilege-expansion"].properties, { baselinePath: "iam-baseline.json" });
  });

  it("refuses the corpus stack's roles against the repository baseline, and accepts them with baselinePath", async () => {
    await pack.reconfigure(undefined);
    assert.ok(mandatoryPolicies(await analyzeAll(pack, goodStack())).includes("iam-no-privilege-expansion"));
    await pack.reconfigure({ "iam-no-privilege-expansion": { baselinePath } });
    assert.deepEqual(mandatoryPolicies(await analyzeAll(pack, goodStack())), []);
  });

  it("accepts an inline baseline object", async () => {
    await pack.reconfigure({ "iam-no-privilege-expansion": { baseline: CORPUS_BASELINE } });
    assert.deepEqual(mandatoryPolicies(await analyzeAll(pack, goodStack())), []);
  });

  it("reports a policy configured advisory as advisory only", async () => {
    await pack.reconfigure({ "iam-no-privilege-expansion": { baselinePath }, "lambda-runtime-pinned": "advisory" });
    const diags = await analyzeAll(pack, withRuntime("nodejs24.x"));
    assert.deepEqual(mandatoryPolicies(diags), []);
    assert.equal(diags.filter((d) => d.policyName === "lambda-runtime-pinned" && d.enforcementLevel === "advisory").length, 1);
  });

  it("runs nothing for a disabled policy", async () => {
    await pack.reconfigure({ "iam-no-privilege-expansion": { baselinePath }, "lambda-runtime-supported": { enforcementLevel: "disabled" } });
    const diags = await analyzeAll(pack, withRuntime("nodejs18.x", "FunctionUpdate"));
    assert.deepEqual(diags.filter((d) => d.policyName === "lambda-runtime-supported"), []);
  });

  it("turns every policy advisory with `all`", async () => {
    await pack.reconfigure({ all: "advisory", "iam-no-privilege-expansion": { baselinePath } });
    const diags = await analyzeAll(pack, withRuntime("nodejs18.x"));
    assert.deepEqual(mandatoryPolicies(diags), []);
    assert.deepEqual([...new Set(diags.map((d) => d.policyName))].sort(), ["lambda-runtime-pinned", "lambda-runtime-supported"]);
  });

  it("warns about a runtime within warnDays of deprecation, using the configured today", async () => {
    const stack = withRuntime("nodejs22.x", "FunctionUpdate");
    await pack.reconfigure({ "iam-no-privilege-expansion": { baselinePath }, "lambda-runtime-supported": { today: "2027-01-01", warnDays: 180 } });
    const warned = (await analyzeAll(pack, stack)).filter((d) => d.policyName === "lambda-runtime-supported");
    assert.deepEqual(warned.map((d) => d.enforcementLevel), ["advisory"]);
    assert.match(warned[0].message, /deprecated by AWS on 2027-04-30 \(in 119 days\)/);

    await pack.reconfigure({ "iam-no-privilege-expansion": { baselinePath }, "lambda-runtime-supported": { today: "2027-01-01", warnDays: 30 } });
    assert.deepEqual((await analyzeAll(pack, stack)).filter((d) => d.policyName === "lambda-runtime-supported"), []);

    await pack.reconfigure({ "iam-no-privilege-expansion": { baselinePath }, "lambda-runtime-supported": { today: "2027-05-01" } });
    assert.deepEqual(mandatoryPolicies(await analyzeAll(pack, stack)), ["lambda-runtime-supported"]);
  });

  it("rejects config that breaks a policy's schema before configuring, naming policy and field", async () => {
    await assert.rejects(pack.reconfigure({ "lambda-runtime-supported": { warnDays: "soon" } }), /lambda-runtime-supported: \/warnDays must be integer/);
  });

  it("refuses a baselinePath that does not exist, with how to create it", async () => {
    await pack.reconfigure({ "iam-no-privilege-expansion": { baselinePath: "no-such-baseline.json" } });
    const diags = (await analyzeAll(pack, goodStack())).filter((d) => d.policyName === "iam-no-privilege-expansion");
    assert.equal(diags[0]?.enforcementLevel, "mandatory");
    assert.match(diags[0].message, /policies\/no-such-baseline\.json .*cannot be read; create it with `npm run baseline -- --stack <stack>`/);
  });
});
