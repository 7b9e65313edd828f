import * as assert from "assert";
import { ConditionalCheckFailedException, ProvisionedThroughputExceededException } from "@aws-sdk/client-dynamodb";
import { PutEventsCommand } from "@aws-sdk/client-eventbridge";
import { PutCommand, UpdateCommand } from "@aws-sdk/lib-dynamodb";
import {
  acceptAllPutEvents,
  captured,
  capturedError,
  dynamoMock,
  eventBridgeMock,
  lambdaContext,
  loadEvent,
  metricValues,
  resetAwsMocks,
  sentEvents,
} from "./support";
import { handler } from "../../functions/fulfil-order/handler";
import { responseSchema } from "../../functions/fulfil-order/contract";
import { orderFulfilledDetailSchema } from "../../functions/shared/events";

const ORDER_ID = "5b0c8f5e-6f1e-4c4a-9a63-2f1d0c7e9b11";
const CORRELATION_ID = "c0ffee00-1234-4abc-9def-000000000001";

async function invoke(event: unknown) {
  const { result, output } = await captured(() => handler(event, lambdaContext("fulfil-order")));
  return { response: responseSchema.parse(result), output };
}

function conditionFailed(): ConditionalCheckFailedException {
  return new ConditionalCheckFailedException({ message: "The conditional request failed", $metadata: {} });
}

describe("fulfil-order", () => {
  beforeEach(() => {
    resetAwsMocks();
    acceptAllPutEvents();
    dynamoMock.on(PutCommand).resolves({});
    dynamoMock.on(UpdateCommand).resolves({});
  });

  it("records a valid order with a conditional put, emits OrderFulfilled with its correlation id, then marks it FULFILLED", async () => {
    const { response } = await invoke(loadEvent("fulfil-order", "valid-order-placed.json"));

    assert.deepEqual(response, { batchItemFailures: [] });
    const [put] = dynamoMock.commandCalls(PutCommand).map((c) => c.args[0].input);
    assert.equal(put.TableName, "serverless-test-orders-table");
    assert.equal(put.ConditionExpression, "attribute_not_exists(orderId) OR #status = :placed");
    assert.deepEqual(put.ExpressionAttributeValues, { ":placed": "PLACED" });
    assert.equal(put.Item?.orderId, ORDER_ID);
    assert.equal(put.Item?.status, "PLACED");
    assert.equal(put.Item?.correlationId, CORRELATION_ID);
    const [entry] = sentEvents();
    assert.equal(entry.DetailType, "OrderFulfilled");
    const detail = orderFulfilledDetailSchema.parse(entry.detail);
    assert.equal(detail.metadata.correlationId, CORRELATION_ID);
    assert.equal(detail.data.orderId, ORDER_ID);
    const [update] = dynamoMock.commandCalls(UpdateCommand).map((c) => c.args[0].input);
    assert.deepEqual(update.Key, { orderId: ORDER_ID });
    assert.equal(update.ConditionExpression, "#status = :placed");
    assert.equal(update.ExpressionAttributeValues?.[":fulfilled"], "FULFILLED");
  });

  it("reports exactly the bad records of a mixed batch in batchItemFailures and fulfils the good one", async () => {
    const { response, output } = await invoke(loadEvent("fulfil-order", "mixed-batch.json"));

    assert.deepEqual(
      response.batchItemFailures.map((f) => f.itemIdentifier),
      ["a3b1c2d3-e4f5-4a6b-8c7d-9e0f1a2b3c4d", "b4c2d3e4-f5a6-4b7c-9d8e-0f1a2b3c4d5e"],
    );
    assert.deepEqual(dynamoMock.commandCalls(PutCommand).map((c) => c.args[0].input.Item?.orderId), ["9d4e2a71-3b8c-4f0e-a5d6-7c1b2e3f4a50"]);
    const failures = output.logs.filter((l) => l.level === "ERROR");
    assert.equal(failures.length, 2);
    assert.match(JSON.stringify(failures[0]), /body\.detail\.data\.items/);
    assert.equal(failures[0].correlation_id, "c0ffee00-1234-4abc-9def-000000000003");
    assert.equal(failures[0].messageId, "a3b1c2d3-e4f5-4a6b-8c7d-9e0f1a2b3c4d");
    assert.match(JSON.stringify(failures[1]), /body/);
    assert.deepEqual(metricValues(output, "Failures"), [
      { value: 1, reason: "contract" },
      { value: 1, reason: "contract" },
    ]);
  });

  it("acknowledges a redelivered order that is already FULFILLED without writing or emitting again", async () => {
    dynamoMock.on(PutCommand).rejects(conditionFailed());

    const { response, output } = await invoke(loadEvent("fulfil-order", "valid-redelivered-order-placed.json"));

    assert.deepEqual(response, { batchItemFailures: [] });
    assert.equal(eventBridgeMock.commandCalls(PutEventsCommand).length, 0);
    assert.equal(dynamoMock.commandCalls(UpdateCommand).length, 0);
    assert.deepEqual(metricValues(output, "DuplicateDeliveries").map((m) => m.value), [1]);
  });

  it("treats an order fulfilled concurrently by another delivery (update condition fails) as done", async () => {
    dynamoMock.on(UpdateCommand).rejects(conditionFailed());

    const { response } = await invoke(loadEvent("fulfil-order", "valid-redelivered-order-placed.json"));

    assert.deepEqual(response, { batchItemFailures: [] });
  });

  it("reports the record as failed, leaving the order PLACED, when PutEvents refuses OrderFulfilled", async () => {
    eventBridgeMock.on(PutEventsCommand).resolves({ FailedEntryCount: 1, Entries: [{ ErrorCode: "ThrottlingException", ErrorMessage: "Rate exceeded" }] });

    const { response, output } = await invoke(loadEvent("fulfil-order", "valid-order-placed.json"));

    assert.deepEqual(response.batchItemFailures, [{ itemIdentifier: "059f36b4-87a3-44ab-83d2-661975830a7d" }]);
    assert.equal(dynamoMock.commandCalls(UpdateCommand).length, 0);
    assert.deepEqual(metricValues(output, "Failures"), [{ value: 1, reason: "publish" }]);
  });

  it("reports a DynamoDB failure as a batch item failure with reason storage", async () => {
    dynamoMock.on(PutCommand).rejects(new ProvisionedThroughputExceededException({ message: "slow down", $metadata: {} }));

    const { response, output } = await invoke(loadEvent("fulfil-order", "valid-order-placed.json"));

    assert.deepEqual(response.batchItemFailures, [{ itemIdentifier: "059f36b4-87a3-44ab-83d2-661975830a7d" }]);
    assert.deepEqual(metricValues(output, "Failures"), [{ value: 1, reason: "storage" }]);
  });

  it("reports a record whose detail has no metadata as failed, naming `body.detail.metadata`", async () => {
    const { response, output } = await invoke(loadEvent("fulfil-order", "missing-correlation-metadata.json"));

    assert.deepEqual(response.batchItemFailures, [{ itemIdentifier: "c5d3e4f5-a6b7-4c8d-8e9f-1a2b3c4d5e6f" }]);
    assert.match(JSON.stringify(output.logs), /body\.detail\.metadata/);
    assert.equal(dynamoMock.commandCalls(PutCommand).length, 0);
  });

  it("throws a ContractError naming `Records` when the event is not an SQS batch", async () => {
    const { error } = await capturedError(() => handler(loadEvent("fulfil-order", "not-an-sqs-event.json"), lambdaContext("fulfil-order")));

    assert.equal(error.name, "ContractError");
    assert.match(error.message, /`Records`/);
  });
});
