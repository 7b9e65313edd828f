import assert from "node:assert/strict";
import { baselineFromRoles, collectRoleGrants, findPrivilegeExpansion, validateBaseline } from "../../../policies/iam";
import { res, roleWith, UNKNOWN } from "./helpers";

describe("iam engine: baseline", () => {
  it("approves exactly the current grants: a generated baseline leaves no expansion", () => {
    const resources = [
      ...roleWith("api", [{ Effect: "Allow", Action: "s3:*", Resource: "arn:aws:s3:::b/*" }, { Effect: "Deny", Action: "s3:DeleteObject", Resource: "arn:aws:s3:::b/*" }]),
      res("aws:iam/rolePolicyAttachment:RolePolicyAttachment", "api-insights", { role: "api", policyArn: "arn:aws:iam::aws:policy/CloudWatchLambdaInsightsExecutionRolePolicy" }),
    ];
    const roles = collectRoleGrants(resources);
    const baseline = validateBaseline(JSON.parse(JSON.stringify(baselineFromRoles(roles))), "generated");
    assert.deepEqual(baseline.roles.api.managedPolicyArns, ["arn:aws:iam::aws:policy/CloudWatchLambdaInsightsExecutionRolePolicy"]);
    assert.deepEqual(roles.flatMap((r) => findPrivilegeExpansion(r, baseline)), []);
  });
  it("refuses to write a baseline while a value is unknown at preview", () => {
    const roles = collectRoleGrants(roleWith("api", [{ Effect: "Allow", Action: "s3:GetObject", Resource: UNKNOWN }]));
    assert.throws(() => baselineFromRoles(roles), /Cannot write a baseline while IAM values are unknown at preview/);
  });
  const BAD: [string, unknown, RegExp][] = [
    ["a non-object", [], /iam-baseline.json: the baseline must be an object/],
    ["an unknown top-level key", { roles: {}, extra: 1 }, /unknown top-level key "extra"/],
    ["a role without trust", { roles: { api: { permissions: { Version: "2012-10-17", Statement: [] } } } }, /roles.api.trust is missing/],
    ["a permission statement without Resource", { roles: { api: { permissions: { Statement: [{ Effect: "Allow", Action: "s3:*" }] }, trust: { Statement: [] } } } }, /roles.api.permissions.Statement\[0\] needs "Resource" or "NotResource"/],
    ["a bad Effect", { roles: { api: { permissions: { Statement: [{ Effect: "allow", Action: "s3:*", Resource: "*" }] }, trust: { Statement: [] } } } }, /roles.api.permissions.Statement\[0\].Effect must be "Allow" or "Deny"; got "allow"/],
    ["managedPolicyArns that are not ARNs", { roles: { api: { permissions: { Statement: [] }, trust: { Statement: [] }, managedPolicyArns: ["AdministratorAccess"] } } }, /roles.api.managedPolicyArns must be a list of policy ARNs/],
  ];
  for (const [what, raw, re] of BAD) it(`rejects ${what}, naming the path`, () => assert.throws(() => validateBaseline(raw, "policies/iam-baseline.json"), re));
});
