import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { StackContext } from "../naming";
import { ALARM_RULE_LIMITS, AlarmTreeNode, anyAlarmRule, planAlarmTree, RuleLimits } from "./alarm-rule";

export interface ServiceAlarmArgs {
  readonly context: Pick<StackContext, "project" | "stack">;
  /**
   * Every function with its alarms' names. Pass the alarms' `name` outputs: the composite alarm
   * then waits for them (CloudWatch refuses a rule naming an alarm that does not exist yet).
   */
  readonly functions: readonly { readonly name: string; readonly alarmNames: readonly pulumi.Input<string>[] }[];
  /** Notified when the service goes into ALARM and when it recovers. */
  readonly alertTopicArn: pulumi.Input<string>;
  /** @default `${project}-${stack}-service` */
  readonly alarmName?: string;
  /** CloudWatch's rule limits; smaller values only make sense in tests. @default ALARM_RULE_LIMITS */
  readonly limits?: RuleLimits;
}

export const SERVICE_ALARM_DEFAULTS = { limits: ALARM_RULE_LIMITS } as const;

// Leaves room for the `-<level>-<n>` suffix of intermediate nodes within the 255-character limit.
const MAX_ROOT_NAME = ALARM_RULE_LIMITS.maxAlarmNameLength - 12;

export function validateServiceAlarmArgs(name: string, a: ServiceAlarmArgs): void {
  const at = `ServiceAlarm "${name}"`;
  if (!a.functions.length) throw new Error(`${at}: \`functions\` is empty; a service alarm needs at least one function's alarms to watch.`);
  for (const f of a.functions) {
    if (!f.alarmNames.length) throw new Error(`${at}: \`functions[${f.name}].alarmNames\` is empty; every function must have alarms the service alarm can watch.`);
    for (const n of f.alarmNames)
      if (typeof n === "string" && (n.length === 0 || n.length > ALARM_RULE_LIMITS.maxAlarmNameLength || /["\\]/.test(n)))
        throw new Error(`${at}: \`functions[${f.name}].alarmNames\` holds "${n}"; an alarm name must be 1-255 characters without \`"\` or \`\\\`.`);
  }
  const root = rootAlarmName(a);
  if (root.length > MAX_ROOT_NAME) throw new Error(`${at}: \`alarmName\` "${root}" must be at most ${MAX_ROOT_NAME} characters.`);
}

function rootAlarmName(a: ServiceAlarmArgs): string {
  return a.alarmName ?? `${a.context.project}-${a.context.stack}-service`;
}

/**
 * One composite alarm for the whole service: in ALARM when any function's alarm is, notifying the
 * alert topic on ALARM and on OK. Past CloudWatch's rule limits (100 alarms, 10240 characters) the
 * alarms are grouped under intermediate composite alarms, so a thousand functions still roll up
 * into one service alarm.
 */
export class ServiceAlarm extends pulumi.ComponentResource {
  /** The root composite alarm: the one signal "the service is unhealthy". */
  readonly alarmName: pulumi.Output<string>;
  /** Every composite alarm of the tree, root last. */
  readonly alarmNames: pulumi.Output<string>[];

  constructor(name: string, args: ServiceAlarmArgs, opts?: pulumi.ComponentResourceOptions) {
    validateServiceAlarmArgs(name, args);
    super("serverless:observability:ServiceAlarm", name, {}, opts);
    const members = args.functions.flatMap((f) => f.alarmNames);
    // A name not known yet is sized as the longest possible, so the plan never depends on values.
    const lengths = members.map((n) => (typeof n === "string" ? n.length : ALARM_RULE_LIMITS.maxAlarmNameLength));
    const tree = planAlarmTree(rootAlarmName(args), lengths, args.limits ?? SERVICE_ALARM_DEFAULTS.limits);

    const created = new Map<string, aws.cloudwatch.CompositeAlarm>();
    for (const node of tree) created.set(node.name, this.compositeAlarm(name, args, node, members, created, tree.length));

    this.alarmNames = tree.map((node) => created.get(node.name)!.alarmName);
    this.alarmName = this.alarmNames[this.alarmNames.length - 1];
    this.registerOutputs({ alarmName: this.alarmName, alarmNames: this.alarmNames });
  }

  private compositeAlarm(
    name: string,
    args: ServiceAlarmArgs,
    node: AlarmTreeNode,
    members: readonly pulumi.Input<string>[],
    created: Map<string, aws.cloudwatch.CompositeAlarm>,
    nodes: number,
  ): aws.cloudwatch.CompositeAlarm {
    const isRoot = node.name === rootAlarmName(args);
    // A child node's name comes from its resource, so the parent waits for it.
    const names = node.members.map((m) => (m.kind === "alarm" ? members[m.index] : created.get(m.name)!.alarmName));
    // Plain names make a plain rule; only outputs are awaited (each Output costs the SDK a promise).
    const rule = names.every((n): n is string => typeof n === "string") ? anyAlarmRule(names) : pulumi.all(names).apply((resolved) => anyAlarmRule(resolved));
    const scope = isRoot ? `${args.functions.length} function(s) of ${args.context.project}-${args.context.stack}` : `part of ${args.context.project}-${args.context.stack}`;
    return new aws.cloudwatch.CompositeAlarm(
      isRoot ? `${name}-alarm` : `${name}-alarm-${node.level}-${node.name.split("-").pop()}`,
      {
        alarmName: node.name,
        alarmDescription: `In ALARM when any of ${node.members.length} ${node.level === 1 ? "alarm(s)" : "grouped composite alarm(s)"} of ${scope} is in ALARM${nodes > 1 && isRoot ? " (grouped to stay within CloudWatch's rule limits)" : ""}.`,
        alarmRule: rule,
        alarmActions: [args.alertTopicArn],
        okActions: [args.alertTopicArn],
      },
      { parent: this },
    );
  }
}
