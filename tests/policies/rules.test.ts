import * as assert from "node:assert/strict";
import { runRule } from "../../policies/lib/rule";
import { PackResource } from "../../policies/lib/resources";
import { UNKNOWN, rawProps } from "../../policies/lib/values";
import { alarmHasAction } from "../../policies/rules/alarm-has-action";
import { codebuildImagePinned, imageReference } from "../../policies/rules/codebuild-image-pinned";
import { codedeployAlarmRollback } from "../../policies/rules/codedeploy-alarm-rollback";
import { dlqDepthAlarm } from "../../policies/rules/dlq-depth-alarm";
import { lambdaAlarmsRequired } from "../../policies/rules/lambda-alarms-required";
import { lambdaNoPlaintextSecrets, secretShape, shannonEntropy } from "../../policies/rules/lambda-no-plaintext-secrets";
import { lambdaRuntimePinned, lambdaRuntimeSupported } from "../../policies/rules/lambda-runtime";
import { parseFunctionRef } from "../../policies/lib/function-ref";
import * as fs from "node:fs";
import * as path from "node:path";
import { ALL_RULES } from "../../policies/rules/all";
import { goodStack } from "./corpus/base";

const pack = (type: string, name: string, props: Record<string, unknown>): PackResource => ({ type, name, urn: `urn:pulumi:s::p::${type}::${name}`, props });
const fn = (props: Record<string, unknown>) => pack("aws:lambda/function:Function", "f", { name: "f", ...props });
const good = (): PackResource[] => goodStack().map((r) => ({ type: r.type, name: r.name, urn: r.urn, props: r.properties }));

describe("policy rules without the server", () => {
  describe("reading properties", () => {
    it("unwraps the SDK's unknown-checking proxy and normalises every sentinel to UNKNOWN", () => {
      const target = { a: "1c4a061d-8072-4f0a-a4cb-0ff528b18fe7", b: [{ c: UNKNOWN }] };
      const proxy = new Proxy(target, { get: (o, k) => (k === "__isSpecialProxy" ? true : k === "__getSpecialProxyTarget" ? o : (o as any)[k]) });
      assert.deepEqual(rawProps(proxy), { a: UNKNOWN, b: [{ c: UNKNOWN }] });
    });
  });

  describe("lambda-runtime-supported", () => {
    const at = (runtime: unknown, today: string, warnDays = 180) => runRule(lambdaRuntimeSupported, [fn({ runtime })], { today, warnDays });

    it("refuses nodejs20.x after 2026-04-30", () => {
      const [f] = at("nodejs20.x", "2026-04-30");
      assert.equal(f.level, undefined);
      assert.match(f.message, /deprecated by AWS on 2026-04-30/);
    });
    it("warns (advisory) about nodejs22.x within warnDays of 2027-04-30", () => {
      const [f] = at("nodejs22.x", "2026-12-01");
      assert.equal(f.level, "advisory");
      assert.match(f.message, /in 150 days/);
    });
    it("says nothing about nodejs22.x outside a shorter window", () => {
      assert.deepEqual(at("nodejs22.x", "2026-12-01", 30), []);
    });
    it("accepts nodejs24.x until 2028", () => {
      assert.deepEqual(at("nodejs24.x", "2027-06-01"), []);
    });
    it("takes today from POLICY_PACK_TODAY when config has none", () => {
      process.env.POLICY_PACK_TODAY = "2030-01-01";
      try {
        assert.equal(runRule(lambdaRuntimeSupported, [fn({ runtime: "nodejs24.x" })]).length, 1);
      } finally {
        delete process.env.POLICY_PACK_TODAY;
      }
    });
    it("rejects a malformed today, naming the config key", () => {
      assert.throws(() => at("nodejs24.x", "tomorrow"), /config `today` must be a date like 2026-11-01; got "tomorrow"/);
    });
    it("fails closed on an unknown runtime", () => {
      assert.match(at(UNKNOWN, "2026-01-01")[0].message, /`runtime` is unknown during preview/);
    });
    it("ignores image functions", () => {
      assert.deepEqual(runRule(lambdaRuntimeSupported, [fn({ packageType: "Image" })], { today: "2026-01-01" }), []);
    });
  });

  describe("lambda-runtime-pinned", () => {
    const RMC = "aws:lambda/runtimeManagementConfig:RuntimeManagementConfig";
    const config = (name: string, props: Record<string, unknown>) => pack(RMC, name, props);
    /** The infra's shape: one config per function, functionName = the function's known name. */
    const pinned = (functionName: unknown = "f", extra: Record<string, unknown> = {}) => config("f-runtime", { functionName, updateRuntimeOn: "FunctionUpdate", ...extra });
    const check = (...rs: PackResource[]) => runRule(lambdaRuntimePinned, rs);

    it("accepts a function pinned by a RuntimeManagementConfig naming it, as the infra creates it", () => {
      assert.deepEqual(check(fn({ runtime: "nodejs24.x" }), pinned()), []);
    });
    it("accepts the function named by full ARN, by partial ARN with $LATEST, or with qualifier $LATEST", () => {
      for (const c of [pinned("arn:aws:lambda:eu-west-1:123456789012:function:f"), pinned("123456789012:function:f:$LATEST"), pinned("f", { qualifier: "$LATEST" })])
        assert.deepEqual(check(fn({}), c), [], String(c.props.functionName));
    });
    it("accepts Manual with a runtimeVersionArn", () => {
      assert.deepEqual(check(fn({}), pinned("f", { updateRuntimeOn: "Manual", runtimeVersionArn: "arn:aws:lambda:eu-west-1::runtime:abc" })), []);
    });
    it("refuses a function no config targets, saying the default is Auto and giving the resource to add", () => {
      const [f, ...rest] = check(fn({ name: "serverless-staging-orders-api" }));
      assert.deepEqual(rest, []);
      assert.match(f.message, /no aws\.lambda\.RuntimeManagementConfig in the stack targets this function's \$LATEST, so its runtime update mode is AWS's default, Auto/);
      assert.ok(f.message.includes('new aws.lambda.RuntimeManagementConfig("f-runtime", { functionName: "serverless-staging-orders-api", updateRuntimeOn: "FunctionUpdate" })'), f.message);
    });
    it("refuses a config that points at another function, or at a name that only starts alike", () => {
      for (const other of ["g", "f-v2", "arn:aws:lambda:eu-west-1:123456789012:function:g"])
        assert.match(check(fn({}), pinned(other))[0]?.message ?? "", /no aws\.lambda\.RuntimeManagementConfig .* targets this function/, other);
    });
    it("refuses a config on a published version, saying it is not $LATEST", () => {
      for (const c of [pinned("f", { qualifier: "3" }), pinned("f:3")]) {
        const [f] = check(fn({}), c);
        assert.match(f.message, /sets a published version \(qualifier "3"\), not \$LATEST/);
      }
    });
    it("refuses a config in another region than the function", () => {
      assert.equal(check(fn({ region: "eu-west-1" }), pinned("f", { region: "us-east-1" })).length, 1);
      assert.deepEqual(check(fn({ region: "eu-west-1" }), pinned("f", { region: "eu-west-1" })), []);
    });
    it("refuses Auto, a missing mode and a wrongly cased mode on the config itself, once", () => {
      for (const [on, says] of [["Auto", /updateRuntimeOn is `Auto`/], [undefined, /updateRuntimeOn is missing \(AWS default Auto\)/], ["functionupdate", /`functionupdate` \(accepted: FunctionUpdate, Manual; case-sensitive\)/]] as const) {
        const findings = check(fn({}), pinned("f", { updateRuntimeOn: on }));
        assert.equal(findings.length, 1, String(on));
        assert.equal(findings[0].urn, pinned().urn);
        assert.match(findings[0].message, says);
      }
    });
    it("refuses Manual without a runtimeVersionArn", () => {
      assert.match(check(fn({}), pinned("f", { updateRuntimeOn: "Manual" }))[0].message, /Manual without a `runtimeVersionArn`/);
    });
    it("refuses an explicit Auto config even beside one that pins the function", () => {
      const auto = config("f-auto", { functionName: "f", updateRuntimeOn: "Auto" });
      assert.deepEqual(check(fn({}), pinned(), auto).map((f) => f.urn), [auto.urn]);
    });
    it("fails closed on an unknown updateRuntimeOn or runtimeVersionArn, naming the config and the path", () => {
      assert.match(check(fn({}), pinned("f", { updateRuntimeOn: UNKNOWN }))[0].message, /RuntimeManagementConfig "f-runtime": `updateRuntimeOn` is unknown during preview/);
      assert.match(check(fn({}), pinned("f", { updateRuntimeOn: "Manual", runtimeVersionArn: UNKNOWN }))[0].message, /`runtimeVersionArn` is unknown during preview/);
    });
    it("fails closed on a config whose functionName is unknown while the function is otherwise unmatched", () => {
      const findings = check(fn({}), pinned(UNKNOWN));
      assert.equal(findings.length, 1);
      assert.match(findings[0].message, /RuntimeManagementConfig "f-runtime": `functionName` is unknown during preview, so whether it pins the runtime of aws:lambda\/function:Function "f" .* cannot be verified.*Fix: set functionName to the function's name known at preview/);
    });
    it("does not fail on another config's unknown functionName when the function is already pinned", () => {
      assert.deepEqual(check(fn({}), pinned(), config("other-runtime", { functionName: UNKNOWN, updateRuntimeOn: "FunctionUpdate" })), []);
    });
    it("fails closed on an unknown qualifier", () => {
      assert.match(check(fn({}), pinned("f", { qualifier: UNKNOWN }))[0].message, /`qualifier` is unknown during preview/);
    });
    it("fails closed on a function whose name is unknown when a config could target it", () => {
      const [f] = check(fn({ name: UNKNOWN }), pinned("serverless-staging-f"));
      assert.match(f.message, /Function "f": `name` is unknown during preview, so which aws\.lambda\.RuntimeManagementConfig pins this function's runtime cannot be verified/);
    });
    it("refuses a function with an unknown name outright when every config belongs to another function", () => {
      const g = pack("aws:lambda/function:Function", "g", { name: "g" });
      const findings = check(fn({ name: UNKNOWN }), g, pinned("g"));
      assert.equal(findings.length, 1);
      assert.match(findings[0].message, /no aws\.lambda\.RuntimeManagementConfig in the stack targets this function/);
    });
    it("accepts the legacy inline runtimeManagementConfig that pins (older providers), without a resource", () => {
      assert.deepEqual(check(fn({ runtimeManagementConfig: { updateRuntimeOn: "FunctionUpdate" } })), []);
    });
    it("refuses a legacy inline Auto even when a resource pins the function", () => {
      const [f, ...rest] = check(fn({ runtimeManagementConfig: { updateRuntimeOn: "Auto" } }), pinned());
      assert.deepEqual(rest, []);
      assert.match(f.message, /runtimeManagementConfig\.updateRuntimeOn is `Auto`/);
    });
    it("refuses an image by tag and accepts one by digest without any config", () => {
      assert.equal(check(fn({ packageType: "Image", imageUri: "repo/x:1.0" })).length, 1);
      assert.deepEqual(check(fn({ packageType: "Image", imageUri: `repo/x@sha256:${"0".repeat(64)}` })), []);
    });
    it("fails closed on an unknown packageType only when the two readings could disagree", () => {
      assert.deepEqual(check(fn({ packageType: UNKNOWN }), pinned()), []);
      assert.match(check(fn({ packageType: UNKNOWN }))[0].message, /`packageType` is unknown during preview/);
    });
  });

  describe("function references", () => {
    it("reads names, partial and full ARNs with or without a qualifier", () => {
      assert.deepEqual(parseFunctionRef("f"), { name: "f", region: undefined, qualifier: undefined });
      assert.deepEqual(parseFunctionRef("f:7"), { name: "f", region: undefined, qualifier: "7" });
      assert.deepEqual(parseFunctionRef("123456789012:function:f"), { name: "f", region: undefined, qualifier: undefined });
      assert.deepEqual(parseFunctionRef("arn:aws-cn:lambda:cn-north-1:123456789012:function:f:$LATEST"), { name: "f", region: "cn-north-1", qualifier: "$LATEST" });
    });
    it("keeps an unknown name unknown and rejects what is not a reference", () => {
      assert.deepEqual(parseFunctionRef(UNKNOWN), {});
      assert.equal(parseFunctionRef("a:b:c:d"), undefined);
      assert.equal(parseFunctionRef(42), undefined);
    });
  });

  describe("codebuild-image-pinned", () => {
    it("reads tags after the last slash, not a registry port", () => {
      assert.deepEqual(imageReference("host:5000/a/b"), { tag: undefined, digest: undefined });
      assert.deepEqual(imageReference("aws/codebuild/standard:7.0"), { tag: "7.0", digest: undefined });
    });
    it("refuses a tag listed in floatingTags config", () => {
      const p = pack("aws:codebuild/project:Project", "b", { environment: { image: "node:lts" } });
      assert.deepEqual(runRule(codebuildImagePinned, [p]), []);
      assert.equal(runRule(codebuildImagePinned, [p], { floatingTags: ["latest", "lts"] }).length, 1);
    });
  });

  describe("alarm-has-action", () => {
    it("does not fail on an unknown element, only on an unknown list", () => {
      const a = (alarmActions: unknown) => pack("aws:cloudwatch/metricAlarm:MetricAlarm", "a", { alarmActions });
      assert.deepEqual(runRule(alarmHasAction, [a([UNKNOWN])]), []);
      assert.match(runRule(alarmHasAction, [a(UNKNOWN)])[0].message, /`alarmActions` is unknown during preview/);
    });
  });

  describe("stack rules on the corpus' good stack", () => {
    for (const rule of [lambdaAlarmsRequired, codedeployAlarmRollback, dlqDepthAlarm, lambdaRuntimePinned]) {
      it(`${rule.name} finds nothing wrong`, () => assert.deepEqual(runRule(rule, good()), []));
    }
    it("lambda-alarms-required names the missing metric and the function", () => {
      const s = good().filter((r) => r.name !== "orders-api-throttles");
      const [f] = runRule(lambdaAlarmsRequired, s);
      assert.match(f.message, /no alarm watches AWS\/Lambda `Throttles` with dimension FunctionName=serverless-staging-orders-api/);
    });
    it("lambda-alarms-required checks only the configured metrics", () => {
      const s = good().filter((r) => r.name !== "orders-api-throttles");
      assert.deepEqual(runRule(lambdaAlarmsRequired, s, { metrics: ["Errors"] }), []);
    });
    it("dlq-depth-alarm accepts another metric when configured", () => {
      const s = good();
      (s.find((r) => r.name === "fulfil-order-dlq-depth")!.props as Record<string, unknown>).metricName = "ApproximateAgeOfOldestMessage";
      assert.equal(runRule(dlqDepthAlarm, s).length, 1);
      assert.deepEqual(runRule(dlqDepthAlarm, s, { metrics: ["ApproximateNumberOfMessagesVisible", "ApproximateAgeOfOldestMessage"] }), []);
    });
  });

  describe("lambda-no-plaintext-secrets", () => {
    const cfg = lambdaNoPlaintextSecrets.defaults;
    it("measures entropy in bits per character", () => {
      assert.equal(shannonEntropy("aaaa"), 0);
      assert.equal(shannonEntropy("abcd"), 2);
    });
    it("does not mistake names, URLs or ARNs for secrets", () => {
      for (const v of ["serverless-staging-orders-api", "https://sqs.eu-west-1.amazonaws.com/123456789012/serverless-staging-fulfil-order", "arn:aws:dynamodb:eu-west-1:123456789012:table/serverless-staging-orders"])
        assert.equal(secretShape(v, cfg), undefined, v);
    });
    it("skips variables listed in allowNames", () => {
      const f = fn({ environment: { variables: { DB_PASSWORD: "x" } } });
      assert.equal(runRule(lambdaNoPlaintextSecrets, [f]).length, 1);
      assert.deepEqual(runRule(lambdaNoPlaintextSecrets, [f], { allowNames: ["DB_PASSWORD"] }), []);
    });
  });

  describe("documentation", () => {
    const doc = fs.readFileSync(path.resolve(__dirname, "../../docs/policies.md"), "utf8");
    for (const rule of ALL_RULES)
      it(`documents ${rule.name} under its own heading in docs/policies.md`, () => assert.match(doc, new RegExp(`^## ${rule.name}$`, "m")));
  });
});
