import * as assert from "assert";
import { PutEventsCommand } from "@aws-sdk/client-eventbridge";
import { QueryCommand } from "@aws-sdk/lib-dynamodb";
import { acceptAllPutEvents, captured, capturedError, dynamoMock, eventBridgeMock, lambdaContext, loadEvent, metricValues, resetAwsMocks, sentEvents } from "./support";
import { handler } from "../../functions/reconcile-orders/handler";
import { resultSchema } from "../../functions/reconcile-orders/contract";
import { orderPlacedDetailSchema } from "../../functions/shared/events";

function storedOrder(n: number): Record<string, unknown> {
  const suffix = String(n).padStart(12, "0");
  return {
    orderId: `5b0c8f5e-6f1e-4c4a-9a63-${suffix}`,
    status: "PLACED",
    customerId: `cus-${n}`,
    currency: "EUR",
    items: [{ sku: "BOOK-0001", quantity: 1, unitPriceCents: 1999 }],
    totalCents: 1999,
    placedAt: `2025-03-10T11:${String(n % 60).padStart(2, "0")}:00.000Z`,
    correlationId: `corr-${suffix}`,
  };
}

async function run() {
  const { result, output } = await captured(() => handler(loadEvent("reconcile-orders", "valid-schedule.json"), lambdaContext("reconcile-orders")));
  return { result: resultSchema.parse(result), output };
}

describe("reconcile-orders", () => {
  beforeEach(() => {
    resetAwsMocks();
    acceptAllPutEvents();
    delete process.env.STUCK_AFTER_MINUTES;
    delete process.env.RECONCILE_BATCH_LIMIT;
  });

  it("queries byStatus for PLACED orders older than 30 minutes and re-emits each with its own correlation id", async () => {
    dynamoMock.on(QueryCommand).resolves({ Items: [storedOrder(1), storedOrder(2)] });
    const before = Date.now();

    const { result } = await run();

    const [query] = dynamoMock.commandCalls(QueryCommand).map((c) => c.args[0].input);
    assert.equal(query.TableName, "serverless-test-orders-table");
    assert.equal(query.IndexName, "byStatus");
    assert.equal(query.KeyConditionExpression, "#status = :placed AND placedAt < :placedBefore");
    assert.equal(query.ExpressionAttributeValues?.[":placed"], "PLACED");
    const cutoff = Date.parse(query.ExpressionAttributeValues?.[":placedBefore"]);
    assert.ok(Math.abs(before - 30 * 60_000 - cutoff) < 5_000, `cutoff ${new Date(cutoff).toISOString()}`);
    assert.equal(query.Limit, 50);
    const entries = sentEvents();
    assert.deepEqual(entries.map((e) => e.DetailType), ["OrderPlaced", "OrderPlaced"]);
    assert.deepEqual(entries.map((e) => orderPlacedDetailSchema.parse(e.detail).metadata.correlationId), ["corr-000000000001", "corr-000000000002"]);
    assert.deepEqual(result, { placedBefore: result.placedBefore, checked: 2, reemitted: 2, invalid: [], failed: [], moreRemaining: false });
  });

  it("honours STUCK_AFTER_MINUTES and RECONCILE_BATCH_LIMIT and says when more orders remain", async () => {
    process.env.STUCK_AFTER_MINUTES = "120";
    process.env.RECONCILE_BATCH_LIMIT = "5";
    dynamoMock.on(QueryCommand).resolves({ Items: [storedOrder(1)], LastEvaluatedKey: { orderId: "x" } });
    const before = Date.now();

    const { result } = await run();

    const [query] = dynamoMock.commandCalls(QueryCommand).map((c) => c.args[0].input);
    assert.equal(query.Limit, 5);
    assert.ok(Math.abs(before - 120 * 60_000 - Date.parse(query.ExpressionAttributeValues?.[":placedBefore"])) < 5_000);
    assert.equal(result.moreRemaining, true);
  });

  it("sends PutEvents in calls of at most 10 entries", async () => {
    dynamoMock.on(QueryCommand).resolves({ Items: Array.from({ length: 23 }, (_, i) => storedOrder(i + 1)) });

    const { result } = await run();

    assert.deepEqual(eventBridgeMock.commandCalls(PutEventsCommand).map((c) => c.args[0].input.Entries?.length), [10, 10, 3]);
    assert.equal(result.reemitted, 23);
  });

  it("reports the orders PutEvents refused (FailedEntryCount) and counts them, keeping the others", async () => {
    dynamoMock.on(QueryCommand).resolves({ Items: [storedOrder(1), storedOrder(2)] });
    eventBridgeMock.on(PutEventsCommand).resolves({ FailedEntryCount: 1, Entries: [{ EventId: "e-1" }, { ErrorCode: "InternalFailure", ErrorMessage: "try again" }] });

    const { result, output } = await run();

    assert.equal(result.reemitted, 1);
    assert.deepEqual(result.failed, [{ orderId: storedOrder(2).orderId, errorCode: "InternalFailure", errorMessage: "try again" }]);
    assert.deepEqual(metricValues(output, "Failures"), [{ value: 1, reason: "publish" }]);
  });

  it("fails the run when PutEvents refuses every order", async () => {
    dynamoMock.on(QueryCommand).resolves({ Items: [storedOrder(1)] });
    eventBridgeMock.on(PutEventsCommand).resolves({ FailedEntryCount: 1, Entries: [{ ErrorCode: "AccessDeniedException", ErrorMessage: "not authorized" }] });

    const { error } = await capturedError(() => handler(loadEvent("reconcile-orders", "valid-schedule.json"), lambdaContext("reconcile-orders")));

    assert.equal(error.name, "PublishError");
    assert.match(error.message, /AccessDeniedException: not authorized/);
  });

  it("treats a FailedEntryCount the entries do not explain as a failure of the whole call", async () => {
    dynamoMock.on(QueryCommand).resolves({ Items: [storedOrder(1), storedOrder(2)] });
    eventBridgeMock.on(PutEventsCommand).resolves({ FailedEntryCount: 1, Entries: [{ EventId: "e-1" }, { EventId: "e-2" }] });

    const { error } = await capturedError(() => handler(loadEvent("reconcile-orders", "valid-schedule.json"), lambdaContext("reconcile-orders")));

    assert.match(error.message, /reported 1 failed entries/);
  });

  it("skips and reports a stored order that breaks the table contract", async () => {
    dynamoMock.on(QueryCommand).resolves({ Items: [storedOrder(1), { ...storedOrder(2), items: "two books" }] });

    const { result, output } = await run();

    assert.deepEqual(result.invalid, [storedOrder(2).orderId]);
    assert.equal(result.reemitted, 1);
    assert.match(JSON.stringify(output.logs.filter((l) => l.level === "ERROR")), /"field":"items"/);
  });

  it("does nothing, successfully, when no order is stuck", async () => {
    dynamoMock.on(QueryCommand).resolves({ Items: [] });

    const { result } = await run();

    assert.equal(result.checked, 0);
    assert.equal(eventBridgeMock.commandCalls(PutEventsCommand).length, 0);
  });

  it("throws a ContractError naming `source` and `detail-type` for an event that is not a schedule", async () => {
    const { error } = await capturedError(() => handler(loadEvent("reconcile-orders", "not-a-schedule.json"), lambdaContext("reconcile-orders")));

    assert.equal(error.name, "ContractError");
    assert.match(error.message, /`source`/);
    assert.match(error.message, /`detail-type`/);
    assert.equal(dynamoMock.commandCalls(QueryCommand).length, 0);
  });

  it("throws a ContractError naming `time` for a malformed timestamp", async () => {
    const { error } = await capturedError(() => handler(loadEvent("reconcile-orders", "not-a-schedule-bad-time.json"), lambdaContext("reconcile-orders")));

    assert.match(error.message, /`time`/);
  });
});
