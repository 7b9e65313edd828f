import * as assert from "node:assert/strict";
import { PIPELINE_CONFIG_DEFAULTS, validatePipelineConfig } from "../../infra/delivery/pipeline-config";

const STAGING = { repository: "acme/orders", deployerRoleName: "serverless-staging-deployer" };

describe("serverless:pipeline config", () => {
  it("applies the defaults to a minimal source stack", () => {
    const cfg = validatePipelineConfig("Pulumi.staging.yaml", "staging", STAGING, false)!;
    assert.deepEqual(
      [cfg.branch, cfg.auditLevel, cfg.artifactRetentionDays, cfg.filePaths, cfg.promotesFrom, cfg.connectionArn],
      ["main", "high", 90, PIPELINE_CONFIG_DEFAULTS.filePaths, undefined, undefined],
    );
  });

  it("returns no pipeline when the key is absent, empty (the project default) or enabled is false", () => {
    assert.equal(validatePipelineConfig("Pulumi.dev.yaml", "dev", undefined, false), undefined);
    assert.equal(validatePipelineConfig("Pulumi.dev.yaml", "dev", {}, false), undefined);
    assert.equal(validatePipelineConfig("Pulumi.dev.yaml", "dev", { enabled: false }, false), undefined);
  });

  it("accepts a promoted stack that requires approval", () => {
    const cfg = validatePipelineConfig("Pulumi.prod.yaml", "prod", { promotesFrom: "staging", deployerRoleName: "serverless-prod-deployer" }, true)!;
    assert.equal(cfg.promotesFrom, "staging");
  });

  const bad: [string, string, unknown, boolean, RegExp][] = [
    ["a branch with a space", "staging", { ...STAGING, branch: "ma in" }, false, /Pulumi\.staging\.yaml: serverless:pipeline\.branch must be a git branch name \(e\.g\. main\); got "ma in"/],
    ["a repository that is not owner/name", "staging", { ...STAGING, repository: "https://github.com/acme/orders" }, false, /serverless:pipeline\.repository must be the GitHub repository as owner\/name/],
    ["an unknown audit level", "staging", { ...STAGING, auditLevel: "severe" }, false, /serverless:pipeline\.auditLevel must be one of low, moderate, high, critical; got "severe"/],
    ["a retention of 0 days", "staging", { ...STAGING, artifactRetentionDays: 0 }, false, /serverless:pipeline\.artifactRetentionDays must be 1-3650; got 0/],
    ["a connection ARN of another service", "staging", { ...STAGING, connectionArn: "arn:aws:iam::123456789012:role/x" }, false, /serverless:pipeline\.connectionArn must be the ARN of a CodeConnections connection/],
    ["a deployer role given as an ARN", "staging", { ...STAGING, deployerRoleName: "arn:aws:iam::123456789012:role/deployer" }, false, /serverless:pipeline\.deployerRoleName must be an IAM role name/],
    ["more than 8 file path globs", "staging", { ...STAGING, filePaths: ["a", "b", "c", "d", "e", "f", "g", "h", "i"] }, false, /serverless:pipeline\.filePaths may hold at most 8 globs/],
    ["an unknown key", "staging", { ...STAGING, brnach: "main" }, false, /serverless:pipeline\.brnach is not a known setting \(known: enabled, repository, branch/],
    ["a source stack without a repository", "staging", { deployerRoleName: "d" }, false, /serverless:pipeline\.repository is required/],
    ["a stack without a deployer role", "staging", { repository: "acme/orders" }, false, /serverless:pipeline\.deployerRoleName is required/],
    ["a promoted stack without approval", "prod", { promotesFrom: "staging", deployerRoleName: "d" }, false, /serverless:requireApproval must be true when serverless:pipeline\.promotesFrom is set/],
    ["a promoted stack that names a branch", "prod", { promotesFrom: "staging", deployerRoleName: "d", branch: "main" }, true, /serverless:pipeline\.branch has no effect with promotesFrom/],
    ["a stack promoting from itself", "prod", { promotesFrom: "prod", deployerRoleName: "d" }, true, /serverless:pipeline\.promotesFrom names this stack \("prod"\)/],
    ["a value that is not an object", "staging", "main", false, /Pulumi\.staging\.yaml: serverless:pipeline/],
  ];
  for (const [what, stack, raw, approval, message] of bad)
    it(`rejects ${what}`, () => {
      assert.throws(() => validatePipelineConfig(`Pulumi.${stack}.yaml`, stack, raw, approval), message);
    });

  it("lists every problem at once", () => {
    assert.throws(
      () => validatePipelineConfig("Pulumi.staging.yaml", "staging", { ...STAGING, branch: "a b", auditLevel: "x" }, false),
      (e: Error) => /branch/.test(e.message) && /auditLevel/.test(e.message),
    );
  });
});
