import * as assert from "assert";
import * as pulumi from "@pulumi/pulumi";
import { ALARM_RULE_LIMITS, anyAlarmRule, groupForRules, planAlarmTree, ServiceAlarm, validateServiceAlarmArgs } from "../../infra/observability";
import { runRule } from "../../policies/lib/rule";
import { alarmHasAction } from "../../policies/rules/alarm-has-action";
import { ACCOUNT, context, REGION, Registered, TYPES, underMocks } from "./harness";

const TOPIC = `arn:aws:sns:${REGION}:${ACCOUNT}:serverless-prod-alerts`;
/** The alarm names FunctionAlarms gives a function (infra/components/function-alarms.ts). */
const alarmsOf = (fn: string, queue = false) =>
  ["errors", "throttles", "duration-p99", ...(queue ? ["dlq-depth", "queue-age"] : [])].map((kind) => `serverless-prod-${fn}-${kind}`);
const REFERENCE = [
  { name: "orders-api", alarmNames: alarmsOf("orders-api") },
  { name: "fulfil-order", alarmNames: alarmsOf("fulfil-order", true) },
  { name: "notify-customer", alarmNames: alarmsOf("notify-customer") },
  { name: "reconcile-orders", alarmNames: alarmsOf("reconcile-orders") },
];
/** 1000 functions with realistic 40-character names, every fifth a queue consumer. */
const thousand = () =>
  Array.from({ length: 1000 }, (_, i) => {
    const name = `function-number-${String(i).padStart(4, "0")}-of-the-service`;
    return { name, alarmNames: alarmsOf(name, i % 5 === 0) };
  });

/** ALARM("x") terms of a rule, in order. */
const termsOf = (rule: string) => [...rule.matchAll(/ALARM\("([^"]+)"\)/g)].map((m) => m[1]);

describe("composite alarm rules", () => {
  it("ORs quoted ALARM() terms", () => {
    assert.equal(anyAlarmRule(["a", "b-c"]), 'ALARM("a") OR ALARM("b-c")');
  });

  it("keeps everything in one group while both limits hold", () => {
    assert.deepStrictEqual(groupForRules([10, 10, 10]), [[0, 1, 2]]);
  });

  it("starts a new group at the 101st alarm", () => {
    const groups = groupForRules(Array(101).fill(5));
    assert.deepStrictEqual(groups.map((g) => g.length), [100, 1]);
  });

  it("starts a new group before the rule passes 10240 characters", () => {
    // ALARM("<255 chars>") is 264 characters, " OR " 4 more: 38 terms are 10028, 39 would be 10296.
    const groups = groupForRules(Array(40).fill(255));
    assert.deepStrictEqual(groups.map((g) => g.length), [38, 2]);
    const rule = anyAlarmRule(groups[0].map(() => "x".repeat(255)));
    assert.ok(rule.length <= ALARM_RULE_LIMITS.maxRuleLength, `rule is ${rule.length} characters`);
  });

  it("plans a single root when everything fits", () => {
    const tree = planAlarmTree("svc", [20, 20]);
    assert.deepStrictEqual(tree, [{ name: "svc", level: 1, members: [{ kind: "alarm", index: 0 }, { kind: "alarm", index: 1 }] }]);
  });

  it("plans a tree whose every alarm is reachable exactly once from the root", () => {
    const tree = planAlarmTree("svc", Array(25).fill(10), { maxRuleLength: 10240, maxAlarmsPerRule: 4 });
    const byName = new Map(tree.map((n) => [n.name, n]));
    const leaves = (name: string): number[] => byName.get(name)!.members.flatMap((m) => (m.kind === "alarm" ? [m.index] : leaves(m.name)));
    assert.equal(tree[tree.length - 1].name, "svc");
    assert.deepStrictEqual(leaves("svc"), Array.from({ length: 25 }, (_, i) => i));
    for (const node of tree) assert.ok(node.members.length <= 4, `${node.name} has ${node.members.length} members`);
    assert.ok(tree.some((n) => n.level === 3), "25 alarms in groups of 4 need three levels");
  });
});

describe("ServiceAlarm under Pulumi's mocks", () => {
  const composites = async (functions: { name: string; alarmNames: pulumi.Input<string>[] }[]) =>
    (await underMocks(() => new ServiceAlarm("service", { context: context(), functions, alertTopicArn: TOPIC }))).ofType(TYPES.compositeAlarm);

  it("watches every alarm of the reference service in one composite alarm named after the stack", async () => {
    const [alarm, ...rest] = await composites(REFERENCE);
    assert.equal(rest.length, 0);
    assert.equal(alarm.inputs.alarmName, "serverless-prod-service");
    assert.deepStrictEqual(termsOf(alarm.inputs.alarmRule), REFERENCE.flatMap((f) => f.alarmNames));
    assert.equal(alarm.inputs.alarmRule.split(" OR ").length, 14); // 3 alarms each, 5 for the queue consumer
  });

  it("notifies the alert topic when the service goes into ALARM and when it recovers", async () => {
    const [alarm] = await composites(REFERENCE);
    assert.deepStrictEqual(alarm.inputs.alarmActions, [TOPIC]);
    assert.deepStrictEqual(alarm.inputs.okActions, [TOPIC]);
    assert.notStrictEqual(alarm.inputs.actionsEnabled, false);
  });

  it("uses alarm names that are outputs, as FunctionAlarms exposes them", async () => {
    const functions = REFERENCE.map((f) => ({ name: f.name, alarmNames: f.alarmNames.map((n) => pulumi.output(n)) }));
    const [alarm] = await composites(functions);
    assert.deepStrictEqual(termsOf(alarm.inputs.alarmRule), REFERENCE.flatMap((f) => f.alarmNames));
  });

  for (const [what, make] of [
    ["known names", (names: string[]) => names],
    ["names not known until they resolve", (names: string[]) => names.map((n) => pulumi.output(n))],
  ] as const) {
    it(`rolls 1000 functions with ${what} up into one root within CloudWatch's limits`, async () => {
      const functions = thousand().map((f) => ({ name: f.name, alarmNames: make(f.alarmNames) }));
      const alarms = await composites(functions as { name: string; alarmNames: pulumi.Input<string>[] }[]);
      const byName = new Map<string, Registered>(alarms.map((a) => [a.inputs.alarmName, a]));
      for (const a of alarms) {
        assert.ok(a.inputs.alarmRule.length <= 10240, `${a.inputs.alarmName}'s rule is ${a.inputs.alarmRule.length} characters`);
        assert.ok(termsOf(a.inputs.alarmRule).length <= 100, `${a.inputs.alarmName} references ${termsOf(a.inputs.alarmRule).length} alarms`);
        assert.deepStrictEqual(a.inputs.alarmActions, [TOPIC], `${a.inputs.alarmName} has no action`);
      }
      const reached = (name: string): string[] => (byName.has(name) ? termsOf(byName.get(name)!.inputs.alarmRule).flatMap(reached) : [name]);
      const every = functions.flatMap((f) => thousand().find((t) => t.name === f.name)!.alarmNames);
      assert.deepStrictEqual(reached("serverless-prod-service"), every);
      assert.ok(alarms.length > 1, "1000 functions cannot fit one rule");
    });
  }

  it("gives no composite alarm of a large service without actions", async () => {
    const alarms = await composites(thousand());
    const silent = alarms.filter((a) => !Array.isArray(a.inputs.alarmActions) || a.inputs.alarmActions.length === 0 || a.inputs.actionsEnabled === false);
    assert.deepStrictEqual(silent.map((a) => a.inputs.alarmName), []);
  });

  it("passes the policy pack's alarm-has-action rule for every composite alarm of a large service", async () => {
    const alarms = await composites(thousand());
    const findings = runRule(alarmHasAction, alarms.map((a) => ({ type: a.type, name: a.name, urn: `urn:${a.name}`, props: a.inputs })));
    assert.deepStrictEqual(findings, []);
    assert.ok(alarms.length > 1);
  });
});

describe("validateServiceAlarmArgs", () => {
  const base = { context: context(), alertTopicArn: TOPIC, functions: REFERENCE };
  const cases: [string, object, RegExp][] = [
    ["no functions", { functions: [] }, /ServiceAlarm "svc": `functions` is empty/],
    ["a function without alarms", { functions: [{ name: "orders-api", alarmNames: [] }] }, /`functions\[orders-api\]\.alarmNames` is empty/],
    ["an alarm name with a double quote", { functions: [{ name: "orders-api", alarmNames: ['bad"name'] }] }, /holds "bad"name"; an alarm name must be 1-255 characters without/],
    ["a root name too long for its groups' suffixes", { alarmName: "x".repeat(250) }, /`alarmName` "x+" must be at most 243 characters/],
  ];
  for (const [what, patch, message] of cases)
    it(`rejects ${what}`, () => {
      assert.throws(() => validateServiceAlarmArgs("svc", { ...base, ...patch }), message);
    });
});
