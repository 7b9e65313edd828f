import type * as z from "zod";

/** One problem with an input, located by its dotted path (`items.0.quantity`). */
export interface FieldIssue {
  readonly field: string;
  readonly message: string;
}

/** Flattens zod issues to `{ field, message }`, the shape callers see in 400 bodies and logs. */
export function fieldIssues(error: z.ZodError, prefix?: string): FieldIssue[] {
  return error.issues.map((issue) => {
    const at = [...(prefix ? [prefix] : []), ...issue.path.map(String)];
    return { field: at.length ? at.join(".") : "(root)", message: issue.message };
  });
}

export function describeIssues(issues: readonly FieldIssue[]): string {
  return issues.map((i) => `\`${i.field}\` ${i.message}`).join("; ");
}

/**
 * An input that does not match the function's contract. Thrown (never swallowed) so the
 * platform retries and then reports it; the message names every failing field.
 */
export class ContractError extends Error {
  override readonly name = "ContractError";
  constructor(
    readonly what: string,
    readonly issues: readonly FieldIssue[],
  ) {
    super(`${what} does not match its contract: ${describeIssues(issues)}`);
  }
}

/** Parses `value` with `schema` or throws a ContractError naming `what` and every bad field. */
export function parseContract<T extends z.ZodType>(schema: T, value: unknown, what: string): z.infer<T> {
  const result = schema.safeParse(value);
  if (!result.success) throw new ContractError(what, fieldIssues(result.error));
  return result.data;
}
