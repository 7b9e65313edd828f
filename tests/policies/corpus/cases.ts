/**
 * The corpus: each BAD case is the good stack with one change that breaks exactly one policy
 * (`expect`); each GOOD case is a change that must still pass with no mandatory violation.
 * Disguised forms on purpose: mixed case, grants split across resources, NotAction, unknown values.
 */
import type { AnalyzerResourceInput } from "../../../tools/lib/policy-pack-client";
import { UNKNOWN } from "../../../tools/lib/policy-pack-client";
import { ACCOUNT, alarm, BUS_ARN, DLQ, FN, goodStack, LAMBDA_TRUST, pick, REGION, res, RMC, ROLE, TOPIC_ARN } from "./base";

export interface CorpusCase {
  name: string;
  /** The one policy that must report a mandatory violation; null for a good case. */
  expect: string | null;
  /** Policies the change breaks inherently as well (e.g. `*` on `*` also grants iam:PassRole on `*`). */
  also?: string[];
  mutate(stack: AnalyzerResourceInput[]): void;
}

/** Absolute IAM rule ids, as the IAM engine's ABSOLUTE_RULES names them. */
export const ABS = {
  wildcardAction: "iam-no-wildcard-action",
  notAction: "iam-no-allow-not-action",
  passRole: "iam-passrole-specific-role",
  escalation: "iam-no-privilege-escalation",
  unverifiable: "iam-unverifiable",
  adminPolicy: "iam-no-admin-managed-policy",
  openTrust: "iam-no-open-trust",
  openPermission: "lambda-permission-restricted",
} as const;

const P = (s: AnalyzerResourceInput[], name: string) => pick(s, name).properties;
const fn = (s: AnalyzerResourceInput[]) => P(s, "orders-api");
const env = (s: AnalyzerResourceInput[]) => (fn(s).environment as { variables: Record<string, unknown> }).variables;
const group = (s: AnalyzerResourceInput[]) => P(s, "orders-api-deployment");
const remove = (s: AnalyzerResourceInput[], name: string) => s.splice(s.indexOf(pick(s, name)), 1);
const doc = (...Statement: unknown[]) => JSON.stringify({ Version: "2012-10-17", Statement });
/** Adds a statement to the platform role (approved for everything, so only absolute rules can fire). */
const platform = (s: AnalyzerResourceInput[], ...stmts: unknown[]) => {
  P(s, "platform-policy").policy = doc(...stmts);
};
/** Adds a statement to the orders role (approved narrowly, so new grants are expansions). */
const orders = (s: AnalyzerResourceInput[], ...stmts: unknown[]) => {
  const d = JSON.parse(P(s, "orders-api-policy").policy as string);
  d.Statement.push(...stmts);
  P(s, "orders-api-policy").policy = JSON.stringify(d);
};
const TABLE_ARN = `arn:aws:dynamodb:${REGION}:${ACCOUNT}:table/serverless-staging-orders`;

const runtime = (r: unknown) => (s: AnalyzerResourceInput[]) => void (fn(s).runtime = r);
const image = (i: unknown) => (s: AnalyzerResourceInput[]) =>
  void ((P(s, "build").environment as Record<string, unknown>).image = i);
/** Sets inputs of the function's RuntimeManagementConfig (undefined deletes one). */
const rmc = (inputs: Record<string, unknown>) => (s: AnalyzerResourceInput[]) => {
  const p = P(s, "orders-api-runtime");
  for (const [k, v] of Object.entries(inputs)) {
    if (v === undefined) delete p[k];
    else p[k] = v;
  }
};
const envVar = (k: string, v: unknown) => (s: AnalyzerResourceInput[]) => void (env(s)[k] = v);

export const BAD: CorpusCase[] = [
  // lambda-runtime-supported (today is fixed at 2026-11-15 for the corpus)
  { name: "deprecated runtime nodejs18.x", expect: "lambda-runtime-supported", mutate: runtime("nodejs18.x") },
  { name: "deprecated runtime nodejs20.x", expect: "lambda-runtime-supported", mutate: runtime("nodejs20.x") },
  { name: "deprecated runtime python3.9", expect: "lambda-runtime-supported", mutate: runtime("python3.9") },
  { name: "deprecated runtime java8", expect: "lambda-runtime-supported", mutate: runtime("java8") },
  { name: "deprecated runtime go1.x", expect: "lambda-runtime-supported", mutate: runtime("go1.x") },
  { name: "runtime not in the table", expect: "lambda-runtime-supported", mutate: runtime("nodejs99.x") },
  { name: "no runtime on a zip function", expect: "lambda-runtime-supported", mutate: (s) => void delete fn(s).runtime },
  { name: "runtime unknown at preview (fail closed)", expect: "lambda-runtime-supported", mutate: runtime(UNKNOWN) },
  // lambda-runtime-pinned (the function's $LATEST is pinned by the separate RuntimeManagementConfig)
  { name: "function without any RuntimeManagementConfig (AWS default Auto)", expect: "lambda-runtime-pinned", mutate: (s) => void remove(s, "orders-api-runtime") },
  { name: "RuntimeManagementConfig with updateRuntimeOn Auto", expect: "lambda-runtime-pinned", mutate: rmc({ updateRuntimeOn: "Auto" }) },
  { name: "RuntimeManagementConfig without updateRuntimeOn (Auto)", expect: "lambda-runtime-pinned", mutate: rmc({ updateRuntimeOn: undefined }) },
  { name: "updateRuntimeOn Manual without a version ARN", expect: "lambda-runtime-pinned", mutate: rmc({ updateRuntimeOn: "Manual" }) },
  { name: "updateRuntimeOn in the wrong case", expect: "lambda-runtime-pinned", mutate: rmc({ updateRuntimeOn: "functionupdate" }) },
  { name: "RuntimeManagementConfig pointing at another function", expect: "lambda-runtime-pinned", mutate: rmc({ functionName: "serverless-staging-other" }) },
  { name: "RuntimeManagementConfig on a function whose name only starts alike", expect: "lambda-runtime-pinned", mutate: rmc({ functionName: `${FN}-v2` }) },
  { name: "RuntimeManagementConfig on a published version, not $LATEST", expect: "lambda-runtime-pinned", mutate: rmc({ qualifier: "1" }) },
  { name: "RuntimeManagementConfig on a version given as an ARN suffix", expect: "lambda-runtime-pinned", mutate: rmc({ functionName: `arn:aws:lambda:${REGION}:${ACCOUNT}:function:${FN}:3` }) },
  {
    name: "RuntimeManagementConfig in another region than the function",
    expect: "lambda-runtime-pinned",
    mutate: (s) => {
      fn(s).region = REGION;
      rmc({ region: "us-east-1" })(s);
    },
  },
  {
    name: "a second RuntimeManagementConfig on the same function setting Auto",
    expect: "lambda-runtime-pinned",
    mutate: (s) => void s.push(res(RMC, "orders-api-runtime-2", { functionName: FN, updateRuntimeOn: "Auto" })),
  },
  { name: "legacy inline runtimeManagementConfig Auto beside a pinning resource", expect: "lambda-runtime-pinned", mutate: (s) => void (fn(s).runtimeManagementConfig = { updateRuntimeOn: "Auto" }) },
  { name: "RuntimeManagementConfig functionName unknown at preview (fail closed)", expect: "lambda-runtime-pinned", mutate: rmc({ functionName: UNKNOWN }) },
  { name: "RuntimeManagementConfig qualifier unknown at preview (fail closed)", expect: "lambda-runtime-pinned", mutate: rmc({ qualifier: UNKNOWN }) },
  { name: "updateRuntimeOn unknown at preview (fail closed)", expect: "lambda-runtime-pinned", mutate: rmc({ updateRuntimeOn: UNKNOWN }) },
  { name: "Manual with a runtime version ARN unknown at preview (fail closed)", expect: "lambda-runtime-pinned", mutate: rmc({ updateRuntimeOn: "Manual", runtimeVersionArn: UNKNOWN }) },
  { name: "legacy inline runtimeManagementConfig unknown at preview (fail closed)", expect: "lambda-runtime-pinned", mutate: (s) => void (fn(s).runtimeManagementConfig = UNKNOWN) },
  {
    name: "image function by :latest tag",
    expect: "lambda-runtime-pinned",
    mutate: (s) => {
      const f = fn(s);
      delete f.runtime;
      delete f.handler;
      delete f.runtimeManagementConfig;
      Object.assign(f, { packageType: "Image", imageUri: `${ACCOUNT}.dkr.ecr.${REGION}.amazonaws.com/orders:latest` });
    },
  },
  {
    name: "image function by version tag",
    expect: "lambda-runtime-pinned",
    mutate: (s) => void Object.assign(fn(s), { packageType: "Image", runtime: undefined, imageUri: `${ACCOUNT}.dkr.ecr.${REGION}.amazonaws.com/orders:v1.2.3` }),
  },
  {
    name: "image URI unknown at preview (fail closed)",
    expect: "lambda-runtime-pinned",
    mutate: (s) => void Object.assign(fn(s), { packageType: "Image", runtime: undefined, imageUri: UNKNOWN }),
  },
  // codebuild-image-pinned
  { name: "CodeBuild image :latest", expect: "codebuild-image-pinned", mutate: image("aws/codebuild/standard:latest") },
  { name: "CodeBuild image :LATEST in capitals", expect: "codebuild-image-pinned", mutate: image("aws/codebuild/standard:LATEST") },
  { name: "CodeBuild image without tag", expect: "codebuild-image-pinned", mutate: image("aws/codebuild/standard") },
  { name: "CodeBuild image on a registry port without tag", expect: "codebuild-image-pinned", mutate: image("registry.example.com:5000/build/node") },
  { name: "CodeBuild image unknown at preview (fail closed)", expect: "codebuild-image-pinned", mutate: image(UNKNOWN) },
  // lambda-alarms-required
  { name: "no Errors alarm", expect: "lambda-alarms-required", mutate: (s) => void remove(s, "orders-api-errors") },
  {
    name: "no Throttles alarm",
    expect: "lambda-alarms-required",
    mutate: (s) => {
      remove(s, "orders-api-throttles");
      group(s).alarmConfiguration = { enabled: true, alarms: ["serverless-staging-orders-api-errors"] };
    },
  },
  { name: "Errors alarm on another function", expect: "lambda-alarms-required", mutate: (s) => void (P(s, "orders-api-errors").dimensions = { FunctionName: "serverless-staging-other" }) },
  { name: "Errors alarm on another function's alias", expect: "lambda-alarms-required", mutate: (s) => void (P(s, "orders-api-errors").dimensions = { FunctionName: FN, Resource: "serverless-staging-other:live" }) },
  { name: "Errors alarm in the wrong namespace", expect: "lambda-alarms-required", mutate: (s) => void (P(s, "orders-api-errors").namespace = "AWS/Lambdas") },
  { name: "alarm on metric Error instead of Errors", expect: "lambda-alarms-required", mutate: (s) => void (P(s, "orders-api-errors").metricName = "Error") },
  { name: "alarm FunctionName unknown at preview (fail closed)", expect: "lambda-alarms-required", mutate: (s) => void (P(s, "orders-api-throttles").dimensions = { FunctionName: UNKNOWN }) },
  { name: "function name unknown at preview (fail closed)", expect: "lambda-alarms-required", also: ["lambda-runtime-pinned"], mutate: (s) => void (fn(s).name = UNKNOWN) },
  // codedeploy-alarm-rollback
  { name: "deployment group with alarms disabled", expect: "codedeploy-alarm-rollback", mutate: (s) => void ((group(s).alarmConfiguration as Record<string, unknown>).enabled = false) },
  { name: "deployment group without alarm configuration", expect: "codedeploy-alarm-rollback", mutate: (s) => void delete group(s).alarmConfiguration },
  { name: "deployment group naming an alarm not in the stack", expect: "codedeploy-alarm-rollback", mutate: (s) => void (group(s).alarmConfiguration = { enabled: true, alarms: ["some-other-alarm"] }) },
  { name: "deployment group naming no alarm", expect: "codedeploy-alarm-rollback", mutate: (s) => void (group(s).alarmConfiguration = { enabled: true, alarms: [] }) },
  { name: "automatic rollback disabled", expect: "codedeploy-alarm-rollback", mutate: (s) => void ((group(s).autoRollbackConfiguration as Record<string, unknown>).enabled = false) },
  { name: "rollback without DEPLOYMENT_STOP_ON_ALARM", expect: "codedeploy-alarm-rollback", mutate: (s) => void (group(s).autoRollbackConfiguration = { enabled: true, events: ["DEPLOYMENT_FAILURE"] }) },
  { name: "rollback without DEPLOYMENT_FAILURE", expect: "codedeploy-alarm-rollback", mutate: (s) => void (group(s).autoRollbackConfiguration = { enabled: true, events: ["DEPLOYMENT_STOP_ON_ALARM"] }) },
  { name: "ignorePollAlarmFailure true", expect: "codedeploy-alarm-rollback", mutate: (s) => void ((group(s).alarmConfiguration as Record<string, unknown>).ignorePollAlarmFailure = true) },
  { name: "alarm list unknown at preview (fail closed)", expect: "codedeploy-alarm-rollback", mutate: (s) => void ((group(s).alarmConfiguration as Record<string, unknown>).alarms = UNKNOWN) },
  // alarm-has-action
  { name: "alarm without alarmActions", expect: "alarm-has-action", mutate: (s) => void delete P(s, "orders-api-errors").alarmActions },
  { name: "alarm with empty alarmActions", expect: "alarm-has-action", mutate: (s) => void (P(s, "fulfil-order-dlq-depth").alarmActions = []) },
  { name: "alarm with actionsEnabled false", expect: "alarm-has-action", mutate: (s) => void (P(s, "orders-api-throttles").actionsEnabled = false) },
  { name: "alarm actions list unknown at preview (fail closed)", expect: "alarm-has-action", mutate: (s) => void (P(s, "orders-api-throttles").alarmActions = UNKNOWN) },
  {
    name: "composite alarm without actions",
    expect: "alarm-has-action",
    mutate: (s) => void s.push(res("aws:cloudwatch/compositeAlarm:CompositeAlarm", "orders-api-health", { alarmName: "orders-api-health", alarmRule: "ALARM(serverless-staging-orders-api-errors)" })),
  },
  // dlq-depth-alarm
  { name: "dead-letter queue without depth alarm", expect: "dlq-depth-alarm", mutate: (s) => void remove(s, "fulfil-order-dlq-depth") },
  { name: "depth alarm on the source queue instead of the DLQ", expect: "dlq-depth-alarm", mutate: (s) => void (P(s, "fulfil-order-dlq-depth").dimensions = { QueueName: "serverless-staging-fulfil-order" }) },
  { name: "DLQ alarm on the wrong metric", expect: "dlq-depth-alarm", mutate: (s) => void (P(s, "fulfil-order-dlq-depth").metricName = "NumberOfMessagesSent") },
  {
    name: "DLQ named by a separate RedrivePolicy resource, no alarm",
    expect: "dlq-depth-alarm",
    mutate: (s) => {
      delete P(s, "fulfil-order-queue").redrivePolicy;
      remove(s, "fulfil-order-dlq-depth");
      s.push(res("aws:sqs/redrivePolicy:RedrivePolicy", "fulfil-order-redrive", {
        queueUrl: `https://sqs.${REGION}.amazonaws.com/${ACCOUNT}/serverless-staging-fulfil-order`,
        redrivePolicy: JSON.stringify({ deadLetterTargetArn: `arn:aws:sqs:${REGION}:${ACCOUNT}:${DLQ}`, maxReceiveCount: 3 }),
      }));
    },
  },
  {
    name: "DLQ ARN unknown at preview and an unwatched queue (fail closed)",
    expect: "dlq-depth-alarm",
    mutate: (s) => {
      remove(s, "fulfil-order-dlq-depth");
      P(s, "fulfil-order-queue").redrivePolicy = UNKNOWN;
    },
  },
  {
    name: "function dead-letter config on a queue without alarm",
    expect: "dlq-depth-alarm",
    mutate: (s) => {
      s.push(res("aws:sqs/queue:Queue", "orders-api-dlq", { name: "serverless-staging-orders-api-dlq" }));
      fn(s).deadLetterConfig = { targetArn: `arn:aws:sqs:${REGION}:${ACCOUNT}:serverless-staging-orders-api-dlq` };
    },
  },
  // lambda-no-plaintext-secrets
  { name: "AKIA access key id in env", expect: "lambda-no-plaintext-secrets", mutate: envVar("AWS_KEY", "AKIAIOSFODNN7EXAMPLE") },
  { name: "ASIA session key id in an innocent name", expect: "lambda-no-plaintext-secrets", mutate: envVar("UPSTREAM", "ASIAY34FZKBOKMUTVV7A") },
  { name: "password literal", expect: "lambda-no-plaintext-secrets", mutate: envVar("DB_PASSWORD", "hunter2") },
  { name: "lower-case api key name", expect: "lambda-no-plaintext-secrets", mutate: envVar("stripe_api_key", "not-really-a-key") },
  { name: "GitHub token", expect: "lambda-no-plaintext-secrets", mutate: envVar("GH", "ghp_" + "a1B2c3D4e5F6g7H8i9J0k1L2m3N4o5P6q7R8") },
  { name: "Slack bot token", expect: "lambda-no-plaintext-secrets", mutate: envVar("NOTIFY", "xoxb-123456789012-abcdefghijkl") },
  { name: "PEM private key", expect: "lambda-no-plaintext-secrets", mutate: envVar("CERT", "-----BEGIN RSA PRIVATE KEY-----\nMIIEow...\n-----END RSA PRIVATE KEY-----") },
  { name: "JWT", expect: "lambda-no-plaintext-secrets", mutate: envVar("UPSTREAM_AUTH", "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U") },
  { name: "high-entropy string", expect: "lambda-no-plaintext-secrets", mutate: envVar("CONFIG_BLOB", "q8ZkV3pX9mR2tL7wY4bN6cJ1hG5dF0sA3eU8iO2") },
  { name: "secret-named variable unknown at preview (fail closed)", expect: "lambda-no-plaintext-secrets", mutate: envVar("PAYMENT_TOKEN", UNKNOWN) },
  { name: "environment variables unknown at preview (fail closed)", expect: "lambda-no-plaintext-secrets", mutate: (s) => void (fn(s).environment = { variables: UNKNOWN }) },
  // iam-no-privilege-expansion (the orders role is approved narrowly)
  { name: "new action on a specific table", expect: "iam-no-privilege-expansion", mutate: (s) => orders(s, { Effect: "Allow", Action: "dynamodb:DeleteTable", Resource: TABLE_ARN }) },
  { name: "new action in mixed case", expect: "iam-no-privilege-expansion", mutate: (s) => orders(s, { Effect: "Allow", Action: "DynamoDB:deleteTABLE", Resource: TABLE_ARN }) },
  { name: "wider resource on an approved action", expect: "iam-no-privilege-expansion", mutate: (s) => orders(s, { Effect: "Allow", Action: "events:PutEvents", Resource: `arn:aws:events:${REGION}:${ACCOUNT}:event-bus/*` }) },
  { name: "conditioned grant not in the baseline", expect: "iam-no-privilege-expansion", mutate: (s) => orders(s, { Effect: "Allow", Action: "s3:GetObject", Resource: "arn:aws:s3:::reports/*", Condition: { StringEquals: { "aws:PrincipalTag/team": "orders" } } }) },
  {
    name: "grant split into an iam.Policy and a RolePolicyAttachment",
    expect: "iam-no-privilege-expansion",
    mutate: (s) => {
      const arn = `arn:aws:iam::${ACCOUNT}:policy/orders-extra`;
      s.push(res("aws:iam/policy:Policy", "orders-extra", { name: "orders-extra", policy: doc({ Effect: "Allow", Action: "sqs:SendMessage", Resource: `arn:aws:sqs:${REGION}:${ACCOUNT}:other` }) }));
      s.push(res("aws:iam/rolePolicyAttachment:RolePolicyAttachment", "orders-extra-attach", { role: ROLE, policyArn: arn }));
    },
  },
  {
    name: "grant through a PolicyAttachment with roles[]",
    expect: "iam-no-privilege-expansion",
    mutate: (s) => {
      const arn = `arn:aws:iam::${ACCOUNT}:policy/shared-read`;
      s.push(res("aws:iam/policy:Policy", "shared-read", { name: "shared-read", policy: doc({ Effect: "Allow", Action: "dynamodb:Scan", Resource: TABLE_ARN }) }));
      s.push(res("aws:iam/policyAttachment:PolicyAttachment", "shared-read-attach", { name: "shared-read", roles: [ROLE], policyArn: arn }));
    },
  },
  { name: "grant through Role.inlinePolicies", expect: "iam-no-privilege-expansion", mutate: (s) => void (P(s, "orders-api-role").inlinePolicies = [{ name: "extra", policy: doc({ Effect: "Allow", Action: "sns:Publish", Resource: TOPIC_ARN }) }]) },
  { name: "read-only managed policy attached by ARN", expect: "iam-no-privilege-expansion", mutate: (s) => void (P(s, "orders-api-role").managedPolicyArns = ["arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess"]) },
  {
    name: "trust widened to a second service",
    expect: "iam-no-privilege-expansion",
    mutate: (s) => void (P(s, "orders-api-role").assumeRolePolicy = doc(...LAMBDA_TRUST.Statement, { Effect: "Allow", Principal: { Service: "events.amazonaws.com" }, Action: "sts:AssumeRole" })),
  },
  {
    name: "role missing from the baseline",
    expect: "iam-no-privilege-expansion",
    mutate: (s) => {
      s.push(res("aws:iam/role:Role", "reports-role", { name: "serverless-staging-reports", assumeRolePolicy: JSON.stringify(LAMBDA_TRUST) }));
      s.push(res("aws:iam/rolePolicy:RolePolicy", "reports-policy", { role: "serverless-staging-reports", policy: doc({ Effect: "Allow", Action: "logs:PutLogEvents", Resource: "arn:aws:logs:eu-west-1:123456789012:log-group:/reports:*" }) }));
    },
  },
  { name: "policy JSON with a value unknown at preview (fail closed)", expect: ABS.unverifiable, mutate: (s) => orders(s, { Effect: "Allow", Action: "sqs:SendMessage", Resource: UNKNOWN }) },
  {
    name: "policy object with a resource unknown at preview (fail closed)",
    expect: "iam-no-privilege-expansion",
    mutate: (s) => {
      const d = JSON.parse(P(s, "orders-api-policy").policy as string);
      d.Statement.push({ Effect: "Allow", Action: "sqs:SendMessage", Resource: UNKNOWN });
      P(s, "orders-api-policy").policy = d;
    },
  },
  { name: "Action * on a specific bucket (the wildcard in disguise)", expect: "iam-no-privilege-expansion", mutate: (s) => orders(s, { Effect: "Allow", Action: "s3:Get*", Resource: "arn:aws:s3:::reports/*" }) },
  // absolute IAM rules (on the platform role, whose baseline approves everything)
  { name: "Action * on Resource *", expect: ABS.wildcardAction, also: [ABS.passRole, ABS.escalation], mutate: (s) => platform(s, { Effect: "Allow", Action: "*", Resource: "*" }) },
  { name: "service wildcard s3:* on *", expect: ABS.wildcardAction, mutate: (s) => platform(s, { Effect: "Allow", Action: "s3:*", Resource: "*" }) },
  { name: "Allow with NotAction", expect: ABS.notAction, also: [ABS.escalation], mutate: (s) => platform(s, { Effect: "Allow", NotAction: "iam:*", Resource: `arn:aws:s3:::reports/*` }) },
  { name: "iam:PassRole on * in mixed case", expect: ABS.passRole, mutate: (s) => platform(s, { Effect: "Allow", Action: "IAM:passrole", Resource: "*" }) },
  { name: "iam:CreatePolicyVersion escalation", expect: ABS.escalation, mutate: (s) => platform(s, { Effect: "Allow", Action: "iam:CreatePolicyVersion", Resource: `arn:aws:iam::${ACCOUNT}:policy/*` }) },
  {
    name: "PassRole + lambda:CreateFunction + InvokeFunction split across a RolePolicy and an attachment",
    expect: ABS.escalation,
    mutate: (s) => {
      platform(s, { Effect: "Allow", Action: "iam:PassRole", Resource: `arn:aws:iam::${ACCOUNT}:role/serverless-staging-admin` });
      const arn = `arn:aws:iam::${ACCOUNT}:policy/platform-lambda`;
      s.push(res("aws:iam/policy:Policy", "platform-lambda", { name: "platform-lambda", policy: doc({ Effect: "Allow", Action: ["lambda:CreateFunction", "lambda:InvokeFunction"], Resource: `arn:aws:lambda:${REGION}:${ACCOUNT}:function:*` }) }));
      s.push(res("aws:iam/rolePolicyAttachment:RolePolicyAttachment", "platform-lambda-attach", { role: "serverless-staging-platform", policyArn: arn }));
    },
  },
  { name: "AdministratorAccess attached", expect: ABS.adminPolicy, mutate: (s) => void (P(s, "platform-role").managedPolicyArns = ["arn:aws:iam::aws:policy/AdministratorAccess"]) },
  {
    name: "PowerUserAccess through a RolePolicyAttachment",
    expect: ABS.adminPolicy,
    mutate: (s) => void s.push(res("aws:iam/rolePolicyAttachment:RolePolicyAttachment", "platform-poweruser", { role: "serverless-staging-platform", policyArn: "arn:aws:iam::aws:policy/PowerUserAccess" })),
  },
  { name: "trust open to *", expect: ABS.openTrust, mutate: (s) => void (P(s, "platform-role").assumeRolePolicy = doc({ Effect: "Allow", Principal: "*", Action: "sts:AssumeRole" })) },
  { name: "trust open to any AWS account", expect: ABS.openTrust, mutate: (s) => void (P(s, "platform-role").assumeRolePolicy = doc({ Effect: "Allow", Principal: { AWS: "*" }, Action: "sts:AssumeRole" })) },
  { name: "lambda.Permission with principal *", expect: ABS.openPermission, mutate: (s) => void (P(s, "orders-api-http").principal = "*") },
  { name: "service principal Permission without sourceArn", expect: ABS.openPermission, mutate: (s) => void delete P(s, "orders-api-http").sourceArn },
];

export const GOOD: CorpusCase[] = [
  { name: "the good stack itself", expect: null, mutate: () => undefined },
  { name: "alarm actions with an element unknown at preview", expect: null, mutate: (s) => void (P(s, "orders-api-errors").alarmActions = [UNKNOWN]) },
  { name: "a secret-named variable holding a Secrets Manager ARN", expect: null, mutate: envVar("API_TOKEN", `arn:aws:secretsmanager:${REGION}:${ACCOUNT}:secret:api-token-AbCdEf`) },
  { name: "a password variable holding an SSM parameter name", expect: null, mutate: envVar("DB_PASSWORD", "/serverless/staging/db-password") },
  { name: "an unknown value in a variable not named like a secret", expect: null, mutate: envVar("TABLE_NAME", UNKNOWN) },
  { name: "updateRuntimeOn Manual with a runtime version ARN", expect: null, mutate: rmc({ updateRuntimeOn: "Manual", runtimeVersionArn: `arn:aws:lambda:${REGION}::runtime:0123456789abcdef` }) },
  { name: "a RuntimeManagementConfig naming the function by its ARN", expect: null, mutate: rmc({ functionName: `arn:aws:lambda:${REGION}:${ACCOUNT}:function:${FN}` }) },
  { name: "a RuntimeManagementConfig naming the function by a partial ARN with $LATEST", expect: null, mutate: rmc({ functionName: `${ACCOUNT}:function:${FN}:$LATEST` }) },
  { name: "a RuntimeManagementConfig with qualifier $LATEST", expect: null, mutate: rmc({ qualifier: "$LATEST" }) },
  {
    name: "a further pinning config with an unknown functionName while the function is already pinned",
    expect: null,
    mutate: (s) => void s.push(res(RMC, "extra-runtime", { functionName: UNKNOWN, updateRuntimeOn: "FunctionUpdate" })),
  },
  {
    name: "the legacy inline runtimeManagementConfig instead of the resource (older providers)",
    expect: null,
    mutate: (s) => {
      remove(s, "orders-api-runtime");
      fn(s).runtimeManagementConfig = { updateRuntimeOn: "FunctionUpdate" };
    },
  },
  {
    name: "an image function by digest",
    expect: null,
    mutate: (s) => void Object.assign(fn(s), { packageType: "Image", runtime: undefined, handler: undefined, runtimeManagementConfig: undefined, imageUri: `${ACCOUNT}.dkr.ecr.${REGION}.amazonaws.com/orders@sha256:${"a".repeat(64)}` }),
  },
  {
    name: "an image function by digest without any RuntimeManagementConfig (its image carries the runtime)",
    expect: null,
    mutate: (s) => {
      remove(s, "orders-api-runtime");
      Object.assign(fn(s), { packageType: "Image", runtime: undefined, handler: undefined, imageUri: `${ACCOUNT}.dkr.ecr.${REGION}.amazonaws.com/orders@sha256:${"c".repeat(64)}` });
    },
  },
  { name: "a CodeBuild image pinned by digest", expect: null, mutate: image(`public.ecr.aws/codebuild/amazonlinux-x86_64-standard@sha256:${"b".repeat(64)}`) },
  { name: "a nodejs22.x runtime (supported in November 2026)", expect: null, mutate: runtime("nodejs22.x") },
  { name: "Errors alarm with the function alone as dimension", expect: null, mutate: (s) => void (P(s, "orders-api-errors").dimensions = { FunctionName: FN }) },
  {
    name: "Errors watched through a metric-math alarm",
    expect: null,
    mutate: (s) => {
      const a = P(s, "orders-api-errors");
      for (const k of ["namespace", "metricName", "dimensions", "statistic", "period"]) delete a[k];
      a.metricQueries = [
        { id: "errors", metric: { namespace: "AWS/Lambda", metricName: "Errors", dimensions: { FunctionName: FN }, stat: "Sum", period: 60 }, returnData: false },
        { id: "rate", expression: "errors", returnData: true },
      ];
    },
  },
  {
    name: "DLQ ARN unknown at preview, every other queue watched",
    expect: null,
    mutate: (s) => {
      P(s, "fulfil-order-queue").redrivePolicy = UNKNOWN;
      s.push(alarm("fulfil-order-depth", "AWS/SQS", "ApproximateNumberOfMessagesVisible", { QueueName: "serverless-staging-fulfil-order" }));
    },
  },
  {
    name: "DLQ ARN unknown at preview but traced to the watched DLQ through its dependencies",
    expect: null,
    mutate: (s) => {
      const q = pick(s, "fulfil-order-queue");
      q.properties.redrivePolicy = UNKNOWN;
      q.propertyDependencies = { redrivePolicy: [pick(s, "fulfil-order-dlq").urn] };
    },
  },
  { name: "an approved grant written in another case and order", expect: null, mutate: (s) => orders(s, { Effect: "Allow", Action: ["LOGS:putlogevents"], Resource: [`arn:aws:logs:${REGION}:${ACCOUNT}:log-group:/aws/lambda/${FN}:*`] }) },
  { name: "a Deny added to the orders role", expect: null, mutate: (s) => orders(s, { Effect: "Deny", Action: "events:PutEvents", Resource: BUS_ARN, Condition: { Bool: { "aws:SecureTransport": "false" } } }) },
  { name: "a Permission for a service principal with sourceAccount", expect: null, mutate: (s) => void Object.assign(P(s, "orders-api-http"), { sourceArn: undefined, principal: "events.amazonaws.com", sourceAccount: ACCOUNT }) },
];
