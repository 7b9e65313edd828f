import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { PolicyDocument, policyJson, serviceTrustPolicy } from "../iam/policy-documents";
import { arns, LIVE_ALIAS, StackContext } from "../naming";

export interface CanaryDeploymentArgs {
  readonly context: StackContext;
  /** The function's physical name; it is also the deployment group's name. */
  readonly functionName: pulumi.Input<string>;
  /** Name of the service role CodeDeploy assumes (derived, so its ARN is known at preview). */
  readonly roleName: string;
  /** The stack's CodeDeploy application (computePlatform Lambda). */
  readonly applicationName: pulumi.Input<string>;
  /** Predefined or custom config name. */
  readonly deploymentConfigName: pulumi.Input<string>;
  /** Alarms that stop the deployment and roll back. At least one. */
  readonly alarmNames: pulumi.Input<string>[];
  /** Topic CodeDeploy may notify. */
  readonly alertTopicArn: pulumi.Input<string>;
  /**
   * Functions CodeDeploy invokes as BeforeAllowTraffic/AfterAllowTraffic hooks (physical names).
   * @default [] (no hooks; the release step of the pipeline adds them)
   */
  readonly hookFunctionNames?: pulumi.Input<string>[];
}

export const CANARY_DEPLOYMENT_DEFAULTS = { hookFunctionNames: [] as pulumi.Input<string>[] } as const;

export function validateCanaryDeploymentArgs(name: string, a: CanaryDeploymentArgs): void {
  if (!a.alarmNames.length)
    throw new Error(`CanaryDeployment "${name}": \`alarmNames\` must name at least one alarm; a canary without alarms cannot roll back.`);
  if (a.roleName.length > 64) throw new Error(`CanaryDeployment "${name}": \`roleName\` must be at most 64 characters; got "${a.roleName}".`);
}

/**
 * A CodeDeploy deployment group that shifts the function's `live` alias to a new version by the
 * stack's canary/linear config, and rolls back on failure or when an alarm fires. Its service
 * role has an inline policy scoped to this function (not the managed AWSCodeDeployRoleForLambda,
 * whose `*` grants the policy pack could not approve).
 */
export class CanaryDeployment extends pulumi.ComponentResource {
  readonly deploymentGroupName: pulumi.Output<string>;
  readonly applicationName: pulumi.Output<string>;
  readonly roleName: pulumi.Output<string>;

  constructor(name: string, args: CanaryDeploymentArgs, opts?: pulumi.ComponentResourceOptions) {
    validateCanaryDeploymentArgs(name, args);
    super("serverless:delivery:CanaryDeployment", name, {}, opts);
    const ctx = args.context;

    const role = new aws.iam.Role(
      `${name}-role`,
      {
        name: args.roleName,
        description: pulumi.interpolate`CodeDeploy shifts traffic of ${args.functionName}:${LIVE_ALIAS}`,
        assumeRolePolicy: policyJson(serviceTrustPolicy("codedeploy.amazonaws.com", ctx.accountId)),
      },
      { parent: this },
    );
    const policy = new aws.iam.RolePolicy(
      `${name}-policy`,
      { role: role.name, policy: policyJson(deploymentPolicy(ctx, args)) },
      { parent: this },
    );

    const group = new aws.codedeploy.DeploymentGroup(
      `${name}-group`,
      {
        appName: args.applicationName,
        deploymentGroupName: args.functionName,
        deploymentConfigName: args.deploymentConfigName,
        serviceRoleArn: arns.role(ctx, role.name),
        deploymentStyle: { deploymentType: "BLUE_GREEN", deploymentOption: "WITH_TRAFFIC_CONTROL" },
        alarmConfiguration: { enabled: true, alarms: args.alarmNames },
        autoRollbackConfiguration: { enabled: true, events: ["DEPLOYMENT_FAILURE", "DEPLOYMENT_STOP_ON_ALARM"] },
      },
      // The role must be able to act before the first deployment starts.
      { parent: this, dependsOn: [policy] },
    );
    this.deploymentGroupName = group.deploymentGroupName;
    this.applicationName = group.appName;
    this.roleName = role.name;
    this.registerOutputs({ deploymentGroupName: this.deploymentGroupName, applicationName: this.applicationName, roleName: this.roleName });
  }
}

/**
 * What CodeDeploy does for a Lambda deployment, on this function only: read and move the alias,
 * read its provisioned concurrency, read the alarms it watches, notify the topic, and (issue 5)
 * invoke the hook functions.
 */
export function deploymentPolicy(ctx: StackContext, a: CanaryDeploymentArgs): PolicyDocument {
  const statements: PolicyDocument["Statement"] = [
    {
      Sid: "ShiftLiveAlias",
      Effect: "Allow",
      Action: ["lambda:GetAlias", "lambda:GetProvisionedConcurrencyConfig", "lambda:UpdateAlias"],
      // Alias operations are authorized on the function ARN; the alias ARN covers qualified calls.
      Resource: [arns.function(ctx, a.functionName), arns.alias(ctx, a.functionName)],
    },
    { Sid: "ReadRollbackAlarms", Effect: "Allow", Action: ["cloudwatch:DescribeAlarms"], Resource: a.alarmNames.map((n) => arns.alarm(ctx, n)) },
    { Sid: "NotifyAlerts", Effect: "Allow", Action: ["sns:Publish"], Resource: [a.alertTopicArn] },
  ];
  const hooks = a.hookFunctionNames ?? CANARY_DEPLOYMENT_DEFAULTS.hookFunctionNames;
  if (hooks.length)
    statements.push({ Sid: "InvokeLifecycleHooks", Effect: "Allow", Action: ["lambda:InvokeFunction"], Resource: hooks.map((h) => arns.function(ctx, h)) });
  return { Version: "2012-10-17", Statement: statements };
}
