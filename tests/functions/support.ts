import { createHash, randomUUID } from "crypto";
import * as fs from "fs";
import * as path from "path";
import { EventBridgeClient, type PutEventsRequestEntry, PutEventsCommand } from "@aws-sdk/client-eventbridge";
import { DynamoDBDocumentClient } from "@aws-sdk/lib-dynamodb";
import type { Context } from "aws-lambda";
import { mockClient } from "aws-sdk-client-mock";

/**
 * What every handler test shares: the environment the program would set, AWS SDK mocks (one
 * per client class for the whole run: mocking a class twice would fight over its prototype),
 * example events, a Lambda context, and a capture of what the Powertools logger prints.
 */

export const FUNCTIONS_DIR = path.resolve(__dirname, "../../functions");

// Only variables the handlers read: the whole mocha run shares this process with other areas' tests.
Object.assign(process.env, {
  AWS_LAMBDA_INITIALIZATION_TYPE: "on-demand",
  EVENT_BUS_NAME: "serverless-test-event-bus",
  ORDERS_TABLE_NAME: "serverless-test-orders-table",
  POWERTOOLS_SERVICE_NAME: "orders",
  POWERTOOLS_METRICS_NAMESPACE: "ServerlessOrders",
});

export const eventBridgeMock = mockClient(EventBridgeClient);
export const dynamoMock = mockClient(DynamoDBDocumentClient);

export function resetAwsMocks(): void {
  eventBridgeMock.reset();
  dynamoMock.reset();
}

/** PutEvents accepts every entry, answering one EventId per entry. */
export function acceptAllPutEvents(): void {
  eventBridgeMock.on(PutEventsCommand).callsFake((input: { Entries: unknown[] }) => ({
    FailedEntryCount: 0,
    Entries: input.Entries.map((_, i) => ({ EventId: `event-${i}` })),
  }));
}

/** Every PutEvents entry sent so far, in order, with `Detail` parsed. */
export function sentEvents(): Array<PutEventsRequestEntry & { detail: { metadata: { correlationId: string; version: number }; data: Record<string, unknown> } }> {
  return eventBridgeMock
    .commandCalls(PutEventsCommand)
    .flatMap((call) => call.args[0].input.Entries ?? [])
    .map((entry) => ({ ...entry, detail: JSON.parse(entry.Detail ?? "null") }));
}

export function loadEvent<T = Record<string, unknown>>(fn: string, file: string): T {
  return JSON.parse(fs.readFileSync(path.join(FUNCTIONS_DIR, fn, "events", file), "utf8")) as T;
}

export function eventFiles(fn: string): string[] {
  return fs.readdirSync(path.join(FUNCTIONS_DIR, fn, "events")).filter((f) => f.endsWith(".json")).sort();
}

let requests = 0;
export function lambdaContext(fn: string, overrides: Partial<Context> = {}): Context {
  const functionName = `serverless-test-${fn}`;
  const deadline = Date.now() + 30_000;
  requests += 1;
  return {
    callbackWaitsForEmptyEventLoop: true,
    functionName,
    functionVersion: "7",
    invokedFunctionArn: `arn:aws:lambda:eu-west-1:123456789012:function:${functionName}:live`,
    memoryLimitInMB: "256",
    awsRequestId: `00000000-0000-4000-8000-${String(requests).padStart(12, "0")}`,
    logGroupName: `/aws/lambda/${functionName}`,
    logStreamName: "2025/03/10/[7]0123456789abcdef0123456789abcdef",
    getRemainingTimeInMillis: () => deadline - Date.now(),
    done: () => undefined,
    fail: () => undefined,
    succeed: () => undefined,
    ...overrides,
  };
}

export type LogEntry = Record<string, unknown>;

export interface Captured {
  /** Every JSON line printed (log lines and EMF metric blobs). */
  readonly entries: LogEntry[];
  /** Powertools logger lines (they carry `level`). */
  readonly logs: LogEntry[];
  /** Embedded-metric-format blobs (they carry `_aws`). */
  readonly metrics: LogEntry[];
  /** Lines that were not JSON (should stay empty: every line is structured). */
  readonly other: string[];
}

/**
 * Runs `act` while recording what it writes to stdout and stderr (Powertools prints INFO to
 * stdout, WARN/ERROR to stderr, metrics to stdout), and restores both streams afterwards.
 */
export async function captureOutput<T>(act: () => Promise<T>): Promise<{ result: T; output: Captured } | { error: unknown; output: Captured }> {
  const chunks: string[] = [];
  const original = { out: process.stdout.write, err: process.stderr.write };
  const record = ((chunk: string | Uint8Array) => {
    chunks.push(typeof chunk === "string" ? chunk : Buffer.from(chunk).toString("utf8"));
    return true;
  }) as typeof process.stdout.write;
  process.stdout.write = record;
  process.stderr.write = record;
  let outcome: { result: T } | { error: unknown };
  try {
    outcome = { result: await act() };
  } catch (error) {
    outcome = { error };
  } finally {
    process.stdout.write = original.out;
    process.stderr.write = original.err;
  }
  return { ...outcome, output: parseOutput(chunks.join("")) };
}

/** Like captureOutput, for an act that must succeed; rethrows its error otherwise. */
export async function captured<T>(act: () => Promise<T>): Promise<{ result: T; output: Captured }> {
  const run = await captureOutput(act);
  if ("error" in run) throw run.error;
  return run;
}

/** Like captureOutput, for an act that must throw; fails the test if it did not. */
export async function capturedError(act: () => Promise<unknown>): Promise<{ error: Error; output: Captured }> {
  const run = await captureOutput(act);
  if (!("error" in run)) throw new Error(`expected the handler to throw; it returned ${JSON.stringify(run.result)}`);
  return { error: run.error as Error, output: run.output };
}

export function parseOutput(text: string): Captured {
  const entries: LogEntry[] = [];
  const other: string[] = [];
  for (const line of text.split("\n").filter((l) => l.trim())) {
    try {
      entries.push(JSON.parse(line) as LogEntry);
    } catch {
      // The AWS SDK warns about the Node version on stderr in this test process; that is not ours.
      if (!/NodeVersionSupportWarning|node >=22|a\.co\/|trace-warnings|upgrade to node|security updates|will require node|versions published/.test(line)) other.push(line);
    }
  }
  return {
    entries,
    logs: entries.filter((e) => "level" in e),
    metrics: entries.filter((e) => "_aws" in e),
    other,
  };
}

/** Names of the metrics in EMF blobs, with their value and dimensions (e.g. reason). */
export function metricValues(output: Captured, name: string): Array<{ value: number; reason?: unknown }> {
  return output.metrics.filter((m) => name in m).map((m) => ({ value: m[name] as number, reason: m.reason }));
}

/** The EventBridge event a bus rule delivers for one PutEvents entry (what AWS adds: id, time, account...). */
export function busDelivery(entry: PutEventsRequestEntry): Record<string, unknown> {
  return {
    version: "0",
    id: randomUUID(),
    "detail-type": entry.DetailType,
    source: entry.Source,
    account: "123456789012",
    time: new Date().toISOString().replace(/\.\d{3}Z$/, "Z"),
    region: "eu-west-1",
    resources: [],
    detail: JSON.parse(entry.Detail ?? "{}"),
  };
}

/** The SQS event Lambda receives when a bus rule targets a queue: the body is the whole EventBridge event. */
export function sqsDelivery(busEvent: Record<string, unknown>): { Records: Record<string, unknown>[] } {
  const template = loadEvent<{ Records: Record<string, unknown>[] }>("fulfil-order", "valid-order-placed.json").Records[0];
  const body = JSON.stringify(busEvent);
  return { Records: [{ ...template, messageId: randomUUID(), body, md5OfBody: createHash("md5").update(body).digest("hex") }] };
}
