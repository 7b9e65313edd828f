import { EventBridgeSchema } from "@aws-lambda-powertools/parser/schemas/eventbridge";
import * as z from "zod";
import { DETAIL_TYPES, EVENT_SOURCE, orderFulfilledDetailSchema } from "../shared/events";

/** Input: `OrderFulfilled` from the stack's bus, delivered by a rule (asynchronous invoke). */
export const eventSchema = EventBridgeSchema.extend({
  source: z.literal(EVENT_SOURCE),
  "detail-type": z.literal(DETAIL_TYPES.orderFulfilled),
  detail: orderFulfilledDetailSchema,
});
export type OrderFulfilledEvent = z.infer<typeof eventSchema>;

/** Output: what was sent to whom. The channel is a structured log line until a provider is chosen. */
export const resultSchema = z.strictObject({
  orderId: z.uuid(),
  customerId: z.string().min(1),
  channel: z.literal("log"),
  template: z.literal("order-fulfilled"),
  notifiedAt: z.iso.datetime(),
});
export type NotifyCustomerResult = z.infer<typeof resultSchema>;
