import * as assert from "assert";
import * as aws from "@pulumi/aws";
import * as path from "path";
import { discoverFunctions } from "../../infra/catalog";
import { dashboardBody, functionWidgetCount, ObservedFunction, observedFunction, ServiceDashboard, ServiceDashboardArgs, validateServiceDashboardArgs, Widget } from "../../infra/observability";
import { ACCOUNT, context, REGION, TYPES, underMocks } from "./harness";

const ctx = context();
const API_ID = "a1b2c3d4e5";
const deploymentAlarms = (fn: string) => ["errors", "throttles", "duration-p99"].map((k) => `serverless-prod-${fn}-${k}`);

/** The reference service, read from the real catalog as the program does. */
function referenceFunctions(): ObservedFunction[] {
  return discoverFunctions(path.resolve(__dirname, "../../functions")).map((f) =>
    observedFunction(ctx, f.name, f.settings.trigger.type, {
      timeoutSeconds: f.settings.timeoutSeconds ?? 10,
      ...(f.name === "orders-api" ? { provisionedConcurrency: 2, reservedConcurrency: 50 } : {}),
      deploymentAlarmNames: deploymentAlarms(f.name),
    }),
  );
}

async function dashboards(args: Partial<ServiceDashboardArgs> = {}) {
  const registered = await underMocks(() => new ServiceDashboard("service", { context: ctx, functions: referenceFunctions(), httpApiId: API_ID, ...args }));
  return registered.ofType(TYPES.dashboard).map((d) => ({ name: d.inputs.dashboardName as string, body: d.inputs.dashboardBody, widgets: () => JSON.parse(d.inputs.dashboardBody).widgets as Widget[] }));
}

const titled = (widgets: Widget[], prefix: string) => widgets.filter((w) => String(w.properties.title ?? "").startsWith(prefix));
const metricsOf = (w: Widget) => w.properties.metrics as unknown[][];
const hasMetric = (w: Widget, namespace: string, metric: string, stat?: string) =>
  metricsOf(w).some((m) => m[0] === namespace && m[1] === metric && (stat === undefined || (m[m.length - 1] as { stat?: string }).stat === stat));
const dimension = (m: unknown[], name: string) => m[m.indexOf(name) + 1];

describe("ServiceDashboard for the reference service", () => {
  it("creates one dashboard named after project and stack", async () => {
    const [only, ...more] = await dashboards();
    assert.equal(more.length, 0);
    assert.equal(only.name, "serverless-prod");
  });

  it("gives every function of the catalog its row: 5 widgets, 7 for the queue consumer", async () => {
    const widgets = (await dashboards())[0].widgets();
    for (const f of referenceFunctions()) {
      const row = titled(widgets, `${f.name}:`);
      assert.equal(row.length, f.trigger === "queue" ? 7 : 5, `${f.name} has ${row.length} widgets`);
      assert.equal(row.length, functionWidgetCount(f.trigger));
      assert.ok(row.every((w) => w.y === row[0].y), `${f.name}'s widgets are not on one row`);
    }
  });

  it("graphs invocations, errors and the error rate as 100*errors/invocations on the live alias", async () => {
    const widgets = (await dashboards())[0].widgets();
    const [w] = titled(widgets, "fulfil-order: invocations");
    const [invocations, errors, rate] = metricsOf(w);
    assert.deepStrictEqual(invocations.slice(0, 6), ["AWS/Lambda", "Invocations", "FunctionName", "serverless-prod-fulfil-order", "Resource", "serverless-prod-fulfil-order:live"]);
    assert.deepStrictEqual(invocations[6], { id: "invocations", stat: "Sum", label: "invocations" });
    assert.deepStrictEqual(errors.slice(0, 2), ["AWS/Lambda", "Errors"]);
    assert.equal((errors[6] as { id: string }).id, "errors");
    assert.deepStrictEqual(rate, [{ id: "errorRate", expression: "100*errors/invocations", label: "error rate (%)", yAxis: "right" }]);
  });

  it("draws each function's timeout, in milliseconds, on its p50/p99 duration graph", async () => {
    const widgets = (await dashboards())[0].widgets();
    for (const f of referenceFunctions()) {
      const [w] = titled(widgets, `${f.name}: duration`);
      assert.ok(hasMetric(w, "AWS/Lambda", "Duration", "p50") && hasMetric(w, "AWS/Lambda", "Duration", "p99"), `${f.name} lacks p50/p99`);
      const lines = (w.properties.annotations as { horizontal: { value: number; label: string }[] }).horizontal;
      assert.deepStrictEqual(lines[0], { label: `timeout (${f.timeoutSeconds} s)`, value: f.timeoutSeconds * 1000, color: "#d62728" });
    }
    assert.deepStrictEqual(
      referenceFunctions().map((f) => f.timeoutSeconds),
      [30, 10, 10, 60],
      "the catalog's timeouts changed: the annotation values above were checked against them",
    );
  });

  it("draws the p99 alarm's threshold too when given the stack's percentage", async () => {
    const widgets = (await dashboards({ durationAlarmPercentOfTimeout: 75 }))[0].widgets();
    const [w] = titled(widgets, "reconcile-orders: duration");
    assert.deepStrictEqual((w.properties.annotations as { horizontal: { value: number }[] }).horizontal.map((l) => l.value), [60000, 45000]);
  });

  it("graphs throttles and concurrency, with provisioned concurrency utilization only where configured", async () => {
    const widgets = (await dashboards())[0].widgets();
    for (const f of referenceFunctions()) {
      assert.ok(hasMetric(titled(widgets, `${f.name}: throttles`)[0], "AWS/Lambda", "Throttles", "Sum"));
      const [concurrency] = titled(widgets, `${f.name}: concurrency`);
      assert.ok(hasMetric(concurrency, "AWS/Lambda", "ConcurrentExecutions", "Maximum"));
      assert.equal(hasMetric(concurrency, "AWS/Lambda", "ProvisionedConcurrencyUtilization"), f.name === "orders-api", f.name);
    }
    const [api] = titled(widgets, "orders-api: concurrency");
    assert.deepStrictEqual(
      (api.properties.annotations as { horizontal: { value: number }[] }).horizontal.map((l) => l.value),
      [50, 2],
      "reserved and provisioned concurrency lines",
    );
  });

  it("marks deployments with invocations by executed version of the live alias", async () => {
    const [w] = titled((await dashboards())[0].widgets(), "orders-api: invocations by version");
    const [[search]] = metricsOf(w) as { expression: string }[][];
    assert.equal(
      search.expression,
      `SEARCH('{AWS/Lambda,ExecutedVersion,FunctionName,Resource} MetricName="Invocations" FunctionName="serverless-prod-orders-api" Resource="serverless-prod-orders-api:live"', 'Sum', 60)`,
    );
  });

  it("graphs the queue consumer's backlog and its dead-letter queue by their derived names", async () => {
    const widgets = (await dashboards())[0].widgets();
    const [backlog] = titled(widgets, "fulfil-order: queue backlog");
    const [dlq] = titled(widgets, "fulfil-order: dead-letter queue");
    assert.deepStrictEqual(
      metricsOf(dlq).map((m) => [m[1], dimension(m, "QueueName")]),
      [
        ["ApproximateNumberOfMessagesVisible", "serverless-prod-fulfil-order-dlq"],
        ["ApproximateAgeOfOldestMessage", "serverless-prod-fulfil-order-dlq"],
      ],
    );
    assert.ok(metricsOf(backlog).every((m) => dimension(m, "QueueName") === "serverless-prod-fulfil-order-queue"));
    assert.ok(hasMetric(backlog, "AWS/SQS", "ApproximateAgeOfOldestMessage", "Maximum"));
  });

  it("graphs the HTTP API's 4xx, 5xx and latency by its id", async () => {
    const widgets = (await dashboards())[0].widgets();
    const [requests] = titled(widgets, "HTTP API: requests");
    const [latency] = titled(widgets, "HTTP API: latency");
    assert.deepStrictEqual(metricsOf(requests).map((m) => [m[1], dimension(m, "ApiId")]), [["Count", API_ID], ["4xx", API_ID], ["5xx", API_ID]]);
    assert.ok(hasMetric(latency, "AWS/ApiGateway", "Latency", "p99"));
  });

  it("leaves the API widgets out when the stack has no HTTP API", async () => {
    const widgets = (await dashboards({ httpApiId: undefined }))[0].widgets();
    assert.deepStrictEqual(titled(widgets, "HTTP API"), []);
  });

  it("graphs EventBridge failed invocations of every function's rule, on the custom bus or the default one", async () => {
    const [w] = titled((await dashboards())[0].widgets(), "EventBridge rules");
    assert.deepStrictEqual(
      metricsOf(w).map((m) => m.slice(1, -1)),
      [
        ["FailedInvocations", "EventBusName", "serverless-prod-events", "RuleName", "serverless-prod-fulfil-order"],
        ["FailedInvocations", "EventBusName", "serverless-prod-events", "RuleName", "serverless-prod-notify-customer"],
        ["FailedInvocations", "RuleName", "serverless-prod-reconcile-orders"],
      ],
    );
  });

  it("shows the status of every alarm CodeDeploy rolls back on, by ARN", async () => {
    const [w] = (await dashboards())[0].widgets().filter((x) => x.type === "alarm");
    const expected = referenceFunctions().flatMap((f) => deploymentAlarms(f.name)).map((n) => `arn:aws:cloudwatch:${REGION}:${ACCOUNT}:alarm:${n}`);
    assert.deepStrictEqual(w.properties.alarms, expected);
    assert.equal(w.properties.sortBy, "stateUpdatedTimestamp");
  });

  it("opens with a header text widget across the full width", async () => {
    const [first] = (await dashboards())[0].widgets();
    assert.deepStrictEqual([first.type, first.x, first.y, first.width], ["text", 0, 0, 24]);
    assert.match(String(first.properties.markdown), /^# serverless · prod/);
  });

  it("lays every widget inside the 24-column grid without overlaps", async () => {
    const widgets = (await dashboards())[0].widgets();
    for (const w of widgets) assert.ok(w.x >= 0 && w.x + w.width <= 24, `${w.properties.title} spans ${w.x}..${w.x + w.width}`);
    for (const a of widgets)
      for (const b of widgets)
        if (a !== b) {
          const overlap = a.x < b.x + b.width && b.x < a.x + a.width && a.y < b.y + b.height && b.y < a.y + a.height;
          assert.ok(!overlap, `${a.properties.title ?? a.type} overlaps ${b.properties.title ?? b.type}`);
        }
  });

  it("leaves the body unknown at the first preview when the API id is, and the name known", async () => {
    const registered = await underMocks(() => {
      const api = new aws.apigatewayv2.Api("api", { protocolType: "HTTP" });
      // apiEndpoint is computed by AWS: unknown during a preview, like the id of a new API.
      new ServiceDashboard("service", { context: ctx, functions: referenceFunctions(), httpApiId: api.apiEndpoint });
    });
    const d = registered.one(TYPES.dashboard);
    assert.equal(d.inputs.dashboardName, "serverless-prod");
    assert.notStrictEqual(typeof d.inputs.dashboardBody, "string");
  });
});

describe("ServiceDashboard for 1000 functions", () => {
  const many = () =>
    Array.from({ length: 1000 }, (_, i) => {
      const trigger = (["http", "queue", "schedule", "event"] as const)[i % 4];
      return observedFunction(ctx, `fn-${String(i).padStart(4, "0")}`, trigger, { timeoutSeconds: 1 + (i % 900), deploymentAlarmNames: deploymentAlarms(`fn-${i}`) });
    });

  it("continues on further dashboards, none above 500 widgets, every function exactly once", async () => {
    const functions = many();
    const registered = await underMocks(() => new ServiceDashboard("service", { context: ctx, functions, httpApiId: API_ID }));
    const pages = registered.ofType(TYPES.dashboard).map((d) => ({ name: d.inputs.dashboardName as string, widgets: JSON.parse(d.inputs.dashboardBody).widgets as Widget[] }));
    assert.ok(pages.length > 1);
    assert.deepStrictEqual(pages.map((p) => p.name), pages.map((_, i) => (i === 0 ? "serverless-prod" : `serverless-prod-${i + 1}`)));
    for (const p of pages) assert.ok(p.widgets.length <= 500, `${p.name} has ${p.widgets.length} widgets`);
    const rows = pages.flatMap((p) => titled(p.widgets, "fn-").filter((w) => String(w.properties.title).endsWith(": throttles")));
    assert.deepStrictEqual(rows.map((w) => String(w.properties.title).split(":")[0]), functions.map((f) => f.name));
    const timeouts = pages.flatMap((p) => titled(p.widgets, "fn-").filter((w) => String(w.properties.title).endsWith(": duration p50 / p99")));
    assert.deepStrictEqual(
      timeouts.map((w) => (w.properties.annotations as { horizontal: { value: number }[] }).horizontal[0].value),
      functions.map((f) => f.timeoutSeconds * 1000),
    );
    for (const p of pages) for (const w of p.widgets.filter((x) => x.type === "alarm")) assert.ok((w.properties.alarms as string[]).length <= 100);
  });
});

describe("dashboardBody", () => {
  it("builds a page from resolved values without Pulumi", () => {
    const body = dashboardBody({
      title: "t",
      region: REGION,
      periodSeconds: 300,
      start: "-P1D",
      page: 0,
      pageNames: ["t"],
      functions: [{ name: "a", functionName: "p-a", aliasName: "live", timeoutSeconds: 3, trigger: "http", deploymentAlarmArns: [] }],
    });
    assert.equal(body.start, "-P1D");
    assert.deepStrictEqual(body.widgets.map((w) => w.type), ["text", "metric", "metric", "metric", "metric", "metric"]);
    assert.ok(body.widgets.filter((w) => w.type === "metric").every((w) => w.properties.period === 300 && w.properties.region === REGION));
  });
});

describe("validateServiceDashboardArgs", () => {
  const fn = observedFunction(ctx, "orders-api", "http", { timeoutSeconds: 10 });
  const cases: [string, Partial<ServiceDashboardArgs>, RegExp][] = [
    ["a function listed twice", { functions: [fn, fn] }, /ServiceDashboard "d": `functions` lists "orders-api" twice/],
    ["a timeout above 900 seconds", { functions: [{ ...fn, timeoutSeconds: 901 }] }, /`functions\[orders-api\]\.timeoutSeconds` must be an integer 1-900; got 901/],
    ["a queue consumer without its queues", { functions: [{ ...fn, trigger: "queue" }] }, /`functions\[orders-api\]\.queue` must be set exactly when the trigger is "queue"/],
    ["a period that is not a multiple of 60", { periodSeconds: 90 }, /`periodSeconds` must be a multiple of 60; got 90/],
    ["a p99 line above the timeout", { durationAlarmPercentOfTimeout: 120 }, /`durationAlarmPercentOfTimeout` must be above 0 and at most 100; got 120/],
    ["more widgets per page than CloudWatch allows", { maxWidgetsPerDashboard: 501 }, /`maxWidgetsPerDashboard` must be an integer 10-500; got 501/],
  ];
  for (const [what, patch, message] of cases)
    it(`rejects ${what}`, () => {
      assert.throws(() => validateServiceDashboardArgs("d", { context: ctx, functions: [fn], ...patch }), message);
    });
});
