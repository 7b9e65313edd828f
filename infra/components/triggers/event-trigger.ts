import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { StackContext } from "../../naming";
import { eventPatternJson } from "./event-pattern";
import { invokeAliasFromRule, TriggerTarget } from "./target";

export interface EventTriggerArgs {
  readonly context: StackContext;
  readonly target: TriggerTarget;
  /** The stack's custom event bus. */
  readonly busName: pulumi.Input<string>;
  /** Physical rule name (derived from project, stack and function). */
  readonly ruleName: string;
  readonly pattern: { readonly source: readonly string[]; readonly detailType: readonly string[] };
}

export function validateEventTriggerArgs(name: string, a: EventTriggerArgs): void {
  if (!a.pattern.source.length || !a.pattern.detailType.length)
    throw new Error(`EventTrigger "${name}": \`pattern\` must name at least one source and one detailType; a rule matching everything is a mistake.`);
  if (a.ruleName.length > 64) throw new Error(`EventTrigger "${name}": \`ruleName\` must be at most 64 characters; got "${a.ruleName}".`);
}

/** A rule on the stack's custom bus that delivers matching events to the function's `live` alias. */
export class EventTrigger extends pulumi.ComponentResource {
  readonly ruleName: pulumi.Output<string>;

  constructor(name: string, args: EventTriggerArgs, opts?: pulumi.ComponentResourceOptions) {
    validateEventTriggerArgs(name, args);
    super("serverless:trigger:EventTrigger", name, {}, opts);
    const rule = new aws.cloudwatch.EventRule(
      `${name}-rule`,
      { name: args.ruleName, eventBusName: args.busName, eventPattern: eventPatternJson(args.pattern) },
      { parent: this },
    );
    invokeAliasFromRule(name, this, { context: args.context, target: args.target, rule, busName: args.busName });
    this.ruleName = rule.name;
    this.registerOutputs({ ruleName: this.ruleName });
  }
}
