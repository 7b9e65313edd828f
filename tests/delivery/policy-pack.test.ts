import * as assert from "node:assert/strict";
import * as path from "node:path";
import { RunningPolicyPack, startPolicyPack } from "../../tools/lib/policy-pack-client";
import { analyzeAll, describe_ } from "../policies/helpers";
import { planDelivery, PROD_PIPELINE, STAGING_PIPELINE } from "./plan";

const PACK_DIR = path.resolve(__dirname, "../../policies");

/**
 * The delivery resources through the policy pack as the CLI runs it. The privilege-expansion rule
 * is left out: these fixtures (another repository, two functions) are not the stacks the baseline
 * approves; tests/policies/stacks.test.ts checks the real stacks, delivery included, against it.
 */
describe("delivery components against the policy pack", function () {
  this.timeout(300_000);
  let pack: RunningPolicyPack;
  before(async () => {
    pack = await startPolicyPack({ packDir: PACK_DIR, project: "serverless" });
  });
  after(async () => {
    await pack?.close();
  });

  for (const [stack, raw, approval] of [["staging", STAGING_PIPELINE, false], ["prod", PROD_PIPELINE, true]] as const) {
    it(`passes every mandatory rule but the baseline comparison for ${stack}, with no value unknown at preview`, async () => {
      const plan = await planDelivery(stack, raw, approval);
      const diags = await analyzeAll(
        pack,
        plan.resources.map((r) => ({ type: r.type, name: r.name, urn: r.urn, properties: r.inputs, parent: r.parentUrn, dependencies: r.dependencies })),
      );
      const refused = diags.filter((d) => d.enforcementLevel === "mandatory" && d.policyName !== "iam-no-privilege-expansion");
      assert.deepEqual(refused, [], describe_(refused));
      assert.deepEqual(diags.filter((d) => /unknown during preview|unknown at preview/.test(d.message)), [], describe_(diags));
    });
  }
});
