import { BatchProcessor, EventType, processPartialResponse } from "@aws-lambda-powertools/batch";
import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { EventBridgeClient } from "@aws-sdk/client-eventbridge";
import { DynamoDBDocumentClient, PutCommand, UpdateCommand } from "@aws-sdk/lib-dynamodb";
import type { SQSEvent, SQSRecord } from "aws-lambda";
import { correlationIdFromSqsBatch, correlationIdFromSqsRecord } from "../shared/correlation";
import { requireEnv } from "../shared/env";
import { ContractError, fieldIssues, parseContract } from "../shared/errors";
import { DETAIL_TYPES, type OrderFulfilledData, type OrderPlacedData } from "../shared/events";
import { countBusiness, countFailure, failureReasonOf, instrument, logger, tracer, useCorrelationId } from "../shared/observability";
import { ORDER_STATUS, type OrderItem } from "../shared/orders-table";
import { EventPublisher } from "../shared/publisher";
import { batchSchema, recordSchema, type FulfilOrderResponse } from "./contract";

const processor = new BatchProcessor(EventType.SQS);
const documents = DynamoDBDocumentClient.from(tracer.captureAWSv3Client(new DynamoDBClient({})), {
  marshallOptions: { removeUndefinedValues: true },
});
const publisher = new EventPublisher(tracer.captureAWSv3Client(new EventBridgeClient({})), () => requireEnv("EVENT_BUS_NAME"));

/**
 * Records each `OrderPlaced` in the orders table and emits `OrderFulfilled`. Records that fail
 * (contract or AWS error) are reported in `batchItemFailures`: SQS retries them, then moves them
 * to the dead-letter queue. Nothing is dropped.
 */
export const handler = instrument<unknown, FulfilOrderResponse>(correlationIdFromSqsBatch, async (event, { correlationId, context }) => {
  const batch = parseContract(batchSchema, event, "fulfil-order: the SQS event");
  // Sequential so each record's log lines carry that record's correlation id.
  const response = await processPartialResponse(batch as unknown as SQSEvent, fulfilRecord, processor, {
    context,
    processInParallel: false,
    throwOnFullBatchFailure: false,
  });
  useCorrelationId(correlationId);
  logger.removeKeys(["messageId"]);
  logger.info("Batch processed", { records: batch.Records.length, failed: response.batchItemFailures.length });
  return { batchItemFailures: response.batchItemFailures.map((f) => ({ itemIdentifier: String(f.itemIdentifier) })) };
});

async function fulfilRecord(raw: SQSRecord): Promise<void> {
  useCorrelationId(correlationIdFromSqsRecord(raw));
  logger.appendKeys({ messageId: raw.messageId });
  try {
    const parsed = recordSchema.safeParse(raw);
    if (!parsed.success) throw new ContractError(`SQS message ${raw.messageId}`, fieldIssues(parsed.error));
    const { detail } = parsed.data.body;
    await fulfil(detail.data, detail.metadata.correlationId);
  } catch (error) {
    const reason = failureReasonOf(error);
    logger.error("Record failed; SQS will retry it, then move it to the dead-letter queue", {
      reason,
      receiveCount: raw.attributes?.ApproximateReceiveCount,
      error: error as Error,
    });
    countFailure(reason);
    throw error;
  }
}

async function fulfil(order: OrderPlacedData, correlationId: string): Promise<void> {
  const tableName = requireEnv("ORDERS_TABLE_NAME");
  const item: OrderItem = { ...order, status: ORDER_STATUS.placed, correlationId };
  // Idempotent: a new order is written, a redelivered one still PLACED is rewritten with the
  // same content, and one already FULFILLED fails the condition and is skipped.
  try {
    await documents.send(
      new PutCommand({
        TableName: tableName,
        Item: item,
        ConditionExpression: "attribute_not_exists(orderId) OR #status = :placed",
        ExpressionAttributeNames: { "#status": "status" },
        ExpressionAttributeValues: { ":placed": ORDER_STATUS.placed },
      }),
    );
  } catch (error) {
    if (!isConditionFailure(error)) throw error;
    logger.info("Order already fulfilled; redelivered message acknowledged without changes", { orderId: order.orderId });
    countBusiness("DuplicateDeliveries");
    return;
  }

  const fulfilled: OrderFulfilledData = {
    orderId: order.orderId,
    customerId: order.customerId,
    currency: order.currency,
    totalCents: order.totalCents,
    placedAt: order.placedAt,
    fulfilledAt: new Date().toISOString(),
  };
  // Emit before marking FULFILLED: a crash in between re-emits on retry (at least once), never loses the event.
  const eventId = await publisher.publishOne({ detailType: DETAIL_TYPES.orderFulfilled, data: fulfilled, correlationId });
  try {
    await documents.send(
      new UpdateCommand({
        TableName: tableName,
        Key: { orderId: order.orderId },
        UpdateExpression: "SET #status = :fulfilled, fulfilledAt = :fulfilledAt",
        ConditionExpression: "#status = :placed",
        ExpressionAttributeNames: { "#status": "status" },
        ExpressionAttributeValues: { ":fulfilled": ORDER_STATUS.fulfilled, ":placed": ORDER_STATUS.placed, ":fulfilledAt": fulfilled.fulfilledAt },
      }),
    );
  } catch (error) {
    if (!isConditionFailure(error)) throw error;
    logger.info("Order was fulfilled concurrently by another delivery", { orderId: order.orderId });
  }
  logger.info("Order fulfilled", { orderId: order.orderId, eventId, totalCents: order.totalCents });
  countBusiness("OrdersFulfilled");
}

function isConditionFailure(error: unknown): boolean {
  return error instanceof Error && error.name === "ConditionalCheckFailedException";
}
