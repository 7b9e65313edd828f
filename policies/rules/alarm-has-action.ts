/** An alarm nobody hears is not monitoring: every alarm notifies or acts. */
import { ResourceRule, unverifiable, violation } from "../lib/rule";
import { T } from "../lib/resources";
import { isUnknown } from "../lib/values";

export const alarmHasAction: ResourceRule = {
  kind: "resource",
  name: "alarm-has-action",
  description: "Every CloudWatch metric or composite alarm has at least one alarmActions target and actions enabled.",
  types: [T.metricAlarm, T.compositeAlarm],
  defaults: {},
  check(r) {
    const actions = r.props.alarmActions;
    const enabled = r.props.actionsEnabled;
    // An unknown element is still an action (e.g. a topic ARN computed at deploy): only an unknown
    // list decides the verdict.
    if (isUnknown(actions))
      return [unverifiable(this.name, r, "alarmActions", "that the alarm has an action", "pass a list whose length is known at preview (its elements may be outputs)")];
    if (!Array.isArray(actions) || actions.length === 0)
      return [violation(this.name, r, "has no `alarmActions`, so nobody is told when it fires.", "add an SNS topic (or another action) ARN to alarmActions.")];
    if (isUnknown(enabled)) return [unverifiable(this.name, r, "actionsEnabled", "that the alarm's actions are enabled", "leave actionsEnabled unset or set it to the literal true")];
    if (enabled === false)
      return [violation(this.name, r, "has `actionsEnabled: false`, so its actions never run.", "remove actionsEnabled or set it to true.")];
    return [];
  },
};
