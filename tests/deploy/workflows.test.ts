import * as assert from "assert";
import * as fs from "fs";
import * as path from "path";
import { validateWorkflow } from "@action-validator/core";
import { parse } from "yaml";

const DIR = path.resolve(__dirname, "../../.github/workflows");
const FILES = fs.readdirSync(DIR).filter((f) => /\.ya?ml$/.test(f)).sort();
const read = (f: string) => fs.readFileSync(path.join(DIR, f), "utf8");
// Anything the validator reports, flattened to "path: detail" lines for a readable failure.
const problems = (src: string) =>
  JSON.stringify(validateWorkflow(src).errors, null, 1)
    .split("\n")
    .filter((l) => /"(path|detail|title)"/.test(l))
    .join("\n");

type Job = { permissions?: unknown; concurrency?: unknown; uses?: string; with?: Record<string, unknown>; needs?: string[]; environment?: unknown; if?: string; steps?: Array<Record<string, unknown>> };
const jobsOf = (f: string) => parse(read(f)).jobs as Record<string, Job>;
const allSteps = (f: string) => Object.values(jobsOf(f)).flatMap((j) => j.steps ?? []);

describe("GitHub Actions workflows", () => {
  it("has the pull request, deploy and drift workflows", () => {
    assert.deepEqual(FILES, ["deploy-stack.yml", "deploy.yml", "drift.yml", "pull-request.yml"]);
  });

  for (const file of FILES) {
    it(`${file} validates against the published workflow schema`, () => {
      const result = validateWorkflow(read(file));

      assert.deepEqual(result.errors, [], `${file}:\n${problems(read(file))}`);
    });

    it(`${file} pins every action to a full commit SHA with its version in a comment`, () => {
      const uses = read(file)
        .split("\n")
        .map((line, i) => ({ line, at: i + 1, m: /^\s*(?:-\s+)?uses:\s*(\S+)\s*(#.*)?$/.exec(line) }))
        .filter((u) => u.m);

      assert.ok(uses.length > 0);
      for (const { line, at, m } of uses) {
        const [, ref, comment] = m!;
        if (ref.startsWith("./")) continue; // a workflow of this repository, same commit
        assert.match(ref, /^[\w.-]+\/[\w./-]+@[0-9a-f]{40}$/, `${file}:${at}: \`${line.trim()}\` is not pinned to a commit SHA`);
        assert.match(comment ?? "", /^# v\d+\.\d+\.\d+$/, `${file}:${at}: \`${line.trim()}\` needs its exact version as a comment (# vX.Y.Z)`);
      }
    });

    it(`${file} starts with no permissions and grants each job only what it declares`, () => {
      const wf = parse(read(file));

      assert.deepEqual(wf.permissions, {}, `${file}: top-level permissions must be {}`);
      for (const [id, job] of Object.entries(jobsOf(file))) assert.ok(job.permissions !== undefined, `${file}: job "${id}" declares no permissions`);
    });

    it(`${file} belongs to a concurrency group`, () => {
      const wf = parse(read(file));
      const jobs = Object.entries(jobsOf(file));

      assert.ok(wf.concurrency || jobs.every(([, j]) => j.concurrency), `${file}: needs a workflow or per-job concurrency group`);
    });
  }

  it("rejects a workflow with a misspelt key (the validator is really checking)", () => {
    const broken = "on: push\njobs:\n  a:\n    runs-on: ubuntu-24.04\n    step:\n      - run: echo\n";

    assert.notDeepEqual(validateWorkflow(broken).errors, []);
  });

  it("pull-request.yml plans every stack offline as markdown into the step summary and previews with the policy pack", () => {
    const text = read("pull-request.yml");
    const jobs = jobsOf("pull-request.yml");
    const preview = jobs.preview.steps!.find((s) => String(s.uses).startsWith("pulumi/actions@"))!;

    assert.match(text, /npm run --silent plan -- --stack "\$stack" --markdown/);
    assert.match(text, />> "\$GITHUB_STEP_SUMMARY"/);
    assert.deepEqual([preview.with && (preview.with as Record<string, unknown>).command, (preview.with as Record<string, unknown>).policyPacks], ["preview", "policies"]);
    assert.equal(jobs.preview.if, "needs.credentials.outputs.enabled == 'true'");
    assert.ok(allSteps("pull-request.yml").some((s) => String(s.uses).startsWith("marocchino/sticky-pull-request-comment@")));
  });

  it("deploy.yml builds once and deploys that artifact to staging, then to prod behind the production environment", () => {
    const jobs = jobsOf("deploy.yml");
    const stackJob = jobsOf("deploy-stack.yml").deploy;
    const builds = allSteps("deploy.yml").filter((s) => s.run === "npm run build");

    assert.equal(builds.length, 1);
    assert.deepEqual([jobs.staging.with?.stack, jobs.staging.with?.environment], ["staging", "staging"]);
    assert.deepEqual([jobs.production.with?.stack, jobs.production.with?.environment], ["prod", "production"]);
    assert.deepEqual(jobs.production.needs, ["staging"]);
    assert.equal(jobs.staging.with?.artifact, jobs.production.with?.artifact);
    assert.equal(stackJob.environment, "${{ inputs.environment }}");
    assert.ok(!(stackJob.steps ?? []).some((s) => s.run === "npm run build"), "deploy-stack.yml must not rebuild");
    assert.ok((stackJob.steps ?? []).some((s) => /^npm run deploy -- --stack "\$STACK"/.test(String(s.run))));
  });

  it("drift.yml runs on a schedule, previews every stack with --refresh --expect-no-changes and opens an issue on drift", () => {
    const wf = parse(read("drift.yml"));
    const pulumi = wf.jobs.drift.steps.find((s: Record<string, unknown>) => String(s.uses).startsWith("pulumi/actions@"));

    assert.ok(wf.on.schedule?.[0]?.cron);
    assert.deepEqual(wf.jobs.drift.strategy.matrix.stack, ["staging", "prod"]);
    assert.deepEqual([pulumi.with.command, pulumi.with.refresh, pulumi.with["expect-no-changes"]], ["preview", true, true]);
    assert.equal(wf.jobs.notify.if, "always() && needs.drift.result == 'failure'");
    assert.deepEqual(wf.jobs.notify.permissions, { issues: "write" });
  });
});
