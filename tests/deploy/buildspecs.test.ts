import * as assert from "assert";
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { parse } from "yaml";

const ROOT = path.resolve(__dirname, "../..");
const DIR = path.join(ROOT, "buildspecs");
const load = (f: string) => parse(fs.readFileSync(path.join(DIR, f), "utf8"));
const commands = (spec: { phases: Record<string, { commands?: string[] }> }, phase: string) => spec.phases[phase]?.commands ?? [];
/**
 * nodejs versions CodeBuild offers on its current Linux images (aws/aws-codebuild-docker-images,
 * runtimes.yml of ubuntu standard:7.0, amazonlinux x86_64 standard:5.0 and aarch64 standard:3.0).
 */
const CODEBUILD_NODEJS = [22, 24];

/** Every command of every phase, in order. */
const allCommands = (spec: { phases: Record<string, { commands?: string[] }> }) => Object.keys(spec.phases).flatMap((p) => commands(spec, p));
const BUILDSPECS = ["build.yml", "deploy.yml", "verify.yml", "promote.yml", "prepare.yml"];

describe("CodeBuild buildspecs", () => {
  for (const file of BUILDSPECS) {
    it(`${file} has only plain string commands (a YAML plain scalar with ": " would become a map)`, () => {
      const spec = load(file);

      const odd = allCommands(spec).filter((c) => typeof c !== "string");
      assert.deepEqual(odd, [], `${file}: quote these commands or drop the ": " from them`);
    });

    it(`${file} has commands that bash (env.shell) can parse`, () => {
      const spec = load(file);
      assert.equal(spec.env.shell, "bash", `${file}: the commands use bash arrays and \${var:0:n}`);

      const broken = allCommands(spec)
        .map((c) => ({ c, r: spawnSync("bash", ["-n", "-c", String(c)], { encoding: "utf8" }) }))
        .filter((x) => x.r.status !== 0)
        .map((x) => `${x.c}\n    ${x.r.stderr.trim()}`);
      assert.deepEqual(broken, []);
    });

    it(`${file} is buildspec 0.2 with nodejs pinned to a major version CodeBuild provides`, () => {
      const spec = load(file);

      assert.equal(spec.version, 0.2);
      const nodejs = spec.phases.install["runtime-versions"].nodejs;
      assert.ok(CODEBUILD_NODEJS.includes(nodejs), `${file}: runtime-versions.nodejs must be one of ${CODEBUILD_NODEJS.join(", ")} (not "latest" or a range); got ${JSON.stringify(nodejs)}`);
      assert.equal(nodejs, 24, `${file}: use the same Node as the Lambda runtime (nodejs24.x)`);
      assert.ok(commands(spec, "install").includes("npm ci --no-audit --no-fund"));
    });
  }

  it("build.yml tests, plans every stack, gates on npm audit from AUDIT_LEVEL, writes an SBOM and builds exactly once", () => {
    const spec = load("build.yml");
    const build = commands(spec, "build");
    const index = (re: RegExp) => build.findIndex((c) => re.test(c));

    assert.ok(index(/^npm test$/) >= 0);
    assert.ok(index(/npm run plan -- --stack "\$stack"/) >= 0 && /\$STACKS/.test(build[index(/npm run plan/)]));
    assert.deepEqual(spec.env.variables.STACKS.split(" "), ["staging", "prod"]);
    assert.match(build[index(/npm audit/)], /--audit-level "\$AUDIT_LEVEL"/);
    assert.ok(["low", "moderate", "high", "critical"].includes(spec.env.variables.AUDIT_LEVEL));
    assert.match(build[index(/npm sbom/)], /--sbom-format cyclonedx/);
    assert.equal(build.filter((c) => /npm run build/.test(c)).length, 1);
    assert.ok(index(/^npm test$/) < index(/^npm run build$/), "test before building");
    assert.deepEqual(spec.artifacts.files.slice(0, 2), ["dist/**/*", "sbom.cdx.json"]);
  });

  it("deploy.yml checks the artifact's hashes, runs pulumi up with the policy pack, then the deploy step, and never builds", () => {
    const spec = load("deploy.yml");
    const all = Object.keys(spec.phases).flatMap((p) => commands(spec, p));
    const at = (re: RegExp) => all.findIndex((c) => re.test(c));

    assert.ok(at(/sha256sum --check --strict/) >= 0);
    assert.ok(at(/sha256sum --check/) < at(/^pulumi up /), "hashes are checked before pulumi up");
    assert.match(all[at(/^pulumi up /)], /--stack "\$STACK" --yes --non-interactive --policy-pack policies/);
    assert.ok(at(/^pulumi up /) < at(/^npm run deploy -- --stack "\$STACK"/));
    assert.match(spec.env.variables.PULUMI_VERSION, /^\d+\.\d+\.\d+$/, "the Pulumi CLI is pinned to an exact version");
    assert.equal(all.filter((c) => /npm run build/.test(c)).length, 0);
  });
  it("has a file for every buildspec the pipelines name, and no file no pipeline runs", () => {
    const infra = ["staging-pipeline.ts", "prod-pipeline.ts"].map((f) => fs.readFileSync(path.join(ROOT, "infra", "delivery", f), "utf8")).join("\n");
    const named = [...new Set([...infra.matchAll(/"buildspecs\/([a-z-]+\.yml)"/g)].map((m) => m[1]))].sort();

    assert.deepEqual(named, [...BUILDSPECS].sort());
  });

  it("runs only npm scripts that package.json defines", () => {
    const scripts = JSON.parse(fs.readFileSync(path.join(ROOT, "package.json"), "utf8")).scripts as Record<string, string>;
    const used = [...new Set(BUILDSPECS.flatMap((f) => allCommands(load(f)).flatMap((c) => [...c.matchAll(/npm run ([a-z-]+)/g)].map((m) => m[1]))))].sort();
    const missing = used.filter((name) => !scripts[name]);

    assert.deepEqual(missing, [], `package.json lacks scripts the buildspecs run: ${missing.join(", ")}`);
    assert.ok(["verify", "promote", "check-promotion", "upload-artifacts"].every((n) => used.includes(n)));
  });

  it("build.yml uploads the checked build, plans and SBOM to the release bucket under the commit, as its last step", () => {
    const build = commands(load("build.yml"), "build");
    const at = (re: RegExp) => build.findIndex((c) => re.test(c));

    assert.equal(at(/npm run upload-artifacts/), build.length - 1);
    assert.ok(at(/sha256sum --check --strict/) < at(/npm run upload-artifacts/));
    assert.ok(at(/sha256sum --check --strict/) > at(/^npm run build$/), "the zips are checked after the build");
    assert.match(build[at(/sha256sum --check --strict/)], /m\.hooks/, "the check covers the pre-traffic hook's zip too");
    assert.match(build[at(/npm run upload-artifacts/)], /--bucket "\$ARTIFACT_BUCKET" --commit "\$COMMIT" --manifest dist\/manifest\.json "\$\{plans\[@\]\}" --sbom sbom\.cdx\.json/);
  });

  it("deploy.yml takes staging's zips from $CODEBUILD_SRC_DIR_build and prod's from the release bucket, checked against the promotion record", () => {
    const all = allCommands(load("deploy.yml"));
    const at = (re: RegExp) => all.findIndex((c) => re.test(c));
    const artifacts = all[at(/check-promotion/)];

    assert.match(artifacts, /^if \[ -n "\$PROMOTION_RECORD" \]; then aws s3 cp "s3:\/\/\$ARTIFACT_BUCKET\/artifacts\/\$COMMIT\/" release\/ --recursive/);
    assert.match(artifacts, /npm run check-promotion -- --record "\$PROMOTION_RECORD" --dist release --install-to dist; else .*cp -R "\$CODEBUILD_SRC_DIR_build\/dist" dist/);
    assert.ok(at(/PROMOTION_RECORD.*export COMMIT=/) < at(/check-promotion/), "prod reads COMMIT from the record first");
    assert.ok(at(/check-promotion/) < at(/^pulumi up /));
  });

  it("deploy.yml runs pulumi and the deploy step as $DEPLOYER_ROLE_ARN, after downloading with the project's own role", () => {
    const all = allCommands(load("deploy.yml"));
    const at = (re: RegExp) => all.findIndex((c) => re.test(c));

    assert.match(all[at(/profile\.deployer\.role_arn/)], /aws configure set profile\.deployer\.role_arn "\$DEPLOYER_ROLE_ARN" && aws configure set profile\.deployer\.credential_source EcsContainer/);
    assert.ok(at(/aws s3 cp/) < at(/^export AWS_PROFILE=deployer/), "the release bucket is read with the project's role");
    assert.ok(at(/^export AWS_PROFILE=deployer/) < at(/^pulumi login/));
    assert.ok(at(/^pulumi login/) < at(/^pulumi up /) && at(/^pulumi up /) < at(/^npm run deploy/));
  });

  it("verify.yml sends the examples to the live aliases and hands verification.json to Promote", () => {
    const spec = load("verify.yml");
    const run = commands(spec, "build").find((c) => /npm run verify/.test(c))!;

    assert.match(run, /npm run verify -- --stack "\$STACK" "\$\{names\[@\]\}" --commit "\$COMMIT" --valid-examples "\$VALID_EXAMPLES" --out verification\.json/);
    assert.match(run, /--function-name-prefix "\$FUNCTION_NAME_PREFIX"/);
    assert.ok(["run", "skip"].includes(spec.env.variables.VALID_EXAMPLES));
    assert.deepEqual(spec.artifacts.files, ["verification.json"]);
  });

  it("promote.yml promotes the Build output with the Verify result of the same commit", () => {
    const run = commands(load("promote.yml"), "build");

    assert.deepEqual(run, [
      'npm run promote -- --stack "$STACK" --bucket "$ARTIFACT_BUCKET" --commit "$COMMIT" --manifest "$CODEBUILD_SRC_DIR_build/dist/manifest.json" --verification "$CODEBUILD_SRC_DIR_verification/verification.json" --source "$CODEBUILD_SRC_DIR"',
    ]);
  });

  it("prepare.yml checks the promoted hashes, previews prod with the policy pack, uploads the plan and exports COMMIT and PLAN_URL", () => {
    const spec = load("prepare.yml");
    const all = allCommands(spec);
    const at = (re: RegExp) => all.findIndex((c) => re.test(c));

    assert.deepEqual(spec.env["exported-variables"], ["COMMIT", "PLAN_URL"]);
    assert.ok(at(/^export COMMIT=.*PROMOTION_RECORD/) >= 0);
    assert.ok(at(/aws s3 cp "s3:\/\/\$ARTIFACT_BUCKET\/artifacts\/\$COMMIT\/" release\//) < at(/^npm run check-promotion -- --record "\$PROMOTION_RECORD" --dist release --install-to dist$/));
    assert.ok(at(/check-promotion/) < at(/pulumi preview/), "hashes are checked before the preview");
    assert.match(all[at(/pulumi preview/)], /^set -o pipefail; AWS_PROFILE=deployer pulumi preview --stack "\$STACK" --policy-pack policies --non-interactive/);
    assert.equal(spec.env.variables.STACK, "prod");
    assert.ok(at(/aws s3 cp "preview-\$STACK\.txt" "s3:\/\/\$PLAN_BUCKET\//) > at(/pulumi preview/));
    assert.match(all[at(/^export PLAN_URL=/)], /\$PLAN_BUCKET.*plans\/\$COMMIT\/preview-\$STACK\.txt/);
    assert.equal(all.filter((c) => /pulumi up|npm run build|npm run deploy/.test(c)).length, 0, "Prepare neither builds nor deploys");
  });
});
