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
    it("refuses the AWS default (Auto) when runtimeManagementConfig is missing", () => {
      assert.match(runRule(lambdaRuntimePinned, [fn({ runtime: "nodejs24.x" })])[0].message, /missing \(AWS default Auto\)/);
    });
    it("accepts FunctionUpdate", () => {
      assert.deepEqual(runRule(lambdaRuntimePinned, [fn({ runtimeManagementConfig: { updateRuntimeOn: "FunctionUpdate" } })]), []);
    });
    it("refuses an image by tag and accepts one by digest", () => {
      assert.equal(runRule(lambdaRuntimePinned, [fn({ packageType: "Image", imageUri: "repo/x:1.0" })]).length, 1);
      assert.deepEqual(runRule(lambdaRuntimePinned, [fn({ packageType: "Image", imageUri: `repo/x@sha256:${"0".repeat(64)}` })]), []);
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
    for (const rule of [lambdaAlarmsRequired, codedeployAlarmRollback, dlqDepthAlarm]) {
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
