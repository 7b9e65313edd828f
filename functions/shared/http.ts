import type { APIGatewayProxyStructuredResultV2 } from "aws-lambda";
import type { FieldIssue } from "./errors";
import { CORRELATION_HEADER } from "./correlation";

/** The JSON error body every HTTP function answers with. */
export interface ErrorBody {
  readonly error: string;
  readonly issues?: readonly FieldIssue[];
  readonly requestId?: string;
}

/** An API Gateway HTTP API (payload 2.0) response with a JSON body and the correlation id header. */
export function jsonResponse(
  statusCode: number,
  body: unknown,
  correlationId: string | undefined,
  headers: Record<string, string> = {},
): APIGatewayProxyStructuredResultV2 {
  return {
    statusCode,
    headers: {
      "content-type": "application/json",
      ...(correlationId ? { [CORRELATION_HEADER]: correlationId } : {}),
      ...headers,
    },
    body: JSON.stringify(body),
  };
}

export function errorResponse(
  statusCode: number,
  body: ErrorBody,
  correlationId: string | undefined,
  headers?: Record<string, string>,
): APIGatewayProxyStructuredResultV2 {
  return jsonResponse(statusCode, body, correlationId, headers);
}
