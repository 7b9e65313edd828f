import * as assert from "assert";
import { PutEventsCommand } from "@aws-sdk/client-eventbridge";
import type { APIGatewayProxyStructuredResultV2 } from "aws-lambda";
import { acceptAllPutEvents, captured, eventBridgeMock, eventFiles, lambdaContext, loadEvent, metricValues, resetAwsMocks, sentEvents } from "./support";
import { handler } from "../../functions/orders-api/handler";
import { acceptedBodySchema, errorBodySchema } from "../../functions/orders-api/contract";
import { orderPlacedDetailSchema } from "../../functions/shared/events";

const HEADER_ID = "c0ffee00-1234-4abc-9def-000000000001";

async function invoke(event: unknown) {
  const context = lambdaContext("orders-api");
  const { result, output } = await captured(() => handler(event, context));
  const response = result as APIGatewayProxyStructuredResultV2;
  return { response, body: JSON.parse(String(response.body)), output, context };
}

describe("orders-api", () => {
  beforeEach(() => {
    resetAwsMocks();
    acceptAllPutEvents();
  });

  it("accepts a valid order with 202 and puts one OrderPlaced on the bus with the caller's correlation id", async () => {
    const { response, body } = await invoke(loadEvent("orders-api", "valid-order.json"));

    assert.equal(response.statusCode, 202);
    assert.deepEqual(acceptedBodySchema.parse(body), body);
    assert.equal(body.correlationId, HEADER_ID);
    assert.equal(response.headers?.["x-correlation-id"], HEADER_ID);
    const [entry, ...more] = sentEvents();
    assert.equal(more.length, 0);
    assert.equal(entry.EventBusName, "serverless-test-event-bus");
    assert.equal(entry.Source, "serverless.orders");
    assert.equal(entry.DetailType, "OrderPlaced");
    const detail = orderPlacedDetailSchema.parse(entry.detail);
    assert.deepEqual(detail.metadata, { correlationId: HEADER_ID, version: 1 });
    assert.equal(detail.data.orderId, body.orderId);
    assert.equal(detail.data.customerId, "cus-1042");
    assert.equal(detail.data.totalCents, 2 * 1999 + 850);
  });

  it("decodes a base64 body and generates a correlation id when the header is absent", async () => {
    const { response, body } = await invoke(loadEvent("orders-api", "valid-order-base64-no-correlation-header.json"));

    assert.equal(response.statusCode, 202);
    assert.match(body.correlationId, /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    assert.equal(sentEvents()[0].detail.metadata.correlationId, body.correlationId);
  });

  it("replaces a correlation id header that could forge log lines with a generated one", async () => {
    const event = loadEvent<{ headers: Record<string, string> }>("orders-api", "valid-order.json");
    event.headers["x-correlation-id"] = 'abc"\n{"level":"ERROR"}';

    const { body } = await invoke(event);

    assert.notEqual(body.correlationId, event.headers["x-correlation-id"]);
    assert.equal(sentEvents()[0].detail.metadata.correlationId, body.correlationId);
  });

  it("answers 400 naming `items` when the order has no items, and puts nothing on the bus", async () => {
    const { response, body, output } = await invoke(loadEvent("orders-api", "missing-items.json"));

    assert.equal(response.statusCode, 400);
    assert.deepEqual(body.issues.map((i: { field: string }) => i.field), ["items"]);
    assert.equal(eventBridgeMock.commandCalls(PutEventsCommand).length, 0);
    assert.deepEqual(metricValues(output, "Failures"), [{ value: 1, reason: "contract" }]);
  });

  it("answers 400 naming `items.0.quantity` and `currency` for out-of-range values", async () => {
    const { response, body } = await invoke(loadEvent("orders-api", "invalid-quantity-and-currency.json"));

    assert.equal(response.statusCode, 400);
    assert.deepEqual(body.issues.map((i: { field: string }) => i.field).sort(), ["currency", "items.0.quantity"]);
    assert.match(body.issues.find((i: { field: string }) => i.field === "items.0.quantity").message, />=1/);
  });

  it("answers 400 naming an unknown field instead of dropping it", async () => {
    const event = loadEvent<{ body: string }>("orders-api", "valid-order.json");
    event.body = JSON.stringify({ ...JSON.parse(event.body), discountCode: "FREE" });

    const { response, body } = await invoke(event);

    assert.equal(response.statusCode, 400);
    assert.match(JSON.stringify(body.issues), /discountCode/);
  });

  it("answers 400 when the body is not JSON", async () => {
    const { response, body } = await invoke(loadEvent("orders-api", "malformed-json.json"));

    assert.equal(response.statusCode, 400);
    assert.match(body.error, /^Request body is not valid JSON/);
  });

  it("answers 415 when the content type is not JSON", async () => {
    const event = loadEvent<{ headers: Record<string, string> }>("orders-api", "valid-order.json");
    event.headers["content-type"] = "text/plain";

    const { response } = await invoke(event);

    assert.equal(response.statusCode, 415);
  });

  it("answers 405 with an Allow header for GET /orders", async () => {
    const { response, body } = await invoke(loadEvent("orders-api", "wrong-method.json"));

    assert.equal(response.statusCode, 405);
    assert.equal(response.headers?.allow, "POST");
    assert.match(body.error, /GET/);
  });

  it("answers 404 for a route it does not serve", async () => {
    const { response, body } = await invoke(loadEvent("orders-api", "unknown-route.json"));

    assert.equal(response.statusCode, 404);
    assert.match(body.error, /POST \/refunds/);
  });

  it("serves /orders behind a named stage", async () => {
    const event = loadEvent<{ requestContext: { stage: string; http: { path: string } } }>("orders-api", "valid-order.json");
    event.requestContext.stage = "v1";
    event.requestContext.http.path = "/v1/orders";

    const { response } = await invoke(event);

    assert.equal(response.statusCode, 202);
  });

  it("answers 500 with the request id, and logs the AWS error, when PutEvents refuses the event", async () => {
    eventBridgeMock.on(PutEventsCommand).resolves({ FailedEntryCount: 1, Entries: [{ ErrorCode: "InternalFailure", ErrorMessage: "try again" }] });

    const { response, body, output, context } = await invoke(loadEvent("orders-api", "valid-order.json"));

    assert.equal(response.statusCode, 500);
    assert.equal(body.requestId, context.awsRequestId);
    assert.doesNotMatch(String(response.body), /InternalFailure|\bat .*\.ts:\d+/);
    const error = output.logs.find((l) => l.level === "ERROR");
    assert.match(JSON.stringify(error), /InternalFailure: try again/);
    assert.equal(error?.correlation_id, HEADER_ID);
  });

  it("answers 500 JSON, not a crash, when the event is not an HTTP API request", async () => {
    const { response, body, output } = await invoke(loadEvent("fulfil-order", "valid-order-placed.json"));

    assert.equal(response.statusCode, 500);
    assert.ok(body.requestId);
    assert.match(JSON.stringify(output.logs), /not an API Gateway HTTP API \(payload 2\.0\) request/);
  });

  for (const file of eventFiles("orders-api"))
    it(`answers ${file} with a body that matches the output contract`, async () => {
      const { response, body } = await invoke(loadEvent("orders-api", file));

      const schema = response.statusCode === 202 ? acceptedBodySchema : errorBodySchema;
      assert.deepEqual(schema.parse(body), body);
      assert.equal(response.headers?.["content-type"], "application/json");
      assert.equal(file.startsWith("valid-"), response.statusCode === 202, `status ${response.statusCode}`);
    });
});
