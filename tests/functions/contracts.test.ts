import * as assert from "assert";
import * as fs from "fs";
import * as path from "path";
import { APIGatewayProxyEventV2Schema } from "@aws-lambda-powertools/parser/schemas/api-gatewayv2";
import { EventBridgeSchema } from "@aws-lambda-powertools/parser/schemas/eventbridge";
import { SqsSchema } from "@aws-lambda-powertools/parser/schemas/sqs";
import type { z } from "zod";
import { eventFiles, FUNCTIONS_DIR, loadEvent } from "./support";
import { discoverFunctions, type TriggerType } from "../../infra/catalog";
import { placeOrderBodySchema } from "../../functions/orders-api/contract";
import { recordSchema } from "../../functions/fulfil-order/contract";
import { eventSchema as orderFulfilledEventSchema } from "../../functions/notify-customer/contract";
import { scheduledEventSchema } from "../../functions/reconcile-orders/contract";
import { correlationIdFromHeaders, correlationIdFromSqsBatch } from "../../functions/shared/correlation";

/** The AWS shape each trigger delivers, as Powertools models it. */
const AWS_SHAPE: Record<TriggerType, z.ZodType> = {
  http: APIGatewayProxyEventV2Schema,
  queue: SqsSchema,
  event: EventBridgeSchema,
  schedule: EventBridgeSchema,
};

/** Does the example satisfy the function's own input contract (beyond the AWS shape)? */
const MEETS_CONTRACT: Record<string, ((event: Record<string, unknown>) => boolean) | undefined> = {
  "orders-api": (e) => {
    const text = e.isBase64Encoded ? Buffer.from(String(e.body), "base64").toString("utf8") : String(e.body ?? "");
    const route = (e.requestContext as { http: { method: string; path: string } }).http;
    try {
      return route.method === "POST" && route.path === "/orders" && placeOrderBodySchema.safeParse(JSON.parse(text)).success;
    } catch {
      return false;
    }
  },
  "fulfil-order": (e) => Array.isArray(e.Records) && e.Records.every((r) => recordSchema.safeParse(r).success),
  "notify-customer": (e) => orderFulfilledEventSchema.safeParse(e).success,
  "reconcile-orders": (e) => scheduledEventSchema.safeParse(e).success,
};

describe("function folders", () => {
  const catalog = discoverFunctions(FUNCTIONS_DIR);

  it("include the reference flow, discovered with valid settings: one function per invocation pattern", () => {
    const reference = ["fulfil-order", "notify-customer", "orders-api", "reconcile-orders"];
    assert.deepEqual(
      catalog.filter((f) => reference.includes(f.name)).map((f) => [f.name, f.settings.trigger.type]),
      [["fulfil-order", "queue"], ["notify-customer", "event"], ["orders-api", "http"], ["reconcile-orders", "schedule"]],
    );
  });

  for (const fn of catalog) {
    it(`${fn.name} has a contract, valid and invalid examples`, () => {
      assert.ok(fs.existsSync(path.join(fn.dir, "contract.ts")));
      const files = eventFiles(fn.name);
      assert.ok(files.some((f) => f.startsWith("valid-")), "no valid-*.json example");
      assert.ok(files.some((f) => !f.startsWith("valid-")), "no invalid example");
    });

    for (const file of eventFiles(fn.name)) {
      const event = loadEvent(fn.name, file);
      if (!file.startsWith("not-"))
        it(`${fn.name}/events/${file} is a real ${fn.settings.trigger.type} payload`, () => {
          const shape = AWS_SHAPE[fn.settings.trigger.type].safeParse(event);
          assert.ok(shape.success, JSON.stringify(!shape.success && shape.error.issues));
        });
      const meetsContract = MEETS_CONTRACT[fn.name];
      if (meetsContract)
        it(`${fn.name}/events/${file} ${file.startsWith("valid-") ? "meets" : "breaks"} the input contract`, () => {
          assert.equal(meetsContract(event), file.startsWith("valid-"));
        });
    }
  }
});

describe("correlation id extraction", () => {
  it("reads x-correlation-id whatever its header casing", () => {
    assert.equal(correlationIdFromHeaders({ "X-Correlation-Id": "abc-123" }), "abc-123");
  });

  it("generates an id when the header is longer than 128 characters", () => {
    assert.notEqual(correlationIdFromHeaders({ "x-correlation-id": "a".repeat(129) }), "a".repeat(129));
  });

  it("gives an SQS batch no single id when its records carry different ones", () => {
    assert.equal(correlationIdFromSqsBatch(loadEvent("fulfil-order", "mixed-batch.json")), undefined);
  });

  it("gives an SQS batch the id its records share", () => {
    assert.equal(correlationIdFromSqsBatch(loadEvent("fulfil-order", "valid-order-placed.json")), "c0ffee00-1234-4abc-9def-000000000001");
  });
});
