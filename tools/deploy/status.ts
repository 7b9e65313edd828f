import type { DeploymentInfo } from "@aws-sdk/client-codedeploy";
import type { AliasRoutingConfiguration } from "@aws-sdk/client-lambda";

export const TERMINAL_STATUSES = ["Succeeded", "Failed", "Stopped"] as const;
export const IN_FLIGHT_STATUSES = ["Created", "Queued", "InProgress", "Ready", "Baking"] as const;

export function isTerminal(status: string | undefined): boolean {
  return (TERMINAL_STATUSES as readonly string[]).includes(status ?? "");
}

/**
 * Why a finished deployment did not succeed, in one line a person can act on: CodeDeploy's error
 * code and message, the alarm that stopped it when CodeDeploy names one, and the rollback.
 */
export function describeFailure(info: DeploymentInfo): string {
  const parts: string[] = [`status ${info.status ?? "unknown"}`];
  const err = info.errorInformation;
  if (err?.code || err?.message) parts.push(`${err.code ?? "error"}: ${(err.message ?? "").trim()}`.trim());
  const alarms = activatedAlarms(info);
  if (alarms.length) parts.push(`alarm ${alarms.join(", ")}`);
  const rb = info.rollbackInfo;
  if (rb?.rollbackDeploymentId) parts.push(`rolled back by ${rb.rollbackDeploymentId}`);
  if (rb?.rollbackMessage) parts.push(`rollback: ${rb.rollbackMessage.trim()}`);
  for (const m of info.deploymentStatusMessages ?? []) if (m.trim()) parts.push(m.trim());
  return parts.join("; ");
}

/**
 * CodeDeploy reports an alarm stop as ALARM_ACTIVE with the alarm names in the message text
 * ("... Activated alarms: <name>[, <name>]"); there is no structured field, so the names are
 * read from the text and the whole message is kept beside them in case the wording changes.
 */
export function activatedAlarms(info: DeploymentInfo): string[] {
  if (info.errorInformation?.code !== "ALARM_ACTIVE") return [];
  const match = /activated alarms?\s*:\s*(.+)$/im.exec(info.errorInformation.message ?? "");
  if (!match) return [];
  return match[1].replace(/\.\s*$/, "").split(",").map((s) => s.trim()).filter(Boolean);
}

/**
 * Percent of the alias's traffic on `targetVersion`: 100 once the alias points at it, its weight
 * while CodeDeploy shifts with a routing config, 0 before. Undefined if the alias is elsewhere.
 */
export function trafficOnTarget(aliasVersion: string | undefined, routing: AliasRoutingConfiguration | undefined, targetVersion: string): number | undefined {
  if (aliasVersion === targetVersion) return 100;
  const weight = routing?.AdditionalVersionWeights?.[targetVersion];
  if (weight !== undefined) return Math.round(weight * 1000) / 10;
  return aliasVersion === undefined ? undefined : 0;
}
