import * as z from "zod";
import { correlationIdSchema, currencySchema, orderLineSchema } from "./events";

/**
 * The orders table as the functions see it. The table itself is declared by the program
 * (`ordersTable`): partition key `orderId` (S), global secondary index `byStatus` with
 * partition key `status` (S) and sort key `placedAt` (S, ISO-8601 so it sorts by time).
 */
export const ORDERS_TABLE = {
  partitionKey: "orderId",
  byStatusIndex: "byStatus",
} as const;

export const ORDER_STATUS = {
  placed: "PLACED",
  fulfilled: "FULFILLED",
} as const;

/** One order as stored. `correlationId` is kept so a re-emitted event continues the original journey. */
export const orderItemSchema = z.object({
  orderId: z.uuid(),
  status: z.enum([ORDER_STATUS.placed, ORDER_STATUS.fulfilled]),
  customerId: z.string().min(1).max(64),
  currency: currencySchema,
  items: z.array(orderLineSchema).min(1),
  totalCents: z.number().int().min(0),
  placedAt: z.iso.datetime(),
  fulfilledAt: z.iso.datetime().optional(),
  correlationId: correlationIdSchema,
});
export type OrderItem = z.infer<typeof orderItemSchema>;
