import { UNKNOWN } from "./monitor";

/**
 * The few inputs a reviewer looks at per type; everything else is in `--json`. Types not listed
 * show their name-like input only.
 */
export const KEY_INPUTS: Readonly<Record<string, readonly string[]>> = {
  "aws:lambda/function:Function": ["name", "runtime", "architectures", "memorySize", "timeout", "reservedConcurrentExecutions"],
  "aws:lambda/alias:Alias": ["name"],
  "aws:lambda/permission:Permission": ["principal", "action"],
  "aws:lambda/eventSourceMapping:EventSourceMapping": ["batchSize", "functionResponseTypes"],
  "aws:lambda/provisionedConcurrencyConfig:ProvisionedConcurrencyConfig": ["provisionedConcurrentExecutions"],
  "aws:iam/role:Role": ["name"],
  "aws:iam/rolePolicy:RolePolicy": ["name"],
  "aws:iam/policy:Policy": ["name"],
  "aws:sqs/queue:Queue": ["name", "visibilityTimeoutSeconds", "messageRetentionSeconds"],
  "aws:cloudwatch/logGroup:LogGroup": ["name", "retentionInDays"],
  "aws:cloudwatch/metricAlarm:MetricAlarm": ["metricName", "threshold", "evaluationPeriods", "period"],
  "aws:cloudwatch/eventBus:EventBus": ["name"],
  "aws:cloudwatch/eventRule:EventRule": ["name", "scheduleExpression"],
  "aws:codedeploy/deploymentGroup:DeploymentGroup": ["deploymentGroupName", "deploymentConfigName"],
  "aws:codedeploy/deploymentConfig:DeploymentConfig": ["deploymentConfigName"],
  "aws:codedeploy/application:Application": ["name", "computePlatform"],
  "aws:apigatewayv2/api:Api": ["name", "protocolType"],
  "aws:apigatewayv2/route:Route": ["routeKey"],
  "aws:apigatewayv2/stage:Stage": ["name", "autoDeploy"],
  "aws:dynamodb/table:Table": ["name", "billingMode", "hashKey"],
  "aws:s3/bucketV2:BucketV2": ["bucket"],
  "aws:s3/bucket:Bucket": ["bucket"],
  "aws:codepipeline/pipeline:Pipeline": ["name", "pipelineType"],
  "aws:codebuild/project:Project": ["name"],
  "aws:sns/topic:Topic": ["name"],
};

const FALLBACK = ["name"];

export function keyInputsOf(type: string, inputs: Record<string, unknown>): [string, unknown][] {
  return (KEY_INPUTS[type] ?? FALLBACK).filter((k) => inputs[k] !== undefined).map((k) => [k, inputs[k]]);
}

/** A value as a person reads it in a one-line summary. */
export function showValue(v: unknown): string {
  if (v === UNKNOWN) return "(known after apply)";
  if (typeof v === "string") return v;
  const s = JSON.stringify(v, (_k, x) => (x === UNKNOWN ? "(known after apply)" : x));
  return s.length > 60 ? `${s.slice(0, 57)}...` : s;
}
