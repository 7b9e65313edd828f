import { randomBytes, randomUUID } from "crypto";
import type { Context } from "aws-lambda";
import type { FunctionSettings, StackResourceName } from "../../infra/catalog/function-settings";

/**
 * What Lambda gives a handler, reproduced for a local run: the context object and the
 * environment variables the runtime and the program would set.
 */

export const PROJECT = "serverless";

/**
 * @default timeout when function.json leaves it to the stack's `functionDefaults` (which a local
 * run does not read): generous, so a slow laptop does not time out where Lambda would not.
 */
export const LOCAL_DEFAULT_TIMEOUT_SECONDS = 30;
/** @default memory reported in the context when function.json leaves it to the stack. */
export const LOCAL_DEFAULT_MEMORY_MB = 256;

export interface LocalFunction {
  readonly name: string;
  readonly settings: FunctionSettings;
  readonly stack: string;
  readonly region: string;
  readonly accountId: string;
}

export function physicalName(fn: Pick<LocalFunction, "stack">, logicalName: string): string {
  return `${PROJECT}-${fn.stack}-${logicalName}`;
}

function kebab(name: string): string {
  return name.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);
}

/** A stack resource's name or ARN, derived the way the program names it (`serverless-<stack>-<logical>`). */
export function resourceValue(fn: LocalFunction, ref: StackResourceName, attribute: "name" | "arn"): string {
  const name = physicalName(fn, kebab(ref));
  if (attribute === "name") return name;
  const arns: Record<StackResourceName, string> = {
    eventBus: `arn:aws:events:${fn.region}:${fn.accountId}:event-bus/${name}`,
    ordersTable: `arn:aws:dynamodb:${fn.region}:${fn.accountId}:table/${name}`,
  };
  return arns[ref];
}

/** The function's `environment` from function.json, references resolved to derived names. */
export function declaredEnvironment(fn: LocalFunction): Record<string, string> {
  return Object.fromEntries(
    Object.entries(fn.settings.environment).map(([key, value]) => [key, typeof value === "string" ? value : resourceValue(fn, value.ref, value.attribute)]),
  );
}

export function timeoutSeconds(fn: LocalFunction): number {
  return fn.settings.timeoutSeconds ?? LOCAL_DEFAULT_TIMEOUT_SECONDS;
}

/** The variables the Lambda runtime sets for every function. */
export function runtimeEnvironment(fn: LocalFunction, context: Context, bundleDir: string): Record<string, string> {
  return {
    AWS_REGION: fn.region,
    AWS_DEFAULT_REGION: fn.region,
    AWS_LAMBDA_FUNCTION_NAME: context.functionName,
    AWS_LAMBDA_FUNCTION_VERSION: context.functionVersion,
    AWS_LAMBDA_FUNCTION_MEMORY_SIZE: context.memoryLimitInMB,
    AWS_LAMBDA_LOG_GROUP_NAME: context.logGroupName,
    AWS_LAMBDA_LOG_STREAM_NAME: context.logStreamName,
    AWS_LAMBDA_INITIALIZATION_TYPE: "on-demand",
    LAMBDA_TASK_ROOT: bundleDir,
    _HANDLER: "index.handler",
    TZ: ":UTC",
    // X-Ray needs the Lambda daemon; without it the tracer would only warn on every call.
    POWERTOOLS_TRACE_ENABLED: "false",
  };
}

export function lambdaContext(fn: LocalFunction, startedAt: number): Context {
  const functionName = physicalName(fn, fn.name);
  const deadline = startedAt + timeoutSeconds(fn) * 1000;
  const day = new Date(startedAt).toISOString().slice(0, 10).replace(/-/g, "/");
  return {
    callbackWaitsForEmptyEventLoop: true,
    functionName,
    functionVersion: "$LATEST",
    invokedFunctionArn: `arn:aws:lambda:${fn.region}:${fn.accountId}:function:${functionName}`,
    memoryLimitInMB: String(fn.settings.memoryMb ?? LOCAL_DEFAULT_MEMORY_MB),
    awsRequestId: randomUUID(),
    logGroupName: `/aws/lambda/${functionName}`,
    logStreamName: `${day}/[$LATEST]${randomBytes(16).toString("hex")}`,
    getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()),
    done: () => undefined,
    fail: () => undefined,
    succeed: () => undefined,
  };
}
