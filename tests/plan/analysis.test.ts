import * as assert from "node:assert/strict";
import { PolicyAnalysis } from "../../tools/plan/analysis";
import type { PlannedResource } from "../../tools/plan/monitor";
import { PACK_FILES, removeDir, tempDir, writeFiles } from "./fixtures";

const bucket = (name: string, tags: Record<string, string>): PlannedResource => ({
  urn: `urn:pulumi:dev::fixture::aws:s3/bucket:Bucket::${name}`,
  type: "aws:s3/bucket:Bucket",
  name,
  custom: true,
  parent: "",
  dependencies: [],
  propertyDependencies: {},
  inputs: { bucket: name, tags, __defaults: [] },
  op: "create",
});

describe("policy analysis beside the program (worker thread)", () => {
  let pack: string;
  before(() => (pack = writeFiles(tempDir("pack"), PACK_FILES)));
  after(() => removeDir(pack));

  const start = () => new PolicyAnalysis({ packDir: pack, project: "fixture", stack: "dev", stackConfig: { "aws:region": "eu-west-1" } });

  it("answers a program that ended before the pack had started", async () => {
    const result = await start().finish(() => {});
    assert.deepEqual(result.diagnostics, []);
    assert.equal(result.info.name, "fixture-pack");
  });

  it("analyzes every resource it was given, in the order given, whenever the pack comes up", async () => {
    const analysis = start();
    for (let i = 0; i < 150; i++) analysis.add(bucket(`b${i}`, { public: i % 50 === 0 ? "true" : "false" }));
    const seen: number[] = [];
    const result = await analysis.finish((n) => seen.push(n));

    assert.deepEqual(
      result.diagnostics.map((d) => d.urn),
      ["b0", "b50", "b100"].map((n) => `urn:pulumi:dev::fixture::aws:s3/bucket:Bucket::${n}`),
    );
    assert.equal(seen[seen.length - 1], 150, "progress ends at the number of resources");
  });
});
