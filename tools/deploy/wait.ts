import { CodeDeployClient, DeploymentInfo, GetDeploymentCommand } from "@aws-sdk/client-codedeploy";
import { isThrottling } from "./clients";
import { isTerminal } from "./status";

export interface Clock {
  now(): number;
  sleep(ms: number): Promise<void>;
}

export const realClock: Clock = {
  now: () => Date.now(),
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
};

export interface WaitOptions {
  /** Give up waiting after this long; the deployment itself keeps running in CodeDeploy. */
  readonly timeoutMs: number;
  readonly pollIntervalMs: number;
  readonly clock?: Clock;
  /** Called after every non-final poll (progress lines). */
  readonly onProgress?: (info: DeploymentInfo) => Promise<void> | void;
  /** Called when a poll was throttled beyond the SDK's retries; polling goes on. */
  readonly onThrottled?: (error: Error) => void;
}

export type WaitResult =
  | { readonly kind: "finished"; readonly info: DeploymentInfo }
  | { readonly kind: "timeout"; readonly last?: DeploymentInfo; readonly waitedMs: number };

/**
 * Polls GetDeployment until the deployment succeeds, fails or is stopped, or the bound passes.
 * Not the SDK's `waitUntilDeploymentSuccessful`: that waiter reports nothing between polls (no
 * progress lines), throws on Failed/Stopped so the reason must be fetched again, and its 15 s
 * minimum delay cannot be shortened for tests. A poll that is still throttled after the SDK's
 * retries is not fatal here: the next poll asks again, within the same bound.
 */
export async function waitForDeployment(codeDeploy: CodeDeployClient, deploymentId: string, opts: WaitOptions): Promise<WaitResult> {
  const clock = opts.clock ?? realClock;
  const started = clock.now();
  const deadline = started + opts.timeoutMs;
  let last: DeploymentInfo | undefined;
  for (;;) {
    try {
      const { deploymentInfo } = await codeDeploy.send(new GetDeploymentCommand({ deploymentId }));
      if (!deploymentInfo) throw new Error(`GetDeployment ${deploymentId}: response has no deploymentInfo.`);
      last = deploymentInfo;
      if (isTerminal(deploymentInfo.status)) return { kind: "finished", info: deploymentInfo };
      await opts.onProgress?.(deploymentInfo);
    } catch (e) {
      if (!isThrottling(e)) throw e;
      opts.onThrottled?.(e as Error);
    }
    const remaining = deadline - clock.now();
    if (remaining <= 0) return { kind: "timeout", last, waitedMs: clock.now() - started };
    await clock.sleep(Math.min(opts.pollIntervalMs, remaining));
  }
}
