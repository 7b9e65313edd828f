import type { TriggerType } from "../../infra/catalog";

/**
 * What the hook knows about every function of the repository, generated at build time from the
 * function folders (generate-registry.ts): its trigger, its contract module and its example
 * events. Adding a function folder adds it here with no other edit.
 */

/** One example event; `valid` comes from its file name (`valid-*.json` must succeed). */
export interface Example {
  readonly file: string;
  readonly valid: boolean;
  readonly event: unknown;
}

/** A zod-like schema: all the hook needs from the contracts' exports. */
export interface Schema {
  safeParse(value: unknown): { success: true; data: unknown } | { success: false; error: { issues: readonly { path: readonly PropertyKey[]; message: string }[] } };
}

export interface RegisteredFunction {
  readonly trigger: TriggerType;
  /** The function's `contract.ts` module: its output schema is `responseSchema` or `resultSchema`. */
  readonly contract: Readonly<Record<string, unknown>>;
  readonly examples: readonly Example[];
}

export type Registry = Readonly<Record<string, RegisteredFunction>>;

/** The contract exports that name a function's output, in the order they are looked up. */
export const OUTPUT_SCHEMA_EXPORTS = ["responseSchema", "resultSchema"] as const;

export function isSchema(value: unknown): value is Schema {
  return typeof value === "object" && value !== null && typeof (value as { safeParse?: unknown }).safeParse === "function";
}
