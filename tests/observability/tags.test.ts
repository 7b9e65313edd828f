import * as assert from "assert";
import { budgetTagFilterValue, costAllocationTags } from "../../infra/observability";

describe("costAllocationTags", () => {
  it("tags a stack's shared resources with project, stack and service", () => {
    assert.deepStrictEqual(costAllocationTags("serverless", "prod"), { Project: "serverless", Stack: "serverless-prod", Service: "serverless" });
  });

  it("adds the function to a function's own resources", () => {
    assert.deepStrictEqual(costAllocationTags("serverless", "staging", "orders-api"), {
      Project: "serverless",
      Stack: "serverless-staging",
      Service: "serverless",
      Function: "orders-api",
    });
  });

  it("takes another service name when the organisation's tag policy asks for one", () => {
    assert.equal(costAllocationTags("serverless", "prod", undefined, "orders").Service, "orders");
  });

  it("keeps tag values within AWS's allowed characters and length", () => {
    for (const value of Object.values(costAllocationTags("serverless", "prod", "reconcile-orders")))
      assert.match(value!, /^[\p{L}\p{Z}\p{N}_.:/=+\-@]{1,256}$/u);
  });

  it("writes a budget's tag filter in the Budgets syntax", () => {
    assert.equal(budgetTagFilterValue("Stack", "serverless-prod"), "user:Stack$serverless-prod");
  });
});
