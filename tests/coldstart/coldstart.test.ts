import * as assert from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { buildFunctions, type Manifest } from "../../tools/build";
import { main } from "../../tools/coldstart/cli";
import { firstValidEvent, measureColdStarts, stats, type Row } from "../../tools/coldstart/measure";
import { coldStartReport, formatTable, OVERHEAD_TARGET_MS, targetSummary, type ColdStartReport } from "../../tools/coldstart/report";
import * as fulfilOrder from "../../functions/fulfil-order/contract";
import * as notifyCustomer from "../../functions/notify-customer/contract";
import * as ordersApi from "../../functions/orders-api/contract";
import * as reconcileOrders from "../../functions/reconcile-orders/contract";

const ROOT = path.resolve(__dirname, "../..");

/** Builds the real functions once into a temporary folder (never the shared `dist/`). */
describe("coldstart: measuring the built functions", () => {
  let tmp: string;
  let dist: string;
  let manifest: Manifest;
  let rows: Row[];

  before(async () => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), "coldstart-test-"));
    dist = path.join(tmp, "dist");
    manifest = await buildFunctions({ functionsDir: path.join(ROOT, "functions"), outDir: dist });
    rows = await measureColdStarts({ distDir: dist, runs: 2, warmup: 0 });
  });
  after(() => fs.rmSync(tmp, { recursive: true, force: true }));

  it("measures every function of the manifest, in its order", () => {
    assert.deepStrictEqual(
      rows.map((r) => r.name),
      manifest.functions.map((f) => f.name),
    );
  });

  it("answers each function's first valid example event with a response its contract accepts", () => {
    const byName = new Map(rows.map((r) => [r.name, r.response]));

    const accepted = ordersApi.responseSchema.parse(byName.get("orders-api"));
    assert.strictEqual(accepted.statusCode, 202, `orders-api answered ${JSON.stringify(accepted)}`);
    ordersApi.acceptedBodySchema.parse(JSON.parse(accepted.body));
    assert.deepStrictEqual(fulfilOrder.responseSchema.parse(byName.get("fulfil-order")), { batchItemFailures: [] });
    notifyCustomer.resultSchema.parse(byName.get("notify-customer"));
    const reconciled = reconcileOrders.resultSchema.parse(byName.get("reconcile-orders"));
    assert.strictEqual(reconciled.checked, 0, "the loopback table holds no orders");
  });

  it("names the example event it answered", () => {
    const row = rows.find((r) => r.name === "fulfil-order")!;
    assert.strictEqual(row.event, "events/valid-order-placed.json");
  });

  it("reports the zip size from the manifest and index.js's own size", () => {
    for (const row of rows) {
      const entry = manifest.functions.find((f) => f.name === row.name)!;
      assert.strictEqual(row.zipBytes, entry.bytes);
      assert.strictEqual(row.jsBytes, fs.statSync(path.join(dist, row.name, "index.js")).size);
    }
  });

  it("gives the overhead as the function's median minus bare Node's median from the same rounds", () => {
    for (const row of rows) {
      assert.strictEqual(row.runs, 2);
      assert.deepStrictEqual(row.bareNode, rows[0].bareNode, "one baseline for the whole run");
      assert.ok(row.wall.p90Ms >= row.wall.medianMs && row.init.p90Ms >= row.init.medianMs);
      assert.ok(row.bareNode.medianMs > 0 && row.init.medianMs > 0 && row.firstInvoke.medianMs > 0);
      assert.strictEqual(row.overheadMs, Math.round((row.wall.medianMs - row.bareNode.medianMs) * 10) / 10);
    }
  });

  it("ships only Zod's English messages: no other locale is in any bundle", () => {
    for (const row of rows) {
      const map = JSON.parse(fs.readFileSync(path.join(dist, row.name, "index.js.map"), "utf8")) as { sources: string[] };
      const locales = map.sources.filter((s) => /node_modules\/zod\/.*locales\/(?!en\.js$)/.test(s));
      assert.deepStrictEqual(locales, [], `${row.name} bundles ${locales.join(", ")}`);
    }
  });

  it("fails naming the function and the init error when a bundle throws while loading", async () => {
    const broken = path.join(tmp, "broken");
    fs.cpSync(dist, broken, { recursive: true });
    fs.writeFileSync(path.join(broken, "notify-customer", "index.js"), 'throw new Error("boom at init");\n');

    await assert.rejects(measureColdStarts({ distDir: broken, runs: 1, warmup: 0, only: ["notify-customer"] }), (e: Error) => {
      assert.match(e.message, /"notify-customer" did not answer its first event \(init failed: Error: boom at init\)/);
      return true;
    });
  });

  it("fails naming the function when its handler rejects the event", async () => {
    const broken = path.join(tmp, "rejecting");
    fs.cpSync(dist, broken, { recursive: true });
    fs.writeFileSync(path.join(broken, "notify-customer", "index.js"), 'exports.handler = async () => { throw new TypeError("no"); };\n');

    await assert.rejects(measureColdStarts({ distDir: broken, runs: 1, warmup: 0, only: ["notify-customer"] }), /"notify-customer" did not answer its first event \(invoke failed: TypeError: no\)/);
  });

  it("refuses a function name that is not in the manifest, listing those that are", async () => {
    await assert.rejects(measureColdStarts({ distDir: dist, runs: 1, only: ["nope"] }), /no function named "nope" in the manifest; it has fulfil-order, notify-customer/);
  });

  it("says to build first when the manifest is missing", async () => {
    await assert.rejects(measureColdStarts({ distDir: path.join(tmp, "empty"), runs: 1 }), /not found\. Run `npm run build` first/);
  });

  it("the CLI writes the JSON report and prints the table with bare Node beside the function", async () => {
    const out = path.join(tmp, "report", "coldstart.json");
    const printed: string[] = [];

    const code = await main(["--dist", dist, "--runs", "1", "--warmup", "0", "--only", "notify-customer", "--out", out], {
      out: (t) => printed.push(t),
      err: (t) => printed.push(t),
    });

    assert.strictEqual(code, 0, printed.join(""));
    const report = JSON.parse(fs.readFileSync(out, "utf8")) as ColdStartReport;
    assert.strictEqual(report.schemaVersion, 1);
    assert.strictEqual(report.runs, 1);
    assert.strictEqual(report.tracing, true);
    assert.deepStrictEqual(report.functions.map((f) => f.name), ["notify-customer"]);
    assert.strictEqual(report.functions[0].withinTarget, report.functions[0].overheadMs < OVERHEAD_TARGET_MS);
    const text = printed.join("");
    assert.match(text, /^function\s+zip KB\s+js KB\s+median ms\s+p90 ms\s+overhead ms/m);
    assert.match(text, /^notify-customer\s+\d+\.\d/m);
    assert.match(text, /^node -e 0\s+\d+\.\d/m);
  });
});

describe("coldstart: pieces", () => {
  const row = (name: string, overheadMs: number): Row => ({
    name,
    zipBytes: 2048,
    jsBytes: 1536,
    event: "events/valid.json",
    runs: 3,
    wall: { medianMs: 30 + overheadMs, p90Ms: 35 + overheadMs },
    bareNode: { medianMs: 30, p90Ms: 33 },
    overheadMs,
    init: { medianMs: 10, p90Ms: 12 },
    firstInvoke: { medianMs: 5, p90Ms: 6 },
    response: null,
  });

  it("takes the median of an odd and an even series and the nearest-rank 90th percentile", () => {
    assert.deepStrictEqual(stats([5, 1, 3]), { medianMs: 3, p90Ms: 5 });
    assert.deepStrictEqual(stats([4, 1, 3, 2]), { medianMs: 2.5, p90Ms: 4 });
    assert.deepStrictEqual(stats([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11]), { medianMs: 6, p90Ms: 10 });
  });

  it("formats one line per function in KB and ms, then bare Node", () => {
    const lines = formatTable([row("alpha", 12.34), row("beta-long-name", -1)]).trimEnd().split("\n");

    assert.strictEqual(lines.length, 5);
    assert.match(lines[0], /^function\s+zip KB\s+js KB\s+median ms\s+p90 ms\s+overhead ms\s+init ms\s+1st event ms$/);
    assert.match(lines[2], /^alpha\s+2\.0\s+1\.5\s+42\.3\s+47\.3\s+\+12\.3\s+10\.0\s+5\.0$/);
    assert.match(lines[3], /^beta-long-name\s.*\s-1\.0\s/);
    assert.match(lines[4], /^node -e 0\s+30\.0\s+33\.0$/);
  });

  it("marks each function within or over the target in the report and names those over it", () => {
    const rows = [row("fast", OVERHEAD_TARGET_MS - 1), row("slow", OVERHEAD_TARGET_MS + 20)];

    const report = coldStartReport(rows, { runs: 3, tracing: true, measuredAt: new Date("2026-01-02T03:04:05Z") });

    assert.deepStrictEqual(report.functions.map((f) => [f.name, f.withinTarget]), [["fast", true], ["slow", false]]);
    assert.strictEqual(report.measuredAt, "2026-01-02T03:04:05.000Z");
    assert.deepStrictEqual(report.bareNode, { medianMs: 30, p90Ms: 33 });
    assert.strictEqual(targetSummary(rows), `over target: slow adds 70.0 ms to a bare Node start (target < ${OVERHEAD_TARGET_MS} ms).\n`);
    assert.match(targetSummary([rows[0]]), /^All 1 function\(s\) start within 50 ms/);
  });

  it("picks the first valid-*.json example by name, and says what to add when there is none", () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "coldstart-events-"));
    try {
      fs.mkdirSync(path.join(dir, "events"));
      fs.writeFileSync(path.join(dir, "events", "invalid-x.json"), "{}");
      assert.throws(() => firstValidEvent({ name: "gamma", dir }), /functions\/gamma\/events\/ has no valid-\*\.json example event/);

      fs.writeFileSync(path.join(dir, "events", "valid-b.json"), "{}");
      fs.writeFileSync(path.join(dir, "events", "valid-a.json"), "{}");
      assert.strictEqual(firstValidEvent({ name: "gamma", dir }), "valid-a.json");
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it("exits 2 with the usage on a bad --runs", async () => {
    const err: string[] = [];
    const code = await main(["--runs", "0"], { out: () => undefined, err: (t) => err.push(t) });
    assert.strictEqual(code, 2);
    assert.match(err.join(""), /--runs must be a positive integer[\s\S]*usage:/);
  });
});
