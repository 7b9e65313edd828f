import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { arns, StackContext } from "../../naming";
import { eventPatternJson } from "./event-pattern";
import { TriggerTarget } from "./target";

export interface QueueSubscriptionArgs {
  readonly context: StackContext;
  readonly target: TriggerTarget;
  /** The stack's custom event bus, where the subscribed events are published. */
  readonly busName: pulumi.Input<string>;
  /** Physical names (derived), so the role policy can grant on them before they exist. */
  readonly queueName: string;
  readonly deadLetterQueueName: string;
  readonly ruleName: string;
  readonly pattern: { readonly source: readonly string[]; readonly detailType: readonly string[] };
  /** The consumer's timeout: the queue's visibility timeout is derived from it. */
  readonly functionTimeoutSeconds: number;
  /** @default 10 */
  readonly batchSize?: number;
  /** Receives before a message moves to the dead-letter queue. @default 3 */
  readonly maxReceiveCount?: number;
  /** The role policy that lets the function read the queue; the mapping waits for it. */
  readonly consumerPolicy: pulumi.Resource;
  /** Tags of both queues (the function's cost allocation tags). @default none beyond the provider's default tags */
  readonly tags?: Readonly<Record<string, string>>;
}

export const QUEUE_SUBSCRIPTION_DEFAULTS = {
  batchSize: 10,
  maxReceiveCount: 3,
  /** AWS's advice: at least six times the function timeout, so retries never overlap a running batch. */
  visibilityTimeoutFactor: 6,
  /** Fourteen days, SQS's maximum: time to notice and redrive a dead letter. */
  deadLetterRetentionSeconds: 1209600,
} as const;

export function validateQueueSubscriptionArgs(name: string, a: QueueSubscriptionArgs): void {
  if (!Number.isInteger(a.functionTimeoutSeconds) || a.functionTimeoutSeconds < 1 || a.functionTimeoutSeconds > 900)
    throw new Error(`QueueSubscription "${name}": \`functionTimeoutSeconds\` must be 1-900 (Lambda's limit); got ${a.functionTimeoutSeconds}.`);
  const batch = a.batchSize ?? QUEUE_SUBSCRIPTION_DEFAULTS.batchSize;
  if (!Number.isInteger(batch) || batch < 1 || batch > 10000) throw new Error(`QueueSubscription "${name}": \`batchSize\` must be 1-10000; got ${batch}.`);
  for (const [field, value] of [["queueName", a.queueName], ["deadLetterQueueName", a.deadLetterQueueName]] as const)
    if (value.length > 80) throw new Error(`QueueSubscription "${name}": \`${field}\` must be at most 80 characters; got "${value}".`);
}

/**
 * Events from the stack's bus, delivered to the function through its own queue: a bus rule with
 * the subscribed pattern, an encrypted queue that only that rule may send to, a dead-letter queue
 * after `maxReceiveCount` receives (nothing lost), and an event source mapping on the `live`
 * alias that reports partial batch failures (only the failed records are retried).
 */
export class QueueSubscription extends pulumi.ComponentResource {
  readonly queueName: pulumi.Output<string>;
  readonly deadLetterQueueName: pulumi.Output<string>;

  constructor(name: string, args: QueueSubscriptionArgs, opts?: pulumi.ComponentResourceOptions) {
    validateQueueSubscriptionArgs(name, args);
    super("serverless:trigger:QueueSubscription", name, {}, opts);
    const ctx = args.context;
    const d = QUEUE_SUBSCRIPTION_DEFAULTS;
    const parent = { parent: this };

    const dlq = new aws.sqs.Queue(
      `${name}-dlq`,
      { name: args.deadLetterQueueName, sqsManagedSseEnabled: true, messageRetentionSeconds: d.deadLetterRetentionSeconds, tags: args.tags },
      parent,
    );
    const queue = new aws.sqs.Queue(
      `${name}-queue`,
      {
        name: args.queueName,
        sqsManagedSseEnabled: true,
        visibilityTimeoutSeconds: args.functionTimeoutSeconds * d.visibilityTimeoutFactor,
        redrivePolicy: pulumi.jsonStringify({
          deadLetterTargetArn: arns.queue(ctx, dlq.name),
          maxReceiveCount: args.maxReceiveCount ?? d.maxReceiveCount,
        }),
        tags: args.tags,
      },
      parent,
    );
    const queueArn = arns.queue(ctx, queue.name);

    const rule = new aws.cloudwatch.EventRule(
      `${name}-rule`,
      { name: args.ruleName, eventBusName: args.busName, eventPattern: eventPatternJson(args.pattern) },
      parent,
    );
    const ruleArn = arns.rule(ctx, rule.name, args.busName);
    const queuePolicy = new aws.sqs.QueuePolicy(
      `${name}-queue-policy`,
      {
        queueUrl: arns.queueUrl(ctx, queue.name),
        policy: pulumi.jsonStringify({
          Version: "2012-10-17",
          Statement: [
            {
              Sid: "FromSubscriptionRuleOnly",
              Effect: "Allow",
              Principal: { Service: "events.amazonaws.com" },
              Action: "sqs:SendMessage",
              Resource: queueArn,
              Condition: { ArnEquals: { "aws:SourceArn": ruleArn } },
            },
          ],
        }),
      },
      parent,
    );
    new aws.cloudwatch.EventTarget(`${name}-target`, { rule: rule.name, eventBusName: args.busName, arn: queueArn }, { parent: this, dependsOn: [queuePolicy] });

    new aws.lambda.EventSourceMapping(
      `${name}-mapping`,
      {
        eventSourceArn: queueArn,
        functionName: args.target.aliasArn,
        batchSize: args.batchSize ?? d.batchSize,
        functionResponseTypes: ["ReportBatchItemFailures"],
      },
      // Lambda checks at creation that the role can read the queue.
      { parent: this, dependsOn: [args.consumerPolicy, queue] },
    );
    this.queueName = queue.name;
    this.deadLetterQueueName = dlq.name;
    this.registerOutputs({ queueName: this.queueName, deadLetterQueueName: this.deadLetterQueueName });
  }
}
