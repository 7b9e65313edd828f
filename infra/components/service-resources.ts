import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { TrafficShifting } from "../config";
import { arns, physicalName, sharedNames, StackContext } from "../naming";

export interface ServiceResourcesArgs {
  readonly context: StackContext;
  /** Email addresses subscribed to the alert topic. @default [] (alarms still publish to the topic) */
  readonly alertEmails?: readonly string[];
  /** Retention of the HTTP API's access logs. @default 14 */
  readonly logRetentionDays?: number;
  readonly trafficShifting: TrafficShifting;
  /** Whether any function has an HTTP trigger; no API is created otherwise. @default false */
  readonly httpApi?: boolean;
}

export const SERVICE_RESOURCES_DEFAULTS = { alertEmails: [] as readonly string[], logRetentionDays: 14, httpApi: false } as const;

export function validateServiceResourcesArgs(name: string, a: ServiceResourcesArgs): void {
  const t = a.trafficShifting;
  if (t.kind === "custom" && (!Number.isInteger(t.percent) || t.percent < 1 || t.percent > 99))
    throw new Error(`ServiceResources "${name}": \`trafficShifting.percent\` must be 1-99; got ${t.percent}.`);
  for (const email of a.alertEmails ?? [])
    if (!/^[^@\s]+@[^@\s]+$/.test(email)) throw new Error(`ServiceResources "${name}": \`alertEmails\` must hold email addresses; got "${email}".`);
}

/**
 * What every function of the stack shares: the custom event bus, the orders table, the alert
 * topic, the CodeDeploy application (and a custom deployment config if the stack asks for one),
 * and the HTTP API. Names are derived from project and stack, so their ARNs are known at preview.
 */
export class ServiceResources extends pulumi.ComponentResource {
  readonly eventBusName: pulumi.Output<string>;
  readonly ordersTableName: pulumi.Output<string>;
  readonly ordersTableIndexes: readonly string[];
  readonly alertTopicArn: pulumi.Output<string>;
  readonly codeDeployApplicationName: pulumi.Output<string>;
  readonly deploymentConfigName: pulumi.Output<string>;
  readonly httpApi?: aws.apigatewayv2.Api;
  readonly apiUrl?: pulumi.Output<string>;

  constructor(name: string, args: ServiceResourcesArgs, opts?: pulumi.ComponentResourceOptions) {
    validateServiceResourcesArgs(name, args);
    super("serverless:service:ServiceResources", name, {}, opts);
    const ctx = args.context;
    const names = sharedNames(ctx);
    const parent = { parent: this };

    const bus = new aws.cloudwatch.EventBus(`${name}-bus`, { name: names.eventBus }, parent);
    this.eventBusName = bus.name;

    const table = new aws.dynamodb.Table(
      `${name}-orders-table`,
      {
        name: names.ordersTable,
        billingMode: "PAY_PER_REQUEST",
        hashKey: "orderId",
        attributes: [
          { name: "orderId", type: "S" },
          { name: "status", type: "S" },
          { name: "placedAt", type: "S" },
        ],
        globalSecondaryIndexes: [
          {
            name: "byStatus",
            keySchemas: [
              { attributeName: "status", keyType: "HASH" },
              { attributeName: "placedAt", keyType: "RANGE" },
            ],
            projectionType: "ALL",
          },
        ],
        pointInTimeRecovery: { enabled: true },
        serverSideEncryption: { enabled: true },
      },
      parent,
    );
    this.ordersTableName = table.name;
    this.ordersTableIndexes = names.ordersTableIndexes;

    // Not KMS-encrypted: CloudWatch alarms cannot publish to a topic under the AWS-managed SNS key.
    const topic = new aws.sns.Topic(`${name}-alerts`, { name: names.alertTopic }, parent);
    this.alertTopicArn = arns.topic(ctx, topic.name);
    for (const email of args.alertEmails ?? SERVICE_RESOURCES_DEFAULTS.alertEmails) {
      // Keyed by the address, not its position, so removing one does not replace the others.
      const key = email.toLowerCase().replace(/[^a-z0-9]+/g, "-");
      new aws.sns.TopicSubscription(`${name}-alerts-${key}`, { topic: this.alertTopicArn, protocol: "email", endpoint: email }, parent);
    }

    const app = new aws.codedeploy.Application(`${name}-codedeploy`, { name: names.codeDeployApplication, computePlatform: "Lambda" }, parent);
    this.codeDeployApplicationName = app.name;
    this.deploymentConfigName = this.deploymentConfig(name, ctx, args.trafficShifting);

    if (args.httpApi ?? SERVICE_RESOURCES_DEFAULTS.httpApi) {
      const api = new aws.apigatewayv2.Api(`${name}-http-api`, { name: names.httpApi, protocolType: "HTTP" }, parent);
      const accessLogs = new aws.cloudwatch.LogGroup(
        `${name}-http-access-logs`,
        { name: names.httpAccessLogGroup, retentionInDays: args.logRetentionDays ?? SERVICE_RESOURCES_DEFAULTS.logRetentionDays },
        parent,
      );
      const stage = new aws.apigatewayv2.Stage(
        `${name}-http-stage`,
        {
          apiId: api.id,
          name: "$default",
          autoDeploy: true,
          accessLogSettings: {
            destinationArn: arns.logGroup(ctx, accessLogs.name),
            // One JSON line per request, with the ids that join it to the function's logs.
            format: JSON.stringify({
              requestId: "$context.requestId",
              ip: "$context.identity.sourceIp",
              requestTime: "$context.requestTime",
              routeKey: "$context.routeKey",
              status: "$context.status",
              responseLength: "$context.responseLength",
              integrationError: "$context.integrationErrorMessage",
              latencyMs: "$context.responseLatency",
            }),
          },
        },
        parent,
      );
      this.httpApi = api;
      this.apiUrl = stage.invokeUrl;
    }

    this.registerOutputs({
      eventBusName: this.eventBusName,
      ordersTableName: this.ordersTableName,
      alertTopicArn: this.alertTopicArn,
      codeDeployApplicationName: this.codeDeployApplicationName,
      deploymentConfigName: this.deploymentConfigName,
      apiUrl: this.apiUrl,
    });
  }

  /** A predefined config is used by name; a custom one is declared once for the whole stack. */
  private deploymentConfig(name: string, ctx: StackContext, t: TrafficShifting): pulumi.Output<string> {
    if (t.kind === "predefined") return pulumi.output(t.name);
    const config = new aws.codedeploy.DeploymentConfig(
      `${name}-traffic-shifting`,
      {
        deploymentConfigName: physicalName(ctx, `${t.type}${t.percent}pct-${t.intervalMinutes}min`),
        computePlatform: "Lambda",
        trafficRoutingConfig:
          t.type === "canary"
            ? { type: "TimeBasedCanary", timeBasedCanary: { percentage: t.percent, interval: t.intervalMinutes } }
            : { type: "TimeBasedLinear", timeBasedLinear: { percentage: t.percent, interval: t.intervalMinutes } },
      },
      { parent: this },
    );
    return config.deploymentConfigName;
  }
}
