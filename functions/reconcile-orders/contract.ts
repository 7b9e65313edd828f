import { EventBridgeSchema } from "@aws-lambda-powertools/parser/schemas/eventbridge";
import * as z from "zod";

/** Input: the event an EventBridge schedule rule sends (`rate(...)` or `cron(...)`). */
export const scheduledEventSchema = EventBridgeSchema.extend({
  source: z.literal("aws.events"),
  "detail-type": z.literal("Scheduled Event"),
});
export type ScheduledEvent = z.infer<typeof scheduledEventSchema>;

/** Output: what one run found and did. `failed` lists orders PutEvents refused (retried next run). */
export const resultSchema = z.strictObject({
  placedBefore: z.iso.datetime(),
  checked: z.number().int().min(0),
  reemitted: z.number().int().min(0),
  invalid: z.array(z.string()),
  failed: z.array(z.strictObject({ orderId: z.string(), errorCode: z.string(), errorMessage: z.string() })),
  moreRemaining: z.boolean(),
});
export type ReconcileResult = z.infer<typeof resultSchema>;
