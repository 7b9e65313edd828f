import { Readable } from "stream";
import { createClients, AwsClients } from "../../tools/deploy/clients";
import { ReleaseManifest } from "../../tools/deploy/manifest";
import { FunctionOutput, StackOutputs } from "../../tools/deploy/stack-outputs";
import { Clock } from "../../tools/deploy/wait";

export const SHA = {
  "orders-api": "a".repeat(64),
  "fulfil-order": "b".repeat(64),
  "notify-customer": "c".repeat(64),
} as const;

export function fn(name: string, version: string, sha256 = (SHA as Record<string, string>)[name] ?? "d".repeat(64)): FunctionOutput {
  return {
    functionName: `serverless-staging-${name}`,
    aliasName: "live",
    codeDeployApplication: "serverless-staging-functions",
    deploymentGroup: `serverless-staging-${name}`,
    version,
    sha256,
  };
}

export function outputs(functions: Record<string, FunctionOutput>, hooks: { pre?: string; post?: string } = {}): StackOutputs {
  return { functions, preTrafficHook: hooks.pre, postTrafficHook: hooks.post };
}

export function manifestFor(o: StackOutputs): ReleaseManifest {
  return { commit: "0123abc", functions: Object.entries(o.functions).map(([name, f]) => ({ name, sha256: f.sha256 })) };
}

/** Real SDK clients (the retry settings under test); tests mock them with aws-sdk-client-mock. */
export function testClients(requestHandler?: unknown): AwsClients {
  return createClients({
    region: "eu-west-1",
    credentials: { accessKeyId: "AKIDTEST", secretAccessKey: "secret" },
    ...(requestHandler ? { requestHandler: requestHandler as never } : {}),
  });
}

/** A clock that only moves when the code under test sleeps: timeouts without waiting. */
export function fakeClock(): Clock & { slept: number[] } {
  let t = 1_700_000_000_000;
  const slept: number[] = [];
  return {
    slept,
    now: () => t,
    sleep: async (ms: number) => {
      slept.push(ms);
      t += ms;
    },
  };
}

export function collectLog(): { lines: string[]; log: (line: string) => void } {
  const lines: string[] = [];
  return { lines, log: (line) => lines.push(line) };
}

/**
 * An HTTP handler for a real SDK client that answers from a script of (status, JSON body) pairs,
 * so the SDK's own retry middleware runs (aws-sdk-client-mock replaces `send` and bypasses it).
 */
export function scriptedHttp(script: Array<{ status: number; body: object; errorType?: string }>) {
  const targets: string[] = [];
  const handler = {
    async handle(request: { headers: Record<string, string> }) {
      targets.push(request.headers["x-amz-target"] ?? "");
      const step = script[Math.min(targets.length - 1, script.length - 1)];
      return {
        response: {
          statusCode: step.status,
          headers: { "content-type": "application/x-amz-json-1.1", ...(step.errorType ? { "x-amzn-errortype": step.errorType } : {}) },
          body: Readable.from([Buffer.from(JSON.stringify(step.body))]),
        },
      };
    },
    updateHttpClientConfig() {},
    httpHandlerConfigs() {
      return {};
    },
  };
  return { handler, targets };
}
