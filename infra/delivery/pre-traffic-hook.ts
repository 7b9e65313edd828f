import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { LAMBDA_RUNTIME } from "../catalog";
import { PolicyDocument, policyJson, serviceTrustPolicy } from "../iam/policy-documents";
import { arns, StackContext } from "../naming";
import { deliveryArns, deliveryNames } from "./names";
import { invokeQualified } from "./policies";

/** The built hook: `dist/hooks/pre-traffic.zip` and its sha256 (hooks/pre-traffic/build.ts). */
export interface HookArtifact {
  readonly zipPath: string;
  readonly sha256: string;
}

export interface PreTrafficHookArgs {
  readonly context: StackContext;
  readonly artifact: HookArtifact;
  /** Physical names of the stack's functions; each is also its deployment group's name. */
  readonly functionNames: string[];
  /** The stack's CodeDeploy application (its name is derived, so known at preview). */
  readonly codeDeployApplicationName: pulumi.Input<string>;
  /** Topic the hook's alarms notify. */
  readonly alertTopicArn: pulumi.Input<string>;
  /** @default 14 */
  readonly logRetentionDays?: number;
  /**
   * Seconds the hook may run: every example of one function, one after another, each bounded by
   * that function's own timeout. @default 300
   */
  readonly timeoutSeconds?: number;
  /**
   * "run": valid examples are invoked too (they have the function's real effects: an order
   * placed, an event put on the bus). "skip": only invalid examples, which must be refused
   * without effects. @default "run"
   */
  readonly validExamples?: "run" | "skip";
}

export const PRE_TRAFFIC_HOOK_DEFAULTS = { logRetentionDays: 14, timeoutSeconds: 300, validExamples: "run", memoryMb: 256 } as const;

export function validatePreTrafficHookArgs(name: string, a: PreTrafficHookArgs): void {
  if (!/^[0-9a-f]{64}$/.test(a.artifact.sha256))
    throw new Error(`PreTrafficHook "${name}": \`artifact.sha256\` must be 64 hex characters; got "${a.artifact.sha256}". Build the hook with buildHook() (hooks/pre-traffic/build.ts).`);
  const t = a.timeoutSeconds ?? PRE_TRAFFIC_HOOK_DEFAULTS.timeoutSeconds;
  if (!Number.isInteger(t) || t < 10 || t > 900) throw new Error(`PreTrafficHook "${name}": \`timeoutSeconds\` must be 10-900; got ${t}.`);
  if (!a.functionNames.length) throw new Error(`PreTrafficHook "${name}": \`functionNames\` is empty; the hook would guard no deployment.`);
  const v = a.validExamples ?? PRE_TRAFFIC_HOOK_DEFAULTS.validExamples;
  if (v !== "run" && v !== "skip") throw new Error(`PreTrafficHook "${name}": \`validExamples\` must be "run" or "skip"; got "${v}".`);
}

/**
 * The stack's BeforeAllowTraffic hook: one function that CodeDeploy invokes before shifting any
 * traffic to a new version. It reads the deployment's AppSpec, invokes the target version with
 * that function's example events, checks the responses against its contract, and reports
 * Succeeded or Failed. Its role can do exactly that, on this stack's deployment groups and
 * functions only (no managed CodeDeploy policy, so the name need not start with CodeDeployHook_;
 * each deployment group's service role is granted lambda:InvokeFunction on this function).
 */
export class PreTrafficHook extends pulumi.ComponentResource {
  readonly functionName: pulumi.Output<string>;
  readonly functionArn: pulumi.Output<string>;

  constructor(name: string, args: PreTrafficHookArgs, opts?: pulumi.ComponentResourceOptions) {
    validatePreTrafficHookArgs(name, args);
    super("serverless:delivery:PreTrafficHook", name, {}, opts);
    const ctx = args.context;
    const d = PRE_TRAFFIC_HOOK_DEFAULTS;
    const fnName = deliveryNames(ctx, ctx.accountId, ctx.region).preTrafficHook;
    const logGroupName = `/aws/lambda/${fnName}`;
    const parent = { parent: this };

    const logGroup = new aws.cloudwatch.LogGroup(`${name}-logs`, { name: logGroupName, retentionInDays: args.logRetentionDays ?? d.logRetentionDays }, parent);
    const role = new aws.iam.Role(
      `${name}-role`,
      { name: fnName, description: "CodeDeploy BeforeAllowTraffic hook: checks a new version against its contract", assumeRolePolicy: policyJson(serviceTrustPolicy("lambda.amazonaws.com", ctx.accountId)) },
      parent,
    );
    const policy = new aws.iam.RolePolicy(`${name}-policy`, { role: role.name, policy: policyJson(hookPolicy(ctx, args, logGroup.name)) }, parent);

    const fn = new aws.lambda.Function(
      `${name}-function`,
      {
        name: fnName,
        description: "Invokes a new version with its example events and checks the responses against its contract",
        role: arns.role(ctx, role.name),
        runtime: LAMBDA_RUNTIME,
        architectures: ["arm64"],
        handler: "index.handler",
        code: new pulumi.asset.FileArchive(args.artifact.zipPath),
        sourceCodeHash: Buffer.from(args.artifact.sha256, "hex").toString("base64"),
        memorySize: d.memoryMb,
        timeout: args.timeoutSeconds ?? d.timeoutSeconds,
        loggingConfig: { logFormat: "JSON", logGroup: logGroup.name },
        environment: {
          variables: {
            FUNCTION_NAME_PREFIX: `${ctx.project}-${ctx.stack}-`,
            VALID_EXAMPLES: args.validExamples ?? d.validExamples,
            NODE_OPTIONS: "--enable-source-maps",
          },
        },
      },
      { parent: this, dependsOn: [policy] },
    );

    // The runtime changes only when the hook is updated (a deployment), never behind our back.
    new aws.lambda.RuntimeManagementConfig(`${name}-runtime`, { functionName: fn.name, updateRuntimeOn: "FunctionUpdate" }, parent);

    // A hook that errors or is throttled blocks every deployment of the stack: someone must know.
    for (const [metric, role_] of [["Errors", "errors"], ["Throttles", "throttles"]] as const)
      new aws.cloudwatch.MetricAlarm(
        `${name}-${role_}`,
        {
          name: `${fnName}-${role_}`,
          namespace: "AWS/Lambda",
          metricName: metric,
          dimensions: { FunctionName: fnName },
          statistic: "Sum",
          period: 60,
          evaluationPeriods: 1,
          threshold: 1,
          comparisonOperator: "GreaterThanOrEqualToThreshold",
          treatMissingData: "notBreaching",
          alarmActions: [args.alertTopicArn],
          okActions: [args.alertTopicArn],
        },
        { parent: this, dependsOn: [fn] },
      );

    this.functionName = fn.name;
    this.functionArn = arns.function(ctx, fn.name);
    this.registerOutputs({ functionName: this.functionName, functionArn: this.functionArn });
  }
}

/** Exactly what the hook does: read its deployment, report its status, invoke the target versions, write its logs. */
export function hookPolicy(ctx: StackContext, a: PreTrafficHookArgs, logGroupName: pulumi.Input<string>): PolicyDocument {
  return {
    Version: "2012-10-17",
    Statement: [
      { Sid: "WriteOwnLogs", Effect: "Allow", Action: ["logs:CreateLogStream", "logs:PutLogEvents"], Resource: [arns.logGroup(ctx, logGroupName), arns.logStreams(ctx, logGroupName)] },
      {
        Sid: "ReadAndReportDeployments",
        Effect: "Allow",
        Action: ["codedeploy:GetDeployment", "codedeploy:PutLifecycleEventHookExecutionStatus"],
        Resource: a.functionNames.map((f) => deliveryArns.deploymentGroup(ctx, a.codeDeployApplicationName, f)),
      },
      invokeQualified(ctx, "InvokeTargetVersions", a.functionNames),
    ],
  };
}
