import { randomBytes, randomUUID } from "crypto";
import type { Context } from "aws-lambda";
import type { FunctionSettings, StackResourceName } from "../../infra/catalog/function-settings";
import { functionNames, partitionOf, sharedNames } from "../../infra/naming";

/**
 * What Lambda gives a handler, reproduced for a local run: the context object and the
 * environment variables the runtime and the program would set.
 */

export const PROJECT = "serverless";
/** @default account id in ARNs when `AWS_ACCOUNT_ID` is unset (AWS's documentation example). */
export const LOCAL_ACCOUNT_ID = "123456789012";

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

/** The context `infra/naming.ts` derives every physical name from. */
function namingContext(fn: Pick<LocalFunction, "stack">) {
  return { project: PROJECT, stack: fn.stack };
}

/** `serverless-<stack>-<logicalName>`, as the program names it. */
export function physicalName(fn: Pick<LocalFunction, "stack">, logicalName: string): string {
  return functionNames(namingContext(fn), logicalName).function;
}

/** The names the program gives the stack's shared resources (bus, table...). */
export function stackNames(fn: Pick<LocalFunction, "stack">) {
  return sharedNames(namingContext(fn));
}

/** The names the program gives one function's resources (queue, rule...). */
export function resourceNames(fn: Pick<LocalFunction, "stack" | "name">) {
  return functionNames(namingContext(fn), fn.name);
}

/** `arn:<partition>:<service>:<region>:<account>:<resource>`, as `infra/naming.ts` builds them. */
export function regionalArn(fn: Pick<LocalFunction, "region" | "accountId">, service: string, resource: string): string {
  return `arn:${partitionOf(fn.region)}:${service}:${fn.region}:${fn.accountId}:${resource}`;
}

/** A stack resource's name or ARN, derived the way the program names it (`infra/naming.ts`). */
export function resourceValue(fn: LocalFunction, ref: StackResourceName, attribute: "name" | "arn"): string {
  const name = stackNames(fn)[ref];
  if (attribute === "name") return name;
  return ref === "eventBus" ? regionalArn(fn, "events", `event-bus/${name}`) : regionalArn(fn, "dynamodb", `table/${name}`);
}

/** A function as a local run sees it; the account is `AWS_ACCOUNT_ID` or a documentation placeholder. */
export function localFunction(name: string, settings: FunctionSettings, stack: string, region: string): LocalFunction {
  return { name, settings, stack, region, accountId: process.env.AWS_ACCOUNT_ID || LOCAL_ACCOUNT_ID };
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
    invokedFunctionArn: regionalArn(fn, "lambda", `function:${functionName}`),
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
