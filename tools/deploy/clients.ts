import { CodeDeployClient } from "@aws-sdk/client-codedeploy";
import { LambdaClient } from "@aws-sdk/client-lambda";

export interface AwsClients {
  readonly codeDeploy: CodeDeployClient;
  readonly lambda: LambdaClient;
}

/**
 * Retry settings for every call the release tools make.
 * @default adaptive mode: on throttling the SDK also slows its own sending rate (client-side token
 *   bucket), which matters when several deployments are polled at once; 10 attempts with the SDK's
 *   exponential backoff ride out a burst of ThrottlingException without failing the release.
 */
export const RETRY_SETTINGS = { retryMode: "adaptive", maxAttempts: 10 } as const;

/** Extra client settings (region, credentials, a test request handler); retries are always ours. */
export type ClientOverrides = Omit<ConstructorParameters<typeof CodeDeployClient>[0] & ConstructorParameters<typeof LambdaClient>[0], "retryMode" | "maxAttempts">;

export function createClients(overrides: ClientOverrides = {}): AwsClients {
  return {
    codeDeploy: new CodeDeployClient({ ...overrides, ...RETRY_SETTINGS }),
    lambda: new LambdaClient({ ...overrides, ...RETRY_SETTINGS }),
  };
}

/** Errors that mean "ask again later" even after the SDK's own retries gave up. */
export function isThrottling(error: unknown): boolean {
  const e = error as { name?: string; $retryable?: { throttling?: boolean } } | undefined;
  return !!e && (e.$retryable?.throttling === true || ["ThrottlingException", "TooManyRequestsException", "Throttling", "RequestLimitExceeded"].includes(e.name ?? ""));
}
