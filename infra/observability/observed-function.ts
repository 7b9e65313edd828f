import * as pulumi from "@pulumi/pulumi";
import { TriggerType } from "../catalog";
import { functionNames, LIVE_ALIAS, sharedNames, StackContext } from "../naming";

/** What the dashboard needs to know about one function; plain data, built from the catalog. */
export interface ObservedFunction {
  /** The function's folder name, used in widget titles. */
  readonly name: string;
  /** The function's physical name. */
  readonly functionName: pulumi.Input<string>;
  /** The alias whose metrics are graphed: the traffic CodeDeploy shifts. @default "live" */
  readonly aliasName?: string;
  readonly timeoutSeconds: number;
  readonly trigger: TriggerType;
  /** Queue consumers: the source queue and its dead-letter queue. Required when `trigger` is "queue". */
  readonly queue?: { readonly queueName: pulumi.Input<string>; readonly deadLetterQueueName: pulumi.Input<string> };
  /** The EventBridge rule that delivers to the function (or its queue); no bus means the default bus. */
  readonly rule?: { readonly ruleName: pulumi.Input<string>; readonly eventBusName?: pulumi.Input<string> };
  /** @default none (no utilization graph) */
  readonly provisionedConcurrency?: number;
  /** @default none (no limit line on the concurrency graph) */
  readonly reservedConcurrency?: number;
  /** Alarms CodeDeploy rolls back on, shown in an alarm-status widget. @default [] */
  readonly deploymentAlarmNames?: readonly pulumi.Input<string>[];
}

export interface ObservedFunctionSettings {
  readonly timeoutSeconds: number;
  readonly provisionedConcurrency?: number;
  readonly reservedConcurrency?: number;
  readonly deploymentAlarmNames?: readonly pulumi.Input<string>[];
}

/**
 * An `ObservedFunction` from a catalog entry, with the physical names the infra derives
 * (`infra/naming.ts`): the function, its queue and dead-letter queue, its rule and the bus.
 */
export function observedFunction(ctx: Pick<StackContext, "project" | "stack">, name: string, trigger: TriggerType, settings: ObservedFunctionSettings): ObservedFunction {
  const names = functionNames(ctx, name);
  const bus = sharedNames(ctx).eventBus;
  const base = { name, functionName: names.function, aliasName: LIVE_ALIAS, trigger, ...settings };
  switch (trigger) {
    case "http":
      return base;
    case "schedule":
      return { ...base, rule: { ruleName: names.rule } };
    case "event":
      return { ...base, rule: { ruleName: names.rule, eventBusName: bus } };
    case "queue":
      return { ...base, rule: { ruleName: names.rule, eventBusName: bus }, queue: { queueName: names.queue, deadLetterQueueName: names.deadLetterQueue } };
  }
}
