import * as assert from "node:assert/strict";
import { formatBaseline, mergeBaselines, stackBaseline } from "../../tools/baseline/cli";
import { Baseline } from "../../policies/iam";
import { goodStack } from "./corpus/base";

const doc = (...Statement: any[]) => ({ Version: "2012-10-17", Statement });
const allow = (Action: string, Resource: string) => ({ Effect: "Allow" as const, Action: [Action], Resource: [Resource] });

describe("npm run baseline", () => {
  it("unions the statements of a role that exists in several stacks, without duplicates", () => {
    const staging: Baseline = { roles: { r: { permissions: doc(allow("s3:GetObject", "arn:aws:s3:::staging/*")), trust: doc() } } };
    const prod: Baseline = { roles: { r: { permissions: doc(allow("s3:GetObject", "arn:aws:s3:::prod/*"), allow("s3:GetObject", "arn:aws:s3:::staging/*")), trust: doc() } } };
    assert.deepEqual(mergeBaselines(staging, prod).roles.r.permissions.Statement.map((s) => s.Resource![0]), ["arn:aws:s3:::staging/*", "arn:aws:s3:::prod/*"]);
  });

  it("writes roles sorted by name as 2-space JSON with a trailing newline", () => {
    const text = formatBaseline(mergeBaselines({ roles: { b: { permissions: doc(), trust: doc() }, a: { permissions: doc(), trust: doc() } } }));
    assert.deepEqual(Object.keys(JSON.parse(text).roles), ["a", "b"]);
    assert.ok(text.endsWith("}\n") && text.includes('\n  "roles": {'));
  });

  it("approves exactly what a planned stack's roles are granted", async () => {
    const plan = async () => ({ resources: goodStack().map((r) => ({ type: r.type, name: r.name, urn: r.urn, inputs: r.properties })) });
    const b = await stackBaseline("corpus", plan);
    assert.deepEqual(Object.keys(b.roles).sort(), ["orders-api-role", "platform-role"]);
    assert.deepEqual(b.roles["orders-api-role"].permissions.Statement.flatMap((s) => s.Action), ["events:PutEvents", "logs:CreateLogStream", "logs:PutLogEvents"]);
  });

  it("refuses to approve a role whose policy is unknown at preview, naming the stack", async () => {
    const plan = async () => ({
      resources: goodStack().map((r) => ({ type: r.type, name: r.name, urn: r.urn, inputs: r.name === "orders-api-policy" ? { ...r.properties, policy: "04da6b54-80e4-46f7-96ec-b56ff0331ba9" } : r.properties })),
    });
    await assert.rejects(stackBaseline("staging", plan), /stack "staging": Cannot write a baseline while IAM values are unknown/);
  });
});
