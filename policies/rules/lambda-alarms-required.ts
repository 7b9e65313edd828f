/** Every function is watched for errors and throttles, so a canary can roll back on them. */
import { alarmIndex, findAlarm, Match } from "../lib/alarms";
import { Finding, StackRule, unverifiable, violation } from "../lib/rule";
import { T } from "../lib/resources";
import { isUnknown } from "../lib/values";

export interface LambdaAlarmsConfig {
  /** AWS/Lambda metrics every function needs an alarm on. */
  metrics: string[];
}

/** FunctionName equals the function; an optional Resource is the function or `<function>:<alias>`. */
export function functionDimensions(fn: string): (dims: unknown) => Match {
  return (dims) => {
    const d = (dims ?? {}) as Record<string, unknown>;
    const name = d.FunctionName;
    if (isUnknown(name)) return "unknown";
    if (name !== fn) return "no";
    const res = d.Resource;
    if (res === undefined) return "yes";
    if (isUnknown(res)) return "unknown";
    return typeof res === "string" && (res === fn || res.startsWith(`${fn}:`)) ? "yes" : "no";
  };
}

export const lambdaAlarmsRequired: StackRule<LambdaAlarmsConfig> = {
  kind: "stack",
  name: "lambda-alarms-required",
  types: [T.function, T.metricAlarm],
  description: "Every Lambda function has CloudWatch alarms on AWS/Lambda Errors and Throttles for that function.",
  defaults: { metrics: ["Errors", "Throttles"] },
  configSchema: {
    properties: {
      metrics: { type: "array", items: { type: "string" }, minItems: 1, default: ["Errors", "Throttles"] },
    },
  },
  check(resources, config) {
    const out: Finding[] = [];
    const alarms = alarmIndex(resources);
    for (const fn of resources.filter((r) => r.type === T.function)) {
      const name = fn.props.name;
      if (isUnknown(name)) {
        out.push(unverifiable(this.name, fn, "name", "which alarms watch this function", "name the function explicitly (e.g. `${project}-${stack}-<name>`)"));
        continue;
      }
      if (typeof name !== "string" || name === "") {
        out.push(violation(this.name, fn, "has no known `name`, so no alarm can be matched to it.", "set the function's name explicitly and use it in the alarms' FunctionName dimension."));
        continue;
      }
      for (const metric of config.metrics) {
        const { match, unknownAlarms } = findAlarm(alarms, "AWS/Lambda", metric, functionDimensions(name));
        if (match === "yes") continue;
        if (match === "unknown")
          out.push(unverifiable(this.name, fn, `(alarms ${unknownAlarms.join(", ")}).dimensions/namespace/metricName`,
            `whether an alarm watches AWS/Lambda ${metric} for ${name}`, "build the alarm's FunctionName dimension from the function's known name"));
        else
          out.push(violation(this.name, fn, `no alarm watches AWS/Lambda \`${metric}\` with dimension FunctionName=${name}.`,
            `add an aws.cloudwatch.MetricAlarm { namespace: "AWS/Lambda", metricName: "${metric}", dimensions: { FunctionName: "${name}" } } (optionally Resource: "${name}:live").`));
      }
    }
    return out;
  },
};
