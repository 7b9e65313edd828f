import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { arns, StackContext } from "../../naming";

/** What every trigger needs to know about its target: the function and its `live` alias. */
export interface TriggerTarget {
  /** The function's physical name (a resource's `name` output: known at preview, keeps the dependency). */
  readonly functionName: pulumi.Input<string>;
  /** The alias the trigger invokes, never `$LATEST`. */
  readonly aliasName: pulumi.Input<string>;
  /** ARN of that alias, built from known names. */
  readonly aliasArn: pulumi.Input<string>;
}

/**
 * Lets an EventBridge rule invoke the target's alias: a permission scoped to that rule (ARN built
 * from known names, plus the account) and the rule's target, created after the permission so the
 * first delivery does not fail. Shared by the schedule and event-bus triggers.
 */
export function invokeAliasFromRule(
  name: string,
  parent: pulumi.Resource,
  args: { context: StackContext; target: TriggerTarget; rule: aws.cloudwatch.EventRule; busName?: pulumi.Input<string> },
): void {
  const permission = new aws.lambda.Permission(
    `${name}-permission`,
    {
      action: "lambda:InvokeFunction",
      function: args.target.functionName,
      qualifier: args.target.aliasName,
      principal: "events.amazonaws.com",
      sourceArn: arns.rule(args.context, args.rule.name, args.busName),
      sourceAccount: args.context.accountId,
    },
    { parent },
  );
  new aws.cloudwatch.EventTarget(
    `${name}-target`,
    { rule: args.rule.name, ...(args.busName === undefined ? {} : { eventBusName: args.busName }), arn: args.target.aliasArn },
    { parent, dependsOn: [permission] },
  );
}
