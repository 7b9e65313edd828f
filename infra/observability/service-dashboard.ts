import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { LIVE_ALIAS, StackContext } from "../naming";
import { DASHBOARD_LIMITS, dashboardBody, planDashboardPages, ResolvedFunction, ServiceSection } from "./dashboard-widgets";
import { ObservedFunction } from "./observed-function";

export interface ServiceDashboardArgs {
  readonly context: StackContext;
  /** Every function of the stack, in catalog order: each gets a row of widgets. */
  readonly functions: readonly ObservedFunction[];
  /**
   * The HTTP API's id, for the API widgets. Unknown until the API exists: a dashboard grants
   * nothing, so an Output is fine here (the body is then unknown at the first preview).
   * @default none (no API widgets)
   */
  readonly httpApiId?: pulumi.Input<string>;
  /** Alarms that summarise the service (the composite alarm), shown on the first page. @default [] */
  readonly serviceAlarmNames?: readonly pulumi.Input<string>[];
  /** Period of every graph, in seconds. @default 60 (the alarms' period) */
  readonly periodSeconds?: number;
  /** Time range shown when the dashboard opens. @default "-PT3H" */
  readonly start?: string;
  /** Draws the p99 duration alarm's threshold. @default none (only the timeout line) */
  readonly durationAlarmPercentOfTimeout?: number;
  /** Widgets per dashboard before the next page starts. @default 500 (CloudWatch's limit) */
  readonly maxWidgetsPerDashboard?: number;
}

export const SERVICE_DASHBOARD_DEFAULTS = {
  serviceAlarmNames: [] as readonly pulumi.Input<string>[],
  periodSeconds: 60,
  start: "-PT3H",
  maxWidgetsPerDashboard: DASHBOARD_LIMITS.maxWidgets,
} as const;

const DASHBOARD_NAME = /^[A-Za-z0-9_-]{1,255}$/;

export function validateServiceDashboardArgs(name: string, a: ServiceDashboardArgs): void {
  const at = `ServiceDashboard "${name}"`;
  const seen = new Set<string>();
  for (const f of a.functions) {
    if (seen.has(f.name)) throw new Error(`${at}: \`functions\` lists "${f.name}" twice; each function has one row.`);
    seen.add(f.name);
    if (!Number.isInteger(f.timeoutSeconds) || f.timeoutSeconds < 1 || f.timeoutSeconds > 900)
      throw new Error(`${at}: \`functions[${f.name}].timeoutSeconds\` must be an integer 1-900; got ${f.timeoutSeconds}.`);
    if ((f.trigger === "queue") !== (f.queue !== undefined))
      throw new Error(`${at}: \`functions[${f.name}].queue\` must be set exactly when the trigger is "queue"; the trigger is "${f.trigger}".`);
  }
  const period = a.periodSeconds ?? SERVICE_DASHBOARD_DEFAULTS.periodSeconds;
  if (!Number.isInteger(period) || period < 60 || period % 60 !== 0) throw new Error(`${at}: \`periodSeconds\` must be a multiple of 60; got ${period}.`);
  const pct = a.durationAlarmPercentOfTimeout;
  if (pct !== undefined && (pct <= 0 || pct > 100)) throw new Error(`${at}: \`durationAlarmPercentOfTimeout\` must be above 0 and at most 100; got ${pct}.`);
  const max = a.maxWidgetsPerDashboard ?? SERVICE_DASHBOARD_DEFAULTS.maxWidgetsPerDashboard;
  if (!Number.isInteger(max) || max < 10 || max > DASHBOARD_LIMITS.maxWidgets)
    throw new Error(`${at}: \`maxWidgetsPerDashboard\` must be an integer 10-${DASHBOARD_LIMITS.maxWidgets}; got ${max}.`);
  const first = dashboardNames(a.context, 1)[0];
  if (!DASHBOARD_NAME.test(first)) throw new Error(`${at}: the dashboard name "${first}" must be 1-255 letters, digits, "-" or "_".`);
}

/** `${project}-${stack}`, then `-2`, `-3`... for further pages: derived, so two stacks never clash. */
export function dashboardNames(ctx: Pick<StackContext, "project" | "stack">, pages: number): string[] {
  return Array.from({ length: pages }, (_, i) => `${ctx.project}-${ctx.stack}${i === 0 ? "" : `-${i + 1}`}`);
}

/**
 * The stack's CloudWatch dashboard, generated from the function catalog: a header, the service's
 * HTTP API and EventBridge rules, then a row per function (invocations, errors and error rate,
 * p50/p99 duration against the timeout, throttles, concurrency, invocations by version as the
 * deployment marker, queue backlog and dead-letter queue for queue consumers) and the status of
 * the alarms CodeDeploy watches. More than 500 widgets continue on a second dashboard, and so on.
 */
export class ServiceDashboard extends pulumi.ComponentResource {
  /** The first (or only) page. */
  readonly dashboardName: pulumi.Output<string>;
  readonly dashboardNames: pulumi.Output<string>[];

  constructor(name: string, args: ServiceDashboardArgs, opts?: pulumi.ComponentResourceOptions) {
    validateServiceDashboardArgs(name, args);
    super("serverless:observability:ServiceDashboard", name, {}, opts);
    const d = SERVICE_DASHBOARD_DEFAULTS;
    const ctx = args.context;
    const serviceAlarmNames = args.serviceAlarmNames ?? d.serviceAlarmNames;
    const rules = args.functions.filter((f) => f.rule).map((f) => ({ name: f.name, ...f.rule! }));

    // Decided from counts alone: how many dashboards exist cannot wait for values to resolve.
    const pages = planDashboardPages(
      {
        functions: args.functions.map((f) => ({ trigger: f.trigger, deploymentAlarms: f.deploymentAlarmNames?.length ?? 0 })),
        service: { httpApi: args.httpApiId !== undefined, rules: rules.length, serviceAlarms: serviceAlarmNames.length },
      },
      args.maxWidgetsPerDashboard ?? d.maxWidgetsPerDashboard,
    );
    const names = dashboardNames(ctx, pages.length);
    const alarmArn = (account: string, alarm: string) => `arn:${ctx.partition}:cloudwatch:${ctx.region}:${account}:alarm:${alarm}`;

    const dashboards = pages.map((indexes, page) => {
      // Every name goes into one flat list resolved by a single `pulumi.all`: wrapping each value
      // in its own Output costs the SDK a promise and a stack trace apiece, seconds for 1000 functions.
      const slots = new Slots();
      const account = slots.add(ctx.accountId);
      const functions = indexes.map((i) => {
        const f = args.functions[i];
        return {
          f,
          functionName: slots.add(f.functionName),
          queue: f.queue && { queueName: slots.add(f.queue.queueName), deadLetterQueueName: slots.add(f.queue.deadLetterQueueName) },
          alarms: (f.deploymentAlarmNames ?? []).map((n) => slots.add(n)),
        };
      });
      const service =
        page === 0
          ? {
              httpApiId: args.httpApiId === undefined ? undefined : slots.add(args.httpApiId),
              rules: rules.map((r) => ({ name: r.name, ruleName: slots.add(r.ruleName), eventBusName: r.eventBusName === undefined ? undefined : slots.add(r.eventBusName) })),
              alarms: serviceAlarmNames.map((n) => slots.add(n)),
            }
          : undefined;
      const body = slots.resolve((get) => {
        const optional = (i: number | undefined) => (i === undefined ? undefined : get(i));
        const resolvedFunctions: ResolvedFunction[] = functions.map(({ f, ...s }) => ({
          name: f.name,
          functionName: get(s.functionName),
          aliasName: f.aliasName ?? LIVE_ALIAS,
          timeoutSeconds: f.timeoutSeconds,
          trigger: f.trigger,
          queue: s.queue && { queueName: get(s.queue.queueName), deadLetterQueueName: get(s.queue.deadLetterQueueName) },
          provisionedConcurrency: f.provisionedConcurrency,
          reservedConcurrency: f.reservedConcurrency,
          deploymentAlarmArns: s.alarms.map((i) => alarmArn(get(account), get(i))),
        }));
        const resolvedService: ServiceSection | undefined = service && {
          httpApiId: optional(service.httpApiId),
          rules: service.rules.map((r) => ({ name: r.name, ruleName: get(r.ruleName), eventBusName: optional(r.eventBusName) })),
          serviceAlarmArns: service.alarms.map((i) => alarmArn(get(account), get(i))),
        };
        return dashboardBody({
          title: `${ctx.project} · ${ctx.stack}`,
          region: ctx.region,
          periodSeconds: args.periodSeconds ?? d.periodSeconds,
          start: args.start ?? d.start,
          page,
          pageNames: names,
          functions: resolvedFunctions,
          service: resolvedService,
          durationAlarmPercentOfTimeout: args.durationAlarmPercentOfTimeout,
        });
      });
      return new aws.cloudwatch.Dashboard(
        `${name}-${page === 0 ? "dashboard" : `dashboard-${page + 1}`}`,
        { dashboardName: names[page], dashboardBody: pulumi.jsonStringify(body) },
        { parent: this },
      );
    });

    this.dashboardNames = dashboards.map((db) => db.dashboardName);
    this.dashboardName = this.dashboardNames[0];
    this.registerOutputs({ dashboardName: this.dashboardName, dashboardNames: this.dashboardNames });
  }
}

/** Strings to resolve together: plain ones are kept as they are, only real Outputs are awaited. */
class Slots {
  private readonly values: pulumi.Input<string>[] = [];

  add(value: pulumi.Input<string>): number {
    this.values.push(value);
    return this.values.length - 1;
  }

  resolve<T>(build: (get: (slot: number) => string) => T): pulumi.Output<T> {
    const pending = this.values.flatMap((v, i) => (typeof v === "string" ? [] : [i]));
    return pulumi.all(pending.map((i) => this.values[i])).apply((resolved) => {
      const values = [...this.values] as string[];
      pending.forEach((slot, k) => (values[slot] = resolved[k]));
      return build((slot) => values[slot]);
    });
  }
}
