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
  /**
   * The stack's alert topic, once its policy lets CodeStar Notifications and EventBridge publish:
   * pass `AlertTopicPolicy.topicArn` (infra/observability), which resolves after that policy
   * exists. CodeStar Notifications checks the target's policy when a rule is created. A topic has
   * one policy, and AlertTopicPolicy is it; this component declares none of its own.
   */
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
 * deployment state change (an EventBridge rule on the default bus) to the stack's alert topic.
 * The topic's policy (who may publish) is AlertTopicPolicy's, passed in through `alertTopicArn`.
 */
export class DeliveryNotifications extends pulumi.ComponentResource {
  readonly deploymentEventsRuleName: pulumi.Output<string>;

  constructor(name: string, args: DeliveryNotificationsArgs, opts?: pulumi.ComponentResourceOptions) {
    validateDeliveryNotificationsArgs(name, args);
    super("serverless:delivery:DeliveryNotifications", name, {}, opts);
    const ctx = args.context;
    const names = deliveryNames(ctx, ctx.accountId, ctx.region);
    const parent = { parent: this };

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
        parent,
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
    new aws.cloudwatch.EventTarget(`${name}-deployments-to-topic`, { rule: rule.name, arn: args.alertTopicArn }, parent);
    this.deploymentEventsRuleName = rule.name;
    this.registerOutputs({ deploymentEventsRuleName: this.deploymentEventsRuleName });
  }
}
