import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { StackContext } from "../naming";

/** AWS services that publish to the alert topic, and the ARNs their publications come from. */
export const ALERT_PUBLISHERS = {
  /** Budget notifications (AWS Budgets is global: no region in its ARNs). */
  budgets: { principal: "budgets.amazonaws.com", sourceArn: (c: StackContext) => pulumi.interpolate`arn:${c.partition}:budgets::${c.accountId}:*` },
  /** Metric and composite alarms. */
  cloudwatch: { principal: "cloudwatch.amazonaws.com", sourceArn: (c: StackContext) => pulumi.interpolate`arn:${c.partition}:cloudwatch:${c.region}:${c.accountId}:alarm:*` },
  /** EventBridge rules with the topic as target (e.g. CodeDeploy or pipeline state changes). */
  events: { principal: "events.amazonaws.com", sourceArn: (c: StackContext) => pulumi.interpolate`arn:${c.partition}:events:${c.region}:${c.accountId}:rule/*` },
  /** CodePipeline / CodeBuild notification rules. */
  codestarNotifications: {
    principal: "codestar-notifications.amazonaws.com",
    sourceArn: (c: StackContext) => pulumi.interpolate`arn:${c.partition}:codestar-notifications:${c.region}:${c.accountId}:notificationrule/*`,
  },
} as const;

export type AlertPublisher = keyof typeof ALERT_PUBLISHERS;

export interface AlertTopicPolicyArgs {
  readonly context: StackContext;
  /** The alert topic's ARN, built from its derived name (known at preview). */
  readonly topicArn: pulumi.Input<string>;
  /** Services allowed to publish. @default every key of ALERT_PUBLISHERS */
  readonly publishers?: readonly AlertPublisher[];
}

export const ALERT_TOPIC_POLICY_DEFAULTS = { publishers: Object.keys(ALERT_PUBLISHERS) as readonly AlertPublisher[] } as const;

/** What the account itself may do: the default topic policy's actions, which a topic policy replaces. */
export const OWNER_ACTIONS = [
  "sns:GetTopicAttributes",
  "sns:SetTopicAttributes",
  "sns:AddPermission",
  "sns:RemovePermission",
  "sns:DeleteTopic",
  "sns:Subscribe",
  "sns:ListSubscriptionsByTopic",
  "sns:Publish",
] as const;

export function validateAlertTopicPolicyArgs(name: string, a: AlertTopicPolicyArgs): void {
  const publishers = a.publishers ?? ALERT_TOPIC_POLICY_DEFAULTS.publishers;
  if (!publishers.length) throw new Error(`AlertTopicPolicy "${name}": \`publishers\` is empty; leave it unset for every service, or name at least one.`);
  for (const p of publishers)
    if (!(p in ALERT_PUBLISHERS)) throw new Error(`AlertTopicPolicy "${name}": \`publishers\` holds "${p}"; known: ${Object.keys(ALERT_PUBLISHERS).join(", ")}.`);
  if (new Set(publishers).size !== publishers.length) throw new Error(`AlertTopicPolicy "${name}": \`publishers\` names a service twice.`);
}

/**
 * The topic policy as plain data: the account keeps managing its topic, and each service may
 * publish only on behalf of this account (`aws:SourceAccount`) and from its own kind of resource
 * (`aws:SourceArn`): the confused-deputy guard AWS recommends.
 */
export function alertTopicPolicyDocument(ctx: StackContext, topicArn: pulumi.Input<string>, publishers: readonly AlertPublisher[]) {
  return {
    Version: "2012-10-17",
    Statement: [
      {
        Sid: "AccountManagesTopic",
        Effect: "Allow",
        Principal: { AWS: pulumi.interpolate`arn:${ctx.partition}:iam::${ctx.accountId}:root` },
        Action: [...OWNER_ACTIONS],
        Resource: topicArn,
      },
      ...publishers.map((key) => {
        const p = ALERT_PUBLISHERS[key];
        return {
          Sid: `${key[0].toUpperCase()}${key.slice(1)}Publish`,
          Effect: "Allow",
          Principal: { Service: p.principal },
          Action: "sns:Publish",
          Resource: topicArn,
          Condition: { StringEquals: { "aws:SourceAccount": ctx.accountId }, ArnLike: { "aws:SourceArn": p.sourceArn(ctx) } },
        };
      }),
    ],
  };
}

/**
 * The alert topic's resource policy: AWS Budgets (which cannot publish to a topic without it),
 * CloudWatch alarms, EventBridge rules and CodeStar notifications may publish, each only for this
 * account. An `aws.sns.TopicPolicy` replaces the default policy, so the account's own access is
 * restated. `topicArn` resolves after the policy is in place: pass it to the budget.
 */
export class AlertTopicPolicy extends pulumi.ComponentResource {
  /** The topic's ARN, available once the policy allows the services to publish. */
  readonly topicArn: pulumi.Output<string>;

  constructor(name: string, args: AlertTopicPolicyArgs, opts?: pulumi.ComponentResourceOptions) {
    validateAlertTopicPolicyArgs(name, args);
    super("serverless:observability:AlertTopicPolicy", name, {}, opts);
    const publishers = args.publishers ?? ALERT_TOPIC_POLICY_DEFAULTS.publishers;
    const policy = new aws.sns.TopicPolicy(
      `${name}-policy`,
      { arn: args.topicArn, policy: pulumi.jsonStringify(alertTopicPolicyDocument(args.context, args.topicArn, publishers)) },
      { parent: this },
    );
    this.topicArn = policy.arn;
    this.registerOutputs({ topicArn: this.topicArn });
  }
}
