import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { buildHook } from "../../hooks/pre-traffic/build";
import { generateRegistrySource } from "../../hooks/pre-traffic/generate-registry";
import { discoverFunctions } from "../../infra/catalog";
import { generatedRegistry, ROOT } from "./registry-fixture";

describe("the pre-traffic hook's build", function () {
  this.timeout(120_000);
  const temps: string[] = [];
  const temp = (prefix: string) => {
    const dir = fs.mkdtempSync(path.join(ROOT, prefix));
    temps.push(dir);
    return dir;
  };
  after(() => temps.forEach((d) => fs.rmSync(d, { recursive: true, force: true })));

  it("registers every function folder with its trigger, contract and every example", async () => {
    const registry = await generatedRegistry();
    const catalog = discoverFunctions(path.join(ROOT, "functions"));
    assert.deepEqual(Object.keys(registry), catalog.map((f) => f.name));
    for (const f of catalog) {
      assert.equal(registry[f.name].trigger, f.settings.trigger.type);
      const files = fs.readdirSync(path.join(f.dir, "events")).filter((x) => x.endsWith(".json")).sort();
      assert.deepEqual(registry[f.name].examples.map((e) => e.file), files);
      assert.deepEqual(registry[f.name].examples.find((e) => e.valid)?.event, JSON.parse(fs.readFileSync(path.join(f.dir, "events", registry[f.name].examples.find((e) => e.valid)!.file), "utf8")));
    }
  });

  it("picks up a new function folder with no other edit", async () => {
    const dir = temp(".functions-test-");
    for (const name of ["shared", "notify-customer"]) fs.cpSync(path.join(ROOT, "functions", name), path.join(dir, name), { recursive: true });
    fs.cpSync(path.join(ROOT, "functions", "notify-customer"), path.join(dir, "notify-partner"), { recursive: true });

    const registry = await generatedRegistry(dir);

    assert.deepEqual(Object.keys(registry), ["notify-customer", "notify-partner"]);
  });

  it("refuses a contract that exports no output schema, naming the file and the fix", () => {
    const dir = temp(".functions-test-");
    fs.cpSync(path.join(ROOT, "functions", "shared"), path.join(dir, "shared"), { recursive: true });
    fs.cpSync(path.join(ROOT, "functions", "notify-customer"), path.join(dir, "notify-customer"), { recursive: true });
    const contract = path.join(dir, "notify-customer", "contract.ts");
    fs.writeFileSync(contract, fs.readFileSync(contract, "utf8").replace("export const resultSchema", "const resultSchema"));

    assert.throws(() => generateRegistrySource(dir, ROOT), /notify-customer\/contract\.ts: exports no output schema; export `responseSchema` or `resultSchema`/);
  });

  it("writes a byte-identical hooks/pre-traffic.zip from the same sources", async () => {
    const a = await buildHook({ rootDir: ROOT, outDir: temp(".hook-a-") });
    const b = await buildHook({ rootDir: ROOT, outDir: temp(".hook-b-") });

    assert.equal(a.sha256, b.sha256);
    assert.ok(a.zipPath.endsWith(path.join("hooks", "pre-traffic.zip")));
    assert.ok(fs.readFileSync(a.zipPath).includes("index.js.map"));
  });
});
