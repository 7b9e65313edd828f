/**
 * A small stack that passes every rule: one HTTP function with its role, runtime management
 * config, alarms, canary deployment group and invoke permission; a queue with its dead-letter queue and depth alarm; a
 * CodeBuild project; a deliberately wide role ("platform-role") whose baseline approves everything,
 * so cases can break an absolute IAM rule without also being a privilege expansion.
 * Bad cases are this stack with exactly one change.
 */
import type { AnalyzerResourceInput } from "../../../tools/lib/policy-pack-client";

export const ACCOUNT = "123456789012";
export const REGION = "eu-west-1";
export const FN = "serverless-staging-orders-api";
export const ROLE = "serverless-staging-orders-api";
export const BUS_ARN = `arn:aws:events:${REGION}:${ACCOUNT}:event-bus/serverless-staging-bus`;
export const LOG_ARN = `arn:aws:logs:${REGION}:${ACCOUNT}:log-group:/aws/lambda/${FN}:*`;
export const TOPIC_ARN = `arn:aws:sns:${REGION}:${ACCOUNT}:serverless-staging-alarms`;
export const DLQ = "serverless-staging-fulfil-order-dlq";
export const QUEUE = "serverless-staging-fulfil-order";
export const RMC = "aws:lambda/runtimeManagementConfig:RuntimeManagementConfig";

export function urn(type: string, name: string): string {
  return `urn:pulumi:staging::serverless::${type}::${name}`;
}

export function res(type: string, name: string, properties: Record<string, unknown>): AnalyzerResourceInput {
  return { type, name, urn: urn(type, name), properties };
}

export const LAMBDA_TRUST = {
  Version: "2012-10-17",
  Statement: [{ Effect: "Allow", Principal: { Service: "lambda.amazonaws.com" }, Action: "sts:AssumeRole" }],
};

export const ORDERS_PERMISSIONS = {
  Version: "2012-10-17",
  Statement: [
    { Effect: "Allow", Action: "events:PutEvents", Resource: BUS_ARN },
    { Effect: "Allow", Action: ["logs:CreateLogStream", "logs:PutLogEvents"], Resource: LOG_ARN },
  ],
};

export const PLATFORM_PERMISSIONS = {
  Version: "2012-10-17",
  Statement: [{ Effect: "Allow", Action: "logs:PutLogEvents", Resource: `arn:aws:logs:${REGION}:${ACCOUNT}:log-group:/platform:*` }],
};

export function alarm(name: string, namespace: string, metricName: string, dimensions: Record<string, unknown>, extra: Record<string, unknown> = {}) {
  return res("aws:cloudwatch/metricAlarm:MetricAlarm", name, {
    name: `serverless-staging-${name}`,
    namespace,
    metricName,
    dimensions,
    statistic: "Sum",
    period: 60,
    evaluationPeriods: 1,
    threshold: 0,
    comparisonOperator: "GreaterThanThreshold",
    alarmActions: [TOPIC_ARN],
    ...extra,
  });
}

/** The good stack, fresh on every call so cases can mutate it. */
export function goodStack(): AnalyzerResourceInput[] {
  return [
    res("aws:iam/role:Role", "orders-api-role", { name: ROLE, assumeRolePolicy: JSON.stringify(LAMBDA_TRUST) }),
    res("aws:iam/rolePolicy:RolePolicy", "orders-api-policy", { role: ROLE, policy: JSON.stringify(ORDERS_PERMISSIONS) }),
    res("aws:iam/role:Role", "platform-role", { name: "serverless-staging-platform", assumeRolePolicy: JSON.stringify(LAMBDA_TRUST) }),
    res("aws:iam/rolePolicy:RolePolicy", "platform-policy", { role: "serverless-staging-platform", policy: JSON.stringify(PLATFORM_PERMISSIONS) }),
    res("aws:lambda/function:Function", "orders-api", {
      name: FN,
      role: `arn:aws:iam::${ACCOUNT}:role/${ROLE}`,
      runtime: "nodejs24.x",
      handler: "index.handler",
      packageType: "Zip",
      architectures: ["arm64"],
      publish: true,
      environment: { variables: { EVENT_BUS_NAME: "serverless-staging-bus", POWERTOOLS_SERVICE_NAME: "orders-api", LOG_LEVEL: "INFO" } },
    }),
    // The AWS provider (7.x) models runtime management as its own resource, targeting $LATEST by name.
    res(RMC, "orders-api-runtime", { functionName: FN, updateRuntimeOn: "FunctionUpdate" }),
    res("aws:lambda/alias:Alias", "orders-api-live", { name: "live", functionName: FN, functionVersion: "1" }),
    res("aws:lambda/permission:Permission", "orders-api-http", {
      action: "lambda:InvokeFunction",
      function: FN,
      qualifier: "live",
      principal: "apigateway.amazonaws.com",
      sourceArn: `arn:aws:execute-api:${REGION}:${ACCOUNT}:a1b2c3d4e5/*/*/orders`,
    }),
    alarm("orders-api-errors", "AWS/Lambda", "Errors", { FunctionName: FN, Resource: `${FN}:live` }),
    alarm("orders-api-throttles", "AWS/Lambda", "Throttles", { FunctionName: FN }),
    res("aws:codedeploy/deploymentGroup:DeploymentGroup", "orders-api-deployment", {
      appName: "serverless-staging",
      deploymentGroupName: "orders-api",
      serviceRoleArn: `arn:aws:iam::${ACCOUNT}:role/serverless-staging-codedeploy`,
      deploymentConfigName: "CodeDeployDefault.LambdaCanary10Percent5Minutes",
      deploymentStyle: { deploymentOption: "WITH_TRAFFIC_CONTROL", deploymentType: "BLUE_GREEN" },
      alarmConfiguration: { enabled: true, alarms: ["serverless-staging-orders-api-errors", "serverless-staging-orders-api-throttles"] },
      autoRollbackConfiguration: { enabled: true, events: ["DEPLOYMENT_FAILURE", "DEPLOYMENT_STOP_ON_ALARM"] },
    }),
    res("aws:sqs/queue:Queue", "fulfil-order-dlq", { name: DLQ, messageRetentionSeconds: 1209600 }),
    res("aws:sqs/queue:Queue", "fulfil-order-queue", {
      name: QUEUE,
      redrivePolicy: JSON.stringify({ deadLetterTargetArn: `arn:aws:sqs:${REGION}:${ACCOUNT}:${DLQ}`, maxReceiveCount: 5 }),
    }),
    alarm("fulfil-order-dlq-depth", "AWS/SQS", "ApproximateNumberOfMessagesVisible", { QueueName: DLQ }),
    res("aws:codebuild/project:Project", "build", {
      serviceRole: `arn:aws:iam::${ACCOUNT}:role/serverless-staging-build`,
      artifacts: { type: "CODEPIPELINE" },
      source: { type: "CODEPIPELINE" },
      environment: { image: "aws/codebuild/standard:7.0", type: "LINUX_CONTAINER", computeType: "BUILD_GENERAL1_SMALL" },
    }),
  ];
}

/** The baseline the corpus runs against: the good stack's roles, and the platform role approved for everything. */
export const CORPUS_BASELINE = {
  roles: {
    "orders-api-role": { permissions: ORDERS_PERMISSIONS, trust: LAMBDA_TRUST },
    "platform-role": {
      permissions: { Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: "*", Resource: "*" }] },
      trust: { Version: "2012-10-17", Statement: [{ Effect: "Allow", Principal: "*", Action: "*" }] },
      managedPolicyArns: ["arn:aws:iam::aws:policy/AdministratorAccess", "arn:aws:iam::aws:policy/PowerUserAccess"],
    },
  },
};

/** Finds one resource of the stack by its Pulumi name (throws if absent, so a typo fails the case). */
export function pick(stack: AnalyzerResourceInput[], name: string): AnalyzerResourceInput {
  const r = stack.find((x) => x.name === name);
  if (!r) throw new Error(`corpus: no resource "${name}" in the good stack`);
  return r;
}
