import { AppSpecLambdaResource } from "../deploy/appspec";

/** A succeeded CodeDeploy deployment of one function, as read back from CodeDeploy. */
export interface RecordedDeployment {
  readonly deploymentId: string;
  /** When it finished (or was created, if CodeDeploy gives no completion time). */
  readonly at: Date;
  /** The function's resource in its AppSpec; undefined when the AppSpec is about something else. */
  readonly resource?: AppSpecLambdaResource;
}

export type RollbackChoice =
  | { readonly kind: "version"; readonly version: string; readonly from: RecordedDeployment; readonly current: RecordedDeployment }
  | { readonly kind: "nothing"; readonly reason: string };

/**
 * The last healthy version before the live one, from CodeDeploy's own history: the deployment
 * that put the live version in place is "current"; the newest succeeded deployment before it that
 * targeted another version gives the answer. No state is kept anywhere else, so a second rollback
 * goes one step further back, exactly like the first.
 */
export function chooseRollbackVersion(functionLabel: string, liveVersion: string, succeeded: readonly RecordedDeployment[]): RollbackChoice {
  const ours = succeeded.filter((d) => d.resource).sort((a, b) => b.at.getTime() - a.at.getTime());
  const currentIndex = ours.findIndex((d) => d.resource!.targetVersion === liveVersion);
  if (currentIndex < 0)
    return {
      kind: "nothing",
      reason:
        `${functionLabel}: live version ${liveVersion} was not put in place by any succeeded CodeDeploy deployment ` +
        `(${ours.length} succeeded deployment(s) recorded), so there is no recorded version before it. ` +
        `If the alias was moved by hand, move it with \`aws lambda update-alias\` to the version you trust.`,
    };
  const current = ours[currentIndex];
  const previous = ours.slice(currentIndex + 1).find((d) => d.resource!.targetVersion !== liveVersion);
  if (!previous)
    return {
      kind: "nothing",
      reason:
        `${functionLabel}: nothing to roll back to. ${current.deploymentId} (version ${current.resource!.currentVersion} -> ${liveVersion}) is the first succeeded deployment recorded; ` +
        `version ${current.resource!.currentVersion} never went live through CodeDeploy. To go back anyway: ` +
        `\`aws lambda update-alias --function-name ${current.resource!.name} --name ${current.resource!.alias} --function-version ${current.resource!.currentVersion} --routing-config '{}'\`.`,
    };
  return { kind: "version", version: previous.resource!.targetVersion, from: previous, current };
}
