import * as assert from "assert";
import { spawn } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { build } from "esbuild";
import { FUNCTIONS_DIR, parseOutput } from "./support";

const ROOT = path.resolve(__dirname, "../..");
const CLI = path.join(ROOT, "tools/invoke/cli.ts");

interface Run {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs the CLI as `npm run invoke` would (ts-node, transpile only), without AWS credentials. */
function invoke(args: string[], env: Record<string, string> = {}): Promise<Run> {
  const clean = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith("AWS_") && !k.startsWith("POWERTOOLS_") && !/^(EVENT_BUS_NAME|ORDERS_TABLE_NAME)$/.test(k)));
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ["-r", "ts-node/register/transpile-only", CLI, ...args], { cwd: ROOT, env: { ...clean, ...env } });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (c) => (stdout += c));
    child.stderr.on("data", (c) => (stderr += c));
    child.on("error", reject);
    child.on("close", (code) => resolve({ code, stdout, stderr }));
  });
}

describe("npm run invoke (tools/invoke/cli.ts)", function () {
  this.timeout(120_000);
  let dist: string;

  before(async () => {
    // The build tool lives elsewhere; a plain esbuild bundle has the same shape: dist/<name>/index.js.
    dist = fs.mkdtempSync(path.join(os.tmpdir(), "invoke-dist-"));
    for (const name of ["orders-api", "fulfil-order", "notify-customer"])
      await build({
        entryPoints: [path.join(FUNCTIONS_DIR, name, "handler.ts")],
        outfile: path.join(dist, name, "index.js"),
        bundle: true,
        platform: "node",
        target: `node${process.versions.node.split(".")[0]}`,
        format: "cjs",
        logLevel: "silent",
      });
  });

  after(() => fs.rmSync(dist, { recursive: true, force: true }));

  it("prints only the handler's JSON result on stdout, and the logs and local AWS calls on stderr", async () => {
    const run = await invoke(["orders-api", "valid-order.json", "--local-aws", "--dist", dist]);

    assert.equal(run.code, 0, run.stderr);
    const result = JSON.parse(run.stdout);
    assert.equal(result.statusCode, 202);
    assert.match(run.stderr, /\[local-aws\] events\.PutEvents .*"EventBusName":"serverless-local-events"/);
    const logs = parseOutput(run.stderr).logs;
    const placed = logs.find((l) => l.message === "Order placed");
    assert.equal(placed?.correlation_id, "c0ffee00-1234-4abc-9def-000000000001");
    assert.equal(placed?.function_name, "serverless-local-orders-api");
    assert.equal(placed?.function_version, "$LATEST");
    assert.equal(placed?.cold_start, true);
    assert.equal(placed?.function_memory_size, "256");
    assert.match(String(placed?.function_request_id), /^[0-9a-f-]{36}$/);
    assert.ok(parseOutput(run.stderr).metrics.some((m) => m.ColdStart === 1), "no ColdStart metric");
  });

  it("runs the queue consumer against local DynamoDB and EventBridge answers", async () => {
    const event = path.join(FUNCTIONS_DIR, "fulfil-order/events/valid-order-placed.json");

    const run = await invoke(["fulfil-order", event, "--local-aws", "--dist", dist]);

    assert.equal(run.code, 0, run.stderr);
    assert.deepEqual(JSON.parse(run.stdout), { batchItemFailures: [] });
    const calls = [...run.stderr.matchAll(/\[local-aws\] (\S+)/g)].map((m) => m[1]).filter((c) => c !== "answering");
    assert.deepEqual(calls, ["dynamodb.PutItem", "events.PutEvents", "dynamodb.UpdateItem"]);
  });

  it("exits 1 with the error on stderr, and nothing on stdout, when the handler throws", async () => {
    const run = await invoke(["notify-customer", "missing-customer-id.json", "--dist", dist]);

    assert.equal(run.code, 1);
    assert.equal(run.stdout, "");
    assert.match(run.stderr, /handler threw ContractError: .*`detail\.data\.customerId`/);
  });

  it("exits 2 and says to run the build when the bundle is missing", async () => {
    const empty = fs.mkdtempSync(path.join(os.tmpdir(), "invoke-empty-"));

    const run = await invoke(["orders-api", "valid-order.json", "--dist", empty]);

    assert.equal(run.code, 2);
    assert.match(run.stderr, /orders-api\/index\.js not found: run `npm run build` first/);
    fs.rmSync(empty, { recursive: true });
  });

  it("exits 2 naming the known functions when the function does not exist", async () => {
    const run = await invoke(["order-api", "valid-order.json", "--dist", dist]);

    assert.equal(run.code, 2);
    assert.match(run.stderr, /unknown function "order-api".*Known: fulfil-order, notify-customer, orders-api, reconcile-orders/);
  });

  it("exits 2 naming both places it looked when the event file does not exist", async () => {
    const run = await invoke(["orders-api", "nope.json", "--dist", dist]);

    assert.equal(run.code, 2);
    assert.match(run.stderr, /event file not found; tried .*nope\.json and .*functions\/orders-api\/events\/nope\.json/);
  });
});
