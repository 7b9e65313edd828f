import * as pulumi from "@pulumi/pulumi";
import { ServerlessFunction } from "./components";

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
  /** The BeforeAllowTraffic hook of every deployment (tools/deploy reads it). */
  readonly preTrafficHook: pulumi.Output<string>;
  /** The stack's release pipeline; absent when `serverless:pipeline` declares none. */
  readonly pipeline?: pulumi.Output<string>;
  /** The release bucket the pipeline reads (prod: staging's, where promotions are written). */
  readonly releaseBucket?: pulumi.Output<string>;
  /** The stack's CloudWatch dashboard (its first page). */
  readonly dashboard: pulumi.Output<string>;
  /** The composite alarm that says the service is unhealthy. */
  readonly serviceAlarm: pulumi.Output<string>;
}

/** The outputs the deploy step reads, from one function's component. */
export function functionOutputs(unit: ServerlessFunction): FunctionOutputs {
  const { functionName, aliasName, codeDeployApplication, deploymentGroup, version, sha256 } = unit;
  return { functionName, aliasName, codeDeployApplication, deploymentGroup, version, sha256 };
}
