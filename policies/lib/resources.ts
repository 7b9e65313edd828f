/**
 * The pack's view of a resource: the IAM engine's CandidateResource (type, name, urn, raw props with
 * unknowns as the sentinel) plus, for stack policies, which resources each property came from.
 * Type tokens are matched as strings so the pack never loads @pulumi/aws (about a second of start).
 */
import { rawProps } from "./values";

export const T = {
  function: "aws:lambda/function:Function",
  permission: "aws:lambda/permission:Permission",
  runtimeManagementConfig: "aws:lambda/runtimeManagementConfig:RuntimeManagementConfig",
  metricAlarm: "aws:cloudwatch/metricAlarm:MetricAlarm",
  compositeAlarm: "aws:cloudwatch/compositeAlarm:CompositeAlarm",
  deploymentGroup: "aws:codedeploy/deploymentGroup:DeploymentGroup",
  codebuildProject: "aws:codebuild/project:Project",
  queue: "aws:sqs/queue:Queue",
  redrivePolicy: "aws:sqs/redrivePolicy:RedrivePolicy",
  eventTarget: "aws:cloudwatch/eventTarget:EventTarget",
} as const;

export interface PackResource {
  type: string;
  name: string;
  urn: string;
  props: Record<string, unknown>;
  /** property name -> URNs of the resources its value was computed from (stack policies only). */
  propertyDependencies?: Record<string, string[]>;
}

interface SdkResource {
  type: string;
  name: string;
  urn: string;
  props: unknown;
  propertyDependencies?: Record<string, { urn: string }[]>;
}

/** Converts an SDK resource (resource or stack validation args) to a {@link PackResource}. */
export function fromSdk(r: SdkResource): PackResource {
  const deps: Record<string, string[]> = {};
  for (const [k, v] of Object.entries(r.propertyDependencies ?? {})) deps[k] = v.map((d) => d.urn);
  return { type: r.type, name: r.name, urn: r.urn, props: rawProps(r.props), propertyDependencies: deps };
}

/** `aws:lambda/function:Function "orders-api"`: how messages name a resource. */
export function label(r: { type: string; name: string }): string {
  return `${r.type} "${r.name}"`;
}
