import assert from "node:assert/strict";
import { collectRoleGrants, findAbsoluteViolations } from "../../../policies/iam";
import { coversWholeService } from "../../../policies/iam/absolute";
import { ACCOUNT, res, roleWith, UNKNOWN } from "./helpers";

const rulesFor = (resources: ReturnType<typeof roleWith>) => findAbsoluteViolations(resources, collectRoleGrants(resources)).map((v) => v.rule);
const allow = (Action: string | string[], Resource: string | string[] = "*") => ({ Effect: "Allow", Action, Resource });
const trust = (Principal: unknown, Condition?: unknown) => ({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Principal, Action: "sts:AssumeRole", ...(Condition ? { Condition } : {}) }] });
const ROLE_ARN = `arn:aws:iam::${ACCOUNT}:role/orders-worker`;

describe("iam engine: absolute rules", () => {
  const CASES: { it: string; resources: ReturnType<typeof roleWith>; expect: string[] }[] = [
    { it: "passes a narrow role", resources: roleWith("ok", [allow("s3:GetObject", "arn:aws:s3:::b/*")]), expect: [] },
    { it: "refuses `*` on `*` (which also grants PassRole on `*` and every escalation)", resources: roleWith("r", [allow("*")]), expect: ["iam-no-wildcard-action", "iam-no-privilege-escalation", "iam-passrole-specific-role"] },
    { it: "refuses a mixed-case service wildcard on `*`", resources: roleWith("r", [allow("S3:*")]), expect: ["iam-no-wildcard-action"] },
    { it: "allows a service wildcard on one bucket", resources: roleWith("r", [allow("s3:*", ["arn:aws:s3:::b", "arn:aws:s3:::b/*"])]), expect: [] },
    { it: "refuses Allow with NotAction (read as granting every other action, escalations included)", resources: roleWith("r", [{ Effect: "Allow", NotAction: "iam:*", Resource: "arn:aws:s3:::b/*" }]), expect: ["iam-no-allow-not-action", "iam-no-privilege-escalation"] },
    { it: "refuses iam:PassRole on `*`", resources: roleWith("r", [allow("iam:PassRole")]), expect: ["iam-passrole-specific-role"] },
    { it: "refuses iam:Pass* on a wildcard role ARN", resources: roleWith("r", [allow("iam:Pass*", `arn:aws:iam::${ACCOUNT}:role/*`)]), expect: ["iam-passrole-specific-role"] },
    { it: "allows iam:PassRole on one specific role ARN", resources: roleWith("r", [allow("iam:PassRole", ROLE_ARN)]), expect: [] },
    { it: "refuses iam:PassRole whose Resource is unknown at preview", resources: roleWith("r", [allow("iam:PassRole", UNKNOWN)]), expect: ["iam-passrole-specific-role"] },
    {
      it: "refuses PassRole + lambda:CreateFunction + lambda:InvokeFunction split across two policies",
      resources: [...roleWith("r", [allow("iam:PassRole", ROLE_ARN)]), res("aws:iam/rolePolicy:RolePolicy", "second", { role: "r", policy: JSON.stringify({ Version: "2012-10-17", Statement: [allow(["Lambda:CreateFunction", "lambda:invokefunction"])] }) })],
      expect: ["iam-no-privilege-escalation"],
    },
    { it: "refuses iam:PutRolePolicy alone", resources: roleWith("r", [allow("iam:PutRolePolicy", ROLE_ARN)]), expect: ["iam-no-privilege-escalation"] },
    { it: "lets an unconditional Deny cancel an escalation action", resources: roleWith("r", [allow("iam:PutRolePolicy", ROLE_ARN), { Effect: "Deny", Action: "iam:*", Resource: "*" }]), expect: [] },
    { it: "refuses lambda:UpdateFunctionCode on another role's function", resources: [...roleWith("r", [allow("lambda:UpdateFunctionCode", `arn:aws:lambda:eu-west-1:${ACCOUNT}:function:billing`)]), res("aws:lambda/function:Function", "billing", { name: "billing", role: `arn:aws:iam::${ACCOUNT}:role/billing-role` })], expect: ["iam-no-privilege-escalation"] },
    { it: "allows lambda:UpdateFunctionCode on its own function", resources: [...roleWith("r", [allow("lambda:UpdateFunctionCode", `arn:aws:lambda:eu-west-1:${ACCOUNT}:function:orders`)]), res("aws:lambda/function:Function", "orders", { name: "orders", role: `arn:aws:iam::${ACCOUNT}:role/r` })], expect: [] },
    { it: "refuses an AdministratorAccess attachment once, under its own rule", resources: [res("aws:iam/role:Role", "r", { name: "r" }), res("aws:iam/rolePolicyAttachment:RolePolicyAttachment", "a", { role: "r", policyArn: "arn:aws:iam::aws:policy/AdministratorAccess" })], expect: ["iam-no-admin-managed-policy"] },
    { it: "refuses PowerUserAccess in managedPolicyArns", resources: [res("aws:iam/role:Role", "r", { name: "r", managedPolicyArns: ["arn:aws:iam::aws:policy/PowerUserAccess"] })], expect: ["iam-no-admin-managed-policy"] },
    { it: "refuses a policy ARN unknown at preview", resources: [res("aws:iam/role:Role", "r", { name: "r" }), res("aws:iam/rolePolicyAttachment:RolePolicyAttachment", "a", { role: "r", policyArn: UNKNOWN })], expect: ["iam-unverifiable"] },
    { it: "refuses a trust policy open to `*`", resources: roleWith("r", [], trust("*")), expect: ["iam-no-open-trust"] },
    { it: "refuses a trust policy open to {AWS: \"*\"}", resources: roleWith("r", [], trust({ AWS: "*" })), expect: ["iam-no-open-trust"] },
    { it: "allows `*` pinned to an organization", resources: roleWith("r", [], trust("*", { StringEquals: { "aws:PrincipalOrgID": "o-abc123" } })), expect: [] },
    { it: "allows cross-account trust to a specific account", resources: roleWith("r", [], trust({ AWS: "arn:aws:iam::999999999999:root" })), expect: [] },
    { it: "refuses GitHub OIDC trust without a sub condition", resources: roleWith("r", [], { Version: "2012-10-17", Statement: [{ Effect: "Allow", Principal: { Federated: `arn:aws:iam::${ACCOUNT}:oidc-provider/token.actions.githubusercontent.com` }, Action: "sts:AssumeRoleWithWebIdentity" }] }), expect: ["iam-no-open-trust"] },
    { it: "refuses a trust principal unknown at preview", resources: roleWith("r", [], trust({ AWS: UNKNOWN })), expect: ["iam-no-open-trust"] },
  ];
  for (const c of CASES) it(c.it, () => assert.deepEqual([...new Set(rulesFor(c.resources))].sort(), [...c.expect].sort()));

  it("says which value could not be verified and how to make it known", () => {
    const resources = roleWith("r", [allow("iam:PassRole", UNKNOWN)]);
    const [v] = findAbsoluteViolations(resources, collectRoleGrants(resources));
    assert.match(v.message, /Role "r" \(urn:pulumi:test::app::aws:iam\/role:Role::r\): Resource of statement 1 of aws:iam\/rolePolicy:RolePolicy r-policy-\d+ is unknown at preview.*pulumi.interpolate/);
  });

  it("decides which action patterns cover a whole service", () => {
    assert.deepEqual(["*", "s3:*", "S3:*", "s3*", "*:*", "s3:*Object*", "s3:Get*", "iam:Pass*"].map(coversWholeService), [true, true, true, true, true, false, false, false]);
  });
});

describe("iam engine: lambda.Permission", () => {
  const perm = (props: Record<string, unknown>) => [res("aws:lambda/permission:Permission", "invoke", { action: "lambda:InvokeFunction", function: "orders", ...props })];
  const CASES: { it: string; props: Record<string, unknown>; expect: string[] }[] = [
    { it: "refuses principal `*`", props: { principal: "*" }, expect: ["lambda-permission-restricted"] },
    { it: "refuses a service principal with neither sourceArn nor sourceAccount", props: { principal: "s3.amazonaws.com" }, expect: ["lambda-permission-restricted"] },
    { it: "allows a service principal with sourceArn", props: { principal: "apigateway.amazonaws.com", sourceArn: `arn:aws:execute-api:eu-west-1:${ACCOUNT}:abc/*/*` }, expect: [] },
    { it: "does not refuse an unknown sourceArn when sourceAccount is a known account", props: { principal: "events.amazonaws.com", sourceArn: UNKNOWN, sourceAccount: ACCOUNT }, expect: [] },
    { it: "refuses an unknown sourceArn with no sourceAccount, saying it is unknown", props: { principal: "events.amazonaws.com", sourceArn: UNKNOWN }, expect: ["lambda-permission-restricted"] },
    { it: "refuses a principal unknown at preview", props: { principal: UNKNOWN }, expect: ["lambda-permission-restricted"] },
    { it: "allows an account principal", props: { principal: ACCOUNT }, expect: [] },
  ];
  for (const c of CASES) it(c.it, () => assert.deepEqual(findAbsoluteViolations(perm(c.props), []).map((v) => v.rule), c.expect));
});
