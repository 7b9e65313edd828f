import * as assert from "assert";
import * as fs from "fs";
import * as path from "path";
import { parse } from "yaml";

const DIR = path.resolve(__dirname, "../../buildspecs");
const load = (f: string) => parse(fs.readFileSync(path.join(DIR, f), "utf8"));
const commands = (spec: { phases: Record<string, { commands?: string[] }> }, phase: string) => spec.phases[phase]?.commands ?? [];
/**
 * nodejs versions CodeBuild offers on its current Linux images (aws/aws-codebuild-docker-images,
 * runtimes.yml of ubuntu standard:7.0, amazonlinux x86_64 standard:5.0 and aarch64 standard:3.0).
 */
const CODEBUILD_NODEJS = [22, 24];

describe("CodeBuild buildspecs", () => {
  for (const file of ["build.yml", "deploy.yml"]) {
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
});
