import * as assert from "assert";
import * as fs from "fs";
import * as path from "path";
import { parse } from "yaml";
import { CONFIG_DEFAULTS, validateStackConfig } from "../../infra/config";
import { REPO_ROOT } from "./fixtures";

const FILE = "Pulumi.prod.yaml";
const VALID = { "aws:region": "eu-west-1" };
const KNOWN = ["orders-api", "fulfil-order"];

function problemsOf(raw: Record<string, unknown>): string {
  try {
    validateStackConfig(FILE, raw, KNOWN);
  } catch (e) {
    return (e as Error).message;
  }
  assert.fail("expected the config to be rejected");
}

describe("stack config validation", () => {
  const rejections: [string, Record<string, unknown>, string][] = [
    ["a missing region", { "aws:region": undefined }, "Pulumi.prod.yaml: aws:region is required"],
    ["a region that is not one", { "aws:region": "europe" }, 'Pulumi.prod.yaml: aws:region must be an AWS region like eu-west-1; got "europe"'],
    ["a canary percent above 99", { "serverless:canary": { type: "canary", percent: 150, intervalMinutes: 5 } }, "Pulumi.prod.yaml: serverless:canary.percent must be 1-99; got 150"],
    ["a canary percent of 0", { "serverless:canary": { type: "linear", percent: 0, intervalMinutes: 5 } }, "Pulumi.prod.yaml: serverless:canary.percent must be 1-99; got 0"],
    ["a fractional canary interval", { "serverless:canary": { type: "canary", percent: 10, intervalMinutes: 2.5 } }, "Pulumi.prod.yaml: serverless:canary.intervalMinutes must be a whole number 1-2880; got 2.5"],
    ["a canary type other than canary or linear", { "serverless:canary": { type: "bluegreen", percent: 10, intervalMinutes: 5 } }, 'Pulumi.prod.yaml: serverless:canary.type must be canary or linear; got "bluegreen"'],
    ["a custom canary without its interval", { "serverless:canary": { type: "canary", percent: 10 } }, "Pulumi.prod.yaml: serverless:canary.intervalMinutes is required for a custom canary or linear config"],
    ["a predefined config CodeDeploy does not have", { "serverless:canary": { predefined: "CodeDeployDefault.LambdaCanary50Percent1Minute" } }, 'serverless:canary.predefined must be one of CodeDeployDefault.LambdaAllAtOnce'],
    ["both a predefined and a custom canary", { "serverless:canary": { predefined: "CodeDeployDefault.LambdaAllAtOnce", percent: 10 } }, "serverless:canary sets both predefined and percent"],
    ["an unknown canary field", { "serverless:canary": { percentage: 10 } }, "Pulumi.prod.yaml: serverless:canary.percentage is not a known setting"],
    ["a log retention CloudWatch does not offer", { "serverless:logRetentionDays": 10 }, "Pulumi.prod.yaml: serverless:logRetentionDays must be one of CloudWatch Logs' retention values"],
    ["a p99 threshold above 100% of the timeout", { "serverless:alarms": { p99DurationPercentOfTimeout: 120 } }, "Pulumi.prod.yaml: serverless:alarms.p99DurationPercentOfTimeout must be 1-100; got 120"],
    ["an alarm period that is not whole minutes", { "serverless:alarms": { periodSeconds: 90 } }, "Pulumi.prod.yaml: serverless:alarms.periodSeconds must be a multiple of 60; got 90"],
    ["zero evaluation periods", { "serverless:alarms": { evaluationPeriods: 0 } }, "Pulumi.prod.yaml: serverless:alarms.evaluationPeriods must be 1-100; got 0"],
    ["a queue age threshold under a minute", { "serverless:alarms": { oldestMessageAgeSeconds: 5 } }, "Pulumi.prod.yaml: serverless:alarms.oldestMessageAgeSeconds must be 60-1209600; got 5"],
    ["default memory below 128 MB", { "serverless:functionDefaults": { memoryMb: 64 } }, "Pulumi.prod.yaml: serverless:functionDefaults.memoryMb must be 128-10240; got 64"],
    ["a default timeout above 900 s", { "serverless:functionDefaults": { timeoutSeconds: 901 } }, "Pulumi.prod.yaml: serverless:functionDefaults.timeoutSeconds must be 1-900; got 901"],
    ["an override of a function that does not exist", { "serverless:functions": { "order-api": { memoryMb: 512 } } }, "Pulumi.prod.yaml: serverless:functions.order-api overrides a function that does not exist; known functions: orders-api, fulfil-order"],
    ["provisioned concurrency above reserved concurrency", { "serverless:functions": { "orders-api": { provisionedConcurrency: 5, reservedConcurrency: 2 } } }, "Pulumi.prod.yaml: serverless:functions.orders-api.provisionedConcurrency must not exceed reservedConcurrency (2); got 5"],
    ["zero provisioned concurrency", { "serverless:functions": { "orders-api": { provisionedConcurrency: 0 } } }, "Pulumi.prod.yaml: serverless:functions.orders-api.provisionedConcurrency must be 1-10000; got 0"],
    ["an unknown override field", { "serverless:functions": { "orders-api": { memory: 512 } } }, "Pulumi.prod.yaml: serverless:functions.orders-api.memory is not a known setting"],
    ["requireApproval that is not a boolean", { "serverless:requireApproval": "yes" }, 'Pulumi.prod.yaml: serverless:requireApproval must be true or false; got "yes"'],
    ["alertEmails that are not a list", { "serverless:alertEmails": "ops@example.com" }, 'Pulumi.prod.yaml: serverless:alertEmails must be a list of email addresses; got "ops@example.com"'],
    ["an alert address that is not an email", { "serverless:alertEmails": ["ops"] }, 'Pulumi.prod.yaml: serverless:alertEmails.0 must be an email address; got "ops"'],
    ["an empty artifact manifest path", { "serverless:artifactManifest": "" }, 'Pulumi.prod.yaml: serverless:artifactManifest must be a path; got ""'],
    ["a misspelt top-level key", { "serverless:logRetention": 14 }, "Pulumi.prod.yaml: serverless:logRetention is not a known setting (known: aws:region, serverless:canary"],
  ];
  for (const [what, raw, message] of rejections) {
    it(`rejects ${what}, naming the file and key`, () => {
      const problems = problemsOf({ ...VALID, ...raw });
      assert.ok(problems.includes(message), `expected "${message}" in:\n${problems}`);
    });
  }

  it("reports every problem at once", () => {
    const problems = problemsOf({ "serverless:logRetentionDays": 10, "serverless:canary": { type: "canary", percent: 150, intervalMinutes: 5 } });
    assert.match(problems, /aws:region is required/);
    assert.match(problems, /serverless:logRetentionDays must be one of/);
    assert.match(problems, /serverless:canary.percent must be 1-99; got 150/);
  });

  it("fills every missing setting with its default", () => {
    const config = validateStackConfig(FILE, VALID);
    assert.deepStrictEqual(config.trafficShifting, { kind: "predefined", name: CONFIG_DEFAULTS.canary.predefined });
    assert.deepStrictEqual(config.alarms, CONFIG_DEFAULTS.alarms);
    assert.equal(config.logRetentionDays, 14);
    assert.equal(config.artifactManifest, "dist/manifest.json");
    assert.equal(config.functionsDir, "functions");
  });

  it("reads a custom canary as percent and interval", () => {
    const config = validateStackConfig(FILE, { ...VALID, "serverless:canary": { type: "linear", percent: 20, intervalMinutes: 3 } });
    assert.deepStrictEqual(config.trafficShifting, { kind: "custom", type: "linear", percent: 20, intervalMinutes: 3 });
  });

  it("keeps Pulumi.yaml's declared defaults equal to the program's", () => {
    const project = parse(fs.readFileSync(path.join(REPO_ROOT, "Pulumi.yaml"), "utf8"));
    for (const key of ["logRetentionDays", "requireApproval", "alertEmails", "artifactManifest", "functionsDir"] as const)
      assert.deepStrictEqual(project.config[key].default, CONFIG_DEFAULTS[key], `Pulumi.yaml config.${key}.default`);
  });
});
