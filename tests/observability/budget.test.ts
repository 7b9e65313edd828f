import * as assert from "assert";
import { AlertTopicPolicy, costAllocationTags, OWNER_ACTIONS, StackBudget, StackBudgetArgs, validateAlertTopicPolicyArgs, validateStackBudgetArgs } from "../../infra/observability";
import { ACCOUNT, context, REGION, TYPES, underMocks } from "./harness";

const TOPIC = `arn:aws:sns:${REGION}:${ACCOUNT}:serverless-prod-alerts`;

describe("StackBudget under Pulumi's mocks", () => {
  const budget = async (args: Partial<StackBudgetArgs> = {}) =>
    (await underMocks(() => new StackBudget("stack", { context: context(), monthlyLimitUsd: 150, alertTopicArn: TOPIC, ...args }))).one(TYPES.budget).inputs;

  it("is a monthly cost budget in US dollars named after project and stack", async () => {
    const b = await budget();
    assert.deepStrictEqual([b.name, b.budgetType, b.timeUnit, b.limitAmount, b.limitUnit], ["serverless-prod-monthly", "COST", "MONTHLY", "150.00", "USD"]);
  });

  it("counts only the costs tagged with the stack's cost allocation tag", async () => {
    const b = await budget();
    const tags = costAllocationTags("serverless", "prod");
    assert.deepStrictEqual(b.costFilters, [{ name: "TagKeyValue", values: [`user:Stack$${tags.Stack}`] }]);
    assert.equal(tags.Stack, "serverless-prod");
  });

  it("notifies the alert topic when actual spend passes 80% and when the forecast passes 100%", async () => {
    const b = await budget();
    assert.deepStrictEqual(b.notifications, [
      { notificationType: "ACTUAL", comparisonOperator: "GREATER_THAN", threshold: 80, thresholdType: "PERCENTAGE", subscriberSnsTopicArns: [TOPIC] },
      { notificationType: "FORECASTED", comparisonOperator: "GREATER_THAN", threshold: 100, thresholdType: "PERCENTAGE", subscriberSnsTopicArns: [TOPIC] },
    ]);
  });

  it("takes the thresholds from the stack's settings", async () => {
    const b = await budget({ actualThresholdPercent: 50, forecastThresholdPercent: 120 });
    assert.deepStrictEqual(b.notifications.map((n: { threshold: number }) => n.threshold), [50, 120]);
  });

  it("waits for the topic policy when given its topicArn", async () => {
    const registered = await underMocks(() => {
      const policy = new AlertTopicPolicy("alerts", { context: context(), topicArn: TOPIC });
      new StackBudget("stack", { context: context(), monthlyLimitUsd: 10, alertTopicArn: policy.topicArn });
    });
    const b = registered.one(TYPES.budget).inputs;
    assert.deepStrictEqual(b.notifications[0].subscriberSnsTopicArns, [TOPIC]);
  });
});

describe("validateStackBudgetArgs", () => {
  const base = { context: context(), monthlyLimitUsd: 10, alertTopicArn: TOPIC };
  const cases: [string, Partial<StackBudgetArgs>, RegExp][] = [
    ["a negative limit", { monthlyLimitUsd: -5 }, /StackBudget "b": `monthlyLimitUsd` must be a positive number; got -5/],
    ["a zero forecast threshold", { forecastThresholdPercent: 0 }, /`forecastThresholdPercent` must be above 0 and at most 1000; got 0/],
    ["an AWS-generated tag as filter", { costAllocationTag: { key: "aws:createdBy", value: "x" } }, /`costAllocationTag` must name a user-defined tag key and value/],
  ];
  for (const [what, patch, message] of cases)
    it(`rejects ${what}`, () => {
      assert.throws(() => validateStackBudgetArgs("b", { ...base, ...patch }), message);
    });
});

describe("AlertTopicPolicy under Pulumi's mocks", () => {
  const policy = async (publishers?: ("budgets" | "cloudwatch" | "events" | "codestarNotifications")[]) => {
    const registered = await underMocks(() => new AlertTopicPolicy("alerts", { context: context(), topicArn: TOPIC, publishers }));
    const p = registered.one(TYPES.topicPolicy).inputs;
    return { arn: p.arn as string, doc: JSON.parse(p.policy) as { Statement: Record<string, any>[] } };
  };

  it("sets the policy on the alert topic's ARN", async () => {
    assert.equal((await policy()).arn, TOPIC);
  });

  it("lets budgets, CloudWatch, EventBridge and CodeStar notifications publish, each only for this account", async () => {
    const { doc } = await policy();
    const services = doc.Statement.filter((s) => s.Principal.Service);
    assert.deepStrictEqual(services.map((s) => s.Principal.Service).sort(), [
      "budgets.amazonaws.com",
      "cloudwatch.amazonaws.com",
      "codestar-notifications.amazonaws.com",
      "events.amazonaws.com",
    ]);
    for (const s of services) {
      assert.deepStrictEqual([s.Effect, s.Action, s.Resource], ["Allow", "sns:Publish", TOPIC], s.Sid);
      assert.deepStrictEqual(s.Condition.StringEquals, { "aws:SourceAccount": ACCOUNT }, `${s.Sid} lacks the SourceAccount condition`);
    }
  });

  it("scopes each service to its own kind of source ARN", async () => {
    const { doc } = await policy();
    const sourceArn = (service: string) => doc.Statement.find((s) => s.Principal.Service === service)!.Condition.ArnLike["aws:SourceArn"];
    assert.equal(sourceArn("budgets.amazonaws.com"), `arn:aws:budgets::${ACCOUNT}:*`);
    assert.equal(sourceArn("cloudwatch.amazonaws.com"), `arn:aws:cloudwatch:${REGION}:${ACCOUNT}:alarm:*`);
    assert.equal(sourceArn("events.amazonaws.com"), `arn:aws:events:${REGION}:${ACCOUNT}:rule/*`);
    assert.equal(sourceArn("codestar-notifications.amazonaws.com"), `arn:aws:codestar-notifications:${REGION}:${ACCOUNT}:notificationrule/*`);
  });

  it("keeps the account's own access, which a topic policy would otherwise replace", async () => {
    const { doc } = await policy();
    const owner = doc.Statement.find((s) => s.Principal.AWS);
    assert.deepStrictEqual(owner, { Sid: "AccountManagesTopic", Effect: "Allow", Principal: { AWS: `arn:aws:iam::${ACCOUNT}:root` }, Action: [...OWNER_ACTIONS], Resource: TOPIC });
  });

  it("grants no wildcard principal", async () => {
    const { doc } = await policy();
    assert.ok(doc.Statement.every((s) => JSON.stringify(s.Principal) !== '"*"' && s.Principal.AWS !== "*"));
  });

  it("grants only the publishers asked for", async () => {
    const { doc } = await policy(["budgets"]);
    assert.deepStrictEqual(doc.Statement.map((s) => s.Sid), ["AccountManagesTopic", "BudgetsPublish"]);
  });

  it("rejects an unknown publisher", () => {
    assert.throws(
      () => validateAlertTopicPolicyArgs("alerts", { context: context(), topicArn: TOPIC, publishers: ["sqs" as "budgets"] }),
      /AlertTopicPolicy "alerts": `publishers` holds "sqs"; known: budgets, cloudwatch, events, codestarNotifications/,
    );
  });
});
