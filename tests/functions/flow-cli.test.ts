import * as assert from "assert";
import { spawn } from "child_process";
import { createHash } from "crypto";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { DynamoDBClient, PutItemCommand, UpdateItemCommand } from "@aws-sdk/client-dynamodb";
import { buildFunctions } from "../../tools/build";
import { busEvent, matchesPattern, routesOf, sqsEvent } from "../../tools/invoke/event-routing";
import { stackTables } from "../../tools/invoke/flow";
import { localFunction } from "../../tools/invoke/lambda-environment";
import { startLocalAws, type LocalAws } from "../../tools/invoke/local-aws";
import { discoverFunctions } from "../../infra/catalog";
import { FUNCTIONS_DIR } from "./support";

const ROOT = path.resolve(__dirname, "../..");
const CLI = path.join(ROOT, "tools/invoke/flow-cli.ts");
const JOURNEY = "journey-5e1d2c3b-flow-test";

interface Run {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs the CLI as `npm run flow` would (ts-node, transpile only), without AWS settings from the shell. */
function flow(args: string[]): Promise<Run> {
  const clean = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith("AWS_") && !k.startsWith("POWERTOOLS_") && !/^(EVENT_BUS_NAME|ORDERS_TABLE_NAME)$/.test(k)));
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ["-r", "ts-node/register/transpile-only", CLI, ...args], { cwd: ROOT, env: clean });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (c) => (stdout += c));
    child.stderr.on("data", (c) => (stderr += c));
    child.on("error", reject);
    child.on("close", (code) => resolve({ code, stdout, stderr }));
  });
}

/** `[index, function, event kind]` of each `hop N: <fn> <- <kind>:` line. */
function hopsOf(stdout: string): Array<[number, string, string]> {
  return [...stdout.matchAll(/^hop (\d+): (\S+) <- (\S+):/gm)].map((m) => [Number(m[1]), m[2], m[3]]);
}

/** The Powertools log lines printed (JSON objects with a `level`). */
function logLinesOf(stdout: string): Array<Record<string, unknown>> {
  return stdout
    .split("\n")
    .filter((l) => l.startsWith("{"))
    .map((l) => JSON.parse(l) as Record<string, unknown>)
    .filter((l) => "level" in l);
}

describe("npm run flow (tools/invoke/flow-cli.ts)", function () {
  this.timeout(120_000);
  let work: string;
  let dist: string;

  before(async () => {
    work = fs.mkdtempSync(path.join(os.tmpdir(), "flow-"));
    dist = path.join(work, "dist");
    await buildFunctions({ functionsDir: FUNCTIONS_DIR, outDir: dist });
  });

  after(() => fs.rmSync(work, { recursive: true, force: true }));

  it("runs orders-api -> fulfil-order -> notify-customer on the built bundles and every log line carries the caller's correlation id", async () => {
    const run = await flow(["valid-order.json", "--correlation-id", JOURNEY, "--dist", dist]);

    assert.equal(run.code, 0, run.stdout + run.stderr);
    assert.deepEqual(hopsOf(run.stdout), [
      [1, "orders-api", "http"],
      [2, "fulfil-order", "sqs"],
      [3, "notify-customer", "eventbridge"],
    ]);
    const logs = logLinesOf(run.stdout);
    assert.deepEqual([...new Set(logs.map((l) => l.function_name))], ["serverless-local-orders-api", "serverless-local-fulfil-order", "serverless-local-notify-customer"]);
    for (const line of logs) assert.equal(line.correlation_id, JOURNEY, JSON.stringify(line));
    assert.match(run.stdout, /event: OrderPlaced on serverless-local-events .* -> fulfil-order \(rule serverless-local-fulfil-order, via queue serverless-local-fulfil-order-queue\)/);
    assert.match(run.stdout, /aws: dynamodb\.PutItem serverless-local-orders .* -> 200\n\s+aws: dynamodb\.UpdateItem serverless-local-orders .* -> 200/);
    assert.match(run.stdout, new RegExp(`^check: OK: 3 hops; ${logs.length} log lines, \\d+ metric blobs and 2 events all carry correlation id "${JOURNEY}" \\(from --correlation-id\\)\\.$`, "m"));
  });

  it("exits 1 naming the broken fields when the entry order breaks the contract, and goes no further", async () => {
    const run = await flow(["invalid-quantity-and-currency.json", "--dist", dist]);

    assert.equal(run.code, 1, run.stdout + run.stderr);
    assert.deepEqual(hopsOf(run.stdout), [[1, "orders-api", "http"]]);
    assert.match(run.stdout, /^check: FAILED: 1 problem\(s\)/m);
    assert.match(run.stdout, /^ {2}- hop 1 orders-api: answered HTTP 400: .*"field":"currency".*"field":"items\.0\.quantity"/m);
  });

  it("exits 1 listing every line that carries another id when the caller's id is not a valid correlation id", async () => {
    const run = await flow(["--correlation-id", "not valid!", "--dist", dist]);

    assert.equal(run.code, 1, run.stdout + run.stderr);
    assert.match(run.stdout, /- --correlation-id "not valid!" must be 1-128 characters/);
    assert.match(run.stdout, /- hop 3 notify-customer: log line "Customer notified" carries correlation_id "[0-9a-f-]{36}", not "not valid!"\./);
  });

  it("builds first when the bundles folder holds no manifest", async () => {
    const fresh = path.join(work, "fresh-dist");

    const run = await flow(["--dist", fresh, "--correlation-id", JOURNEY]);

    assert.equal(run.code, 0, run.stdout + run.stderr);
    assert.match(run.stderr, /manifest\.json not found; building first/);
    assert.ok(fs.existsSync(path.join(fresh, "notify-customer", "index.js")));
  });

  it("exits 2 and says how to build when a function's bundle is missing", async () => {
    const partial = path.join(work, "partial-dist");
    fs.mkdirSync(path.join(partial, "orders-api"), { recursive: true });
    fs.writeFileSync(path.join(partial, "manifest.json"), "{}");
    fs.copyFileSync(path.join(dist, "orders-api", "index.js"), path.join(partial, "orders-api", "index.js"));

    const run = await flow(["--dist", partial]);

    assert.equal(run.code, 2);
    assert.equal(run.stdout, "");
    assert.match(run.stderr, /fulfil-order\/index\.js not found: the flow runs the built bundles; run `npm run build`/);
  });
});

describe("the bus routing the flow reproduces (tools/invoke/event-routing.ts)", () => {
  const functions = discoverFunctions(FUNCTIONS_DIR).map((f) => localFunction(f.name, f.settings, "local", "eu-west-1"));
  const routes = routesOf(functions);
  const entry = { Source: "serverless.orders", DetailType: "OrderPlaced", Detail: JSON.stringify({ metadata: { correlationId: JOURNEY, version: 1 }, data: {} }), EventBusName: "serverless-local-events" };

  it("has one rule per queue or event trigger, none for HTTP or schedule triggers", () => {
    assert.deepEqual(routes.map((r) => [r.fn.name, r.kind, r.ruleName]), [
      ["fulfil-order", "queue", "serverless-local-fulfil-order"],
      ["notify-customer", "event", "serverless-local-notify-customer"],
    ]);
  });

  it("matches an event on source and detail-type as the rule's pattern lists them", () => {
    const event = busEvent(entry, "e-1", functions[0]);

    assert.deepEqual(routes.filter((r) => matchesPattern(r.pattern, event)).map((r) => r.fn.name), ["fulfil-order"]);
    assert.equal(matchesPattern({ source: ["serverless.orders"], "detail-type": ["OrderPlaced"] }, { ...event, source: "other.source" }), false);
    assert.equal(matchesPattern({ detail: { metadata: { version: [1] } } }, event), true);
    assert.throws(() => matchesPattern({ source: [{ prefix: "serverless." }] }, event), /`source`: content filter .*prefix.* not supported locally/);
  });

  it("wraps the whole EventBridge event as the body of an SQS record from the function's queue", () => {
    const route = routes.find((r) => r.kind === "queue")!;
    const event = busEvent(entry, "e-2", functions[0]);

    const { Records } = sqsEvent([event], route);

    assert.equal(Records.length, 1);
    assert.deepEqual(JSON.parse(Records[0].body), event);
    assert.equal(Records[0].md5OfBody, createHash("md5").update(Records[0].body).digest("hex"));
    assert.equal(Records[0].eventSourceARN, "arn:aws:sqs:eu-west-1:123456789012:serverless-local-fulfil-order-queue");
    assert.equal(Records[0].attributes.ApproximateReceiveCount, "1");
  });
});

describe("local AWS with tables (tools/invoke/local-aws.ts)", function () {
  this.timeout(30_000);
  let aws: LocalAws;
  let client: DynamoDBClient;
  const table = stackTables({ stack: "local" })[0].TableName!;
  const put = () =>
    new PutItemCommand({
      TableName: table,
      Item: { orderId: { S: "order-1" }, status: { S: "PLACED" }, placedAt: { S: "2025-03-10T12:00:00.000Z" } },
      ConditionExpression: "attribute_not_exists(orderId) OR #status = :placed",
      ExpressionAttributeNames: { "#status": "status" },
      ExpressionAttributeValues: { ":placed": { S: "PLACED" } },
    });

  before(async () => {
    aws = await startLocalAws(() => undefined, { tables: stackTables({ stack: "local" }) });
    client = new DynamoDBClient({ endpoint: aws.endpoint, region: "eu-west-1", credentials: { accessKeyId: "local", secretAccessKey: "local" } });
  });

  after(async () => {
    client.destroy();
    await aws.close();
  });

  it("keeps items, so a conditional put after the order was fulfilled fails as on AWS", async () => {
    await client.send(put());
    await client.send(
      new UpdateItemCommand({
        TableName: table,
        Key: { orderId: { S: "order-1" } },
        UpdateExpression: "SET #status = :fulfilled",
        ConditionExpression: "#status = :placed",
        ExpressionAttributeNames: { "#status": "status" },
        ExpressionAttributeValues: { ":placed": { S: "PLACED" }, ":fulfilled": { S: "FULFILLED" } },
      }),
    );

    await assert.rejects(client.send(put()), { name: "ConditionalCheckFailedException" });
    assert.deepEqual(aws.calls.map((c) => [c.operation, c.status]), [["PutItem", 200], ["UpdateItem", 200], ["PutItem", 400]]);
  });

  it("still answers without state when no table is asked for", async () => {
    const stateless = await startLocalAws(() => undefined);
    const other = new DynamoDBClient({ endpoint: stateless.endpoint, region: "eu-west-1", credentials: { accessKeyId: "local", secretAccessKey: "local" } });
    try {
      await other.send(put());
      await other.send(put());

      assert.deepEqual(stateless.calls.map((c) => [c.operation, c.status]), [["PutItem", 200], ["PutItem", 200]]);
    } finally {
      other.destroy();
      await stateless.close();
    }
  });
});
