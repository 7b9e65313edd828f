import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { StackContext } from "../naming";
import { budgetTagFilterValue, COST_ALLOCATION_TAG_KEYS, stackTagValue } from "./tags";

export interface StackBudgetArgs {
  readonly context: Pick<StackContext, "project" | "stack">;
  /** The stack's monthly cost limit in US dollars. */
  readonly monthlyLimitUsd: number;
  /** Notify when actual spend passes this share of the limit. @default 80 */
  readonly actualThresholdPercent?: number;
  /** Notify when AWS forecasts the month's spend above this share of the limit. @default 100 */
  readonly forecastThresholdPercent?: number;
  /**
   * The topic notified. Its policy must let budgets.amazonaws.com publish (Budgets checks when the
   * notification is created): pass `AlertTopicPolicy.topicArn`, which waits for that policy.
   */
  readonly alertTopicArn: pulumi.Input<string>;
  /**
   * The cost allocation tag the budget counts. It must be activated in the payer account's Billing
   * console, or the budget sees nothing.
   * @default { key: "Stack", value: `${project}-${stack}` } (see costAllocationTags)
   */
  readonly costAllocationTag?: { readonly key: string; readonly value: string };
}

export const STACK_BUDGET_DEFAULTS = { actualThresholdPercent: 80, forecastThresholdPercent: 100 } as const;

export function validateStackBudgetArgs(name: string, a: StackBudgetArgs): void {
  const at = `StackBudget "${name}"`;
  if (!Number.isFinite(a.monthlyLimitUsd) || a.monthlyLimitUsd <= 0) throw new Error(`${at}: \`monthlyLimitUsd\` must be a positive number; got ${a.monthlyLimitUsd}.`);
  for (const key of ["actualThresholdPercent", "forecastThresholdPercent"] as const) {
    const v = a[key] ?? STACK_BUDGET_DEFAULTS[key];
    if (!Number.isFinite(v) || v <= 0 || v > 1000) throw new Error(`${at}: \`${key}\` must be above 0 and at most 1000; got ${v}.`);
  }
  const tag = a.costAllocationTag;
  if (tag && (!tag.key || !tag.value || tag.key.startsWith("aws:")))
    throw new Error(`${at}: \`costAllocationTag\` must name a user-defined tag key and value; got ${JSON.stringify(tag)}.`);
}

/** `${project}-${stack}-monthly`: derived, so two stacks in one account never clash. */
export function budgetName(ctx: Pick<StackContext, "project" | "stack">): string {
  return `${ctx.project}-${ctx.stack}-monthly`;
}

/**
 * A monthly AWS Budgets cost budget for the stack, counting only resources tagged with the stack's
 * cost allocation tag, that notifies the alert topic when actual spend passes 80% of the limit and
 * when the forecast for the month passes 100%.
 */
export class StackBudget extends pulumi.ComponentResource {
  readonly budgetName: pulumi.Output<string>;

  constructor(name: string, args: StackBudgetArgs, opts?: pulumi.ComponentResourceOptions) {
    validateStackBudgetArgs(name, args);
    super("serverless:observability:StackBudget", name, {}, opts);
    const d = STACK_BUDGET_DEFAULTS;
    const tag = args.costAllocationTag ?? { key: COST_ALLOCATION_TAG_KEYS.stack, value: stackTagValue(args.context.project, args.context.stack) };
    const notify = (notificationType: "ACTUAL" | "FORECASTED", threshold: number) => ({
      notificationType,
      comparisonOperator: "GREATER_THAN",
      threshold,
      thresholdType: "PERCENTAGE",
      subscriberSnsTopicArns: [args.alertTopicArn],
    });
    const budget = new aws.budgets.Budget(
      `${name}-budget`,
      {
        name: budgetName(args.context),
        budgetType: "COST",
        timeUnit: "MONTHLY",
        // Budgets takes the amount as a decimal string.
        limitAmount: args.monthlyLimitUsd.toFixed(2),
        limitUnit: "USD",
        costFilters: [{ name: "TagKeyValue", values: [budgetTagFilterValue(tag.key, tag.value)] }],
        notifications: [
          notify("ACTUAL", args.actualThresholdPercent ?? d.actualThresholdPercent),
          notify("FORECASTED", args.forecastThresholdPercent ?? d.forecastThresholdPercent),
        ],
      },
      { parent: this },
    );
    this.budgetName = budget.name.apply((n) => n ?? budgetName(args.context));
    this.registerOutputs({ budgetName: this.budgetName });
  }
}
