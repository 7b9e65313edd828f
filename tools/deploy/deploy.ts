import { CreateDeploymentCommand, DeploymentInfo } from "@aws-sdk/client-codedeploy";
import { GetAliasCommand, GetAliasCommandOutput } from "@aws-sdk/client-lambda";
import { AwsClients } from "./clients";
import { ReleaseBlockedError } from "./errors";
import { ReleaseManifest } from "./manifest";
import { checkArtifacts, PlannedFunction, planRelease } from "./plan";
import { mapWithLimit } from "./pool";
import { StackOutputs } from "./stack-outputs";
import { describeFailure, trafficOnTarget } from "./status";
import { Clock, realClock, waitForDeployment } from "./wait";

export const DEPLOY_DEFAULTS = {
  /** @default 4 - parallel deployments; CodeDeploy and Lambda APIs are rate limited per account. */
  concurrency: 4,
  /** @default 30 minutes - longer than the slowest canary config (10% then 90% after 15 min) plus hooks. */
  timeoutMinutes: 30,
  /** @default 15 s - the SDK waiter's own delay for CodeDeploy; progress is not needed faster. */
  pollIntervalMs: 15_000,
} as const;

export interface DeployOptions {
  readonly stack: string;
  readonly outputs: StackOutputs;
  readonly manifest: ReleaseManifest;
  /** Shown in messages, e.g. "dist/manifest.json". */
  readonly manifestFile: string;
  readonly clients: AwsClients;
  readonly concurrency?: number;
  readonly timeoutMs?: number;
  readonly pollIntervalMs?: number;
  readonly clock?: Clock;
  readonly log?: (line: string) => void;
}

export type Outcome = "skipped" | "succeeded" | "failed" | "timed-out";

export interface FunctionResult {
  readonly name: string;
  readonly outcome: Outcome;
  readonly fromVersion: string;
  readonly toVersion: string;
  readonly deploymentId?: string;
  /** Why it did not succeed, or what was done for a skip. */
  readonly detail?: string;
}

/**
 * Shifts each changed function's `live` alias to the version `pulumi up` published, one CodeDeploy
 * deployment per changed function, and reports every function. Never throws for a failed
 * deployment (that is a result); throws ReleaseBlockedError before any deployment when the
 * artifacts do not match.
 */
export async function runDeploy(opts: DeployOptions): Promise<FunctionResult[]> {
  const log = opts.log ?? ((line: string) => console.log(line));
  const { codeDeploy, lambda } = opts.clients;
  const concurrency = opts.concurrency ?? DEPLOY_DEFAULTS.concurrency;

  const problems = checkArtifacts(opts.outputs, opts.manifest, opts.manifestFile);
  if (problems.length)
    throw new ReleaseBlockedError(
      `Release stopped: stack "${opts.stack}" was not deployed with the artifacts of ${opts.manifestFile} (commit ${opts.manifest.commit}):\n  - ${problems.join("\n  - ")}\n` +
        `Run \`pulumi up --stack ${opts.stack}\` with this build's artifacts, or pass --manifest of the build that was deployed.`,
    );

  const names = Object.keys(opts.outputs.functions).sort();
  const aliases = await mapWithLimit(names, concurrency, (name) => {
    const out = opts.outputs.functions[name];
    return lambda.send(new GetAliasCommand({ FunctionName: out.functionName, Name: out.aliasName }));
  });
  const live: Record<string, string> = {};
  const unreadable: string[] = [];
  aliases.forEach((r, i) => {
    const out = opts.outputs.functions[names[i]];
    if (r.status === "fulfilled" && r.value.FunctionVersion) {
      live[names[i]] = r.value.FunctionVersion;
      if (Object.keys(r.value.RoutingConfig?.AdditionalVersionWeights ?? {}).length)
        log(`${names[i]}: warning: alias ${out.aliasName} still routes part of its traffic (${JSON.stringify(r.value.RoutingConfig?.AdditionalVersionWeights)}); an earlier deployment did not finish.`);
    } else {
      const why = r.status === "rejected" ? (r.reason as Error).message : "no FunctionVersion in the response";
      unreadable.push(`"${names[i]}": GetAlias ${out.functionName}:${out.aliasName} failed: ${why}`);
    }
  });
  if (unreadable.length) throw new ReleaseBlockedError(`Release stopped: cannot read the live version of every function:\n  - ${unreadable.join("\n  - ")}`);

  const plan = planRelease(opts.outputs, live);
  const results: FunctionResult[] = [];
  for (const p of plan)
    if (p.action === "skip") {
      log(`${p.name}: unchanged, ${p.output.aliasName} already serves version ${p.liveVersion}; skipped`);
      results.push({ name: p.name, outcome: "skipped", fromVersion: p.liveVersion, toVersion: p.output.version, detail: "unchanged" });
    }
  const changed = plan.filter((p): p is Extract<PlannedFunction, { action: "deploy" }> => p.action === "deploy");
  const settled = await mapWithLimit(changed, concurrency, (p) => deployOne(p, opts, log));
  settled.forEach((r, i) => {
    const p = changed[i];
    results.push(
      r.status === "fulfilled"
        ? r.value
        : { name: p.name, outcome: "failed", fromVersion: p.liveVersion, toVersion: p.output.version, detail: (r.reason as Error).message },
    );
  });
  return results.sort((a, b) => a.name.localeCompare(b.name));
}

async function deployOne(p: Extract<PlannedFunction, { action: "deploy" }>, opts: DeployOptions, log: (line: string) => void): Promise<FunctionResult> {
  const { codeDeploy, lambda } = opts.clients;
  const base = { name: p.name, fromVersion: p.liveVersion, toVersion: p.output.version };
  const created = await codeDeploy.send(
    new CreateDeploymentCommand({
      applicationName: p.output.codeDeployApplication,
      deploymentGroupName: p.output.deploymentGroup,
      description: `${opts.stack}: ${p.name} ${p.liveVersion} -> ${p.output.version} (commit ${opts.manifest.commit})`,
      revision: { revisionType: "AppSpecContent", appSpecContent: { content: p.appSpec.content, sha256: p.appSpec.sha256 } },
    }),
  );
  const deploymentId = created.deploymentId;
  if (!deploymentId) throw new Error(`CreateDeployment for ${p.output.deploymentGroup} returned no deploymentId.`);
  log(`${p.name}: deployment ${deploymentId} created, ${p.output.aliasName} ${p.liveVersion} -> ${p.output.version}`);

  let lastLine = "";
  const progress = async (info: DeploymentInfo): Promise<void> => {
    let traffic = "";
    try {
      const alias: GetAliasCommandOutput = await lambda.send(new GetAliasCommand({ FunctionName: p.output.functionName, Name: p.output.aliasName }));
      const pct = trafficOnTarget(alias.FunctionVersion, alias.RoutingConfig, p.output.version);
      if (pct !== undefined) traffic = `, ${pct}% of traffic on version ${p.output.version}`;
    } catch {
      // Traffic is a progress detail only; a failed read must not fail the release.
    }
    const line = `${p.name}: ${deploymentId} ${info.status}${traffic}`;
    if (line !== lastLine) log(line);
    lastLine = line;
  };
  const waited = await waitForDeployment(opts.clients.codeDeploy, deploymentId, {
    timeoutMs: opts.timeoutMs ?? DEPLOY_DEFAULTS.timeoutMinutes * 60_000,
    pollIntervalMs: opts.pollIntervalMs ?? DEPLOY_DEFAULTS.pollIntervalMs,
    clock: opts.clock ?? realClock,
    onProgress: progress,
    onThrottled: (e) => log(`${p.name}: ${deploymentId} status poll throttled (${e.name}); asking again`),
  });

  if (waited.kind === "timeout") {
    const detail =
      `still ${waited.last?.status ?? "unknown"} after ${Math.round(waited.waitedMs / 60_000)} min; CodeDeploy goes on with it. ` +
      `Watch it with \`aws deploy get-deployment --deployment-id ${deploymentId}\` or stop it with \`npm run rollback -- --stack ${opts.stack} --function ${p.name}\`.`;
    log(`${p.name}: ${deploymentId} timed out: ${detail}`);
    return { ...base, outcome: "timed-out", deploymentId, detail };
  }
  if (waited.info.status !== "Succeeded") {
    const detail = describeFailure(waited.info);
    log(`${p.name}: ${deploymentId} ${waited.info.status}: ${detail}`);
    return { ...base, outcome: "failed", deploymentId, detail };
  }
  const after = await lambda.send(new GetAliasCommand({ FunctionName: p.output.functionName, Name: p.output.aliasName }));
  if (after.FunctionVersion !== p.output.version) {
    const detail = `CodeDeploy reports Succeeded but ${p.output.aliasName} points at version ${after.FunctionVersion}, not ${p.output.version}.`;
    log(`${p.name}: ${deploymentId} ${detail}`);
    return { ...base, outcome: "failed", deploymentId, detail };
  }
  log(`${p.name}: ${deploymentId} Succeeded, 100% of traffic on version ${p.output.version}`);
  return { ...base, outcome: "succeeded", deploymentId };
}
