import { JSONStringified } from "@aws-lambda-powertools/parser/helpers";
import { EventBridgeSchema } from "@aws-lambda-powertools/parser/schemas/eventbridge";
import { SqsRecordSchema } from "@aws-lambda-powertools/parser/schemas/sqs";
import * as z from "zod";
import { DETAIL_TYPES, EVENT_SOURCE, orderPlacedDetailSchema } from "../shared/events";

/**
 * Input: an SQS event whose queue is fed by a bus rule, so each record's body is the whole
 * EventBridge event `OrderPlaced`. The batch is checked loosely (it must have records with ids,
 * so failures can be reported per record); each record is checked strictly on its own.
 */
export const batchSchema = z.object({
  Records: z.array(z.object({ messageId: z.string().min(1) }).loose()).min(1),
});

export const orderPlacedEventSchema = EventBridgeSchema.extend({
  source: z.literal(EVENT_SOURCE),
  "detail-type": z.literal(DETAIL_TYPES.orderPlaced),
  detail: orderPlacedDetailSchema,
});
export type OrderPlacedEvent = z.infer<typeof orderPlacedEventSchema>;

export const recordSchema = SqsRecordSchema.extend({ body: JSONStringified(orderPlacedEventSchema) });
export type OrderPlacedRecord = z.infer<typeof recordSchema>;

/** Output: SQS partial batch response; the listed records are retried, then dead-lettered. */
export const responseSchema = z.strictObject({
  batchItemFailures: z.array(z.strictObject({ itemIdentifier: z.string().min(1) })),
});
export type FulfilOrderResponse = z.infer<typeof responseSchema>;
