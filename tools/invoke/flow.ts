import * as fs from "fs";
import * as path from "path";
import type { CreateTableCommandInput } from "@aws-sdk/client-dynamodb";
import type { PutEventsRequestEntry, PutEventsResponse } from "@aws-sdk/client-eventbridge";
import type { EventBridgeEvent } from "aws-lambda";
import { discoverFunctions } from "../../infra/catalog";
import { ORDERS_TABLE } from "../../functions/shared/orders-table";
import { checkCorrelation, headersOf } from "./flow-check";
import { busEvent, matchesPattern, refusalOf, routesOf, sqsEvent, type Route } from "./event-routing";
import { declaredEnvironment, lambdaContext, localFunction, runtimeEnvironment, stackNames, timeoutSeconds, type LocalFunction } from "./lambda-environment";
import { startLocalAws, type LocalAwsCall } from "./local-aws";
import { applyEnvironment, describeError, interceptOutput, invokeBundle, useLocalEndpoint, type Outcome } from "./run-bundle";

/**
 * The reference flow run locally on the built bundles: invoke the entry function, take the
 * events it put on the bus, deliver each to the functions whose rule matches (as AWS would),
 * and repeat until nothing new is published. Every hop's output is kept for the trace, and the
 * whole journey is checked for one correlation id.
 */

export interface FlowOptions {
  readonly functionsDir: string;
  /** Folder holding `<name>/index.js` for every function. */
  readonly distDir: string;
  readonly stack: string;
  readonly region: string;
  /** The function invoked first, with `event`. */
  readonly entry: string;
  readonly event: unknown;
  /** Put in the entry event's `x-correlation-id` header (HTTP entry only). @default the event's own */
  readonly correlationId?: string;
  /** Invocations after which the flow stops even if events are still pending. @default 10 */
  readonly maxHops?: number;
}

export const FLOW_DEFAULTS = { maxHops: 10 } as const;

/** How a hop's event reached the function. */
export type EventKind = "http" | "sqs" | "eventbridge" | "schedule";

/** One PutEvents entry a hop sent, and where the bus delivered it. */
export interface Emitted {
  readonly entry: PutEventsRequestEntry;
  readonly eventId: string;
  /** Why EventBridge would not have delivered it (refused, or another bus). */
  readonly undelivered?: string;
  /** The event as the bus delivers it (undefined when not delivered). */
  readonly event?: EventBridgeEvent<string, unknown>;
  /** The rules that matched it. */
  readonly routes: readonly Route[];
}

export interface Hop {
  readonly index: number;
  readonly fn: string;
  readonly kind: EventKind;
  /** What arrived, e.g. `POST /orders` or `1 record from queue serverless-local-fulfil-order-queue`. */
  readonly arrived: string;
  readonly requestId: string;
  readonly outcome: Outcome;
  /** Why the hop counts as failed (threw, HTTP error status, batch item failures), or undefined. */
  readonly failure?: string;
  /** Every line the function printed, in order. */
  readonly lines: readonly string[];
  readonly awsCalls: readonly LocalAwsCall[];
  readonly emitted: readonly Emitted[];
  /** Node process warnings and local-aws refusals seen during the hop. */
  readonly notes: readonly string[];
}

export interface FlowResult {
  readonly stack: string;
  readonly busName: string;
  readonly hops: readonly Hop[];
  /** The id every line and event must carry, and where it came from. */
  readonly correlationId: string | undefined;
  readonly correlationSource: string;
  /** Log lines, metric blobs and events checked. */
  readonly counted: { readonly logLines: number; readonly metricBlobs: number; readonly events: number };
  /** Everything that makes the flow fail: hop failures, foreign ids, pending events. Empty when it passed. */
  readonly problems: readonly string[];
}

interface Delivery {
  readonly fn: LocalFunction;
  readonly kind: EventKind;
  readonly event: unknown;
  readonly arrived: string;
}

/**
 * The stack's tables as `infra/components/service-resources.ts` declares them (key schema and
 * index, which is what DynamoDB enforces); that component only exists inside a Pulumi program.
 */
export function stackTables(fn: Pick<LocalFunction, "stack">): CreateTableCommandInput[] {
  return [
    {
      TableName: stackNames(fn).ordersTable,
      BillingMode: "PAY_PER_REQUEST",
      AttributeDefinitions: [
        { AttributeName: ORDERS_TABLE.partitionKey, AttributeType: "S" },
        { AttributeName: "status", AttributeType: "S" },
        { AttributeName: "placedAt", AttributeType: "S" },
      ],
      KeySchema: [{ AttributeName: ORDERS_TABLE.partitionKey, KeyType: "HASH" }],
      GlobalSecondaryIndexes: [
        {
          IndexName: ORDERS_TABLE.byStatusIndex,
          KeySchema: [
            { AttributeName: "status", KeyType: "HASH" },
            { AttributeName: "placedAt", KeyType: "RANGE" },
          ],
          Projection: { ProjectionType: "ALL" },
        },
      ],
    },
  ];
}

export async function runFlow(options: FlowOptions): Promise<FlowResult> {
  const functions = discoverFunctions(options.functionsDir).map((f) => localFunction(f.name, f.settings, options.stack, options.region));
  const entry = functions.find((f) => f.name === options.entry);
  if (!entry) throw new Error(`unknown entry function "${options.entry}"; known: ${functions.map((f) => f.name).join(", ")}.`);
  const routes = routesOf(functions);
  for (const fn of [entry, ...routes.map((r) => r.fn)]) bundleOf(options.distDir, fn.name);
  const busName = stackNames(entry).eventBus;
  const kind = kindOf(entry);
  const event = withCorrelationHeader(options.event, kind, options.correlationId);

  const notes: string[] = [];
  const aws = await startLocalAws((line) => (line.includes("refused") ? notes.push(line) : undefined), { tables: stackTables(entry) });
  const environment = { ...process.env };
  const warnings = captureWarnings((w) => notes.push(`node warning: ${w}`));
  const hops: Hop[] = [];
  const problems: string[] = [];
  const pending: Delivery[] = [{ fn: entry, kind, event, arrived: describeEntry(event, kind) }];
  try {
    while (pending.length) {
      if (hops.length >= (options.maxHops ?? FLOW_DEFAULTS.maxHops)) {
        problems.push(`stopped after ${hops.length} hops with ${pending.length} delivery(ies) still pending (${pending.map((d) => d.fn.name).join(", ")}): do the functions publish in a loop? Raise --max-hops if the flow is really that long.`);
        break;
      }
      const delivery = pending.shift()!;
      resetEnvironment(environment);
      useLocalEndpoint(aws.endpoint);
      const hop = await runHop(hops.length + 1, delivery, options.distDir, aws.calls, notes, busName, routes);
      hops.push(hop);
      if (hop.failure) problems.push(`hop ${hop.index} ${hop.fn}: ${hop.failure}`);
      pending.push(...deliveries(hop, routes));
    }
  } finally {
    resetEnvironment(environment);
    warnings.restore();
    await aws.close();
  }
  const check = checkCorrelation(hops, options.correlationId, event);
  return { stack: options.stack, busName, hops, ...check, problems: [...problems, ...check.problems] };
}

async function runHop(index: number, d: Delivery, distDir: string, calls: LocalAwsCall[], notes: string[], busName: string, routes: readonly Route[]): Promise<Hop> {
  const context = lambdaContext(d.fn, Date.now());
  const bundle = bundleOf(distDir, d.fn.name);
  applyEnvironment(runtimeEnvironment(d.fn, context, path.dirname(bundle)), true);
  applyEnvironment(declaredEnvironment(d.fn), false);
  const firstCall = calls.length;
  notes.length = 0;
  let printed = "";
  const restore = interceptOutput((text) => (printed += text));
  let outcome: Outcome;
  try {
    outcome = await invokeBundle(bundle, d.event, context, timeoutSeconds(d.fn) * 1000);
  } finally {
    restore();
  }
  // Node emits warnings on the next tick; let them land in this hop.
  await new Promise((resolve) => setImmediate(resolve));
  const awsCalls = calls.slice(firstCall);
  return {
    index,
    fn: d.fn.name,
    kind: d.kind,
    arrived: d.arrived,
    requestId: context.awsRequestId,
    outcome,
    failure: failureOf(d.kind, outcome),
    lines: printed.split("\n").filter((l) => l.trim()),
    awsCalls,
    emitted: emittedBy(awsCalls, d.fn, busName, routes),
    notes: [...notes],
  };
}

function emittedBy(calls: readonly LocalAwsCall[], fn: LocalFunction, busName: string, routes: readonly Route[]): Emitted[] {
  return calls
    .filter((c) => c.service === "events" && c.operation === "PutEvents")
    .flatMap((c) => {
      const entries = ((c.input as { Entries?: PutEventsRequestEntry[] }).Entries ?? []);
      const answers = (c.output as PutEventsResponse).Entries ?? [];
      return entries.map((entry, i): Emitted => {
        const eventId = answers[i]?.EventId ?? "";
        const refusal = refusalOf(entry);
        const bus = entry.EventBusName ?? "default";
        const undelivered = refusal ?? (bus === busName || bus.endsWith(`:event-bus/${busName}`) ? undefined : `put on bus "${bus}", not the stack's bus "${busName}": no rule of this stack sees it`);
        if (undelivered) return { entry, eventId, undelivered, routes: [] };
        const event = busEvent(entry, eventId, fn);
        return { entry, eventId, event, routes: routes.filter((r) => matchesPattern(r.pattern, event)) };
      });
    });
}

/** What the hop's events become: one invocation per event for `event` rules, batches for queues. */
function deliveries(hop: Hop, routes: readonly Route[]): Delivery[] {
  const out: Delivery[] = [];
  for (const route of routes) {
    const events = hop.emitted.filter((e) => e.routes.includes(route)).map((e) => e.event!);
    if (route.kind === "event")
      for (const event of events) out.push({ fn: route.fn, kind: "eventbridge", event, arrived: `${event["detail-type"]} from ${event.source} (rule ${route.ruleName})` });
    if (route.queue)
      for (let i = 0; i < events.length; i += route.queue.batchSize) {
        const batch = events.slice(i, i + route.queue.batchSize);
        const types = [...new Set(batch.map((e) => e["detail-type"]))].join(", ");
        out.push({ fn: route.fn, kind: "sqs", event: sqsEvent(batch, route), arrived: `${batch.length} record(s) (${types}) from queue ${route.queue.name}` });
      }
  }
  return out;
}

/** Puts `process.env` back to `snapshot` in place (Node's env object converts values; replacing it would not). */
function resetEnvironment(snapshot: NodeJS.ProcessEnv): void {
  for (const key of Object.keys(process.env)) if (!(key in snapshot)) delete process.env[key];
  for (const [key, value] of Object.entries(snapshot)) if (value !== undefined) process.env[key] = value;
}

function failureOf(kind: EventKind, outcome: Outcome): string | undefined {
  if (!outcome.ok) return outcome.phase === "init" ? (outcome.error as Error).message : `handler threw ${describeError(outcome.error)}`;
  const result = outcome.result as { statusCode?: unknown; body?: unknown; batchItemFailures?: Array<{ itemIdentifier?: unknown }> } | null;
  if (kind === "http" && typeof result?.statusCode === "number" && result.statusCode >= 400)
    return `answered HTTP ${result.statusCode}: ${typeof result.body === "string" ? result.body : JSON.stringify(result.body)}`;
  if (kind === "sqs" && result?.batchItemFailures?.length)
    return `reported ${result.batchItemFailures.length} failed record(s) (${result.batchItemFailures.map((f) => String(f.itemIdentifier)).join(", ")}): SQS would retry them, then dead-letter them; see the ERROR log lines.`;
  return undefined;
}

export function bundleOf(distDir: string, name: string): string {
  const bundle = path.join(distDir, name, "index.js");
  if (!fs.existsSync(bundle)) throw new Error(`${bundle} not found: the flow runs the built bundles; run \`npm run build\` (or delete ${path.join(distDir, "manifest.json")} so the flow builds).`);
  return bundle;
}

function kindOf(fn: LocalFunction): EventKind {
  const kinds = { http: "http", queue: "sqs", event: "eventbridge", schedule: "schedule" } as const;
  return kinds[fn.settings.trigger.type];
}

/** The entry event with `x-correlation-id` set (any other casing of the header replaced). */
function withCorrelationHeader(event: unknown, kind: EventKind, correlationId: string | undefined): unknown {
  if (correlationId === undefined) return event;
  if (kind !== "http") throw new Error(`--correlation-id goes in an HTTP header; the entry function's trigger is ${kind}.`);
  const headers = Object.fromEntries(Object.entries(headersOf(event) ?? {}).filter(([k]) => k.toLowerCase() !== "x-correlation-id"));
  return { ...(event as object), headers: { ...headers, "x-correlation-id": correlationId } };
}

function describeEntry(event: unknown, kind: EventKind): string {
  if (kind !== "http") return `${kind} event`;
  const http = (event as { requestContext?: { http?: { method?: string; path?: string } } } | null)?.requestContext?.http;
  return `${http?.method ?? "?"} ${http?.path ?? "?"}`;
}

/**
 * Node prints process warnings (the AWS SDK's Node-version notice) to stderr on its own; during
 * the flow they go to the hop's notes instead, so the printed lines are the functions' alone.
 */
function captureWarnings(note: (warning: string) => void): { restore(): void } {
  const previous = process.listeners("warning");
  process.removeAllListeners("warning");
  const listener = (w: Error) => note(`${w.name}: ${w.message.split("\n")[0]}`);
  process.on("warning", listener);
  return {
    restore() {
      process.off("warning", listener);
      for (const l of previous) process.on("warning", l);
    },
  };
}
