import * as assert from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { loadStackSettings, readProject } from "../../tools/lib/pulumi-project";
import { REPO_ROOT } from "./fixtures";

/** A project folder with the given Pulumi.yaml and stack files. */
function project(files: Record<string, string>): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "pulumi-project-"));
  for (const [name, text] of Object.entries(files)) fs.writeFileSync(path.join(dir, name), text);
  return dir;
}

const PROJECT = `name: demo
runtime: { name: nodejs, options: { typescript: true } }
config:
  retention: { type: integer, default: 14 }
  approve: { type: boolean, default: false }
  emails: { type: array, items: { type: string }, default: [] }
  canary: { type: object, default: {} }
  required: { type: string }
`;

function errorOf(fn: () => unknown): string {
  try {
    fn();
  } catch (e) {
    return (e as Error).message;
  }
  assert.fail("expected an error");
}

describe("loading Pulumi.yaml and a stack file as the CLI does", () => {
  it("reads this repository's stacks into the engine's config map", () => {
    const prod = loadStackSettings(REPO_ROOT, "prod");
    assert.equal(prod.project, "serverless");
    assert.equal(prod.config["aws:region"], "eu-west-1");
    assert.equal(prod.config["serverless:requireApproval"], "true");
    assert.deepStrictEqual(JSON.parse(prod.config["serverless:canary"]), { predefined: "CodeDeployDefault.LambdaCanary10Percent15Minutes" });
  });

  it("applies project defaults and JSON-encodes objects and lists", () => {
    const dir = project({ "Pulumi.yaml": PROJECT, "Pulumi.dev.yaml": "config:\n  demo:required: x\n  aws:region: eu-west-1\n" });
    const s = loadStackSettings(dir, "dev");
    assert.deepStrictEqual(s.config, {
      "demo:required": "x",
      "aws:region": "eu-west-1",
      "demo:retention": "14",
      "demo:approve": "false",
      "demo:emails": "[]",
      "demo:canary": "{}",
    });
  });

  it("accepts an integer written as a string, as the CLI does", () => {
    const dir = project({ "Pulumi.yaml": PROJECT, "Pulumi.dev.yaml": 'config:\n  demo:required: x\n  demo:retention: "30"\n' });
    assert.equal(loadStackSettings(dir, "dev").config["demo:retention"], "30");
  });

  it("rejects a stack value of the wrong declared type, naming the file and key", () => {
    const dir = project({ "Pulumi.yaml": PROJECT, "Pulumi.dev.yaml": "config:\n  demo:required: x\n  demo:retention: forever\n  demo:canary: [1]\n" });
    const message = errorOf(() => loadStackSettings(dir, "dev"));
    assert.match(message, /Pulumi\.dev\.yaml: demo:retention must be of type 'integer' \(declared in .*Pulumi\.yaml\); got "forever"/);
    assert.match(message, /Pulumi\.dev\.yaml: demo:canary must be of type 'object'/);
  });

  it("rejects a stack that lacks a declared key without a default", () => {
    const dir = project({ "Pulumi.yaml": PROJECT, "Pulumi.dev.yaml": "config: {}\n" });
    assert.match(errorOf(() => loadStackSettings(dir, "dev")), /Pulumi\.dev\.yaml: demo:required is required \(declared in .*Pulumi\.yaml without a default\)/);
  });

  it("passes undeclared keys of any namespace unchecked", () => {
    const dir = project({ "Pulumi.yaml": PROJECT, "Pulumi.dev.yaml": "config:\n  demo:required: x\n  demo:extra: 1\n  other:thing: { a: 1 }\n" });
    const s = loadStackSettings(dir, "dev");
    assert.equal(s.config["demo:extra"], "1");
    assert.equal(s.config["other:thing"], '{"a":1}');
  });

  it("reports secure values as secret keys with a placeholder", () => {
    const dir = project({ "Pulumi.yaml": PROJECT, "Pulumi.dev.yaml": "config:\n  demo:required:\n    secure: AAABAJz0\n" });
    const s = loadStackSettings(dir, "dev");
    assert.deepStrictEqual(s.secretKeys, ["demo:required"]);
    assert.equal(s.config["demo:required"], "[secret]");
  });

  it("rejects a key without a namespace in a stack file", () => {
    const dir = project({ "Pulumi.yaml": PROJECT, "Pulumi.dev.yaml": "config:\n  required: x\n" });
    assert.match(errorOf(() => loadStackSettings(dir, "dev")), /Pulumi\.dev\.yaml: config key "required" must be of the form `namespace:key`/);
  });

  it("rejects a type declared on another namespace's key in Pulumi.yaml", () => {
    const dir = project({ "Pulumi.yaml": "name: demo\nruntime: nodejs\nconfig:\n  aws:region: { type: string, default: eu-west-1 }\n" });
    const message = errorOf(() => readProject(dir));
    assert.match(message, /config\.aws:region is not in the project's namespace and must not declare a type/);
    assert.match(message, /use `value`, not `default`/);
  });

  it("rejects an array declared without items and a default of the wrong type", () => {
    const dir = project({ "Pulumi.yaml": "name: demo\nruntime: nodejs\nconfig:\n  list: { type: array }\n  n: { type: integer, default: many }\n" });
    const message = errorOf(() => readProject(dir));
    assert.match(message, /config\.list declares an array but no `items` type/);
    assert.match(message, /config\.n: the default "many" is not of the declared type 'integer'/);
  });

  it("rejects a project file without a runtime, naming the field", () => {
    const dir = project({ "Pulumi.yaml": "name: demo\n" });
    assert.match(errorOf(() => readProject(dir)), /Pulumi\.yaml: `runtime`/);
  });

  it("names the stacks that exist when asked for one that does not", () => {
    assert.match(errorOf(() => loadStackSettings(REPO_ROOT, "qa")), /Pulumi\.qa\.yaml: no such stack file; stacks here: prod, staging/);
  });
});
