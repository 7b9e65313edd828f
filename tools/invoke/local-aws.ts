import { randomUUID } from "crypto";
import * as http from "http";
import type { AddressInfo } from "net";

/**
 * A loopback stand-in for the few AWS JSON APIs the functions call, so a built bundle (which
 * carries its own copy of the SDK, out of reach of test mocks) can run without an account.
 * It answers every call with a valid success response and keeps no state: PutItem succeeds,
 * Query finds nothing. Written by hand because the tools that emulate AWS (LocalStack, moto,
 * DynamoDB Local) need Docker, Python or Java, and four canned answers do not justify them.
 */

export interface LocalAwsCall {
  readonly service: string;
  readonly operation: string;
  readonly input: unknown;
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

export async function startLocalAws(report: (line: string) => void): Promise<LocalAws> {
  const calls: LocalAwsCall[] = [];
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const target = String(req.headers["x-amz-target"] ?? "");
      const text = Buffer.concat(chunks).toString("utf8");
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
      const operation = target.split(".")[1];
      calls.push({ service: known.service, operation, input });
      report(`[local-aws] ${known.service}.${operation} ${JSON.stringify(input)}`);
      const body = JSON.stringify(known.answer(input));
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
      }),
  };
}
