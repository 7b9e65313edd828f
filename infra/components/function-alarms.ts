import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { LIVE_ALIAS } from "../naming";
import { FUNCTION_ALARMS_DEFAULTS } from "./function-alarm-defaults";

export interface AlarmThresholds {
  /** Errors per period that alarm. @default 1 */
  readonly errorThreshold?: number;
  /** Throttles per period that alarm. @default 1 */
  readonly throttleThreshold?: number;
  /** p99 duration alarms above this share of the timeout. @default 80 */
  readonly p99DurationPercentOfTimeout?: number;
  /** @default 1 */
  readonly evaluationPeriods?: number;
  /** @default 60 */
  readonly periodSeconds?: number;
  /** The source queue's oldest message age that alarms. @default 300 */
  readonly oldestMessageAgeSeconds?: number;
}

export interface FunctionAlarmsArgs {
  /** The function's physical name (known at preview); alarm names are derived from it. */
  readonly functionName: pulumi.Input<string>;
  /** Prefix of the alarm names, usually the function's physical name. */
  readonly alarmNamePrefix: string;
  readonly timeoutSeconds: number;
  readonly thresholds?: AlarmThresholds;
  /** Every alarm notifies this topic, when it fires and when it recovers. */
  readonly alertTopicArn: pulumi.Input<string>;
  /** Queue consumers: their source queue and dead-letter queue are watched too. */
  readonly queue?: { readonly queueName: pulumi.Input<string>; readonly deadLetterQueueName: pulumi.Input<string> };
  /** Tags of every alarm (the function's cost allocation tags). @default none beyond the provider's default tags */
  readonly tags?: Readonly<Record<string, string>>;
}

export { FUNCTION_ALARMS_DEFAULTS };

export function validateFunctionAlarmsArgs(name: string, a: FunctionAlarmsArgs): void {
  if (!Number.isInteger(a.timeoutSeconds) || a.timeoutSeconds < 1 || a.timeoutSeconds > 900)
    throw new Error(`FunctionAlarms "${name}": \`timeoutSeconds\` must be 1-900; got ${a.timeoutSeconds}.`);
  const pct = a.thresholds?.p99DurationPercentOfTimeout ?? FUNCTION_ALARMS_DEFAULTS.p99DurationPercentOfTimeout;
  if (pct < 1 || pct > 100) throw new Error(`FunctionAlarms "${name}": \`thresholds.p99DurationPercentOfTimeout\` must be 1-100; got ${pct}.`);
  const period = a.thresholds?.periodSeconds ?? FUNCTION_ALARMS_DEFAULTS.periodSeconds;
  if (period % 60 !== 0) throw new Error(`FunctionAlarms "${name}": \`thresholds.periodSeconds\` must be a multiple of 60; got ${period}.`);
}

/**
 * The alarms that say a function is unhealthy: errors, throttles and p99 duration against its
 * timeout on the `live` alias (the traffic CodeDeploy shifts), plus queue depth and age for queue
 * consumers. Every alarm notifies the stack's alert topic; no data means healthy (an idle function
 * is not broken).
 */
export class FunctionAlarms extends pulumi.ComponentResource {
  /** The alarms a deployment watches to roll back: the function's own health. */
  readonly deploymentAlarmNames: pulumi.Output<string>[];
  /** Every alarm of the function, queue alarms included. */
  readonly alarmNames: pulumi.Output<string>[];

  constructor(name: string, args: FunctionAlarmsArgs, opts?: pulumi.ComponentResourceOptions) {
    validateFunctionAlarmsArgs(name, args);
    super("serverless:function:FunctionAlarms", name, {}, opts);
    const t = { ...FUNCTION_ALARMS_DEFAULTS, ...args.thresholds };
    const common = {
      evaluationPeriods: t.evaluationPeriods,
      period: t.periodSeconds,
      treatMissingData: "notBreaching",
      alarmActions: [args.alertTopicArn],
      okActions: [args.alertTopicArn],
      tags: args.tags,
    };
    // Alias metrics (FunctionName + Resource) count exactly the traffic that goes through `live`.
    const lambdaDimensions = { FunctionName: args.functionName, Resource: pulumi.interpolate`${args.functionName}:${LIVE_ALIAS}` };
    const alarm = (role: string, props: Omit<aws.cloudwatch.MetricAlarmArgs, keyof typeof common>) =>
      new aws.cloudwatch.MetricAlarm(`${name}-${role}`, { name: `${args.alarmNamePrefix}-${role}`, ...common, ...props }, { parent: this });

    const errors = alarm("errors", {
      alarmDescription: pulumi.interpolate`${args.functionName} (live) reported errors.`,
      namespace: "AWS/Lambda",
      metricName: "Errors",
      dimensions: lambdaDimensions,
      statistic: "Sum",
      comparisonOperator: "GreaterThanOrEqualToThreshold",
      threshold: t.errorThreshold,
    });
    const throttles = alarm("throttles", {
      alarmDescription: pulumi.interpolate`${args.functionName} (live) was throttled.`,
      namespace: "AWS/Lambda",
      metricName: "Throttles",
      dimensions: lambdaDimensions,
      statistic: "Sum",
      comparisonOperator: "GreaterThanOrEqualToThreshold",
      threshold: t.throttleThreshold,
    });
    const durationLimitMs = Math.round(args.timeoutSeconds * 1000 * (t.p99DurationPercentOfTimeout / 100));
    const duration = alarm("duration-p99", {
      alarmDescription: pulumi.interpolate`${args.functionName} (live) p99 duration is above ${t.p99DurationPercentOfTimeout}% of its ${args.timeoutSeconds}s timeout.`,
      namespace: "AWS/Lambda",
      metricName: "Duration",
      dimensions: lambdaDimensions,
      extendedStatistic: "p99",
      comparisonOperator: "GreaterThanThreshold",
      threshold: durationLimitMs,
      unit: "Milliseconds",
    });
    this.deploymentAlarmNames = [errors.name, throttles.name, duration.name];
    this.alarmNames = [...this.deploymentAlarmNames];

    if (args.queue) {
      // Anything in the dead-letter queue is a message the function gave up on: always worth a look.
      const dlq = alarm("dlq-depth", {
        alarmDescription: pulumi.interpolate`Messages reached the dead-letter queue of ${args.functionName}.`,
        namespace: "AWS/SQS",
        metricName: "ApproximateNumberOfMessagesVisible",
        dimensions: { QueueName: args.queue.deadLetterQueueName },
        statistic: "Maximum",
        comparisonOperator: "GreaterThanThreshold",
        threshold: 0,
      });
      const age = alarm("queue-age", {
        alarmDescription: pulumi.interpolate`The queue of ${args.functionName} is not keeping up (oldest message older than ${t.oldestMessageAgeSeconds}s).`,
        namespace: "AWS/SQS",
        metricName: "ApproximateAgeOfOldestMessage",
        dimensions: { QueueName: args.queue.queueName },
        statistic: "Maximum",
        comparisonOperator: "GreaterThanThreshold",
        threshold: t.oldestMessageAgeSeconds,
      });
      this.alarmNames.push(dlq.name, age.name);
    }

    this.registerOutputs({ deploymentAlarmNames: this.deploymentAlarmNames, alarmNames: this.alarmNames });
  }
}
