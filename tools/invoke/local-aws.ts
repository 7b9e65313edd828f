import { randomUUID } from "crypto";
import * as http from "http";
import type { AddressInfo } from "net";
import type { CreateTableCommandInput } from "@aws-sdk/client-dynamodb";

/**
 * A loopback stand-in for the few AWS JSON APIs the functions call, so a built bundle (which
 * carries its own copy of the SDK, out of reach of test mocks) can run without an account.
 * By default it answers every call with a valid success response and keeps no state: PutItem
 * succeeds, Query finds nothing. Written by hand because the tools that emulate AWS (LocalStack,
 * moto, DynamoDB Local) need Docker, Python or Java, and four canned answers do not justify them.
 *
 * With `tables`, DynamoDB calls are answered by an in-memory DynamoDB instead (dynalite, a Node
 * implementation of the DynamoDB API): items are kept, and condition and update expressions,
 * queries on indexes and ConditionalCheckFailedException behave as on AWS. EventBridge stays
 * canned: the caller routes the captured entries itself (see `flow.ts`).
 */

export interface LocalAwsCall {
  readonly service: string;
  readonly operation: string;
  readonly input: unknown;
  /** HTTP status of the answer (200, or DynamoDB's 400 for a failed condition). */
  readonly status: number;
  /** The answer's JSON body: for PutEvents, the EventId given to each entry. */
  readonly output: unknown;
}

export interface LocalAwsOptions {
  /**
   * Tables to create in an in-memory DynamoDB that then answers every DynamoDB call.
   * @default none: DynamoDB calls get canned answers and nothing is kept (what `npm run invoke` and the cold-start bench want)
   */
  readonly tables?: readonly CreateTableCommandInput[];
}

export interface LocalAws {
  /** `http://127.0.0.1:<port>`, for AWS_ENDPOINT_URL. */
  readonly endpoint: string;
  readonly calls: LocalAwsCall[];
  close(): Promise<void>;
}

type Answer = (input: Record<string, unknown>) => unknown;

/** Keyed by the `X-Amz-Target` header of the JSON protocols (`<prefix>.<Operation>`). */
const ANSWERS: Record<string, { service: string; contentType: string; answer: Answer }> = {
  "AWSEvents.PutEvents": {
    service: "events",
    contentType: "application/x-amz-json-1.1",
    answer: (input) => ({
      FailedEntryCount: 0,
      Entries: (Array.isArray(input.Entries) ? input.Entries : []).map(() => ({ EventId: randomUUID() })),
    }),
  },
  "DynamoDB_20120810.PutItem": { service: "dynamodb", contentType: "application/x-amz-json-1.0", answer: () => ({}) },
  "DynamoDB_20120810.UpdateItem": { service: "dynamodb", contentType: "application/x-amz-json-1.0", answer: () => ({}) },
  "DynamoDB_20120810.Query": {
    service: "dynamodb",
    contentType: "application/x-amz-json-1.0",
    answer: () => ({ Items: [], Count: 0, ScannedCount: 0 }),
  },
};

export const SUPPORTED_OPERATIONS = Object.keys(ANSWERS);
const DYNAMODB_PREFIX = "DynamoDB_20120810";

export async function startLocalAws(report: (line: string) => void, options: LocalAwsOptions = {}): Promise<LocalAws> {
  const calls: LocalAwsCall[] = [];
  const dynamo = options.tables ? await startDynamo(options.tables) : undefined;
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const target = String(req.headers["x-amz-target"] ?? "");
      const text = Buffer.concat(chunks).toString("utf8");
      const [prefix, operation = ""] = target.split(".");
      if (dynamo && prefix === DYNAMODB_PREFIX) {
        relay(dynamo.endpoint, req, text, res, (status, output) => {
          const input = parseOrEmpty(text);
          calls.push({ service: "dynamodb", operation, input, status, output });
          const failure = status === 200 ? "" : ` -> ${status} ${String((output as { __type?: string }).__type ?? "").split("#").pop()}`;
          report(`[local-aws] dynamodb.${operation} ${JSON.stringify(input)}${failure}`);
        });
        return;
      }
      const known = ANSWERS[target];
      if (!known) {
        report(`[local-aws] refused ${req.method} ${req.url} target="${target}": not one of ${SUPPORTED_OPERATIONS.join(", ")}`);
        res.writeHead(400, { "content-type": "application/x-amz-json-1.1" });
        res.end(JSON.stringify({ __type: "UnknownOperationException", message: `local-aws does not implement "${target}"; supported: ${SUPPORTED_OPERATIONS.join(", ")}` }));
        return;
      }
      let input: Record<string, unknown> = {};
      try {
        input = text ? (JSON.parse(text) as Record<string, unknown>) : {};
      } catch {
        res.writeHead(400, { "content-type": known.contentType });
        res.end(JSON.stringify({ __type: "SerializationException", message: "request body is not JSON" }));
        return;
      }
      const output = known.answer(input);
      calls.push({ service: known.service, operation, input, status: 200, output });
      report(`[local-aws] ${known.service}.${operation} ${JSON.stringify(input)}`);
      const body = JSON.stringify(output);
      res.writeHead(200, { "content-type": known.contentType, "x-amzn-requestid": randomUUID(), "content-length": Buffer.byteLength(body) });
      res.end(body);
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    calls,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }).then(() => dynamo?.close()),
  };
}

interface Dynamo {
  readonly endpoint: string;
  close(): Promise<void>;
}

/** The options of dynalite this file uses (the package ships no types). */
interface DynaliteOptions {
  /** Milliseconds a table stays CREATING. */
  readonly createTableMs?: number;
}

/** An in-memory DynamoDB on another loopback port, with `tables` created and ACTIVE. */
async function startDynamo(tables: readonly CreateTableCommandInput[]): Promise<Dynamo> {
  // Loaded here, not at the top: only a stateful run pays for it.
  const dynalite = require("dynalite") as (options: DynaliteOptions) => http.Server;
  const { CreateTableCommand, DynamoDBClient } = await import("@aws-sdk/client-dynamodb");
  const server = dynalite({ createTableMs: 0 });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => resolve());
  });
  const endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const close = () =>
    new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    });
  const client = new DynamoDBClient({ endpoint, region: "us-east-1", credentials: { accessKeyId: "local", secretAccessKey: "local" } });
  try {
    for (const table of tables)
      await client.send(new CreateTableCommand(table)).catch((error: Error) => {
        throw new Error(`local-aws: cannot create table "${table.TableName}": ${error.message}`);
      });
  } catch (error) {
    await close();
    throw error;
  } finally {
    client.destroy();
  }
  return { endpoint, close };
}

/** Relays one request to `endpoint` unchanged (dynalite does not check signatures), answers with its reply and tells `record`. */
function relay(endpoint: string, req: http.IncomingMessage, body: string, res: http.ServerResponse, record: (status: number, output: unknown) => void): void {
  const outgoing = http.request(`${endpoint}${req.url ?? "/"}`, { method: req.method, headers: req.headers }, (answer) => {
    const chunks: Buffer[] = [];
    answer.on("data", (c: Buffer) => chunks.push(c));
    answer.on("end", () => {
      const text = Buffer.concat(chunks).toString("utf8");
      const status = answer.statusCode ?? 500;
      record(status, parseOrEmpty(text));
      res.writeHead(status, answer.headers);
      res.end(text);
    });
  });
  outgoing.on("error", (error) => {
    res.writeHead(500, { "content-type": "application/x-amz-json-1.0" });
    res.end(JSON.stringify({ __type: "InternalServerError", message: `local DynamoDB failed: ${error.message}` }));
  });
  outgoing.end(body);
}

function parseOrEmpty(text: string): Record<string, unknown> {
  try {
    return text ? (JSON.parse(text) as Record<string, unknown>) : {};
  } catch {
    return {};
  }
}
