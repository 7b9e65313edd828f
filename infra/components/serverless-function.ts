import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { FunctionArtifact } from "../artifacts";
import { FunctionSettings, LAMBDA_RUNTIME, StackResourceName } from "../catalog";
import { functionPolicy, policyJson, serviceTrustPolicy } from "../iam/policy-documents";
import { arns, functionNames, LIVE_ALIAS, StackContext } from "../naming";
import { costAllocationTags } from "../observability/tags";
import { CanaryDeployment } from "./canary-deployment";
import { AlarmThresholds, FunctionAlarms } from "./function-alarms";
import { EventTrigger, HttpRoute, QueueSubscription, ScheduleTrigger, TriggerTarget } from "./triggers";

/** The stack's shared resources a function uses, from `ServiceResources`. */
export interface SharedResources {
  readonly eventBusName: pulumi.Input<string>;
  readonly ordersTableName: pulumi.Input<string>;
  readonly ordersTableIndexes: readonly string[];
  readonly alertTopicArn: pulumi.Input<string>;
  readonly codeDeployApplicationName: pulumi.Input<string>;
  readonly deploymentConfigName: pulumi.Input<string>;
  /** Required when the function has an HTTP trigger. */
  readonly httpApi?: aws.apigatewayv2.Api;
}

export interface ServerlessFunctionArgs {
  readonly context: StackContext;
  /** The function's validated `function.json`. */
  readonly settings: FunctionSettings;
  /** The built zip from the manifest. */
  readonly artifact: FunctionArtifact;
  readonly shared: SharedResources;
  /** @default function.json's `memoryMb`, else 256 */
  readonly memoryMb?: number;
  /** @default function.json's `timeoutSeconds`, else 10 */
  readonly timeoutSeconds?: number;
  /** Warm instances on the `live` alias. @default none */
  readonly provisionedConcurrency?: number;
  /** Concurrency reserved for (and capping) this function. @default none (shares the account pool) */
  readonly reservedConcurrency?: number;
  /** @default 14 */
  readonly logRetentionDays?: number;
  readonly alarms?: AlarmThresholds;
  /**
   * Functions CodeDeploy invokes as lifecycle hooks of this function's deployments (physical
   * names, e.g. the stack's pre-traffic hook): the deployment group's role may invoke them.
   * @default [] (no hooks)
   */
  readonly hookFunctionNames?: pulumi.Input<string>[];
}

export const SERVERLESS_FUNCTION_DEFAULTS = { memoryMb: 256, timeoutSeconds: 10, logRetentionDays: 14, architecture: "arm64" } as const;

export function validateServerlessFunctionArgs(name: string, a: ServerlessFunctionArgs): void {
  const at = `ServerlessFunction "${name}"`;
  const mem = a.memoryMb ?? a.settings.memoryMb ?? SERVERLESS_FUNCTION_DEFAULTS.memoryMb;
  if (!Number.isInteger(mem) || mem < 128 || mem > 10240) throw new Error(`${at}: \`memoryMb\` must be an integer 128-10240; got ${mem}.`);
  const timeout = a.timeoutSeconds ?? a.settings.timeoutSeconds ?? SERVERLESS_FUNCTION_DEFAULTS.timeoutSeconds;
  if (!Number.isInteger(timeout) || timeout < 1 || timeout > 900) throw new Error(`${at}: \`timeoutSeconds\` must be an integer 1-900; got ${timeout}.`);
  const pc = a.provisionedConcurrency;
  if (pc !== undefined && (!Number.isInteger(pc) || pc < 1)) throw new Error(`${at}: \`provisionedConcurrency\` must be a positive integer; got ${pc}.`);
  if (pc !== undefined && a.reservedConcurrency !== undefined && pc > a.reservedConcurrency)
    throw new Error(`${at}: \`provisionedConcurrency\` (${pc}) must not exceed \`reservedConcurrency\` (${a.reservedConcurrency}).`);
  if (a.settings.trigger.type === "http" && !a.shared.httpApi) throw new Error(`${at}: an HTTP trigger needs \`shared.httpApi\`.`);
  const names = functionNames(a.context, name);
  for (const [what, value] of [["function name", names.function], ["deployment role name", names.deployRole]] as const)
    if (value.length > 64) throw new Error(`${at}: the ${what} "${value}" is longer than 64 characters; shorten the function folder's name.`);
}

/**
 * One function as an independently deployable unit: least-privilege role, log group with
 * retention, the function (pinned runtime, published versions, traced), its `live` alias, its
 * trigger (wired to the alias), alarms, and a CodeDeploy deployment group that moves the alias.
 */
export class ServerlessFunction extends pulumi.ComponentResource {
  readonly functionName: pulumi.Output<string>;
  readonly aliasName: pulumi.Output<string>;
  readonly aliasArn: pulumi.Output<string>;
  /** The version this update published; the deploy step shifts `live` to it. */
  readonly version: pulumi.Output<string>;
  readonly roleName: pulumi.Output<string>;
  readonly codeDeployApplication: pulumi.Output<string>;
  readonly deploymentGroup: pulumi.Output<string>;
  readonly sha256: string;
  /** Every alarm of the function (queue alarms included): what the service alarm watches. */
  readonly alarmNames: pulumi.Output<string>[];
  /** The alarms its deployments roll back on. */
  readonly deploymentAlarmNames: pulumi.Output<string>[];

  constructor(name: string, args: ServerlessFunctionArgs, opts?: pulumi.ComponentResourceOptions) {
    validateServerlessFunctionArgs(name, args);
    super("serverless:function:ServerlessFunction", name, {}, opts);
    const ctx = args.context;
    const s = args.settings;
    const names = functionNames(ctx, name);
    const d = SERVERLESS_FUNCTION_DEFAULTS;
    const memoryMb = args.memoryMb ?? s.memoryMb ?? d.memoryMb;
    const timeoutSeconds = args.timeoutSeconds ?? s.timeoutSeconds ?? d.timeoutSeconds;
    const trigger = s.trigger;
    const parent = { parent: this };
    // Per-function cost allocation: what this function costs, in Cost Explorer and the budget.
    const tags = costAllocationTags(ctx.project, ctx.stack, name);

    // Explicit, so retention applies from the first invocation (Lambda would create it without).
    const logGroup = new aws.cloudwatch.LogGroup(`${name}-logs`, { name: names.logGroup, retentionInDays: args.logRetentionDays ?? d.logRetentionDays, tags: { ...tags } }, parent);
    const role = new aws.iam.Role(
      `${name}-role`,
      { name: names.role, description: `Runs ${names.function}`, assumeRolePolicy: policyJson(serviceTrustPolicy("lambda.amazonaws.com", ctx.accountId)) },
      parent,
    );
    const shared = { eventBus: args.shared.eventBusName, ordersTable: args.shared.ordersTableName, ordersTableIndexes: args.shared.ordersTableIndexes };
    const policy = new aws.iam.RolePolicy(
      `${name}-policy`,
      {
        role: role.name,
        policy: policyJson(
          functionPolicy(ctx, { functionName: names.function, logGroupName: logGroup.name, settings: s, queueName: trigger.type === "queue" ? names.queue : undefined, shared }),
        ),
      },
      parent,
    );

    const variables = this.environment(ctx, s, shared);
    const fn = new aws.lambda.Function(
      `${name}-function`,
      {
        name: names.function,
        description: s.description,
        role: arns.role(ctx, role.name),
        runtime: LAMBDA_RUNTIME,
        architectures: [s.architecture ?? d.architecture],
        handler: args.artifact.handler,
        code: new pulumi.asset.FileArchive(args.artifact.zipPath),
        sourceCodeHash: args.artifact.sourceCodeHash,
        memorySize: memoryMb,
        timeout: timeoutSeconds,
        publish: true,
        tracingConfig: { mode: "Active" },
        loggingConfig: { logFormat: "JSON", logGroup: logGroup.name, applicationLogLevel: "INFO", systemLogLevel: "WARN" },
        reservedConcurrentExecutions: args.reservedConcurrency,
        environment: Object.keys(variables).length ? { variables } : undefined,
        tags: { ...tags, "serverless:function": name },
      },
      // The log group must exist first, and the role must carry its policy before any invocation.
      { parent: this, dependsOn: [logGroup, policy] },
    );
    // The AWS provider models runtime management as its own resource: the runtime changes only
    // when the function is updated (a deployment), never behind our back.
    new aws.lambda.RuntimeManagementConfig(`${name}-runtime`, { functionName: fn.name, updateRuntimeOn: "FunctionUpdate" }, parent);

    // CodeDeploy moves the alias between versions; Pulumi creates it and then leaves it alone.
    const alias = new aws.lambda.Alias(
      `${name}-alias`,
      { name: LIVE_ALIAS, functionName: fn.name, functionVersion: fn.version },
      { parent: this, ignoreChanges: ["functionVersion", "routingConfig"] },
    );
    if (args.provisionedConcurrency)
      new aws.lambda.ProvisionedConcurrencyConfig(
        `${name}-provisioned-concurrency`,
        { functionName: fn.name, qualifier: alias.name, provisionedConcurrentExecutions: args.provisionedConcurrency },
        parent,
      );

    const target: TriggerTarget = { functionName: fn.name, aliasName: alias.name, aliasArn: arns.alias(ctx, fn.name, alias.name) };
    let queue: { queueName: pulumi.Output<string>; deadLetterQueueName: pulumi.Output<string> } | undefined;
    switch (trigger.type) {
      case "http":
        new HttpRoute(`${name}-trigger`, { context: ctx, target, api: args.shared.httpApi!, method: trigger.method, path: trigger.path }, parent);
        break;
      case "schedule":
        new ScheduleTrigger(`${name}-trigger`, { context: ctx, target, ruleName: names.rule, expression: trigger.expression }, parent);
        break;
      case "event":
        new EventTrigger(`${name}-trigger`, { context: ctx, target, busName: args.shared.eventBusName, ruleName: names.rule, pattern: trigger.pattern }, parent);
        break;
      case "queue":
        queue = new QueueSubscription(
          `${name}-trigger`,
          {
            context: ctx,
            target,
            busName: args.shared.eventBusName,
            queueName: names.queue,
            deadLetterQueueName: names.deadLetterQueue,
            ruleName: names.rule,
            pattern: trigger.subscribe,
            functionTimeoutSeconds: timeoutSeconds,
            batchSize: trigger.batchSize,
            maxReceiveCount: trigger.maxReceiveCount,
            consumerPolicy: policy,
            tags: { ...tags },
          },
          parent,
        );
        break;
    }

    const alarms = new FunctionAlarms(
      `${name}-alarms`,
      { functionName: fn.name, alarmNamePrefix: names.function, timeoutSeconds, thresholds: args.alarms, alertTopicArn: args.shared.alertTopicArn, queue, tags: { ...tags } },
      parent,
    );
    const deployment = new CanaryDeployment(
      `${name}-deployment`,
      {
        context: ctx,
        functionName: fn.name,
        roleName: names.deployRole,
        applicationName: args.shared.codeDeployApplicationName,
        deploymentConfigName: args.shared.deploymentConfigName,
        alarmNames: alarms.deploymentAlarmNames,
        alertTopicArn: args.shared.alertTopicArn,
        hookFunctionNames: args.hookFunctionNames,
      },
      { parent: this, dependsOn: [alias] },
    );

    this.functionName = fn.name;
    this.aliasName = alias.name;
    this.aliasArn = pulumi.output(target.aliasArn);
    this.version = fn.version;
    this.roleName = role.name;
    this.codeDeployApplication = deployment.applicationName;
    this.deploymentGroup = deployment.deploymentGroupName;
    this.sha256 = args.artifact.sha256;
    this.alarmNames = alarms.alarmNames;
    this.deploymentAlarmNames = alarms.deploymentAlarmNames;
    this.registerOutputs({
      functionName: this.functionName,
      aliasName: this.aliasName,
      aliasArn: this.aliasArn,
      version: this.version,
      roleName: this.roleName,
      codeDeployApplication: this.codeDeployApplication,
      deploymentGroup: this.deploymentGroup,
      sha256: this.sha256,
      alarmNames: this.alarmNames,
      deploymentAlarmNames: this.deploymentAlarmNames,
    });
  }

  /** function.json's environment with `{ ref, attribute }` resolved to known names and ARNs. */
  private environment(
    ctx: StackContext,
    s: FunctionSettings,
    shared: { eventBus: pulumi.Input<string>; ordersTable: pulumi.Input<string> },
  ): Record<string, pulumi.Input<string>> {
    const resolve = (ref: StackResourceName, attribute: "name" | "arn"): pulumi.Input<string> => {
      const resourceName = shared[ref];
      if (attribute === "name") return resourceName;
      return ref === "eventBus" ? arns.eventBus(ctx, resourceName) : arns.table(ctx, resourceName);
    };
    return Object.fromEntries(Object.entries(s.environment).map(([k, v]) => [k, typeof v === "string" ? v : resolve(v.ref, v.attribute)]));
  }
}
