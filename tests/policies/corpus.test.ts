import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { RunningPolicyPack, startPolicyPack } from "../../tools/lib/policy-pack-client";
import { CORPUS_BASELINE, goodStack } from "./corpus/base";
import { BAD, GOOD } from "./corpus/cases";
import { analyzeAll, describe_, mandatoryPolicies } from "./helpers";

const PACK_DIR = path.resolve(__dirname, "../../policies");

describe("policy pack corpus, through the analyzer protocol", function () {
  this.timeout(180_000);
  let pack: RunningPolicyPack;
  let baselineFile: string;

  before(async () => {
    baselineFile = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "corpus-")), "baseline.json");
    fs.writeFileSync(baselineFile, JSON.stringify(CORPUS_BASELINE, null, 2));
    pack = await startPolicyPack({
      packDir: PACK_DIR,
      stack: "staging",
      project: "serverless",
      env: { POLICY_PACK_TODAY: "2026-11-15" },
      config: { "iam-no-privilege-expansion": { baselinePath: path.relative(PACK_DIR, baselineFile) } },
    });
  });
  after(async () => {
    await pack?.close();
  });

  it("has at least 60 bad resource sets, each naming a policy of the pack", () => {
    assert.ok(BAD.length >= 60, `only ${BAD.length} bad cases`);
    const names = new Set(pack.info.policies.map((p) => p.name));
    const unknown = [...new Set(BAD.flatMap((c) => [c.expect!, ...(c.also ?? [])]))].filter((n) => !names.has(n));
    assert.deepEqual(unknown, [], `corpus expects policies the pack does not have: ${unknown.join(", ")}`);
  });

  for (const c of BAD) {
    const expected = [c.expect!, ...(c.also ?? [])].sort();
    it(`refuses ${c.name} with ${expected.join(" + ")}${c.also ? "" : " alone"}`, async () => {
      const stack = goodStack();
      c.mutate(stack);
      const diags = await analyzeAll(pack, stack);
      assert.deepEqual(mandatoryPolicies(diags), expected, describe_(diags));
      for (const d of diags.filter((x) => x.policyName === c.expect))
        assert.match(d.message, new RegExp(`docs/policies\\.md#${c.expect}`), "the message links to the rule's documentation");
    });
  }

  for (const c of GOOD) {
    it(`accepts ${c.name}`, async () => {
      const stack = goodStack();
      c.mutate(stack);
      const diags = await analyzeAll(pack, stack);
      assert.deepEqual(mandatoryPolicies(diags), [], describe_(diags));
    });
  }
});
