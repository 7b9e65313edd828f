import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import * as path from "path";
import { loadArtifacts } from "./artifacts";
import { discoverFunctions, FunctionEntry } from "./catalog";
import { ServerlessFunction, ServiceResources } from "./components";
import { CONFIG_DEFAULTS, readRawStackConfig, stackFileName, StackConfig, validateStackConfig } from "./config";
import { partitionOf, StackContext } from "./naming";

/** What the deploy step (tools/deploy) reads for each function. */
export interface FunctionOutputs {
  readonly functionName: pulumi.Output<string>;
  readonly aliasName: pulumi.Output<string>;
  readonly codeDeployApplication: pulumi.Output<string>;
  readonly deploymentGroup: pulumi.Output<string>;
  readonly version: pulumi.Output<string>;
  readonly sha256: string;
}

export interface StackOutputs {
  /** The HTTP API's URL; absent when no function has an HTTP trigger. */
  readonly apiUrl?: pulumi.Output<string>;
  readonly functions: Record<string, FunctionOutputs>;
}

/** Where relative paths in stack config are resolved: the project folder (where Pulumi.yaml is). */
export interface DefineStackOptions {
  /** @default process.cwd(), which is the project folder when the Pulumi CLI runs the program */
  readonly projectDir?: string;
}

/**
 * The whole program for the current stack. A function, not module-level code, so tests and the
 * offline plan can run it several times in one process.
 */
export function defineStack(options: DefineStackOptions = {}): StackOutputs {
  const projectDir = options.projectDir ?? process.cwd();
  const { config, functions } = readSettings(projectDir);
  const artifacts = loadArtifacts(path.resolve(projectDir, config.artifactManifest), functions);

  const context: StackContext = {
    project: pulumi.getProject(),
    stack: pulumi.getStack(),
    region: config.region,
    partition: partitionOf(config.region),
    accountId: aws.getCallerIdentityOutput().accountId,
  };
  const shared = new ServiceResources("shared", {
    context,
    alertEmails: config.alertEmails,
    logRetentionDays: config.logRetentionDays,
    trafficShifting: config.trafficShifting,
    httpApi: functions.some((f) => f.settings.trigger.type === "http"),
  });

  const outputs: Record<string, FunctionOutputs> = {};
  for (const fn of functions) {
    const override = config.functions[fn.name] ?? {};
    const unit = new ServerlessFunction(fn.name, {
      context,
      settings: fn.settings,
      artifact: artifacts.get(fn.name)!,
      shared: {
        eventBusName: shared.eventBusName,
        ordersTableName: shared.ordersTableName,
        ordersTableIndexes: shared.ordersTableIndexes,
        alertTopicArn: shared.alertTopicArn,
        codeDeployApplicationName: shared.codeDeployApplicationName,
        deploymentConfigName: shared.deploymentConfigName,
        httpApi: shared.httpApi,
      },
      // Stack override, then function.json, then the stack's defaults.
      memoryMb: override.memoryMb ?? fn.settings.memoryMb ?? config.functionDefaults.memoryMb,
      timeoutSeconds: override.timeoutSeconds ?? fn.settings.timeoutSeconds ?? config.functionDefaults.timeoutSeconds,
      provisionedConcurrency: override.provisionedConcurrency,
      reservedConcurrency: override.reservedConcurrency,
      logRetentionDays: config.logRetentionDays,
      alarms: config.alarms,
    });
    outputs[fn.name] = {
      functionName: unit.functionName,
      aliasName: unit.aliasName,
      codeDeployApplication: unit.codeDeployApplication,
      deploymentGroup: unit.deploymentGroup,
      version: unit.version,
      sha256: unit.sha256,
    };
  }
  return { apiUrl: shared.apiUrl, functions: outputs };
}

/** Stack config and the function catalog, each read and checked once, before any resource. */
function readSettings(projectDir: string): { config: StackConfig; functions: FunctionEntry[] } {
  const raw = readRawStackConfig();
  const stackFile = stackFileName();
  // The catalog's folder is itself a setting: peek at it, the validator checks it with the rest.
  const dir = typeof raw["serverless:functionsDir"] === "string" ? (raw["serverless:functionsDir"] as string) : CONFIG_DEFAULTS.functionsDir;
  const functions = discoverFunctions(path.resolve(projectDir, dir));
  const config = validateStackConfig(stackFile, raw, functions.map((f) => f.name));
  return { config, functions };
}
