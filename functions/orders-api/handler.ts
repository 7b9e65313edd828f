import { randomUUID } from "crypto";
import { EventBridgeClient } from "@aws-sdk/client-eventbridge";
import type { APIGatewayProxyStructuredResultV2 } from "aws-lambda";
import { correlationIdFromHeaders } from "../shared/correlation";
import { requireEnv } from "../shared/env";
import { fieldIssues } from "../shared/errors";
import { DETAIL_TYPES, totalCents, type OrderPlacedData } from "../shared/events";
import { errorResponse, jsonResponse } from "../shared/http";
import { countBusiness, countFailure, FAILURE_REASONS, instrument, logger, tracer } from "../shared/observability";
import { EventPublisher } from "../shared/publisher";
import { placeOrderBodySchema, requestSchema, ROUTE, type OrdersApiRequest } from "./contract";

const publisher = new EventPublisher(tracer.captureAWSv3Client(new EventBridgeClient({})), () => requireEnv("EVENT_BUS_NAME"));

/** `POST /orders`: validates the order, puts `OrderPlaced` on the bus, answers 202. */
export const handler = instrument<unknown, APIGatewayProxyStructuredResultV2>(
  (event) => correlationIdFromHeaders(headersOf(event)),
  async (event, { correlationId, context }) => {
    try {
      return await placeOrder(event, correlationId, context.awsRequestId);
    } catch (error) {
      // The caller gets the request id to quote, never the error itself.
      logger.error("Request failed unexpectedly", error as Error);
      countFailure(FAILURE_REASONS.unexpected);
      return errorResponse(500, { error: "Internal error; quote the request id when reporting it.", requestId: context.awsRequestId }, correlationId);
    }
  },
);

async function placeOrder(raw: unknown, correlationId: string | undefined, requestId: string): Promise<APIGatewayProxyStructuredResultV2> {
  const parsedRequest = requestSchema.safeParse(raw);
  if (!parsedRequest.success)
    throw new Error(`event is not an API Gateway HTTP API (payload 2.0) request: ${fieldIssues(parsedRequest.error).map((i) => `${i.field} ${i.message}`).join("; ")}`);
  const request = parsedRequest.data;

  const method = request.requestContext.http.method;
  const path = routePath(request);
  if (path !== ROUTE.path) return errorResponse(404, { error: `No route for ${method} ${path}.` }, correlationId);
  if (method !== ROUTE.method)
    return errorResponse(405, { error: `Method ${method} is not allowed on ${path}; use ${ROUTE.method}.` }, correlationId, { allow: ROUTE.method });

  const contentType = headerOf(request, "content-type");
  if (contentType && !/^application\/(.+\+)?json\b/i.test(contentType))
    return errorResponse(415, { error: `Content-Type must be application/json; got "${contentType}".` }, correlationId);

  const text = request.isBase64Encoded ? Buffer.from(request.body ?? "", "base64").toString("utf8") : (request.body ?? "");
  if (!text.trim()) return badRequest("Request body is required: a JSON order.", correlationId);
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    return badRequest(`Request body is not valid JSON: ${(error as Error).message}.`, correlationId);
  }
  const body = placeOrderBodySchema.safeParse(json);
  if (!body.success) {
    const issues = fieldIssues(body.error);
    logger.warn("Order rejected", { issues });
    countFailure(FAILURE_REASONS.contract);
    return errorResponse(400, { error: "The order is invalid.", issues }, correlationId);
  }

  const order: OrderPlacedData = {
    orderId: randomUUID(),
    customerId: body.data.customerId,
    currency: body.data.currency,
    items: body.data.items,
    totalCents: totalCents(body.data.items),
    placedAt: new Date().toISOString(),
  };
  const eventId = await publisher.publishOne({ detailType: DETAIL_TYPES.orderPlaced, data: order, correlationId: correlationId! });
  logger.info("Order placed", { orderId: order.orderId, eventId, lines: order.items.length, totalCents: order.totalCents, requestId });
  countBusiness("OrdersPlaced");
  return jsonResponse(202, { orderId: order.orderId, correlationId }, correlationId);
}

function badRequest(message: string, correlationId: string | undefined): APIGatewayProxyStructuredResultV2 {
  countFailure(FAILURE_REASONS.contract);
  logger.warn("Request rejected", { reason: message });
  return errorResponse(400, { error: message }, correlationId);
}

/** The request path without the stage prefix (named stages appear in the path; `$default` does not). */
function routePath(request: OrdersApiRequest): string {
  const { stage, http } = request.requestContext;
  const prefix = `/${stage}`;
  const path = stage !== "$default" && (http.path === prefix || http.path.startsWith(`${prefix}/`)) ? http.path.slice(prefix.length) || "/" : http.path;
  return path.length > 1 ? path.replace(/\/+$/, "") : path;
}

function headerOf(request: OrdersApiRequest, name: string): string | undefined {
  const key = Object.keys(request.headers ?? {}).find((k) => k.toLowerCase() === name);
  return key ? request.headers?.[key] : undefined;
}

function headersOf(event: unknown): Record<string, string | undefined> | undefined {
  const headers = (event as { headers?: unknown } | null)?.headers;
  return headers && typeof headers === "object" ? (headers as Record<string, string | undefined>) : undefined;
}
