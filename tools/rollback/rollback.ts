import {
  BatchGetDeploymentsCommand,
  CodeDeployClient,
  DeploymentInfo,
  DeploymentStatus,
  GetApplicationRevisionCommand,
  paginateListDeployments,
  StopDeploymentCommand,
} from "@aws-sdk/client-codedeploy";
import { GetAliasCommand, UpdateAliasCommand } from "@aws-sdk/client-lambda";
import { readLambdaResource } from "../deploy/appspec";
import { AwsClients } from "../deploy/clients";
import { DEPLOY_DEFAULTS } from "../deploy/deploy";
import { FunctionOutput, StackOutputs } from "../deploy/stack-outputs";
import { describeFailure, IN_FLIGHT_STATUSES } from "../deploy/status";
import { Clock, realClock, waitForDeployment } from "../deploy/wait";
import { chooseRollbackVersion, RecordedDeployment } from "./history";

export interface RollbackOptions {
  readonly stack: string;
  readonly outputs: StackOutputs;
  /** Functions whose alias may be moved back; in-flight deployments are stopped for every function listed in `scope`. */
  readonly scope: readonly string[];
  /** Move aliases back when nothing is in flight (with --function or --all); otherwise only stop. */
  readonly moveAliases: boolean;
  readonly clients: AwsClients;
  readonly timeoutMs?: number;
  readonly pollIntervalMs?: number;
  readonly clock?: Clock;
  readonly log?: (line: string) => void;
}

export type RollbackAction = "stopped" | "alias-moved" | "nothing-in-flight" | "nothing-to-roll-back" | "failed";

export interface RollbackResult {
  readonly name: string;
  readonly action: RollbackAction;
  readonly detail: string;
}

/** Stops what is in flight, or moves the alias back to the last healthy version, per function. */
export async function runRollback(opts: RollbackOptions): Promise<RollbackResult[]> {
  const log = opts.log ?? ((line: string) => console.log(line));
  const results: RollbackResult[] = [];
  for (const name of opts.scope) {
    const out = opts.outputs.functions[name];
    try {
      results.push(await rollbackOne(name, out, opts, log));
    } catch (e) {
      results.push({ name, action: "failed", detail: (e as Error).message });
    }
    const r = results[results.length - 1];
    log(`${name}: ${r.action}: ${r.detail}`);
  }
  return results;
}

async function rollbackOne(name: string, out: FunctionOutput, opts: RollbackOptions, log: (line: string) => void): Promise<RollbackResult> {
  const { codeDeploy, lambda } = opts.clients;
  const inFlight = await listDeploymentIds(codeDeploy, out, [...IN_FLIGHT_STATUSES]);
  if (inFlight.length) {
    const lines: string[] = [];
    for (const id of inFlight) lines.push(await stopAndWait(name, id, opts, log));
    const alias = await lambda.send(new GetAliasCommand({ FunctionName: out.functionName, Name: out.aliasName }));
    return { name, action: "stopped", detail: `${lines.join(" ")} ${out.aliasName} now serves version ${alias.FunctionVersion}.` };
  }
  const alias = await lambda.send(new GetAliasCommand({ FunctionName: out.functionName, Name: out.aliasName }));
  const live = alias.FunctionVersion;
  if (!live) throw new Error(`GetAlias ${out.functionName}:${out.aliasName} returned no FunctionVersion.`);
  if (!opts.moveAliases)
    return {
      name,
      action: "nothing-in-flight",
      detail: `no deployment in flight; ${out.aliasName} serves version ${live}. To move it back to its previous healthy version: npm run rollback -- --stack ${opts.stack} --function ${name}`,
    };

  const history = await succeededDeployments(codeDeploy, out);
  const choice = chooseRollbackVersion(`"${name}"`, live, history);
  if (choice.kind === "nothing") return { name, action: "nothing-to-roll-back", detail: choice.reason };
  await lambda.send(
    new UpdateAliasCommand({ FunctionName: out.functionName, Name: out.aliasName, FunctionVersion: choice.version, RoutingConfig: { AdditionalVersionWeights: {} } }),
  );
  return {
    name,
    action: "alias-moved",
    detail:
      `${out.aliasName} moved from version ${live} (deployed by ${choice.current.deploymentId}) back to version ${choice.version} ` +
      `(deployed by ${choice.from.deploymentId} at ${choice.from.at.toISOString()}), all traffic, no canary.`,
  };
}

async function stopAndWait(name: string, deploymentId: string, opts: RollbackOptions, log: (line: string) => void): Promise<string> {
  const { codeDeploy } = opts.clients;
  const stopped = await codeDeploy.send(new StopDeploymentCommand({ deploymentId, autoRollbackEnabled: true }));
  log(`${name}: stopping ${deploymentId} with rollback (${stopped.status ?? "requested"}${stopped.statusMessage ? `: ${stopped.statusMessage}` : ""})`);
  const wait = (id: string) =>
    waitForDeployment(codeDeploy, id, {
      timeoutMs: opts.timeoutMs ?? DEPLOY_DEFAULTS.timeoutMinutes * 60_000,
      pollIntervalMs: opts.pollIntervalMs ?? DEPLOY_DEFAULTS.pollIntervalMs,
      clock: opts.clock ?? realClock,
      onProgress: (info) => log(`${name}: ${id} ${info.status}`),
    });
  const first = await wait(deploymentId);
  if (first.kind === "timeout") throw new Error(`${deploymentId} was asked to stop but is still ${first.last?.status ?? "unknown"}; check it in the CodeDeploy console.`);
  if (first.info.status === DeploymentStatus.SUCCEEDED)
    return `${deploymentId} finished (Succeeded) before it could be stopped; run this command again to move the alias back.`;
  const rollbackId = first.info.rollbackInfo?.rollbackDeploymentId;
  if (!rollbackId) return `${deploymentId} ${first.info.status}; ${describeFailure(first.info)}.`;
  log(`${name}: ${deploymentId} ${first.info.status}; waiting for rollback deployment ${rollbackId}`);
  const second = await wait(rollbackId);
  if (second.kind === "timeout") throw new Error(`rollback deployment ${rollbackId} is still ${second.last?.status ?? "unknown"}; check it in the CodeDeploy console.`);
  if (second.info.status !== DeploymentStatus.SUCCEEDED) throw new Error(`rollback deployment ${rollbackId} ${second.info.status}: ${describeFailure(second.info)}`);
  return `${deploymentId} ${first.info.status}, rolled back by ${rollbackId} (Succeeded).`;
}

async function listDeploymentIds(codeDeploy: CodeDeployClient, out: FunctionOutput, statuses: DeploymentStatus[]): Promise<string[]> {
  const ids: string[] = [];
  const pages = paginateListDeployments(
    { client: codeDeploy },
    { applicationName: out.codeDeployApplication, deploymentGroupName: out.deploymentGroup, includeOnlyStatuses: statuses },
  );
  for await (const page of pages) ids.push(...(page.deployments ?? []));
  return ids;
}

/** Every succeeded deployment of the group, with the function's resource read from its AppSpec. */
async function succeededDeployments(codeDeploy: CodeDeployClient, out: FunctionOutput): Promise<RecordedDeployment[]> {
  const ids = await listDeploymentIds(codeDeploy, out, [DeploymentStatus.SUCCEEDED]);
  const infos: DeploymentInfo[] = [];
  for (let i = 0; i < ids.length; i += 25) {
    const { deploymentsInfo } = await codeDeploy.send(new BatchGetDeploymentsCommand({ deploymentIds: ids.slice(i, i + 25) }));
    infos.push(...(deploymentsInfo ?? []));
  }
  const recorded: RecordedDeployment[] = [];
  for (const info of infos) {
    let content = info.revision?.appSpecContent?.content;
    if (!content && info.revision) {
      // Older or console-made deployments may carry only a reference; the revision holds the AppSpec.
      const rev = await codeDeploy.send(new GetApplicationRevisionCommand({ applicationName: out.codeDeployApplication, revision: info.revision }));
      content = rev.revision?.appSpecContent?.content ?? rev.revision?.string?.content;
    }
    const at = info.completeTime ?? info.createTime;
    if (!info.deploymentId || !at) continue;
    recorded.push({ deploymentId: info.deploymentId, at, resource: content ? readLambdaResource(content, out.functionName) : undefined });
  }
  return recorded;
}
