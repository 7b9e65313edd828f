import assert from "node:assert/strict";
import { collectRoleGrants, normalizePolicyDocument } from "../../../policies/iam";
import { LAMBDA_TRUST, res, UNKNOWN } from "./helpers";

const doc = (Action: string, Resource = "*") => JSON.stringify({ Version: "2012-10-17", Statement: { Effect: "Allow", Action, Resource } });

describe("iam engine: collecting every grant of a role", () => {
  it("gathers inline policies, RolePolicy, attachments and a stack Policy into one role", () => {
    const [g] = collectRoleGrants([
      res("aws:iam/role:Role", "api", { name: "api-role", assumeRolePolicy: JSON.stringify(LAMBDA_TRUST), inlinePolicies: [{ name: "a", policy: doc("sqs:SendMessage") }], managedPolicyArns: ["arn:aws:iam::aws:policy/AWSXRayDaemonWriteAccess"] }),
      res("aws:iam/rolePolicy:RolePolicy", "api-extra", { role: "api-role", policy: doc("s3:GetObject") }),
      res("aws:iam/policy:Policy", "shared", { name: "shared-policy", path: "/app/", policy: doc("dynamodb:GetItem") }),
      res("aws:iam/policyAttachment:PolicyAttachment", "shared-attach", { roles: ["api-role"], policyArn: "arn:aws:iam::123456789012:policy/app/shared-policy" }),
    ]);
    const actions = g.permissions.Statement.flatMap((s) => s.Action ?? []);
    assert.deepEqual(actions.sort(), ["dynamodb:GetItem", "s3:GetObject", "sqs:SendMessage", "xray:GetSamplingRules", "xray:GetSamplingStatisticSummaries", "xray:GetSamplingTargets", "xray:PutTelemetryRecords", "xray:PutTraceSegments"]);
    assert.equal(g.permissions.Statement.length, g.permissionSources.length);
    assert.deepEqual(g.unverifiable, []);
  });
  it("links a role reference given as a role ARN and an auto-named role by its Pulumi name", () => {
    const [g] = collectRoleGrants([
      res("aws:iam/role:Role", "worker", {}),
      res("aws:iam/rolePolicy:RolePolicy", "p1", { role: "worker-a1b2c3d", policy: doc("sqs:ReceiveMessage") }),
      res("aws:iam/rolePolicy:RolePolicy", "p2", { role: "arn:aws:iam::123456789012:role/worker-a1b2c3d", policy: doc("sqs:DeleteMessage") }),
    ]);
    assert.equal(g.role, "worker");
    assert.equal(g.permissions.Statement.length, 2);
  });
  it("keeps a grant to a role outside the stack under external:<name>", () => {
    const roles = collectRoleGrants([res("aws:iam/rolePolicy:RolePolicy", "p", { role: "legacy", policy: doc("s3:*") })]);
    assert.deepEqual(roles.map((r) => r.role), ["external:legacy"]);
  });
  it("fails closed on a RolePolicy whose role is unknown at preview", () => {
    const roles = collectRoleGrants([res("aws:iam/role:Role", "api", { name: "api" }), res("aws:iam/rolePolicy:RolePolicy", "p", { role: UNKNOWN, policy: doc("s3:*") })]);
    const pseudo = roles.find((r) => r.role === "unknown-role:p")!;
    assert.match(pseudo.unverifiable[0], /`role` is unknown at preview.*role.name/);
  });
  it("fails closed on a policy ARN unknown at preview", () => {
    const [g] = collectRoleGrants([res("aws:iam/role:Role", "api", { name: "api" }), res("aws:iam/rolePolicyAttachment:RolePolicyAttachment", "att", { role: "api", policyArn: UNKNOWN })]);
    assert.match(g.unverifiable[0], /`policyArn` is unknown at preview.*pulumi.interpolate/);
  });
  it("fails closed on a whole policy document unknown at preview", () => {
    const [g] = collectRoleGrants([res("aws:iam/role:Role", "api", { name: "api" }), res("aws:iam/rolePolicy:RolePolicy", "p", { role: "api", policy: UNKNOWN })]);
    assert.match(g.unverifiable[0], /RolePolicy p `policy` is unknown at preview/);
  });
  it("rejects a malformed document naming where it is", () => {
    assert.throws(() => normalizePolicyDocument('{"Statement":[{"Effect":"Allow","Resource":"*"}]}', "RolePolicy x policy"), /RolePolicy x policy.Statement\[0\] must have exactly one of "Action" or "NotAction"/);
    assert.throws(() => normalizePolicyDocument("{not json", "RolePolicy x policy"), /RolePolicy x policy: the policy is not valid JSON/);
  });
  it("stays linear on a stack of 1000 roles with 8000 resources", () => {
    const rs = [];
    for (let i = 0; i < 1000; i++) {
      rs.push(res("aws:iam/role:Role", `r${i}`, { name: `r${i}`, assumeRolePolicy: JSON.stringify(LAMBDA_TRUST) }));
      for (let j = 0; j < 7; j++) rs.push(res("aws:iam/rolePolicy:RolePolicy", `r${i}-p${j}`, { role: `r${i}`, policy: doc(`s3:Get${j}`, `arn:aws:s3:::b${i}/*`) }));
    }
    const t = Date.now();
    const roles = collectRoleGrants(rs);
    assert.equal(roles.length, 1000);
    assert.ok(Date.now() - t < 2000, `took ${Date.now() - t} ms`);
  });
});
