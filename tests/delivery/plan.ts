import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { Delivery } from "../../infra/delivery/delivery";
import { validatePipelineConfig } from "../../infra/delivery/pipeline-config";
import { Plan, planStack, PlannedResource } from "../support/plan-stack";

/** A stand-in hook zip: the plan records its path and hash, nothing reads its content. */
export const HOOK_ZIP = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "hook-")), "pre-traffic.zip");
fs.writeFileSync(HOOK_ZIP, "not really a zip");
export const HOOK_SHA = "a".repeat(64);

export const FUNCTIONS = ["orders-api", "fulfil-order"];

export const STAGING_PIPELINE = { repository: "acme/orders", deployerRoleName: "serverless-staging-deployer" };
export const PROD_PIPELINE = { promotesFrom: "staging", deployerRoleName: "serverless-prod-deployer" };

/** Plans only the delivery components for `stack`, with preview semantics (plan-stack.ts). */
export function planDelivery(stack: string, pipelineRaw: unknown, requireApproval = true): Promise<Plan> {
  return planStack(stack, {
    program: () => {
      const context = { project: pulumi.getProject(), stack: pulumi.getStack(), region: "eu-west-1", partition: "aws", accountId: aws.getCallerIdentityOutput().accountId };
      const delivery = new Delivery("delivery", {
        context,
        pipeline: validatePipelineConfig(`Pulumi.${stack}.yaml`, stack, pipelineRaw, requireApproval),
        functions: FUNCTIONS,
        alertTopicArn: pulumi.interpolate`arn:aws:sns:eu-west-1:${context.accountId}:serverless-${stack}-alerts`,
        codeDeployApplicationName: `serverless-${stack}-functions`,
        hookArtifact: { zipPath: HOOK_ZIP, sha256: HOOK_SHA },
      });
      return { hook: delivery.preTrafficHookName, pipeline: delivery.pipelineName, bucket: delivery.releaseBucketName };
    },
  });
}

/** Every IAM statement of every inline role policy in the plan, with the policy's resource name. */
export function statements(plan: Plan): { policy: string; Sid?: string; Action: string[]; Resource: string[]; Condition?: unknown }[] {
  return plan.all("aws:iam/rolePolicy:RolePolicy").flatMap((p) =>
    (JSON.parse(p.inputs.policy).Statement as { Sid?: string; Action: string | string[]; Resource: string | string[]; Condition?: unknown }[]).map((s) => ({
      policy: p.name,
      Sid: s.Sid,
      Action: ([] as string[]).concat(s.Action),
      Resource: ([] as string[]).concat(s.Resource),
      Condition: s.Condition,
    })),
  );
}

export function policyOf(plan: Plan, name: string): { Sid?: string; Action: string[]; Resource: string[]; Condition?: unknown }[] {
  return statements(plan)
    .filter((s) => s.policy === name)
    .map(({ policy: _, ...rest }) => rest);
}

export function stageOf(pipeline: PlannedResource, stage: string) {
  const found = (pipeline.inputs.stages as { name: string }[]).find((s) => s.name === stage);
  if (!found) throw new Error(`no stage ${stage}`);
  return found as { name: string; actions: Record<string, any>[]; onFailure?: { result: string } };
}
