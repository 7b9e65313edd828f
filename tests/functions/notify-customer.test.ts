import * as assert from "assert";
import { captured, capturedError, lambdaContext, loadEvent, metricValues } from "./support";
import { handler } from "../../functions/notify-customer/handler";
import { resultSchema } from "../../functions/notify-customer/contract";

const CORRELATION_ID = "c0ffee00-1234-4abc-9def-000000000001";

describe("notify-customer", () => {
  it("notifies the customer of a fulfilled order and returns what was sent", async () => {
    const { result, output } = await captured(() => handler(loadEvent("notify-customer", "valid-order-fulfilled.json"), lambdaContext("notify-customer")));

    const parsed = resultSchema.parse(result);
    assert.equal(parsed.orderId, "5b0c8f5e-6f1e-4c4a-9a63-2f1d0c7e9b11");
    assert.equal(parsed.customerId, "cus-1042");
    const line = output.logs.find((l) => l.message === "Customer notified");
    assert.equal(line?.correlation_id, CORRELATION_ID);
    assert.equal(line?.function_name, "serverless-test-notify-customer");
    assert.equal(line?.function_version, "7");
    assert.deepEqual(metricValues(output, "CustomersNotified").map((m) => m.value), [1]);
  });

  it("throws a ContractError naming `detail.data.customerId` and `detail.data.totalCents` for a broken detail", async () => {
    const { error, output } = await capturedError(() => handler(loadEvent("notify-customer", "missing-customer-id.json"), lambdaContext("notify-customer")));

    assert.equal(error.name, "ContractError");
    assert.match(error.message, /`detail\.data\.customerId`/);
    assert.match(error.message, /`detail\.data\.totalCents`/);
    const logged = output.logs.find((l) => l.level === "ERROR");
    assert.equal(logged?.correlation_id, CORRELATION_ID);
    assert.deepEqual(metricValues(output, "Failures"), [{ value: 1, reason: "contract" }]);
  });

  it("throws a ContractError naming `detail.metadata.version` for an unsupported version", async () => {
    const { error } = await capturedError(() => handler(loadEvent("notify-customer", "unsupported-version.json"), lambdaContext("notify-customer")));

    assert.match(error.message, /`detail\.metadata\.version`/);
  });

  it("throws a ContractError naming `detail-type` for an event it does not handle", async () => {
    const { error } = await capturedError(() => handler(loadEvent("notify-customer", "wrong-detail-type.json"), lambdaContext("notify-customer")));

    assert.match(error.message, /`detail-type`/);
  });

  it("throws a ContractError, not a TypeError, for an event that is not an object", async () => {
    const { error } = await capturedError(() => handler(null, lambdaContext("notify-customer")));

    assert.equal(error.name, "ContractError");
  });
});
