import * as pulumi from "@pulumi/pulumi";

/**
 * Physical names and ARNs, derived from the project, the stack and a logical name, never read
 * from a resource being created: a real preview knows them, so the policy pack can check every
 * grant (it fails closed on unknown values). Builders take `Input<string>` names so a caller can
 * pass a resource's own `name` output: still known at preview, and it keeps the dependency.
 */

/** Where the stack lives and who owns it: everything an ARN needs besides a name. */
export interface StackContext {
  readonly project: string;
  readonly stack: string;
  readonly region: string;
  readonly partition: string;
  /** From `aws.getCallerIdentityOutput()`: an invoke, so known during preview. */
  readonly accountId: pulumi.Input<string>;
}

/** The alias every trigger invokes and CodeDeploy moves. */
export const LIVE_ALIAS = "live";

/** The partition of a region (China and GovCloud differ), without an extra provider call. */
export function partitionOf(region: string): string {
  if (region.startsWith("cn-")) return "aws-cn";
  if (region.startsWith("us-gov-")) return "aws-us-gov";
  return "aws";
}

/** `${project}-${stack}-${logical}`: unique per stack, so two stacks never clash. */
export function physicalName(ctx: Pick<StackContext, "project" | "stack">, logical: string): string {
  return `${ctx.project}-${ctx.stack}-${logical}`;
}

/** Names of the per-function resources that other resources must reference before they exist. */
export function functionNames(ctx: Pick<StackContext, "project" | "stack">, fn: string) {
  const name = physicalName(ctx, fn);
  return {
    function: name,
    logGroup: `/aws/lambda/${name}`,
    role: name,
    deployRole: `${name}-cd`,
    queue: `${name}-queue`,
    deadLetterQueue: `${name}-dlq`,
    /** One trigger per function, so the function's own name is unique among rules too. */
    rule: name,
    alarm: (kind: string) => `${name}-${kind}`,
  } as const;
}

/** Names of the stack's shared resources. */
export function sharedNames(ctx: Pick<StackContext, "project" | "stack">) {
  return {
    eventBus: physicalName(ctx, "events"),
    ordersTable: physicalName(ctx, "orders"),
    ordersTableIndexes: ["byStatus"] as const,
    alertTopic: physicalName(ctx, "alerts"),
    httpApi: physicalName(ctx, "http"),
    httpAccessLogGroup: `/aws/vendedlogs/apigateway/${physicalName(ctx, "http")}`,
    codeDeployApplication: physicalName(ctx, "functions"),
  } as const;
}

type Name = pulumi.Input<string>;

function regional(ctx: StackContext, service: string, resource: pulumi.Input<string>): pulumi.Output<string> {
  return pulumi.interpolate`arn:${ctx.partition}:${service}:${ctx.region}:${ctx.accountId}:${resource}`;
}

export const arns = {
  function: (ctx: StackContext, fn: Name) => regional(ctx, "lambda", pulumi.interpolate`function:${fn}`),
  alias: (ctx: StackContext, fn: Name, alias: Name = LIVE_ALIAS) => regional(ctx, "lambda", pulumi.interpolate`function:${fn}:${alias}`),
  logGroup: (ctx: StackContext, group: Name) => regional(ctx, "logs", pulumi.interpolate`log-group:${group}`),
  logStreams: (ctx: StackContext, group: Name) => regional(ctx, "logs", pulumi.interpolate`log-group:${group}:log-stream:*`),
  queue: (ctx: StackContext, queue: Name) => regional(ctx, "sqs", queue),
  eventBus: (ctx: StackContext, bus: Name) => regional(ctx, "events", pulumi.interpolate`event-bus/${bus}`),
  /** A rule on a custom bus has the bus in its ARN; a rule on the default bus does not. */
  rule: (ctx: StackContext, rule: Name, bus?: Name) =>
    regional(ctx, "events", bus === undefined ? pulumi.interpolate`rule/${rule}` : pulumi.interpolate`rule/${bus}/${rule}`),
  table: (ctx: StackContext, table: Name) => regional(ctx, "dynamodb", pulumi.interpolate`table/${table}`),
  tableIndex: (ctx: StackContext, table: Name, index: Name) => regional(ctx, "dynamodb", pulumi.interpolate`table/${table}/index/${index}`),
  topic: (ctx: StackContext, topic: Name) => regional(ctx, "sns", topic),
  alarm: (ctx: StackContext, alarm: Name) => regional(ctx, "cloudwatch", pulumi.interpolate`alarm:${alarm}`),
  /** Not an ARN, but built the same way: a queue's URL is known before the queue exists. */
  queueUrl: (ctx: StackContext, queue: Name) =>
    pulumi.interpolate`https://sqs.${ctx.region}.amazonaws.com${ctx.partition === "aws-cn" ? ".cn" : ""}/${ctx.accountId}/${queue}`,
  role: (ctx: StackContext, role: Name) => pulumi.interpolate`arn:${ctx.partition}:iam::${ctx.accountId}:role/${role}`,
};
