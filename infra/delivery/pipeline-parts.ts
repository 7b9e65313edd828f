/** What the staging and prod pipelines share: the role CodePipeline assumes, and a CodeBuild action. */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { PolicyStatement, policyJson, serviceTrustPolicy } from "../iam/policy-documents";
import { StackContext } from "../naming";

/** The pipeline's service role, trusted by CodePipeline in this account only, with exactly these statements. */
export function pipelineServiceRole(
  name: string,
  ctx: StackContext,
  names: { pipelineRole: string; pipeline: string },
  statements: PolicyStatement[],
  opts: pulumi.ResourceOptions,
): { role: aws.iam.Role; policy: aws.iam.RolePolicy } {
  const role = new aws.iam.Role(
    `${name}-role`,
    { name: names.pipelineRole, description: `CodePipeline ${names.pipeline}`, assumeRolePolicy: policyJson(serviceTrustPolicy("codepipeline.amazonaws.com", ctx.accountId)) },
    opts,
  );
  const policy = new aws.iam.RolePolicy(`${name}-policy`, { role: role.name, policy: policyJson({ Version: "2012-10-17", Statement: statements }) }, opts);
  return { role, policy };
}

/** A CodeBuild action of a pipeline stage: the project, its input and output artifacts, and any extra configuration. */
export function codeBuildAction(a: {
  name: string;
  project: pulumi.Input<string>;
  inputs: string[];
  outputs: string[];
  /** Exports the build's variables as `#{<namespace>.<NAME>}` to later actions. */
  namespace?: string;
  configuration?: Record<string, pulumi.Input<string>>;
}) {
  return {
    name: a.name,
    category: "Build",
    owner: "AWS",
    provider: "CodeBuild",
    version: "1",
    inputArtifacts: a.inputs,
    outputArtifacts: a.outputs,
    namespace: a.namespace,
    configuration: { ProjectName: a.project, ...a.configuration },
  };
}
