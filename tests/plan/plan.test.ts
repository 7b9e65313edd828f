import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { main } from "../../tools/plan/cli";
import { UNKNOWN } from "../../tools/plan/monitor";
import { planStack } from "../../tools/plan/plan";
import { ProgramError } from "../../tools/plan/run-program";
import { capture, fixtureProgram, PACK_FILES, removeDir, tempDir, writeFiles } from "./fixtures";

/** Processes whose working directory is `dir` (Linux /proc): the pack runs in its own folder. */
function processesIn(dir: string): number[] {
  const real = fs.realpathSync(dir);
  return fs
    .readdirSync("/proc")
    .filter((p) => /^\d+$/.test(p))
    .filter((p) => {
      try {
        return fs.readlinkSync(`/proc/${p}/cwd`) === real;
      } catch {
        return false; // gone, or not ours to read
      }
    })
    .map(Number);
}

const DEV = "config:\n  aws:region: eu-west-1\n  fixture:count: 1\n";
const PROD = "config:\n  aws:region: us-east-1\n  fixture:count: 2\n";

describe("offline plan: preview semantics", () => {
  let dir: string;
  before(() => (dir = fixtureProgram({ dev: DEV })));
  after(() => removeDir(dir));

  const find = (plan: Awaited<ReturnType<typeof planStack>>, type: string, name: string) => {
    const r = plan.resources.find((x) => x.type === type && x.name === name);
    assert.ok(r, `no ${type} ${name} in the plan`);
    return r;
  };

  it("leaves a computed ARN unknown: the sentinel in the input of the resource that uses it", async () => {
    const plan = await planStack({ programDir: dir, stack: "dev", policyPack: null });
    const fn = find(plan, "aws:lambda/function:Function", "app0-fn");
    assert.equal(fn.inputs.role, UNKNOWN);
    const alias = find(plan, "aws:lambda/alias:Alias", "app0-live");
    assert.equal(alias.inputs.functionVersion, UNKNOWN, "a version is only known after publishing");
  });

  it("knows a name the program gives and the provider's auto-name, stable between runs", async () => {
    const first = await planStack({ programDir: dir, stack: "dev", policyPack: null });
    const again = await planStack({ programDir: dir, stack: "dev", policyPack: null });
    assert.equal(find(first, "aws:lambda/function:Function", "app0-fn").inputs.name, "fixture-dev-app0");
    const roleName = find(first, "aws:iam/role:Role", "app0-role").inputs.name;
    assert.match(String(roleName), /^app0-role-[0-9a-f]{7}$/);
    assert.equal(find(again, "aws:iam/role:Role", "app0-role").inputs.name, roleName);
    assert.match(String(find(first, "aws:s3/bucket:Bucket", "app0-bucket").inputs.bucket), /^app0-bucket-[0-9a-f]{7}$/);
  });

  it("writes engine URNs: component types chained with $, the stack's type left out", async () => {
    const plan = await planStack({ programDir: dir, stack: "dev", policyPack: null });
    const fn = find(plan, "aws:lambda/function:Function", "app0-fn");
    assert.equal(fn.urn, "urn:pulumi:dev::fixture::fixture:app:App$aws:lambda/function:Function::app0-fn");
    assert.equal(fn.parent, "urn:pulumi:dev::fixture::fixture:app:App::app0");
    assert.equal(find(plan, "fixture:app:App", "app0").parent, "urn:pulumi:dev::fixture::pulumi:pulumi:Stack::fixture-dev");
    assert.deepEqual(fn.dependencies, ["urn:pulumi:dev::fixture::fixture:app:App$aws:iam/role:Role::app0-role"]);
  });

  it("masks secrets and shows archives readably", async () => {
    const plan = await planStack({ programDir: dir, stack: "dev", policyPack: null });
    const fn = find(plan, "aws:lambda/function:Function", "app0-fn");
    assert.deepEqual(fn.inputs.environment, { variables: { TOKEN: "[secret]" } });
    assert.deepEqual(fn.inputs.code, { archive: { assets: { "index.js": { asset: { text: "exports.handler = async () => 1;" } } } } });
  });

  it("answers getCallerIdentity with the placeholder account, or the one given", async () => {
    const placeholder = await planStack({ programDir: dir, stack: "dev", policyPack: null });
    assert.equal(placeholder.outputs.accountArn, "arn:aws:iam::123456789012:root");
    const given = await planStack({ programDir: dir, stack: "dev", policyPack: null, accountId: "210987654321" });
    assert.equal(given.outputs.accountArn, "arn:aws:iam::210987654321:root");
  });

  it("refuses a function call it cannot answer, naming its token", async () => {
    const other = fixtureProgram({ dev: DEV }, `import * as aws from "@pulumi/aws";\nexport const vpc = aws.ec2.getVpcOutput({ default: true }).id;\n`);
    try {
      await assert.rejects(planStack({ programDir: other, stack: "dev", policyPack: null }), (e: Error) => {
        assert.ok(e instanceof ProgramError);
        assert.match(e.message, /aws:ec2\/getVpc:getVpc/);
        return true;
      });
    } finally {
      removeDir(other);
    }
  });
});

describe("offline plan: command line", () => {
  let program: string;
  let pack: string;
  before(() => {
    program = fixtureProgram({ dev: DEV, prod: PROD, public: `${DEV}  fixture:publicBucket: true\n` });
    pack = writeFiles(tempDir("pack"), PACK_FILES);
  });
  after(() => {
    removeDir(program);
    removeDir(pack);
  });

  const run = async (...args: string[]) => {
    const out = capture();
    const err = capture();
    const code = await main(["--program", program, "--policy-pack", pack, ...args], out.stream, err.stream);
    return { code, out: out.text(), err: err.text() };
  };

  it("exits 0 on a clean plan, advisories allowed, and says so", async () => {
    const { code, out } = await run("--stack", "dev");
    assert.equal(code, 0);
    assert.match(out, /prefer-arm64 \(advisory, 1\)/);
    assert.match(out, /dev: 4 resources in 1 components; policy passed; 1 advisory\./);
  });

  it("exits 1 on a mandatory violation, showing the rule and its fix", async () => {
    const { code, out } = await run("--stack", "public");
    assert.equal(code, 1);
    assert.match(out, /✗ no-public-bucket \(mandatory, 1\): Buckets are private\./);
    assert.match(out, /bucket is tagged public\. Fix: set publicBucket: false\./);
  });

  it("exits 2 on a broken stack file, naming the file and the key, without a stack trace", async () => {
    fs.writeFileSync(path.join(program, "Pulumi.broken.yaml"), "config:\n  aws:region: eu-west-1\n  fixture:count: many\n");
    try {
      const { code, err } = await run("--stack", "broken");
      assert.equal(code, 2);
      assert.match(err, /Pulumi\.broken\.yaml: fixture:count must be of type 'integer'/);
      assert.doesNotMatch(err, /\n\s+at /);
    } finally {
      fs.rmSync(path.join(program, "Pulumi.broken.yaml"));
    }
  });

  it("exits 2 when the program throws, with the message", async () => {
    const failing = fixtureProgram({ dev: DEV }, `throw new Error("fixture:count is not allowed here");\n`);
    try {
      const out = capture();
      const err = capture();
      const code = await main(["--program", failing, "--stack", "dev", "--policy-pack", pack], out.stream, err.stream);
      assert.equal(code, 2);
      assert.match(err.text(), /failed for stack "dev" .*fixture:count is not allowed here/);
    } finally {
      removeDir(failing);
    }
  });

  it("writes the documented JSON: exactly these keys, in this order", async () => {
    const file = path.join(program, "plan.json");
    const { code } = await run("--stack", "public", "--json", file);
    assert.equal(code, 1);
    const plan = JSON.parse(fs.readFileSync(file, "utf8"));
    assert.deepEqual(Object.keys(plan), ["project", "stack", "resources", "policy", "summary", "cost"]);
    assert.equal(plan.cost, null, "a stack without serverless:usage has no cost estimate");
    assert.equal(plan.project, "fixture");
    assert.equal(plan.stack, "public");
    for (const r of plan.resources) assert.deepEqual(Object.keys(r), ["urn", "type", "name", "parent", "dependencies", "inputs"]);
    assert.deepEqual(Object.keys(plan.policy), ["diagnostics"]);
    const violation = plan.policy.diagnostics.find((d: { policy: string }) => d.policy === "no-public-bucket");
    assert.deepEqual(Object.keys(violation), ["policy", "level", "urn", "message"]);
    assert.equal(violation.level, "mandatory");
    assert.equal(violation.urn, "urn:pulumi:public::fixture::fixture:app:App$aws:s3/bucket:Bucket::app0-bucket");
    assert.deepEqual(plan.summary, { resources: 4, components: 1, mandatory: 1, advisory: 1, exitCode: 1 });
  });

  it("prints Markdown for a pull request with --markdown", async () => {
    const { out } = await run("--stack", "public", "--markdown");
    assert.match(out, /^### ❌ Plan: `public` \(fixture\)/);
    assert.match(out, /\| `aws:lambda\/function:Function` \| 1 \|/);
    assert.match(out, /- \*\*no-public-bucket\*\* \(mandatory, 1\)/);
    assert.match(out, /<details><summary>Resources<\/summary>/);
  });

  it("exits 2 when the policy pack cannot start, with the pack's own error, and leaves no pack process running", async () => {
    const broken = writeFiles(tempDir("pack"), { ...PACK_FILES, "index.js": `throw new Error("the fixture pack is broken");\n` });
    try {
      const out = capture();
      const err = capture();
      const code = await main(["--program", program, "--stack", "dev", "--policy-pack", broken], out.stream, err.stream);
      assert.equal(code, 2);
      assert.match(err.text(), /policy pack failed to start: .*\n[\s\S]*the fixture pack is broken/);
      assert.deepEqual(processesIn(broken), []);
    } finally {
      removeDir(broken);
    }
  });

  it("exits 2 naming --policy-pack-config when the file cannot be read, the message alone", async () => {
    const { code, err } = await run("--stack", "dev", "--policy-pack-config", path.join(program, "missing.json"));
    assert.equal(code, 2);
    assert.match(err, /^plan: --policy-pack-config ".*missing\.json": ENOENT.*it must be a JSON object keyed by policy name\.\n$/);
  });

  it("stops the policy pack when the program fails", async () => {
    // Fails after the pack has surely been spawned (it is, within ~0.1 s of the plan's start).
    const failing = fixtureProgram({ dev: DEV }, `module.exports = new Promise((_, reject) => setTimeout(() => reject(new Error("late failure")), 1500));\n`);
    try {
      const code = await main(["--program", failing, "--stack", "dev", "--policy-pack", pack], capture().stream, capture().stream);
      assert.equal(code, 2);
      assert.deepEqual(processesIn(pack), []);
    } finally {
      removeDir(failing);
    }
  });

  it("plans every stack with --all and shows how their settings differ", async () => {
    const { code, out } = await run("--all");
    assert.equal(code, 1, "the worst stack decides the exit code");
    const parity = out.slice(out.indexOf("Environment parity"));
    assert.match(parity, /aws:region\s+eu-west-1\s+us-east-1\s+eu-west-1/);
    assert.match(parity, /fixture:count\s+1\s+2\s+1/);
    assert.match(parity, /aws:lambda\/function:Function\s+1\s+2\s+1/);
  });
});

describe("offline plan: this repository's stacks", () => {
  for (const stack of ["staging", "prod"]) {
    it(`plans ${stack} with every function's name known and no mandatory violation`, async () => {
      const plan = await planStack({ programDir: path.resolve(__dirname, "../.."), stack });
      const functions = plan.resources.filter((r) => r.type === "aws:lambda/function:Function");
      assert.ok(functions.length > 0, "the program declares functions");
      for (const f of functions) assert.match(String(f.inputs.name), new RegExp(`^serverless-${stack}-[a-z0-9-]+$`));
      const mandatory = plan.policy.diagnostics.filter((d) => d.level === "mandatory");
      assert.deepEqual(mandatory.map((d) => `${d.policy}: ${d.message}`), []);
      assert.equal(plan.summary.exitCode, 0);
    });
  }
});
