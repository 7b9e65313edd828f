import * as z from "zod";

/**
 * The contract of the events this service puts on its custom bus. One definition, used by the
 * functions that emit an event (to build it) and by those that consume it (to validate it).
 */

/** `source` of every event this service emits; bus rules match on it. */
export const EVENT_SOURCE = "serverless.orders" as const;

export const DETAIL_TYPES = {
  orderPlaced: "OrderPlaced",
  orderFulfilled: "OrderFulfilled",
} as const;
export type DetailType = (typeof DETAIL_TYPES)[keyof typeof DETAIL_TYPES];

/** Correlation ids travel between systems, so they are bounded and printable (no log injection). */
export const correlationIdSchema = z
  .string()
  .regex(/^[A-Za-z0-9._:-]{1,128}$/, "must be 1-128 characters: letters, digits, `.`, `_`, `:` or `-`");

/** Every detail carries `metadata` (how to read it) next to `data` (what happened). */
export const eventMetadataSchema = z.object({
  correlationId: correlationIdSchema,
  version: z.literal(1),
});
export type EventMetadata = z.infer<typeof eventMetadataSchema>;

export const orderLineSchema = z.strictObject({
  sku: z.string().regex(/^[A-Z0-9-]{3,32}$/, "must be 3-32 characters: uppercase letters, digits or `-`"),
  quantity: z.number().int().min(1).max(100),
  unitPriceCents: z.number().int().min(0).max(10_000_000),
});
export type OrderLine = z.infer<typeof orderLineSchema>;

export const currencySchema = z.enum(["EUR", "USD", "GBP"]);

export const orderPlacedDataSchema = z.object({
  orderId: z.uuid(),
  customerId: z.string().min(1).max(64),
  currency: currencySchema,
  items: z.array(orderLineSchema).min(1).max(50),
  totalCents: z.number().int().min(0),
  placedAt: z.iso.datetime(),
});
export type OrderPlacedData = z.infer<typeof orderPlacedDataSchema>;

export const orderFulfilledDataSchema = z.object({
  orderId: z.uuid(),
  customerId: z.string().min(1).max(64),
  currency: currencySchema,
  totalCents: z.number().int().min(0),
  placedAt: z.iso.datetime(),
  fulfilledAt: z.iso.datetime(),
});
export type OrderFulfilledData = z.infer<typeof orderFulfilledDataSchema>;

/** The `detail` of an event on the bus: `{ metadata, data }`. */
export function eventDetailSchema<T extends z.ZodType>(data: T) {
  return z.object({ metadata: eventMetadataSchema, data });
}

export const orderPlacedDetailSchema = eventDetailSchema(orderPlacedDataSchema);
export const orderFulfilledDetailSchema = eventDetailSchema(orderFulfilledDataSchema);
export type OrderPlacedDetail = z.infer<typeof orderPlacedDetailSchema>;
export type OrderFulfilledDetail = z.infer<typeof orderFulfilledDetailSchema>;

export function totalCents(items: readonly OrderLine[]): number {
  return items.reduce((sum, line) => sum + line.quantity * line.unitPriceCents, 0);
}
