import { z } from "zod";

/**
 * The contract of `functions/<name>/function.json`: everything the program needs to turn a
 * function folder into a deployable unit. JSON (not TypeScript) so the program can read a
 * thousand folders without compiling anything, and so reviewers see settings as data.
 */

/** Shared resources of the stack that a function may be granted access to, by name. */
export const STACK_RESOURCES = ["eventBus", "ordersTable"] as const;
export type StackResourceName = (typeof STACK_RESOURCES)[number];

const functionName = /^[a-z][a-z0-9-]{1,38}[a-z0-9]$/;

/** An IAM action: `service:Action`, no wildcards (least privilege is reviewed per action). */
const iamAction = z
  .string()
  .regex(/^[a-z0-9-]+:[A-Za-z0-9]+$/, "must be a single IAM action like `dynamodb:PutItem` (no wildcards)");

const eventPattern = z
  .object({
    source: z.array(z.string().min(1)).min(1),
    detailType: z.array(z.string().min(1)).min(1),
  })
  .strict();

export const httpTrigger = z
  .object({
    type: z.literal("http"),
    method: z.enum(["GET", "POST", "PUT", "PATCH", "DELETE"]),
    path: z.string().regex(/^\/[A-Za-z0-9/{}_+-]*$/, "must start with `/` (API Gateway route path)"),
  })
  .strict();

export const queueTrigger = z
  .object({
    type: z.literal("queue"),
    /** Events on the stack's bus that are delivered to this function's queue. */
    subscribe: eventPattern,
    /** @default 10 */
    batchSize: z.number().int().min(1).max(10000).optional(),
    /** Receives before a message moves to the dead-letter queue. @default 3 */
    maxReceiveCount: z.number().int().min(1).max(1000).optional(),
  })
  .strict();

export const scheduleTrigger = z
  .object({
    type: z.literal("schedule"),
    expression: z.string().regex(/^(rate|cron)\(.+\)$/, "must be `rate(...)` or `cron(...)`"),
  })
  .strict();

export const eventTrigger = z
  .object({
    type: z.literal("event"),
    pattern: eventPattern,
  })
  .strict();

export const trigger = z.discriminatedUnion("type", [httpTrigger, queueTrigger, scheduleTrigger, eventTrigger]);

export const permission = z
  .object({
    resource: z.enum(STACK_RESOURCES),
    actions: z.array(iamAction).min(1),
  })
  .strict();

/** An environment value is a literal or a reference to a stack resource attribute. */
export const environmentValue = z.union([
  z.string(),
  z.object({ ref: z.enum(STACK_RESOURCES), attribute: z.enum(["name", "arn"]) }).strict(),
]);

export const functionSettings = z
  .object({
    description: z.string().min(1).max(256),
    trigger,
    /** @default from stack config `serverless:functionDefaults.memoryMb` */
    memoryMb: z.number().int().min(128).max(10240).optional(),
    /** @default from stack config `serverless:functionDefaults.timeoutSeconds` */
    timeoutSeconds: z.number().int().min(1).max(900).optional(),
    /** @default "arm64" (cheaper per GB-second; all bundles are pure JavaScript) */
    architecture: z.enum(["arm64", "x86_64"]).optional(),
    permissions: z.array(permission).default([]),
    environment: z.record(z.string().regex(/^[A-Z][A-Z0-9_]*$/), environmentValue).default({}),
  })
  .strict();

export type FunctionSettings = z.infer<typeof functionSettings>;
export type Trigger = z.infer<typeof trigger>;
export type TriggerType = Trigger["type"];
export const FUNCTION_NAME_PATTERN = functionName;
