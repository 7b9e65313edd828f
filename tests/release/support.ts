import { LambdaClient } from "@aws-sdk/client-lambda";
import { S3Client } from "@aws-sdk/client-s3";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { RETRY_SETTINGS } from "../../tools/deploy/clients";

export const ROOT = path.resolve(__dirname, "../..");
/** Two small functions (an HTTP API and an event consumer) with contracts and examples. */
export const FIXTURE_FUNCTIONS = path.join(__dirname, "fixtures", "functions");

const TEST_CLIENT = { region: "eu-west-1", credentials: { accessKeyId: "AKIDTEST", secretAccessKey: "secret" }, ...RETRY_SETTINGS } as const;
/** Real SDK clients; tests mock them with aws-sdk-client-mock. */
export const lambdaClient = () => new LambdaClient(TEST_CLIENT);
export const s3Client = () => new S3Client(TEST_CLIENT);

export function tempDir(prefix: string): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), `release-${prefix}-`));
}

/** Collects what a CLI prints. */
export function capture() {
  const io = { stdout: "", stderr: "" };
  return { io, out: (t: string) => void (io.stdout += t), err: (t: string) => void (io.stderr += t) };
}

/** A Lambda Invoke answer as the SDK returns it. */
export function invokeOutput(payload: unknown, functionError?: string) {
  return { StatusCode: 200, Payload: Buffer.from(JSON.stringify(payload)) as never, ...(functionError ? { FunctionError: functionError } : {}) };
}
