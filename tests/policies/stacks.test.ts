import * as assert from "node:assert/strict";
import * as path from "node:path";
import { AnalyzerResourceInput, RunningPolicyPack, startPolicyPack } from "../../tools/lib/policy-pack-client";
import { planStack } from "../support/plan-stack";
import { analyzeAll, describe_, mandatoryPolicies } from "./helpers";

const PACK_DIR = path.resolve(__dirname, "../../policies");

/** The project's own stacks, planned offline with preview semantics, through the pack as the CLI runs it. */
describe("the project's stacks against the policy pack", function () {
  this.timeout(300_000);
  let pack: RunningPolicyPack;
  before(async () => {
    pack = await startPolicyPack({ packDir: PACK_DIR, project: "serverless" });
  });
  after(async () => {
    await pack?.close();
  });

  for (const stack of ["staging", "prod"]) {
    it(`passes ${stack} with no mandatory violation and no unverifiable value`, async () => {
      const plan = await planStack(stack);
      const resources: AnalyzerResourceInput[] = plan.resources.map((r) => ({
        type: r.type,
        name: r.name,
        urn: r.urn,
        properties: r.inputs,
        parent: r.parentUrn,
        dependencies: r.dependencies,
      }));
      assert.ok(resources.some((r) => r.type === "aws:lambda/function:Function"), "the plan has functions");
      const diags = await analyzeAll(pack, resources);
      assert.deepEqual(mandatoryPolicies(diags), [], describe_(diags));
      assert.deepEqual(diags.filter((d) => /unknown during preview|unknown at preview/.test(d.message)), [], describe_(diags));
    });
  }
});
