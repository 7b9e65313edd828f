import { APIGatewayProxyEventV2Schema } from "@aws-lambda-powertools/parser/schemas/api-gatewayv2";
import * as z from "zod";
import { currencySchema, orderLineSchema } from "../shared/events";

/** Input: an API Gateway HTTP API request (payload format 2.0), as Powertools models it. */
export const requestSchema = APIGatewayProxyEventV2Schema;
export type OrdersApiRequest = z.infer<typeof requestSchema>;

/** The route this function serves. */
export const ROUTE = { method: "POST", path: "/orders" } as const;

/** The JSON body of `POST /orders`. Unknown fields are refused so a typo is not silently dropped. */
export const placeOrderBodySchema = z.strictObject({
  customerId: z.string().min(1).max(64),
  currency: currencySchema,
  items: z.array(orderLineSchema).min(1, "must hold at least one line").max(50),
});
export type PlaceOrderBody = z.infer<typeof placeOrderBodySchema>;

const fieldIssueSchema = z.object({ field: z.string(), message: z.string() });

/** Output: the response bodies, by status. */
export const acceptedBodySchema = z.strictObject({ orderId: z.uuid(), correlationId: z.string() });
export const errorBodySchema = z.strictObject({
  error: z.string().min(1),
  issues: z.array(fieldIssueSchema).optional(),
  requestId: z.string().optional(),
});

export const responseSchema = z.object({
  statusCode: z.number().int(),
  headers: z.record(z.string(), z.string()),
  body: z.string(),
});
export type OrdersApiResponse = z.infer<typeof responseSchema>;
