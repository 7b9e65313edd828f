/** Answers to provider function calls (`aws.getCallerIdentity()` and friends) during an offline plan. */
export type InvokeHandlers = Record<string, (args: Record<string, unknown>) => Record<string, unknown>>;

/**
 * The account id an offline plan shows when no `--account-id` is given: AWS's documentation
 * placeholder, so nobody mistakes it for a real account.
 */
export const PLACEHOLDER_ACCOUNT_ID = "123456789012";

export interface InvokeContext {
  /** `aws:region` of the stack. */
  region?: string;
  accountId?: string;
}

/**
 * Only calls whose answer does not depend on what exists in the account: the identity of the
 * caller (a placeholder), the stack's region and the partition. Any other call is an error that
 * names its token (see PlanMonitor.invoke): a plan never invents data it cannot know.
 */
export function awsInvokes(ctx: InvokeContext): InvokeHandlers {
  const accountId = ctx.accountId ?? PLACEHOLDER_ACCOUNT_ID;
  const region = (args: Record<string, unknown>): string => {
    const asked = (args.region ?? args.name) as string | undefined;
    const r = asked ?? ctx.region;
    if (!r) throw new Error("aws:region is not set in the stack file; add `aws:region: <region>` under `config:`.");
    return r;
  };
  return {
    "aws:index/getCallerIdentity:getCallerIdentity": () => ({
      accountId,
      arn: `arn:aws:iam::${accountId}:user/offline-plan`,
      userId: "AIDAOFFLINEPLAN",
      id: accountId,
    }),
    "aws:index/getRegion:getRegion": (args) => {
      const r = region(args);
      return { id: r, name: r, region: r, description: r, endpoint: `ec2.${r}.amazonaws.com` };
    },
    "aws:index/getPartition:getPartition": () => ({
      id: "aws",
      partition: "aws",
      dnsSuffix: "amazonaws.com",
      reverseDnsSuffix: "com.amazonaws",
    }),
  };
}
