import { createHash, randomBytes, randomUUID } from "crypto";
import type { PutEventsRequestEntry } from "@aws-sdk/client-eventbridge";
import type { EventBridgeEvent, SQSEvent, SQSRecord } from "aws-lambda";
import { eventPatternJson } from "../../infra/components/triggers/event-pattern";
import { regionalArn, resourceNames, stackNames, type LocalFunction } from "./lambda-environment";

/**
 * What AWS does between two functions of the stack, for a local run: the rules the program puts
 * on the stack's bus (one per `queue` or `event` trigger, with the pattern built by the same
 * `eventPatternJson` the program uses), EventBridge matching an entry against them, and the
 * event each target receives (the EventBridge event itself, or an SQS message whose body is it).
 */

/** A rule on the stack's bus and the function it delivers to. */
export interface Route {
  readonly fn: LocalFunction;
  /** `queue`: the rule targets the function's queue; `event`: the rule invokes the function. */
  readonly kind: "queue" | "event";
  readonly ruleName: string;
  readonly busName: string;
  /** The rule's event pattern, as the program writes it. */
  readonly pattern: EventPattern;
  /** For `queue` routes: the queue and how many messages Lambda takes per invocation. */
  readonly queue?: { readonly name: string; readonly arn: string; readonly batchSize: number };
}

/** An EventBridge event pattern: each key lists accepted values, or nests a pattern. */
export type EventPattern = { readonly [key: string]: readonly unknown[] | EventPattern };

/** Lambda's default batch size for an SQS event source, as the program's QueueSubscription defaults it. */
const DEFAULT_BATCH_SIZE = 10;

/** The rules of the stack, one per function whose trigger reads the bus. */
export function routesOf(functions: readonly LocalFunction[]): Route[] {
  const routes: Route[] = [];
  for (const fn of functions) {
    const trigger = fn.settings.trigger;
    const names = resourceNames(fn);
    const common = { fn, ruleName: names.rule, busName: stackNames(fn).eventBus };
    if (trigger.type === "event") routes.push({ ...common, kind: "event", pattern: JSON.parse(eventPatternJson(trigger.pattern)) as EventPattern });
    if (trigger.type === "queue")
      routes.push({
        ...common,
        kind: "queue",
        pattern: JSON.parse(eventPatternJson(trigger.subscribe)) as EventPattern,
        queue: { name: names.queue, arn: regionalArn(fn, "sqs", names.queue), batchSize: trigger.batchSize ?? DEFAULT_BATCH_SIZE },
      });
  }
  return routes;
}

/**
 * EventBridge's matching for the patterns the program writes: every key of the pattern must be in
 * the event; an array lists the accepted values (an array in the event matches when any of its
 * elements does); an object matches the nested field. Written by hand because AWS's matcher
 * (event-ruler) is Java and TestEventPattern needs an account; content filters (`prefix`,
 * `anything-but`, ...) are refused rather than guessed, since function.json cannot express them.
 */
export function matchesPattern(pattern: EventPattern, event: unknown, at = ""): boolean {
  if (event === null || typeof event !== "object") return false;
  for (const [key, expected] of Object.entries(pattern)) {
    const value = (event as Record<string, unknown>)[key];
    const where = at ? `${at}.${key}` : key;
    if (!Array.isArray(expected)) {
      if (!matchesPattern(expected as EventPattern, value, where)) return false;
      continue;
    }
    const filter = expected.find((v) => v !== null && typeof v === "object");
    if (filter !== undefined) throw new Error(`event pattern \`${where}\`: content filter ${JSON.stringify(filter)} is not supported locally; only exact values are.`);
    const candidates = Array.isArray(value) ? value : [value];
    if (value === undefined || !candidates.some((c) => expected.includes(c))) return false;
  }
  return true;
}

/** Why EventBridge would refuse the entry (as a per-entry error of PutEvents), or undefined. */
export function refusalOf(entry: PutEventsRequestEntry): string | undefined {
  for (const field of ["Source", "DetailType", "Detail"] as const)
    if (typeof entry[field] !== "string" || !entry[field]) return `\`${field}\` is missing (EventBridge answers InvalidArgument)`;
  try {
    const detail = JSON.parse(entry.Detail!) as unknown;
    if (detail === null || typeof detail !== "object" || Array.isArray(detail)) return "`Detail` is not a JSON object (EventBridge answers MalformedDetail)";
  } catch {
    return "`Detail` is not valid JSON (EventBridge answers MalformedDetail)";
  }
  return undefined;
}

/** The event EventBridge delivers for an accepted PutEvents entry: AWS adds id, account, time, region. */
export function busEvent(entry: PutEventsRequestEntry, eventId: string, fn: Pick<LocalFunction, "region" | "accountId">): EventBridgeEvent<string, unknown> {
  const time = entry.Time ? new Date(entry.Time) : new Date();
  return {
    version: "0",
    id: eventId,
    "detail-type": entry.DetailType!,
    source: entry.Source!,
    account: fn.accountId,
    time: time.toISOString().replace(/\.\d{3}Z$/, "Z"),
    region: fn.region,
    resources: entry.Resources ?? [],
    detail: JSON.parse(entry.Detail!) as unknown,
  };
}

/**
 * The SQS event Lambda receives from a queue a bus rule sends to: one record per message, the
 * body being the whole EventBridge event as JSON, first receive.
 */
export function sqsEvent(events: readonly EventBridgeEvent<string, unknown>[], route: Route): SQSEvent {
  if (!route.queue) throw new Error(`route of "${route.fn.name}" has no queue; only \`queue\` triggers receive SQS events.`);
  const sent = Date.now();
  return {
    Records: events.map((event): SQSRecord => {
      const body = JSON.stringify(event);
      const messageId = randomUUID();
      return {
        messageId,
        // Opaque to the consumer; shaped like SQS's (base64, a few hundred characters).
        receiptHandle: `AQEB${randomBytes(120).toString("base64")}`,
        body,
        attributes: {
          ApproximateReceiveCount: "1",
          SentTimestamp: String(sent),
          // The sender of messages EventBridge delivers is the events service, not a user.
          SenderId: "AIDAEVENTBRIDGELOCAL",
          ApproximateFirstReceiveTimestamp: String(Date.now()),
        },
        messageAttributes: {},
        md5OfBody: createHash("md5").update(body).digest("hex"),
        eventSource: "aws:sqs",
        eventSourceARN: route.queue!.arn,
        awsRegion: route.fn.region,
      };
    }),
  };
}
