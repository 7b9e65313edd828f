import { TriggerType } from "../catalog";

/**
 * The dashboard body as plain data: widgets per function, service widgets and their layout, built
 * from resolved names. Kept apart from the component so the exact JSON can be tested without
 * Pulumi, and so pagination (how many dashboards) is decided from counts known before any value
 * resolves.
 */

/** CloudWatch's dashboard limits (PutDashboard; alarm-status widgets take 1-100 alarm ARNs). */
export const DASHBOARD_LIMITS = {
  maxWidgets: 500,
  /** Dashboards accept 500 per graph; 100 keeps graphs readable and renderable as images too. */
  maxMetricsPerWidget: 100,
  maxAlarmsPerWidget: 100,
  gridWidth: 24,
} as const;

const HEIGHT = { header: 3, graph: 6, alarms: 4 } as const;
const COLORS = { timeout: "#d62728", alarm: "#ff7f0e", limit: "#7f7f7f" } as const;

export interface ResolvedFunction {
  readonly name: string;
  readonly functionName: string;
  readonly aliasName: string;
  readonly timeoutSeconds: number;
  readonly trigger: TriggerType;
  readonly queue?: { readonly queueName: string; readonly deadLetterQueueName: string };
  readonly rule?: { readonly ruleName: string; readonly eventBusName?: string };
  readonly provisionedConcurrency?: number;
  readonly reservedConcurrency?: number;
  readonly deploymentAlarmArns: readonly string[];
}

export interface ServiceSection {
  /** The HTTP API's id; no API widgets without it. */
  readonly httpApiId?: string;
  /** Every function's rule, for the EventBridge widget. */
  readonly rules: readonly { readonly name: string; readonly ruleName: string; readonly eventBusName?: string }[];
  readonly serviceAlarmArns: readonly string[];
}

export interface DashboardPageInput {
  readonly title: string;
  readonly region: string;
  readonly periodSeconds: number;
  readonly start: string;
  /** 0-based; page 0 carries the service section. */
  readonly page: number;
  readonly pageNames: readonly string[];
  readonly functions: readonly ResolvedFunction[];
  readonly service?: ServiceSection;
  /** Draws the p99 alarm's threshold on the duration graph. @default none */
  readonly durationAlarmPercentOfTimeout?: number;
}

export interface Widget {
  readonly type: "metric" | "text" | "alarm";
  readonly x: number;
  readonly y: number;
  readonly width: number;
  readonly height: number;
  readonly properties: Record<string, unknown>;
}

export interface DashboardBody {
  readonly start: string;
  readonly periodOverride: "inherit";
  readonly widgets: Widget[];
}

type Unplaced = Omit<Widget, "x" | "y" | "width"> & { readonly width?: number };

/** Widgets in one function's row: 5, plus queue backlog and dead-letter queue for queue consumers. */
export function functionWidgetCount(trigger: TriggerType): number {
  return trigger === "queue" ? 7 : 5;
}

export interface PageCounts {
  readonly functions: readonly { readonly trigger: TriggerType; readonly deploymentAlarms: number }[];
  readonly service: { readonly httpApi: boolean; readonly rules: number; readonly serviceAlarms: number };
}

/** Widgets of the service section: API graphs, EventBridge graphs, the service alarms. */
export function serviceWidgetCount(s: PageCounts["service"]): number {
  return (s.httpApi ? 2 : 0) + Math.ceil(s.rules / DASHBOARD_LIMITS.maxMetricsPerWidget) + Math.ceil(s.serviceAlarms / DASHBOARD_LIMITS.maxAlarmsPerWidget);
}

/**
 * Splits the functions into dashboards of at most `maxWidgets` widgets each, in catalog order:
 * every page has a header and alarm-status widgets for its functions' deployment alarms; the first
 * page also has the service section. Returns the function indexes of each page.
 */
export function planDashboardPages(counts: PageCounts, maxWidgets: number = DASHBOARD_LIMITS.maxWidgets): number[][] {
  const pages: number[][] = [[]];
  let fixed = 1 + serviceWidgetCount(counts.service);
  let widgets = 0;
  let alarms = 0;
  const total = (w: number, a: number) => fixed + w + Math.ceil(a / DASHBOARD_LIMITS.maxAlarmsPerWidget);
  counts.functions.forEach((f, i) => {
    const w = functionWidgetCount(f.trigger);
    if (pages[pages.length - 1].length && total(widgets + w, alarms + f.deploymentAlarms) > maxWidgets) {
      pages.push([]);
      fixed = 1;
      widgets = 0;
      alarms = 0;
    }
    if (total(w, f.deploymentAlarms) > maxWidgets)
      throw new Error(`ServiceDashboard: function #${i} needs ${total(w, f.deploymentAlarms)} widgets on a page, more than the ${maxWidgets} allowed.`);
    pages[pages.length - 1].push(i);
    widgets += w;
    alarms += f.deploymentAlarms;
  });
  return pages;
}

/** One dashboard page's body: header, service section (page 0), a row per function, alarm status. */
export function dashboardBody(p: DashboardPageInput): DashboardBody {
  const rows: Unplaced[][] = [[headerWidget(p)]];
  if (p.service) rows.push(serviceWidgets(p, p.service));
  for (const f of p.functions) rows.push(functionWidgets(p, f));
  const deploymentAlarms = p.functions.flatMap((f) => f.deploymentAlarmArns);
  const alarmWidgets = chunk(deploymentAlarms, DASHBOARD_LIMITS.maxAlarmsPerWidget).map(
    (alarms, i, all): Unplaced => ({
      type: "alarm",
      height: HEIGHT.alarms,
      width: DASHBOARD_LIMITS.gridWidth,
      properties: {
        title: `Deployment alarms: CodeDeploy rolls back when one fires${all.length > 1 ? ` (${i + 1}/${all.length})` : ""}`,
        alarms,
        sortBy: "stateUpdatedTimestamp",
      },
    }),
  );
  if (alarmWidgets.length) rows.push(alarmWidgets);
  return { start: p.start, periodOverride: "inherit", widgets: place(rows) };
}

function headerWidget(p: DashboardPageInput): Unplaced {
  const pages = p.pageNames.length > 1 ? `Page ${p.page + 1} of ${p.pageNames.length} (dashboards ${p.pageNames.join(", ")}). ` : "";
  const markdown = [
    `# ${p.title}`,
    `${pages}Generated by Pulumi from the function catalog (infra/observability): changes made in the console are overwritten by the next \`pulumi up\`.`,
    "Lambda graphs show the `live` alias, the traffic CodeDeploy shifts. **Deployment markers**: the *invocations by version* graphs show each canary as the new version's line rising while the previous one falls; the alarm-status widget lists the alarms CodeDeploy rolls back on.",
  ].join("\n\n");
  return { type: "text", height: HEIGHT.header, width: DASHBOARD_LIMITS.gridWidth, properties: { markdown } };
}

function serviceWidgets(p: DashboardPageInput, s: ServiceSection): Unplaced[] {
  const out: Unplaced[] = [];
  const graph = (title: string, metrics: unknown[][], extra: Record<string, unknown> = {}): Unplaced => ({
    type: "metric",
    height: HEIGHT.graph,
    width: 12,
    properties: { title, region: p.region, view: "timeSeries", stacked: false, period: p.periodSeconds, metrics, ...extra },
  });
  if (s.httpApiId) {
    const api = ["ApiId", s.httpApiId];
    out.push(
      graph("HTTP API: requests, 4xx and 5xx", [
        ["AWS/ApiGateway", "Count", ...api, { stat: "Sum", label: "requests" }],
        ["AWS/ApiGateway", "4xx", ...api, { stat: "Sum", label: "4xx" }],
        ["AWS/ApiGateway", "5xx", ...api, { stat: "Sum", label: "5xx" }],
      ]),
      graph(
        "HTTP API: latency",
        [
          ["AWS/ApiGateway", "Latency", ...api, { stat: "p50", label: "latency p50" }],
          ["AWS/ApiGateway", "Latency", ...api, { stat: "p99", label: "latency p99" }],
          ["AWS/ApiGateway", "IntegrationLatency", ...api, { stat: "p99", label: "integration latency p99" }],
        ],
        { yAxis: { left: { min: 0, label: "ms", showUnits: false } } },
      ),
    );
  }
  const ruleChunks = chunk(s.rules, DASHBOARD_LIMITS.maxMetricsPerWidget);
  ruleChunks.forEach((rules, i) =>
    out.push(
      graph(
        `EventBridge rules: failed invocations${ruleChunks.length > 1 ? ` (${i + 1}/${ruleChunks.length})` : ""}`,
        rules.map((r) => ["AWS/Events", "FailedInvocations", ...(r.eventBusName ? ["EventBusName", r.eventBusName] : []), "RuleName", r.ruleName, { stat: "Sum", label: r.name }]),
      ),
    ),
  );
  chunk(s.serviceAlarmArns, DASHBOARD_LIMITS.maxAlarmsPerWidget).forEach((alarms) =>
    out.push({ type: "alarm", height: HEIGHT.alarms, width: DASHBOARD_LIMITS.gridWidth, properties: { title: "Service alarm", alarms, sortBy: "stateUpdatedTimestamp" } }),
  );
  return out;
}

/** The row of one function. Lambda metrics are the alias's (FunctionName + Resource), as the alarms'. */
export function functionWidgets(p: Pick<DashboardPageInput, "region" | "periodSeconds" | "durationAlarmPercentOfTimeout">, f: ResolvedFunction): Unplaced[] {
  const alias = ["FunctionName", f.functionName, "Resource", `${f.functionName}:${f.aliasName}`];
  const graph = (title: string, metrics: unknown[][], extra: Record<string, unknown> = {}): Unplaced => ({
    type: "metric",
    height: HEIGHT.graph,
    properties: { title: `${f.name}: ${title}`, region: p.region, view: "timeSeries", stacked: false, period: p.periodSeconds, metrics, ...extra },
  });
  const timeoutMs = f.timeoutSeconds * 1000;
  const durationLines: { label: string; value: number; color: string }[] = [{ label: `timeout (${f.timeoutSeconds} s)`, value: timeoutMs, color: COLORS.timeout }];
  if (p.durationAlarmPercentOfTimeout !== undefined)
    durationLines.push({
      label: `p99 alarm (${p.durationAlarmPercentOfTimeout}% of timeout)`,
      value: Math.round((timeoutMs * p.durationAlarmPercentOfTimeout) / 100),
      color: COLORS.alarm,
    });
  const concurrencyLines: { label: string; value: number; color: string }[] = [];
  if (f.reservedConcurrency !== undefined) concurrencyLines.push({ label: `reserved concurrency (${f.reservedConcurrency})`, value: f.reservedConcurrency, color: COLORS.limit });
  if (f.provisionedConcurrency !== undefined)
    concurrencyLines.push({ label: `provisioned concurrency (${f.provisionedConcurrency})`, value: f.provisionedConcurrency, color: COLORS.alarm });

  const widgets: Unplaced[] = [
    graph(
      "invocations, errors, error rate",
      [
        ["AWS/Lambda", "Invocations", ...alias, { id: "invocations", stat: "Sum", label: "invocations" }],
        ["AWS/Lambda", "Errors", ...alias, { id: "errors", stat: "Sum", label: "errors" }],
        [{ id: "errorRate", expression: "100*errors/invocations", label: "error rate (%)", yAxis: "right" }],
      ],
      { yAxis: { left: { min: 0 }, right: { min: 0, label: "%", showUnits: false } } },
    ),
    graph(
      "duration p50 / p99",
      [
        ["AWS/Lambda", "Duration", ...alias, { stat: "p50", label: "p50" }],
        ["AWS/Lambda", "Duration", ...alias, { stat: "p99", label: "p99" }],
      ],
      { annotations: { horizontal: durationLines }, yAxis: { left: { min: 0, label: "ms", showUnits: false } } },
    ),
    graph("throttles", [["AWS/Lambda", "Throttles", ...alias, { stat: "Sum", label: "throttles" }]], { yAxis: { left: { min: 0 } } }),
    graph(
      "concurrency",
      [
        // Concurrency and its limits are the function's, across versions.
        ["AWS/Lambda", "ConcurrentExecutions", "FunctionName", f.functionName, { stat: "Maximum", label: "concurrent executions" }],
        ...(f.provisionedConcurrency !== undefined
          ? [
              ["AWS/Lambda", "ProvisionedConcurrencyUtilization", ...alias, { id: "provisioned", stat: "Maximum", visible: false }],
              [{ id: "provisionedPercent", expression: "100*provisioned", label: "provisioned concurrency utilization (%)", yAxis: "right" }],
            ]
          : []),
      ],
      {
        ...(concurrencyLines.length ? { annotations: { horizontal: concurrencyLines } } : {}),
        yAxis: { left: { min: 0 }, ...(f.provisionedConcurrency !== undefined ? { right: { min: 0, max: 100, label: "%", showUnits: false } } : {}) },
      },
    ),
    graph(
      "invocations by version (deployments)",
      [
        [
          {
            id: "byVersion",
            // One line per version: a canary shows as the new version rising while the old one falls.
            expression: `SEARCH('{AWS/Lambda,ExecutedVersion,FunctionName,Resource} MetricName="Invocations" FunctionName="${f.functionName}" Resource="${f.functionName}:${f.aliasName}"', 'Sum', ${p.periodSeconds})`,
            label: "version",
          },
        ],
      ],
      { yAxis: { left: { min: 0 } } },
    ),
  ];
  if (f.queue) {
    const queueGraph = (title: string, queueName: string, depthLabel: string) =>
      graph(
        title,
        [
          ["AWS/SQS", "ApproximateNumberOfMessagesVisible", "QueueName", queueName, { stat: "Maximum", label: depthLabel }],
          ["AWS/SQS", "ApproximateAgeOfOldestMessage", "QueueName", queueName, { stat: "Maximum", label: "oldest message age (s)", yAxis: "right" }],
        ],
        { yAxis: { left: { min: 0 }, right: { min: 0, label: "s", showUnits: false } } },
      );
    widgets.push(queueGraph("queue backlog", f.queue.queueName, "visible messages"), queueGraph("dead-letter queue", f.queue.deadLetterQueueName, "messages in the DLQ"));
  }
  return widgets;
}

/** Rows left to right, top to bottom; widgets without a width share their row's 24 columns. */
function place(rows: Unplaced[][]): Widget[] {
  const grid = DASHBOARD_LIMITS.gridWidth;
  const out: Widget[] = [];
  let y = 0;
  for (const row of rows) {
    const free = row.filter((w) => w.width === undefined).length;
    const fixed = row.reduce((sum, w) => sum + (w.width ?? 0), 0);
    const share = Math.floor(Math.max(grid - fixed, 0) / Math.max(free, 1));
    let extra = Math.max(grid - fixed, 0) - share * free;
    let x = 0;
    let rowHeight = 0;
    for (const w of row) {
      const width = w.width ?? share + (extra-- > 0 ? 1 : 0);
      if (x + width > grid) {
        y += rowHeight;
        x = 0;
        rowHeight = 0;
      }
      out.push({ type: w.type, x, y, width, height: w.height, properties: w.properties });
      x += width;
      rowHeight = Math.max(rowHeight, w.height);
    }
    y += rowHeight;
  }
  return out;
}

function chunk<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}
