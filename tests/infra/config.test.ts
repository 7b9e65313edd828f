import * as assert from "assert";
import * as fs from "fs";
import * as path from "path";
import { parse } from "yaml";
import { discoverFunctions, FunctionEntry } from "../../infra/catalog";
import { CONFIG_DEFAULTS, validateStackConfig } from "../../infra/config";
import { REPO_ROOT } from "./fixtures";

const FILE = "Pulumi.prod.yaml";
const VALID = { "aws:region": "eu-west-1", "serverless:budget": { monthlyLimitUsd: 250 } };
/** Two catalog entries: only name, trigger and timeout matter to the config's checks. */
const KNOWN: FunctionEntry[] = [
  { name: "orders-api", dir: "/f/orders-api", entry: "/f/orders-api/handler.ts", settings: { trigger: { type: "http", method: "POST", path: "/orders" }, timeoutSeconds: 10 } as FunctionEntry["settings"] },
  { name: "fulfil-order", dir: "/f/fulfil-order", entry: "/f/fulfil-order/handler.ts", settings: { trigger: { type: "queue", batchSize: 10 }, timeoutSeconds: 30 } as FunctionEntry["settings"] },
];
const USE = { monthlyInvocations: 1000, averageDurationMs: 100, logBytesPerInvocation: 500 };

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
    ["a stack without a budget", { "serverless:budget": undefined }, "Pulumi.prod.yaml: serverless:budget is required: set serverless:budget.monthlyLimitUsd"],
    ["a negative budget", { "serverless:budget": { monthlyLimitUsd: -5 } }, "Pulumi.prod.yaml: serverless:budget.monthlyLimitUsd must be a positive number; got -5"],
    ["a dashboard period that is not whole minutes", { "serverless:dashboard": { periodSeconds: 90 } }, "Pulumi.prod.yaml: serverless:dashboard.periodSeconds must be a multiple of 60; got 90"],
    ["a pipeline without its deployer role", { "serverless:pipeline": { repository: "acme/orders" } }, "Pulumi.prod.yaml: serverless:pipeline.deployerRoleName is required"],
    ["a stack that promotes from itself", { "serverless:requireApproval": true, "serverless:pipeline": { promotesFrom: "prod", deployerRoleName: "d" } }, 'Pulumi.prod.yaml: serverless:pipeline.promotesFrom names this stack ("prod")'],
    ["a promoted stack without approval", { "serverless:pipeline": { promotesFrom: "staging", deployerRoleName: "d" } }, "Pulumi.prod.yaml: serverless:requireApproval must be true when serverless:pipeline.promotesFrom is set"],
    ["usage of a function that does not exist", { "serverless:usage": { functions: { "order-api": USE } } }, "Pulumi.prod.yaml: `serverless:usage.functions.order-api` names no function; known functions: fulfil-order, orders-api"],
    ["a usage duration longer than the stack's timeout override", { "serverless:functions": { "orders-api": { timeoutSeconds: 3 } }, "serverless:usage": { functions: { "orders-api": { ...USE, averageDurationMs: 4000 } } } }, "Pulumi.prod.yaml: `serverless:usage.functions.orders-api.averageDurationMs` is 4000 ms, longer than the function's timeout of 3 s"],
    ["more messages per batch than the batch size", { "serverless:usage": { functions: { "fulfil-order": { ...USE, messagesPerInvocation: 11 } } } }, "Pulumi.prod.yaml: `serverless:usage.functions.fulfil-order.messagesPerInvocation` is 11, more than the batch size 10"],
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

  it("reports the pipeline's, budget's, dashboard's and usage's problems with the others, one per line", () => {
    const problems = problemsOf({
      ...VALID,
      "serverless:logRetentionDays": 10,
      "serverless:pipeline": { repository: "acme/orders", deployerRoleName: "d", auditLevel: "severe" },
      "serverless:budget": { monthlyLimitUsd: 0 },
      "serverless:dashboard": { start: "yesterday" },
      "serverless:usage": { functions: { "orders-api": { ...USE, monthlyInvocations: -1 } } },
    });
    const lines = problems.split("\n").slice(1);
    assert.deepStrictEqual(
      lines.map((l) => /^  - Pulumi\.prod\.yaml: `?(serverless:[a-zA-Z]+)/.exec(l)?.[1]),
      ["serverless:logRetentionDays", "serverless:pipeline", "serverless:budget", "serverless:dashboard", "serverless:usage"],
      problems,
    );
  });

  it("returns the pipeline, the budget with its default thresholds, the dashboard and the usage, typed", () => {
    const config = validateStackConfig(
      FILE,
      {
        ...VALID,
        "serverless:requireApproval": true,
        "serverless:pipeline": { promotesFrom: "staging", deployerRoleName: "serverless-prod-deployer" },
        "serverless:usage": { functions: { "orders-api": USE } },
      },
      KNOWN,
    );
    assert.equal(config.pipeline?.promotesFrom, "staging");
    assert.equal(config.pipeline?.deployerRoleName, "serverless-prod-deployer");
    assert.deepStrictEqual(config.observability.budget, { monthlyLimitUsd: 250, actualThresholdPercent: 80, forecastThresholdPercent: 100 });
    assert.deepStrictEqual(config.observability.dashboard, { periodSeconds: 60, start: "-PT3H" });
    assert.equal(config.usage?.functions["orders-api"].monthlyInvocations, 1000);
  });

  it("declares no pipeline for `{}`, Pulumi.yaml's default", () => {
    assert.equal(validateStackConfig(FILE, { ...VALID, "serverless:pipeline": {} }, KNOWN).pipeline, undefined);
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

  it("declares the pipeline, dashboard and usage as objects defaulting to {}, and the budget as an object every stack must set", () => {
    const project = parse(fs.readFileSync(path.join(REPO_ROOT, "Pulumi.yaml"), "utf8"));
    for (const key of ["pipeline", "dashboard", "usage"]) assert.deepStrictEqual([project.config[key].type, project.config[key].default], ["object", {}], key);
    assert.equal(project.config.budget.type, "object");
    assert.ok(!("default" in project.config.budget), "no budget amount suits every stack");
  });

  it("accepts both stack files of this repository as they are", () => {
    for (const stack of ["staging", "prod"]) {
      const file = parse(fs.readFileSync(path.join(REPO_ROOT, `Pulumi.${stack}.yaml`), "utf8")).config;
      const config = validateStackConfig(`Pulumi.${stack}.yaml`, file, discoverFunctions(path.join(REPO_ROOT, "functions")));
      assert.ok(config.pipeline, `${stack} declares a pipeline`);
      assert.ok(config.observability.budget.monthlyLimitUsd > 0);
    }
  });
});
