import * as assert from "assert";
import { PutCommand, UpdateCommand } from "@aws-sdk/lib-dynamodb";
import type { APIGatewayProxyStructuredResultV2 } from "aws-lambda";
import { acceptAllPutEvents, busDelivery, captured, dynamoMock, lambdaContext, loadEvent, resetAwsMocks, sentEvents, sqsDelivery, type Captured } from "./support";
import { handler as ordersApi } from "../../functions/orders-api/handler";
import { handler as fulfilOrder } from "../../functions/fulfil-order/handler";
import { handler as notifyCustomer } from "../../functions/notify-customer/handler";

const JOURNEY = "journey-7f3a9c2e-0b1d-4e5f-8a6b-1c2d3e4f5a6b";

describe("one correlation id across the reference flow", () => {
  beforeEach(() => {
    resetAwsMocks();
    acceptAllPutEvents();
    dynamoMock.on(PutCommand).resolves({});
    dynamoMock.on(UpdateCommand).resolves({});
  });

  it("carries the caller's x-correlation-id from HTTP through the bus and the queue to the notification", async () => {
    // HTTP: the caller sends the id in a header.
    const request = loadEvent<{ headers: Record<string, string> }>("orders-api", "valid-order.json");
    request.headers["x-correlation-id"] = JOURNEY;
    const http = await captured(() => ordersApi(request, lambdaContext("orders-api")));
    const { orderId } = JSON.parse(String((http.result as APIGatewayProxyStructuredResultV2).body));
    const [orderPlaced] = sentEvents();

    // Bus rule -> queue -> fulfil-order.
    const fulfil = await captured(() => fulfilOrder(sqsDelivery(busDelivery(orderPlaced)), lambdaContext("fulfil-order")));
    assert.deepEqual(fulfil.result, { batchItemFailures: [] });
    const orderFulfilled = sentEvents()[1];

    // Bus rule -> notify-customer.
    const notify = await captured(() => notifyCustomer(busDelivery(orderFulfilled), lambdaContext("notify-customer")));
    assert.equal((notify.result as { orderId: string }).orderId, orderId);

    assert.deepEqual(sentEvents().map((e) => [e.DetailType, e.detail.metadata.correlationId]), [
      ["OrderPlaced", JOURNEY],
      ["OrderFulfilled", JOURNEY],
    ]);
    assert.equal(dynamoMock.commandCalls(PutCommand)[0].args[0].input.Item?.correlationId, JOURNEY);
    const hops: Array<[string, Captured]> = [["orders-api", http.output], ["fulfil-order", fulfil.output], ["notify-customer", notify.output]];
    for (const [fn, output] of hops) {
      assert.ok(output.logs.length > 0, `${fn} logged nothing`);
      assert.deepEqual(output.other, [], `${fn} printed unstructured lines`);
      for (const line of output.logs) assert.equal(line.correlation_id, JOURNEY, `${fn}: ${JSON.stringify(line)}`);
      for (const blob of output.metrics.filter((m) => !("ColdStart" in m)))
        assert.equal(blob.correlation_id, JOURNEY, `${fn} metrics: ${JSON.stringify(blob)}`);
      assert.ok(output.logs.every((l) => l.function_name === `serverless-test-${fn}`));
    }
  });
});
