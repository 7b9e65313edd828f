import * as pulumi from "@pulumi/pulumi";
import { PolicyStatement } from "../iam/policy-documents";
import { arns, StackContext } from "../naming";
import { deliveryArns } from "./names";

/**
 * The delivery roles' grants as plain statements, built from names known at preview. Kept apart
 * from the components so each grant reads (and is tested) as a table row. No statement has an
 * action wildcard; none grants iam:PassRole (CodePipeline runs CodeBuild projects with the
 * projects' own roles, so nothing is passed).
 */

type Name = pulumi.Input<string>;

/** Read and write CodePipeline's transient artifacts (stage inputs and outputs). */
export function pipelineArtifactsAccess(ctx: StackContext, pipelineBucket: Name): PolicyStatement[] {
  return [
    {
      Sid: "PipelineArtifacts",
      Effect: "Allow",
      Action: ["s3:GetObject", "s3:GetObjectVersion", "s3:PutObject"],
      Resource: [deliveryArns.objects(ctx, pipelineBucket, "*")],
    },
    { Sid: "PipelineArtifactsBucket", Effect: "Allow", Action: ["s3:GetBucketLocation", "s3:GetBucketVersioning"], Resource: [deliveryArns.bucket(ctx, pipelineBucket)] },
  ];
}

/** Write its own CodeBuild log group, nothing else in CloudWatch Logs. */
export function ownBuildLogs(ctx: StackContext, logGroup: Name): PolicyStatement {
  return { Sid: "WriteOwnLogs", Effect: "Allow", Action: ["logs:CreateLogStream", "logs:PutLogEvents"], Resource: [arns.logGroup(ctx, logGroup), arns.logStreams(ctx, logGroup)] };
}

export function readObjects(ctx: StackContext, sid: string, bucket: Name, prefixes: string[]): PolicyStatement {
  return { Sid: sid, Effect: "Allow", Action: ["s3:GetObject", "s3:GetObjectVersion"], Resource: prefixes.map((p) => deliveryArns.objects(ctx, bucket, `${p}*`)) };
}

export function writeObjects(ctx: StackContext, sid: string, bucket: Name, prefixes: string[]): PolicyStatement {
  return { Sid: sid, Effect: "Allow", Action: ["s3:PutObject"], Resource: prefixes.map((p) => deliveryArns.objects(ctx, bucket, `${p}*`)) };
}

/** List the bucket, limited to the prefixes (a missing key then reads as 404, not 403). */
export function listPrefixes(ctx: StackContext, sid: string, bucket: Name, prefixes: string[]): PolicyStatement {
  return {
    Sid: sid,
    Effect: "Allow",
    Action: ["s3:ListBucket"],
    Resource: [deliveryArns.bucket(ctx, bucket)],
    Condition: { StringLike: { "s3:prefix": prefixes.map((p) => `${p}*`) as unknown as pulumi.Input<string> } },
  };
}

/**
 * `pulumi up` needs broad rights (it creates roles and functions); the project's own role gets
 * none of them, only the right to assume the stack's deployer role, which is created out of band
 * (docs/delivery.md) and so never appears in, or widens, this stack's IAM.
 */
export function assumeDeployer(ctx: StackContext, deployerRoleName: string): PolicyStatement {
  return { Sid: "AssumeDeployer", Effect: "Allow", Action: ["sts:AssumeRole"], Resource: [arns.role(ctx, deployerRoleName)] };
}

export function useConnection(ctx: StackContext, connectionArn: string | undefined, repository: string): PolicyStatement {
  return {
    Sid: "UseRepositoryConnection",
    Effect: "Allow",
    Action: ["codestar-connections:UseConnection", "codeconnections:UseConnection"],
    // A configured connection is named exactly; a created one has a random id (unknown at preview),
    // so any connection of the account is allowed, but only for this repository.
    Resource: connectionArn ? deliveryArns.connection(connectionArn) : deliveryArns.anyConnection(ctx),
    Condition: { StringEquals: { "codestar-connections:FullRepositoryId": repository } },
  };
}

export function runProjects(ctx: StackContext, projects: Name[]): PolicyStatement {
  return { Sid: "RunBuildProjects", Effect: "Allow", Action: ["codebuild:BatchGetBuilds", "codebuild:StartBuild"], Resource: projects.map((p) => deliveryArns.project(ctx, p)) };
}

export function publishTo(sid: string, topicArn: Name): PolicyStatement {
  return { Sid: sid, Effect: "Allow", Action: ["sns:Publish"], Resource: [topicArn] };
}

/** Invoke each function's versions and aliases (`<function>:*`), never `$LATEST` unqualified. */
export function invokeQualified(ctx: StackContext, sid: string, functionNames: Name[]): PolicyStatement {
  return { Sid: sid, Effect: "Allow", Action: ["lambda:InvokeFunction"], Resource: functionNames.map((f) => pulumi.interpolate`${arns.function(ctx, f)}:*`) };
}
