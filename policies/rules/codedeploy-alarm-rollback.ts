/** A canary is only as safe as its rollback: deployments stop and roll back on alarm. */
import { alarmNames } from "../lib/alarms";
import { Finding, StackRule, unverifiable, violation } from "../lib/rule";
import { T } from "../lib/resources";
import { asArray, at, isUnknown } from "../lib/values";

const REQUIRED_EVENTS = ["DEPLOYMENT_FAILURE", "DEPLOYMENT_STOP_ON_ALARM"];

export const codedeployAlarmRollback: StackRule = {
  kind: "stack",
  name: "codedeploy-alarm-rollback",
  types: [T.deploymentGroup, T.metricAlarm, T.compositeAlarm],
  description:
    "Every CodeDeploy deployment group watches at least one alarm of this stack and rolls back automatically on failure and on alarm.",
  defaults: {},
  check(resources) {
    const rule = this.name;
    const out: Finding[] = [];
    const stackAlarms = alarmNames(resources);
    for (const g of resources.filter((r) => r.type === T.deploymentGroup)) {
      // Alarm configuration.
      const enabled = at(g.props, "alarmConfiguration.enabled");
      const alarms = at(g.props, "alarmConfiguration.alarms");
      const ignorePoll = at(g.props, "alarmConfiguration.ignorePollAlarmFailure");
      if (isUnknown(enabled)) out.push(unverifiable(rule, g, "alarmConfiguration.enabled", "that alarms can stop the deployment", "set enabled to the literal true"));
      else if (enabled !== true)
        out.push(violation(rule, g, "does not have alarmConfiguration enabled, so an alarm cannot stop a bad deployment.",
          "set alarmConfiguration: { enabled: true, alarms: [<names of the function's Errors/Throttles alarms>] }."));
      if (isUnknown(alarms)) {
        out.push(unverifiable(rule, g, "alarmConfiguration.alarms", "which alarms stop the deployment", "list the alarm names, derived from known names"));
      } else {
        const list = asArray(alarms) ?? [];
        const known = list.filter((a): a is string => typeof a === "string" && !isUnknown(a));
        const inStack = known.filter((a) => stackAlarms.names.has(a));
        if (inStack.length === 0) {
          const couldBe = list.some(isUnknown) || stackAlarms.unknown.length > 0;
          if (list.length > 0 && couldBe)
            out.push(unverifiable(rule, g, "alarmConfiguration.alarms", "that a named alarm exists in this stack",
              "name the alarms explicitly (MetricAlarm `name`) and pass those names"));
          else
            out.push(violation(rule, g,
              list.length === 0 ? "names no alarm in alarmConfiguration.alarms." : `names alarms (${known.join(", ")}) none of which is declared in this stack.`,
              "pass the `name` of the stack's MetricAlarms for this function (Errors, Throttles)."));
        }
      }
      if (isUnknown(ignorePoll)) out.push(unverifiable(rule, g, "alarmConfiguration.ignorePollAlarmFailure", "that alarm polling failures stop the deployment"));
      else if (ignorePoll === true)
        out.push(violation(rule, g, "sets ignorePollAlarmFailure: true, so the deployment continues when alarms cannot be read.", "remove ignorePollAlarmFailure or set it to false."));

      // Automatic rollback.
      const rbEnabled = at(g.props, "autoRollbackConfiguration.enabled");
      const events = at(g.props, "autoRollbackConfiguration.events");
      if (isUnknown(rbEnabled)) out.push(unverifiable(rule, g, "autoRollbackConfiguration.enabled", "that failed deployments roll back"));
      else if (rbEnabled !== true)
        out.push(violation(rule, g, "does not have autoRollbackConfiguration enabled.",
          `set autoRollbackConfiguration: { enabled: true, events: ${JSON.stringify(REQUIRED_EVENTS)} }.`));
      if (isUnknown(events)) {
        out.push(unverifiable(rule, g, "autoRollbackConfiguration.events", "which events roll back"));
      } else {
        const list = asArray(events) ?? [];
        if (list.some(isUnknown)) out.push(unverifiable(rule, g, "autoRollbackConfiguration.events", "which events roll back"));
        else {
          const missing = REQUIRED_EVENTS.filter((e) => !list.includes(e));
          if (missing.length)
            out.push(violation(rule, g, `autoRollbackConfiguration.events lacks ${missing.join(" and ")}.`,
              `set events to ${JSON.stringify(REQUIRED_EVENTS)}.`));
        }
      }
    }
    return out;
  },
};
