import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { EventBridgeClient } from "@aws-sdk/client-eventbridge";
import { DynamoDBDocumentClient, QueryCommand } from "@aws-sdk/lib-dynamodb";
import { validCorrelationId } from "../shared/correlation";
import { integerEnv, requireEnv } from "../shared/env";
import { fieldIssues, parseContract } from "../shared/errors";
import { DETAIL_TYPES, type OrderPlacedData } from "../shared/events";
import { countBusiness, countFailure, FAILURE_REASONS, instrument, logger, tracer } from "../shared/observability";
import { ORDER_STATUS, ORDERS_TABLE, orderItemSchema, type OrderItem } from "../shared/orders-table";
import { EventPublisher, PublishError, type OutgoingEvent } from "../shared/publisher";
import { scheduledEventSchema, type ReconcileResult } from "./contract";

const documents = DynamoDBDocumentClient.from(tracer.captureAWSv3Client(new DynamoDBClient({})));
const publisher = new EventPublisher(tracer.captureAWSv3Client(new EventBridgeClient({})), () => requireEnv("EVENT_BUS_NAME"));

/** @default 30 minutes: an order still PLACED after this is considered stuck. */
const DEFAULT_STUCK_AFTER_MINUTES = 30;
/** @default 50 orders per run, so one run stays well inside its timeout; the rest wait for the next run. */
const DEFAULT_BATCH_LIMIT = 50;

/**
 * Finds orders stuck in PLACED (their fulfilment failed and was dead-lettered, or never ran)
 * and puts `OrderPlaced` on the bus again, with each order's original correlation id.
 */
export const handler = instrument<unknown, ReconcileResult>(
  (event) => validCorrelationId((event as { id?: unknown } | null)?.id),
  async (event) => {
    parseContract(scheduledEventSchema, event, "reconcile-orders: the scheduled event");
    const stuckAfterMs = integerEnv("STUCK_AFTER_MINUTES", DEFAULT_STUCK_AFTER_MINUTES) * 60_000;
    const limit = integerEnv("RECONCILE_BATCH_LIMIT", DEFAULT_BATCH_LIMIT);
    const placedBefore = new Date(Date.now() - stuckAfterMs).toISOString();

    const page = await documents.send(
      new QueryCommand({
        TableName: requireEnv("ORDERS_TABLE_NAME"),
        IndexName: ORDERS_TABLE.byStatusIndex,
        KeyConditionExpression: "#status = :placed AND placedAt < :placedBefore",
        ExpressionAttributeNames: { "#status": "status" },
        ExpressionAttributeValues: { ":placed": ORDER_STATUS.placed, ":placedBefore": placedBefore },
        ScanIndexForward: true,
        Limit: limit,
      }),
    );
    const items = page.Items ?? [];
    const { orders, invalid } = validItems(items);
    const outcomes = await publisher.publish(orders.map(reemission));
    const failed = outcomes.flatMap((o) =>
      o.ok ? [] : [{ orderId: (o.event.data as OrderPlacedData).orderId, errorCode: o.errorCode, errorMessage: o.errorMessage }],
    );
    const result: ReconcileResult = {
      placedBefore,
      checked: items.length,
      reemitted: outcomes.length - failed.length,
      invalid,
      failed,
      moreRemaining: page.LastEvaluatedKey !== undefined,
    };

    if (result.reemitted) countBusiness("OrdersReemitted", result.reemitted);
    if (failed.length) {
      countFailure(FAILURE_REASONS.publish, failed.length);
      logger.error("PutEvents refused some re-emitted orders; they stay PLACED for the next run", { failed });
    }
    logger.info("Reconciliation finished", { ...result, failed: failed.length, invalid: invalid.length });
    // Nothing got through at all: fail the run so the Errors alarm sees it.
    if (orders.length > 0 && result.reemitted === 0)
      throw new PublishError(`PutEvents refused all ${orders.length} re-emitted orders; first error: ${failed[0].errorCode}: ${failed[0].errorMessage}`);
    return result;
  },
);

function validItems(items: readonly Record<string, unknown>[]): { orders: OrderItem[]; invalid: string[] } {
  const orders: OrderItem[] = [];
  const invalid: string[] = [];
  for (const raw of items) {
    const parsed = orderItemSchema.safeParse(raw);
    if (parsed.success) {
      orders.push(parsed.data);
      continue;
    }
    const orderId = String(raw.orderId ?? "(no orderId)");
    invalid.push(orderId);
    logger.error("Stored order does not match the table contract; not re-emitted", { orderId, issues: fieldIssues(parsed.error) });
    countFailure(FAILURE_REASONS.contract);
  }
  return { orders, invalid };
}

function reemission(order: OrderItem): OutgoingEvent {
  const data: OrderPlacedData = {
    orderId: order.orderId,
    customerId: order.customerId,
    currency: order.currency,
    items: order.items,
    totalCents: order.totalCents,
    placedAt: order.placedAt,
  };
  logger.info("Re-emitting stuck order", { orderId: order.orderId, placedAt: order.placedAt, orderCorrelationId: order.correlationId });
  return { detailType: DETAIL_TYPES.orderPlaced, data, correlationId: order.correlationId };
}
