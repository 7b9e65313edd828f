/** Messages in a dead-letter queue are failures nobody retries: someone must be told. */
import { alarmIndex, findAlarm, Match } from "../lib/alarms";
import { Finding, StackRule, unverifiable, violation } from "../lib/rule";
import { PackResource, T } from "../lib/resources";
import { at, isUnknown, jsonValue } from "../lib/values";

export interface DlqConfig {
  /** AWS/SQS metrics accepted as a depth alarm. */
  metrics: string[];
}

interface DlqReference {
  from: PackResource;
  path: string;
  /** The target ARN, or UNKNOWN. */
  arn: unknown;
  /** Property whose dependencies tell where an unknown ARN came from. */
  property: string;
}

/** Every place the stack names a dead-letter queue. */
function dlqReferences(resources: PackResource[]): DlqReference[] {
  const refs: DlqReference[] = [];
  for (const r of resources) {
    if (r.type === T.queue || r.type === T.redrivePolicy) {
      const policy = jsonValue(r.props.redrivePolicy);
      if (policy === undefined || policy === null || policy === "") continue;
      const arn = isUnknown(policy) ? policy : at(policy, "deadLetterTargetArn");
      refs.push({ from: r, path: "redrivePolicy.deadLetterTargetArn", arn, property: "redrivePolicy" });
    } else if (r.type === T.function) {
      const arn = at(r.props, "deadLetterConfig.targetArn");
      if (arn !== undefined) refs.push({ from: r, path: "deadLetterConfig.targetArn", arn, property: "deadLetterConfig" });
    } else if (r.type === T.eventTarget) {
      const arn = at(r.props, "deadLetterConfig.arn");
      if (arn !== undefined) refs.push({ from: r, path: "deadLetterConfig.arn", arn, property: "deadLetterConfig" });
    }
  }
  return refs;
}

/**
 * The queue an SQS ARN names: by its `arn` output, else by name (the ARN's last segment); the first
 * such queue in the stack. Looked up in maps built once per check instead of scanning every queue
 * per reference (O(references x queues) at 1000 functions).
 */
function queueLookup(queues: PackResource[]): { byUrn: Map<string, PackResource>; forArn: (arn: string) => PackResource | undefined } {
  const byUrn = new Map<string, PackResource>();
  const byArn = new Map<unknown, PackResource>();
  const byName = new Map<string, PackResource>();
  for (const q of queues) {
    if (!byUrn.has(q.urn)) byUrn.set(q.urn, q);
    if (!byArn.has(q.props.arn)) byArn.set(q.props.arn, q);
    if (typeof q.props.name === "string" && !byName.has(q.props.name)) byName.set(q.props.name, q);
  }
  return { byUrn, forArn: (arn) => byArn.get(arn) ?? byName.get(arn.split(":")[5]) };
}

function queueDimensions(name: string): (dims: unknown) => Match {
  return (dims) => {
    const v = (dims as Record<string, unknown>).QueueName;
    if (isUnknown(v)) return "unknown";
    return v === name ? "yes" : "no";
  };
}

export const dlqDepthAlarm: StackRule<DlqConfig> = {
  kind: "stack",
  name: "dlq-depth-alarm",
  types: [T.queue, T.redrivePolicy, T.function, T.eventTarget, T.metricAlarm],
  description: "Every SQS queue used as a dead-letter queue has an alarm on its depth (AWS/SQS ApproximateNumberOfMessagesVisible).",
  defaults: { metrics: ["ApproximateNumberOfMessagesVisible"] },
  configSchema: {
    properties: {
      metrics: { type: "array", items: { type: "string" }, minItems: 1, default: ["ApproximateNumberOfMessagesVisible"] },
    },
  },
  check(resources, config) {
    const rule = this.name;
    const queues = resources.filter((r) => r.type === T.queue);
    const lookup = queueLookup(queues);
    const alarms = alarmIndex(resources);
    const out: Finding[] = [];
    const dlqs = new Map<string, PackResource>();
    const unresolved: DlqReference[] = [];
    for (const ref of dlqReferences(resources)) {
      if (isUnknown(ref.arn)) {
        // The engine tells which resources the property was computed from.
        const fromQueues = (ref.from.propertyDependencies?.[ref.property] ?? [])
          .map((urn) => lookup.byUrn.get(urn))
          .filter((q): q is PackResource => q !== undefined);
        if (fromQueues.length > 0) fromQueues.forEach((q) => dlqs.set(q.urn, q));
        else unresolved.push(ref);
        continue;
      }
      if (typeof ref.arn !== "string" || !ref.arn.startsWith("arn:") || ref.arn.split(":")[2] !== "sqs") continue;
      const q = lookup.forArn(ref.arn);
      if (q) dlqs.set(q.urn, q);
    }
    // Asked per dead-letter queue and again per unresolved reference and queue: answered once per queue.
    const answers = new Map<PackResource, Match>();
    const hasAlarm = (q: PackResource): Match => {
      let m = answers.get(q);
      if (m === undefined) answers.set(q, (m = queueHasAlarm(q)));
      return m;
    };
    const queueHasAlarm = (q: PackResource): Match => {
      const name = q.props.name;
      if (isUnknown(name)) return "unknown";
      if (typeof name !== "string") return "no";
      const matches = config.metrics.map((m) => findAlarm(alarms, "AWS/SQS", m, queueDimensions(name)).match);
      return matches.includes("yes") ? "yes" : matches.includes("unknown") ? "unknown" : "no";
    };
    for (const q of dlqs.values()) {
      const m = hasAlarm(q);
      if (m === "yes") continue;
      if (m === "unknown")
        out.push(unverifiable(rule, q, isUnknown(q.props.name) ? "name" : "(alarm dimensions).QueueName", "that an alarm watches this dead-letter queue's depth",
          "name the queue explicitly and use that name in the alarm's QueueName dimension"));
      else
        out.push(violation(rule, q, `is a dead-letter queue and no alarm watches its depth (AWS/SQS ${config.metrics.join(" or ")} with QueueName=${String(q.props.name)}).`,
          `add a MetricAlarm { namespace: "AWS/SQS", metricName: "ApproximateNumberOfMessagesVisible", dimensions: { QueueName: <queue name> }, threshold: 0, comparisonOperator: "GreaterThanThreshold" } with an alarm action.`));
    }
    // An unknown target decides the verdict only if some queue that could be it lacks an alarm.
    for (const ref of unresolved) {
      const unwatched = queues.filter((q) => q.urn !== ref.from.urn && !dlqs.has(q.urn) && hasAlarm(q) !== "yes");
      if (unwatched.length > 0)
        out.push(unverifiable(rule, ref.from, ref.path, `which queue is the dead-letter queue (candidates without a depth alarm: ${unwatched.map((q) => q.name).join(", ")})`,
          "build the dead-letter queue ARN from region, account id and the queue's known name"));
    }
    return out;
  },
};
