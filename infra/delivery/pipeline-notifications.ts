import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { StackContext } from "../naming";
import { deliveryArns, deliveryNames } from "./names";

/** Every pipeline state change people act on (AWS CodeStar Notifications event ids). */
export const PIPELINE_EVENTS = [
  "codepipeline-pipeline-pipeline-execution-started",
  "codepipeline-pipeline-pipeline-execution-succeeded",
  "codepipeline-pipeline-pipeline-execution-failed",
  "codepipeline-pipeline-pipeline-execution-canceled",
  "codepipeline-pipeline-pipeline-execution-superseded",
  "codepipeline-pipeline-manual-approval-needed",
  "codepipeline-pipeline-manual-approval-failed",
  "codepipeline-pipeline-manual-approval-succeeded",
] as const;

/** The EventBridge detail-type CodeDeploy emits on every deployment state change. */
export const CODEDEPLOY_STATE_CHANGE = "CodeDeploy Deployment State-change Notification";

export interface DeliveryNotificationsArgs {
  readonly context: StackContext;
  /** The stack's alert topic (ServiceResources), by its ARN built from its known name. */
  readonly alertTopicArn: pulumi.Input<string>;
  /** Pipelines of the stack (physical names). */
  readonly pipelineNames: string[];
  /** The stack's CodeDeploy application: every deployment of its groups is reported. */
  readonly codeDeployApplicationName: pulumi.Input<string>;
}

export function validateDeliveryNotificationsArgs(name: string, a: DeliveryNotificationsArgs): void {
  if (new Set(a.pipelineNames).size !== a.pipelineNames.length)
    throw new Error(`DeliveryNotifications "${name}": \`pipelineNames\` lists a pipeline twice: ${a.pipelineNames.join(", ")}.`);
}

/**
 * Sends every pipeline state change (CodeStar Notifications rules) and every CodeDeploy
 * deployment state change (an EventBridge rule on the default bus) to the stack's alert topic,
 * and gives the topic the policy that lets those two services (and CloudWatch alarms) publish,
 * for this account only (`aws:SourceAccount`).
 */
export class DeliveryNotifications extends pulumi.ComponentResource {
  readonly deploymentEventsRuleName: pulumi.Output<string>;

  constructor(name: string, args: DeliveryNotificationsArgs, opts?: pulumi.ComponentResourceOptions) {
    validateDeliveryNotificationsArgs(name, args);
    super("serverless:delivery:DeliveryNotifications", name, {}, opts);
    const ctx = args.context;
    const names = deliveryNames(ctx, ctx.accountId, ctx.region);
    const parent = { parent: this };

    const topicPolicy = new aws.sns.TopicPolicy(`${name}-topic-policy`, { arn: args.alertTopicArn, policy: pulumi.jsonStringify(alertTopicPolicy(ctx, args.alertTopicArn)) }, parent);

    for (const pipeline of args.pipelineNames)
      new aws.codestarnotifications.NotificationRule(
        `${name}-${pipeline}`,
        {
          name: pipeline.slice(0, 64),
          resource: deliveryArns.pipeline(ctx, pipeline),
          detailType: "FULL",
          eventTypeIds: [...PIPELINE_EVENTS],
          targets: [{ address: args.alertTopicArn, type: "SNS" }],
        },
        { parent: this, dependsOn: [topicPolicy] },
      );

    const rule = new aws.cloudwatch.EventRule(
      `${name}-deployments`,
      {
        name: names.deploymentEventsRule,
        description: "Every CodeDeploy deployment state change of the stack's functions, to the alert topic.",
        eventPattern: pulumi.jsonStringify({
          source: ["aws.codedeploy"],
          "detail-type": [CODEDEPLOY_STATE_CHANGE],
          detail: { application: [args.codeDeployApplicationName] },
        }),
      },
      parent,
    );
    new aws.cloudwatch.EventTarget(`${name}-deployments-to-topic`, { rule: rule.name, arn: args.alertTopicArn }, { parent: this, dependsOn: [topicPolicy] });
    this.deploymentEventsRuleName = rule.name;
    this.registerOutputs({ deploymentEventsRuleName: this.deploymentEventsRuleName });
  }
}

/**
 * The alert topic's whole policy (an SNS topic has exactly one): the account's own principals
 * (SNS's default), and the three AWS services that report into it, each only for this account.
 */
export function alertTopicPolicy(ctx: StackContext, topicArn: pulumi.Input<string>) {
  const fromService = (sid: string, service: string) => ({
    Sid: sid,
    Effect: "Allow",
    Principal: { Service: service },
    Action: "sns:Publish",
    Resource: topicArn,
    Condition: { StringEquals: { "aws:SourceAccount": ctx.accountId } },
  });
  return {
    Version: "2012-10-17",
    Statement: [
      {
        Sid: "AccountOwnerAccess",
        Effect: "Allow",
        Principal: { AWS: pulumi.interpolate`arn:${ctx.partition}:iam::${ctx.accountId}:root` },
        Action: ["sns:GetTopicAttributes", "sns:ListSubscriptionsByTopic", "sns:Publish", "sns:Subscribe"],
        Resource: topicArn,
      },
      fromService("CloudWatchAlarms", "cloudwatch.amazonaws.com"),
      fromService("EventBridgeRules", "events.amazonaws.com"),
      fromService("PipelineNotifications", "codestar-notifications.amazonaws.com"),
    ],
  };
}
