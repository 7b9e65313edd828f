/**
 * Cost allocation tags: the same four keys on every stack, so Cost Explorer and the stack's budget
 * can group and filter spend by project, stack, service and function.
 *
 * User-defined tags count for billing only after they are activated in the payer account
 * (Billing console -> Cost allocation tags), and only for costs incurred after activation.
 */

/** The tag keys, as Cost Explorer shows them (`user:Stack` in filters). */
export const COST_ALLOCATION_TAG_KEYS = { project: "Project", stack: "Stack", service: "Service", function: "Function" } as const;

export interface CostAllocationTags {
  readonly Project: string;
  /** `${project}-${stack}`: unique across projects, so one account can hold many. */
  readonly Stack: string;
  readonly Service: string;
  /** The function's folder name; only on a function's own resources. */
  readonly Function?: string;
}

/**
 * The tags a resource of `project`/`stack` carries; with `fn`, those of one function's resources.
 * `service` defaults to the project: one Pulumi project delivers one service here, and many
 * organisations' tag policies require a `Service` key regardless.
 */
export function costAllocationTags(project: string, stack: string, fn?: string, service: string = project): CostAllocationTags {
  const tags: CostAllocationTags = { Project: project, Stack: stackTagValue(project, stack), Service: service };
  return fn === undefined ? tags : { ...tags, Function: fn };
}

/** The value of the `Stack` tag, which the stack's budget filters on. */
export function stackTagValue(project: string, stack: string): string {
  return `${project}-${stack}`;
}

/** AWS Budgets' filter syntax for a user-defined tag: `user:<key>$<value>`. */
export function budgetTagFilterValue(key: string, value: string): string {
  return `user:${key}$${value}`;
}
