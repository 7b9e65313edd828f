import { createHash } from "node:crypto";

/**
 * Which resource types the AWS provider names itself when the program gives no name, and in which
 * property. The provider decides this in its Go schema (`AutoName` in pulumi-aws resources.go);
 * the Node SDK carries no trace of it, so it cannot be derived from `@pulumi/aws`. This list covers
 * the types this project creates plus the common ones; a type not listed keeps whatever the
 * program gave, and its name stays unknown at preview if the program gave none, which is the
 * safe direction (a rule never sees an invented name).
 */
export const AUTONAMED: Readonly<Record<string, AutoName>> = {
  "aws:iam/role:Role": { property: "name", maxLength: 64 },
  "aws:iam/policy:Policy": { property: "name", maxLength: 128 },
  "aws:iam/rolePolicy:RolePolicy": { property: "name", maxLength: 128 },
  "aws:iam/instanceProfile:InstanceProfile": { property: "name", maxLength: 128 },
  "aws:lambda/function:Function": { property: "name", maxLength: 64 },
  "aws:sqs/queue:Queue": { property: "name", maxLength: 80, fifoSuffix: true },
  "aws:sns/topic:Topic": { property: "name", maxLength: 256, fifoSuffix: true },
  "aws:cloudwatch/logGroup:LogGroup": { property: "name", maxLength: 512 },
  "aws:cloudwatch/metricAlarm:MetricAlarm": { property: "name", maxLength: 255 },
  "aws:cloudwatch/compositeAlarm:CompositeAlarm": { property: "alarmName", maxLength: 255 },
  "aws:cloudwatch/eventBus:EventBus": { property: "name", maxLength: 256 },
  "aws:cloudwatch/eventRule:EventRule": { property: "name", maxLength: 64 },
  "aws:dynamodb/table:Table": { property: "name", maxLength: 255 },
  "aws:codedeploy/application:Application": { property: "name", maxLength: 100 },
  "aws:codebuild/project:Project": { property: "name", maxLength: 150 },
  "aws:codepipeline/pipeline:Pipeline": { property: "name", maxLength: 100 },
  "aws:codestarnotifications/notificationRule:NotificationRule": { property: "name", maxLength: 64 },
  "aws:apigatewayv2/api:Api": { property: "name", maxLength: 128 },
  "aws:scheduler/schedule:Schedule": { property: "name", maxLength: 64 },
  "aws:s3/bucket:Bucket": { property: "bucket", maxLength: 63, lowercase: true },
  "aws:s3/bucketV2:BucketV2": { property: "bucket", maxLength: 63, lowercase: true },
};

export interface AutoName {
  property: string;
  maxLength: number;
  /** FIFO queues and topics must end in `.fifo`; the provider appends it. */
  fifoSuffix?: boolean;
  /** S3 bucket names are lowercase; the provider lowercases the logical name. */
  lowercase?: boolean;
}

/**
 * The provider's default name: `<logical name>-<7 hex>`. A real preview draws the suffix at
 * random; here it is the URN's sha256, so the same program gives the same plan every time.
 * Returns undefined when the program set the name or a `namePrefix` (then the provider draws the
 * name at create time, and it is unknown at preview), or the type does not autoname.
 */
export function autoName(type: string, urn: string, logicalName: string, inputs: Record<string, unknown>): [string, string] | undefined {
  const rule = AUTONAMED[type];
  if (!rule || inputs[rule.property] !== undefined) return undefined;
  if (inputs[`${rule.property}Prefix`] !== undefined || inputs.namePrefix !== undefined) return undefined;
  const suffix = createHash("sha256").update(urn).digest("hex").slice(0, 7);
  const fifo = rule.fifoSuffix && inputs.fifoQueue === true ? ".fifo" : rule.fifoSuffix && inputs.fifoTopic === true ? ".fifo" : "";
  let base = rule.lowercase ? logicalName.toLowerCase() : logicalName;
  const room = rule.maxLength - suffix.length - 1 - fifo.length;
  if (base.length > room) base = base.slice(0, room);
  return [rule.property, `${base}-${suffix}${fifo}`];
}
