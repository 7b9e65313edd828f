import assert from "node:assert/strict";
import { collectRoleGrants, findPrivilegeExpansion, NewGrant } from "../../../policies/iam";
import { ACCOUNT, baselineOf, res, roleWith, UNKNOWN } from "./helpers";

type Verdict = "within" | "expands" | "might-expand";

/** The strongest verdict over a role's new grants: "within" when there are none. */
function verdictOf(grants: NewGrant[]): Verdict {
  if (grants.length === 0) return "within";
  return grants.some((g) => g.certainty === "expands") ? "expands" : "might-expand";
}

function check(grant: unknown[], baseline: unknown[]): { verdict: Verdict; grants: NewGrant[] } {
  const [role] = collectRoleGrants(roleWith("orders-api", grant));
  const grants = findPrivilegeExpansion(role, baselineOf("orders-api", baseline));
  return { verdict: verdictOf(grants), grants };
}

const allow = (Action: string | string[], Resource: string | string[] = "*", Condition?: unknown) => ({ Effect: "Allow", Action, Resource, ...(Condition ? { Condition } : {}) });
const deny = (Action: string | string[], Resource: string | string[] = "*", Condition?: unknown) => ({ Effect: "Deny", Action, Resource, ...(Condition ? { Condition } : {}) });
const BUCKET = "arn:aws:s3:::orders-bucket";

const CASES: { it: string; grant: unknown[]; baseline: unknown[]; expect: Verdict }[] = [
  // actions
  { it: "accepts a grant identical to its baseline", grant: [allow("s3:GetObject", `${BUCKET}/*`)], baseline: [allow("s3:GetObject", `${BUCKET}/*`)], expect: "within" },
  { it: "compares action names case-insensitively", grant: [allow("S3:getobject", `${BUCKET}/*`)], baseline: [allow("s3:GetObject", `${BUCKET}/*`)], expect: "within" },
  { it: "accepts an action covered by a baseline wildcard", grant: [allow("s3:GetObjectVersion", `${BUCKET}/*`)], baseline: [allow("s3:Get*", `${BUCKET}/*`)], expect: "within" },
  { it: "accepts a narrower action wildcard inside a broader one", grant: [allow("s3:GetObject*", `${BUCKET}/*`)], baseline: [allow("s3:Get*", `${BUCKET}/*`)], expect: "within" },
  { it: "refuses a broader action wildcard than the baseline's (partly approved: might expand)", grant: [allow("s3:Get*", `${BUCKET}/*`)], baseline: [allow("s3:GetObject*", `${BUCKET}/*`)], expect: "might-expand" },
  { it: "matches `?` as exactly one character", grant: [allow("sqs:SendMessage", "*")], baseline: [allow("sqs:SendMessag?", "*")], expect: "within" },
  { it: "refuses when `?` would need to match two characters", grant: [allow("sqs:SendMessages", "*")], baseline: [allow("sqs:SendMessag?", "*")], expect: "expands" },
  { it: "accepts a wildcard covered by the union of two baseline wildcards", grant: [allow("s3:*Object", "*")], baseline: [allow(["s3:*Object", "s3:Get*"], "*")], expect: "within" },
  { it: "refuses a role that gains iam:PassRole on *", grant: [allow("iam:PassRole", "*")], baseline: [allow("s3:GetObject", `${BUCKET}/*`)], expect: "expands" },
  { it: "refuses a role that gains a new action on an approved resource", grant: [allow(["s3:GetObject", "s3:DeleteObject"], `${BUCKET}/*`)], baseline: [allow("s3:GetObject", `${BUCKET}/*`)], expect: "expands" },
  // resources
  { it: "accepts an object ARN covered by a bucket-wide ARN wildcard across `/`", grant: [allow("s3:GetObject", `${BUCKET}/a/b/c.json`)], baseline: [allow("s3:GetObject", `${BUCKET}/*`)], expect: "within" },
  { it: "refuses Resource * against a narrower baseline resource", grant: [allow("s3:GetObject", "*")], baseline: [allow("s3:GetObject", `${BUCKET}/*`)], expect: "might-expand" },
  { it: "refuses a different bucket", grant: [allow("s3:GetObject", "arn:aws:s3:::other/*")], baseline: [allow("s3:GetObject", `${BUCKET}/*`)], expect: "expands" },
  { it: "accepts a region-wildcard baseline ARN for a concrete region", grant: [allow("dynamodb:GetItem", `arn:aws:dynamodb:eu-west-1:${ACCOUNT}:table/orders`)], baseline: [allow("dynamodb:GetItem", `arn:aws:dynamodb:*:${ACCOUNT}:table/orders`)], expect: "within" },
  { it: "refuses when a mid-segment baseline `*` would have to match across a colon", grant: [allow("logs:PutLogEvents", `arn:aws:logs:eu-west-1:${ACCOUNT}:log-group:a:log-stream:x`)], baseline: [allow("logs:PutLogEvents", `arn:aws:logs:eu-west-1:${ACCOUNT}:log-group:a*x`)], expect: "might-expand" },
  { it: "accepts a segment-final baseline `*` matching beyond the colon, as AWS documents", grant: [allow("logs:PutLogEvents", `arn:aws:logs:eu-west-1:${ACCOUNT}:log-group:/aws/lambda/orders:log-stream:x`)], baseline: [allow("logs:PutLogEvents", `arn:aws:logs:eu-west-1:${ACCOUNT}:log-group:/aws/lambda/orders:*`)], expect: "within" },
  { it: "accepts a grant split across two baseline statements by resource", grant: [allow("s3:GetObject", [`${BUCKET}/a`, `${BUCKET}/b`])], baseline: [allow("s3:GetObject", `${BUCKET}/a`), allow("s3:GetObject", `${BUCKET}/b`)], expect: "within" },
  // NotAction / NotResource
  { it: "reads Allow+NotAction as every other action and refuses it against a narrow baseline", grant: [{ Effect: "Allow", NotAction: "iam:*", Resource: "*" }], baseline: [allow("s3:*", "*")], expect: "might-expand" },
  { it: "accepts Allow+NotAction when the baseline excludes no more than the grant does", grant: [{ Effect: "Allow", NotAction: ["iam:*", "sts:*"], Resource: "*" }], baseline: [{ Effect: "Allow", NotAction: "iam:*", Resource: "*" }], expect: "within" },
  { it: "refuses Allow+NotAction that excludes less than the baseline's", grant: [{ Effect: "Allow", NotAction: "iam:*", Resource: "*" }], baseline: [{ Effect: "Allow", NotAction: ["iam:*", "sts:*"], Resource: "*" }], expect: "might-expand" },
  { it: "accepts a positive action inside a baseline NotAction allow", grant: [allow("s3:GetObject", "*")], baseline: [{ Effect: "Allow", NotAction: "iam:*", Resource: "*" }], expect: "within" },
  { it: "refuses a positive action the baseline's NotAction excludes", grant: [allow("IAM:CreateRole", "*")], baseline: [{ Effect: "Allow", NotAction: "iam:*", Resource: "*" }], expect: "expands" },
  { it: "reads Allow+NotResource as every other resource", grant: [{ Effect: "Allow", Action: "s3:GetObject", NotResource: `${BUCKET}/secret/*` }], baseline: [allow("s3:GetObject", `${BUCKET}/*`)], expect: "might-expand" },
  // Deny
  { it: "lets an unconditional Deny subtract a grant it fully covers", grant: [allow("s3:DeleteObject", `${BUCKET}/*`), deny("s3:*", `${BUCKET}/*`)], baseline: [], expect: "within" },
  { it: "ignores a conditional Deny (it may not apply)", grant: [allow("s3:DeleteObject", `${BUCKET}/*`), deny("s3:*", `${BUCKET}/*`, { Bool: { "aws:SecureTransport": "false" } })], baseline: [], expect: "expands" },
  { it: "ignores a Deny that covers only part of the grant", grant: [allow("s3:*", `${BUCKET}/*`), deny("s3:DeleteObject", `${BUCKET}/*`)], baseline: [allow("s3:GetObject", `${BUCKET}/*`)], expect: "might-expand" },
  { it: "refuses a grant the baseline allows but also denies", grant: [allow("s3:*", `${BUCKET}/*`)], baseline: [allow("s3:*", `${BUCKET}/*`), deny("s3:DeleteObject", `${BUCKET}/*`)], expect: "might-expand" },
  { it: "accepts a grant when the role repeats the baseline's Deny", grant: [allow("s3:*", `${BUCKET}/*`), deny("s3:DeleteObject", `${BUCKET}/*`)], baseline: [allow("s3:*", `${BUCKET}/*`), deny("s3:DeleteObject", `${BUCKET}/*`)], expect: "within" },
  // conditions
  { it: "accepts a conditional grant when the baseline grants it unconditionally", grant: [allow("s3:GetObject", `${BUCKET}/*`, { StringEquals: { "aws:SourceVpce": "vpce-1" } })], baseline: [allow("s3:GetObject", `${BUCKET}/*`)], expect: "within" },
  { it: "refuses an unconditional grant when the baseline only grants it conditionally", grant: [allow("s3:GetObject", `${BUCKET}/*`)], baseline: [allow("s3:GetObject", `${BUCKET}/*`, { StringEquals: { "aws:SourceVpce": "vpce-1" } })], expect: "might-expand" },
  { it: "accepts a condition with fewer values than the baseline's (stricter)", grant: [allow("s3:GetObject", `${BUCKET}/*`, { StringEquals: { "aws:SourceVpce": "vpce-1" } })], baseline: [allow("s3:GetObject", `${BUCKET}/*`, { StringEquals: { "aws:SourceVpce": ["vpce-1", "vpce-2"] } })], expect: "within" },
  { it: "refuses a condition with more values than the baseline's (looser)", grant: [allow("s3:GetObject", `${BUCKET}/*`, { StringEquals: { "aws:SourceVpce": ["vpce-1", "vpce-3"] } })], baseline: [allow("s3:GetObject", `${BUCKET}/*`, { StringEquals: { "aws:SourceVpce": "vpce-1" } })], expect: "might-expand" },
  { it: "refuses the same condition values under a different operator", grant: [allow("s3:GetObject", `${BUCKET}/*`, { StringLike: { "aws:SourceVpce": "vpce-*" } })], baseline: [allow("s3:GetObject", `${BUCKET}/*`, { StringEquals: { "aws:SourceVpce": "vpce-1" } })], expect: "might-expand" },
  { it: "compares condition keys case-insensitively and accepts extra grant conditions", grant: [allow("s3:GetObject", `${BUCKET}/*`, { StringEquals: { "AWS:sourcevpce": "vpce-1", "aws:PrincipalTag/team": "orders" } })], baseline: [allow("s3:GetObject", `${BUCKET}/*`, { StringEquals: { "aws:SourceVpce": "vpce-1" } })], expect: "within" },
  { it: "accepts a StringNotEquals grant that excludes more than the baseline", grant: [allow("s3:GetObject", `${BUCKET}/*`, { StringNotEquals: { "aws:PrincipalTag/env": ["prod", "staging"] } })], baseline: [allow("s3:GetObject", `${BUCKET}/*`, { StringNotEquals: { "aws:PrincipalTag/env": "prod" } })], expect: "within" },
  { it: "refuses a plain operator approved only as ...IfExists in reverse", grant: [allow("s3:GetObject", `${BUCKET}/*`, { StringEqualsIfExists: { "aws:SourceVpce": "vpce-1" } })], baseline: [allow("s3:GetObject", `${BUCKET}/*`, { StringEquals: { "aws:SourceVpce": "vpce-1" } })], expect: "might-expand" },
  // unknown values
  { it: "answers might-expand for a Resource unknown at preview", grant: [allow("s3:GetObject", UNKNOWN)], baseline: [allow("s3:GetObject", `${BUCKET}/*`)], expect: "might-expand" },
  { it: "accepts an unknown Resource when the baseline allows the action on every resource", grant: [allow("s3:GetObject", `arn:aws:s3:::${UNKNOWN}/*`)], baseline: [allow("s3:GetObject", "*")], expect: "within" },
];

describe("iam engine: privilege expansion semantics", () => {
  for (const c of CASES) {
    it(c.it, () => {
      const { verdict, grants } = check(c.grant, c.baseline);
      assert.equal(verdict, c.expect, grants.map((g) => g.message).join("\n"));
    });
  }

  it("treats every grant of a role missing from the baseline as new", () => {
    const [role] = collectRoleGrants(roleWith("orders-api", [allow("s3:GetObject", `${BUCKET}/*`)]));
    const grants = findPrivilegeExpansion(role, baselineOf("other-role", []));
    assert.deepEqual(grants.map((g) => [g.kind, g.action, g.resource ?? g.principal, g.certainty]), [
      ["permission", "s3:getobject", `${BUCKET}/*`, "expands"],
      ["trust", "sts:assumerole", "Service:lambda.amazonaws.com", "expands"],
    ]);
  });

  it("names the role, the URN, the new grant, its source and the baseline fix in the message", () => {
    const { grants } = check([allow("iam:PassRole", "*", { StringEquals: { "iam:PassedToService": "lambda.amazonaws.com" } })], []);
    const [g] = grants;
    assert.match(g.message, /Role "orders-api" \(urn:pulumi:test::app::aws:iam\/role:Role::orders-api\)/);
    assert.match(g.message, /iam:passrole on \*/);
    assert.match(g.message, /under condition \{"StringEquals":\{"iam:PassedToService":\["lambda.amazonaws.com"\]\}\}/);
    assert.match(g.message, /from aws:iam\/rolePolicy:RolePolicy orders-api-policy-\d+/);
    assert.match(g.message, /policies\/iam-baseline.json under roles.orders-api.permissions/);
    assert.deepEqual(g.approve, { Effect: "Allow", Action: ["iam:passrole"], Resource: ["*"], Condition: { StringEquals: { "iam:PassedToService": ["lambda.amazonaws.com"] } } });
  });
});

describe("iam engine: trust expansion semantics", () => {
  const trust = (Principal: unknown, Condition?: unknown) => ({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Principal, Action: "sts:AssumeRole", ...(Condition ? { Condition } : {}) }] });
  const trustOf = (Principal: unknown) => [{ Effect: "Allow", Principal, Action: "sts:AssumeRole" }];
  const run = (t: unknown, base: unknown[]) => {
    const [role] = collectRoleGrants(roleWith("deployer", [], t));
    return verdictOf(findPrivilegeExpansion(role, baselineOf("deployer", [], base)).filter((g) => g.kind === "trust"));
  };
  const TABLE: { it: string; trust: unknown; baseline: unknown[]; expect: Verdict }[] = [
    { it: "lets an account principal cover a role in that account", trust: trust({ AWS: `arn:aws:iam::${ACCOUNT}:role/ci` }), baseline: trustOf({ AWS: `arn:aws:iam::${ACCOUNT}:root` }), expect: "within" },
    { it: "lets a bare account id cover a principal in that account", trust: trust({ AWS: `arn:aws:iam::${ACCOUNT}:user/alice` }), baseline: trustOf({ AWS: ACCOUNT }), expect: "within" },
    { it: "refuses a whole account against a baseline naming one role in it", trust: trust({ AWS: ACCOUNT }), baseline: trustOf({ AWS: `arn:aws:iam::${ACCOUNT}:role/ci` }), expect: "might-expand" },
    { it: "refuses a principal in another account", trust: trust({ AWS: "arn:aws:iam::999999999999:role/ci" }), baseline: trustOf({ AWS: ACCOUNT }), expect: "expands" },
    { it: "lets Principal * in the baseline cover anyone", trust: trust({ Service: "events.amazonaws.com" }), baseline: trustOf("*"), expect: "within" },
    { it: "treats {AWS: \"*\"} as everyone", trust: trust({ AWS: "*" }), baseline: trustOf({ AWS: ACCOUNT }), expect: "might-expand" },
    { it: "compares service principals exactly but case-insensitively", trust: trust({ Service: "Lambda.AmazonAWS.com" }), baseline: trustOf({ Service: "lambda.amazonaws.com" }), expect: "within" },
    { it: "refuses a different service principal", trust: trust({ Service: "ec2.amazonaws.com" }), baseline: trustOf({ Service: "lambda.amazonaws.com" }), expect: "expands" },
    { it: "answers might-expand for a principal unknown at preview", trust: trust({ AWS: UNKNOWN }), baseline: trustOf({ AWS: ACCOUNT }), expect: "might-expand" },
  ];
  for (const c of TABLE) it(c.it, () => assert.equal(run(c.trust, c.baseline), c.expect));
});

describe("iam engine: managed policies in the expansion rule", () => {
  const attach = (arn: string) => [
    res("aws:iam/role:Role", "worker", { name: "worker" }),
    res("aws:iam/rolePolicyAttachment:RolePolicyAttachment", "worker-attach", { role: "worker", policyArn: arn }),
  ];
  it("expands a known managed policy into its statements", () => {
    const [role] = collectRoleGrants(attach("arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole"));
    const grants = findPrivilegeExpansion(role, baselineOf("worker", [allow(["logs:CreateLogGroup", "logs:CreateLogStream", "logs:PutLogEvents"], "*")], []));
    assert.deepEqual(grants, []);
  });
  it("answers might-expand for an unrecognised managed policy the baseline does not list", () => {
    const [role] = collectRoleGrants(attach("arn:aws:iam::aws:policy/AmazonAPIGatewayPushToCloudWatchLogs"));
    const grants = findPrivilegeExpansion(role, baselineOf("worker", [], []));
    assert.deepEqual(grants.map((g) => [g.managedPolicyArn, g.certainty]), [["arn:aws:iam::aws:policy/AmazonAPIGatewayPushToCloudWatchLogs", "might-expand"]]);
  });
  it("accepts an unrecognised managed policy whose ARN the baseline approves", () => {
    const arn = "arn:aws:iam::aws:policy/AmazonAPIGatewayPushToCloudWatchLogs";
    const [role] = collectRoleGrants(attach(arn));
    assert.deepEqual(findPrivilegeExpansion(role, baselineOf("worker", [], [], [arn])), []);
  });
  it("reads AmazonS3FullAccess as s3:* on * and refuses it against a read-only baseline", () => {
    const [role] = collectRoleGrants(attach("arn:aws:iam::aws:policy/AmazonS3FullAccess"));
    const grants = findPrivilegeExpansion(role, baselineOf("worker", [allow("s3:GetObject", "*")], []));
    assert.ok(grants.some((g) => g.action === "s3:*" && g.resource === "*"), grants.map((g) => g.message).join("\n"));
  });
});
