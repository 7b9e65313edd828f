import * as pulumi from "@pulumi/pulumi";
import { physicalName, StackContext } from "../naming";

/**
 * Physical names and ARNs of the delivery resources, derived from project, stack, region and
 * account id (all known at preview), never read from a resource being created: the policy pack
 * must see every grant in full (it fails closed on unknown values).
 */

type Ctx = Pick<StackContext, "project" | "stack">;
type Name = pulumi.Input<string>;

/** The CodeBuild projects a pipeline runs, by role in the release. */
export const BUILD_ROLES = ["build", "deploy", "verify", "promote", "prepare"] as const;
export type BuildRole = (typeof BUILD_ROLES)[number];

/** S3 bucket names are global: the account id and region make them unique, and known at preview. */
function bucketName(ctx: Ctx, accountId: Name, region: string, purpose: string): pulumi.Output<string> {
  return pulumi.interpolate`${physicalName(ctx, purpose)}-${accountId}-${region}`;
}

/** Longest fixed part of a bucket name besides project and stack: `-pipeline-<12 digits>-<region>`. */
export function bucketNameLength(ctx: Ctx, region: string): number {
  return physicalName(ctx, "artifacts").length + 1 + 12 + 1 + region.length;
}

export function deliveryNames(ctx: Ctx, accountId: Name, region: string) {
  return {
    /** Versioned release bucket: `artifacts/<commit>/...` and `promotions/...`. */
    releaseBucket: bucketName(ctx, accountId, region, "artifacts"),
    /** CodePipeline's own transient artifacts (stage inputs and outputs). */
    pipelineBucket: bucketName(ctx, accountId, region, "pipeline"),
    pipeline: physicalName(ctx, "release"),
    pipelineRole: physicalName(ctx, "release-pipeline"),
    startRole: physicalName(ctx, "release-start"),
    startRule: physicalName(ctx, "release-start"),
    connection: physicalName(ctx, "github").slice(0, 32),
    project: (role: BuildRole) => physicalName(ctx, `release-${role}`),
    projectRole: (role: BuildRole) => physicalName(ctx, `release-${role}`),
    projectLogGroup: (role: BuildRole) => `/aws/codebuild/${physicalName(ctx, `release-${role}`)}`,
    preTrafficHook: physicalName(ctx, "pre-traffic-hook"),
    deploymentEventsRule: physicalName(ctx, "deployment-events"),
  } as const;
}

/** The release bucket of another stack of the project (prod reads staging's promotion records). */
export function releaseBucketOf(project: string, stack: string, accountId: Name, region: string): pulumi.Output<string> {
  return bucketName({ project, stack }, accountId, region, "artifacts");
}

function regional(ctx: StackContext, service: string, resource: Name): pulumi.Output<string> {
  return pulumi.interpolate`arn:${ctx.partition}:${service}:${ctx.region}:${ctx.accountId}:${resource}`;
}

export const deliveryArns = {
  bucket: (ctx: StackContext, bucket: Name) => pulumi.interpolate`arn:${ctx.partition}:s3:::${bucket}`,
  /** Objects under `prefix` (a key prefix such as `artifacts/`, or a full key). */
  objects: (ctx: StackContext, bucket: Name, prefix: string) => pulumi.interpolate`arn:${ctx.partition}:s3:::${bucket}/${prefix}`,
  project: (ctx: StackContext, project: Name) => regional(ctx, "codebuild", pulumi.interpolate`project/${project}`),
  pipeline: (ctx: StackContext, pipeline: Name) => regional(ctx, "codepipeline", pipeline),
  deploymentGroup: (ctx: StackContext, app: Name, group: Name) => regional(ctx, "codedeploy", pulumi.interpolate`deploymentgroup:${app}/${group}`),
  /**
   * Every connection of the account, under both service prefixes (AWS renamed CodeStar
   * Connections to CodeConnections in 2024; a connection's ARN uses one or the other).
   * Used only when the stack creates the connection: its ARN holds a random id, unknown at preview.
   */
  anyConnection: (ctx: StackContext) => [
    regional(ctx, "codestar-connections", "connection/*"),
    regional(ctx, "codeconnections", "connection/*"),
  ],
  /** One configured connection, under both service prefixes (the same id answers to both). */
  connection: (connectionArn: string) => {
    const [, partition, , region, account, resource] = connectionArn.split(":");
    return ["codestar-connections", "codeconnections"].map((svc) => `arn:${partition}:${svc}:${region}:${account}:${resource}`);
  },
};
