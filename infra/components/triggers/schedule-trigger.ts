import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { StackContext } from "../../naming";
import { invokeAliasFromRule, TriggerTarget } from "./target";

export interface ScheduleTriggerArgs {
  readonly context: StackContext;
  readonly target: TriggerTarget;
  /** Physical rule name (derived from project, stack and function). */
  readonly ruleName: string;
  /** `rate(...)` or `cron(...)`. */
  readonly expression: string;
}

export function validateScheduleTriggerArgs(name: string, a: ScheduleTriggerArgs): void {
  if (!/^(rate|cron)\(.+\)$/.test(a.expression))
    throw new Error(`ScheduleTrigger "${name}": \`expression\` must be rate(...) or cron(...); got "${a.expression}".`);
  if (a.ruleName.length > 64) throw new Error(`ScheduleTrigger "${name}": \`ruleName\` must be at most 64 characters; got "${a.ruleName}".`);
}

/** A schedule rule on the default bus that invokes the function's `live` alias. */
export class ScheduleTrigger extends pulumi.ComponentResource {
  readonly ruleName: pulumi.Output<string>;

  constructor(name: string, args: ScheduleTriggerArgs, opts?: pulumi.ComponentResourceOptions) {
    validateScheduleTriggerArgs(name, args);
    super("serverless:trigger:ScheduleTrigger", name, {}, opts);
    const rule = new aws.cloudwatch.EventRule(
      `${name}-rule`,
      { name: args.ruleName, scheduleExpression: args.expression, description: pulumi.interpolate`Runs ${args.target.functionName} on ${args.expression}` },
      { parent: this },
    );
    invokeAliasFromRule(name, this, { context: args.context, target: args.target, rule });
    this.ruleName = rule.name;
    this.registerOutputs({ ruleName: this.ruleName });
  }
}
