import { parseArgs, ParseArgsConfig } from "util";
import { UsageError } from "./errors";

/** Parses `argv` strictly; unknown flags and missing values become UsageErrors that name the flag. */
export function parseFlags<O extends NonNullable<ParseArgsConfig["options"]>>(argv: string[], options: O) {
  try {
    return parseArgs({ args: argv, options, strict: true, allowPositionals: false }).values;
  } catch (e) {
    throw new UsageError((e as Error).message);
  }
}

export function requireStack(value: unknown): string {
  if (typeof value !== "string" || !value) throw new UsageError("--stack <name> is required (e.g. --stack staging).");
  if (!/^[A-Za-z0-9_.-]+(\/[A-Za-z0-9_.-]+){0,2}$/.test(value)) throw new UsageError(`--stack: "${value}" is not a Pulumi stack name.`);
  return value;
}

export function positiveNumber(flag: string, value: unknown, fallback: number): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isFinite(n) || n <= 0) throw new UsageError(`${flag}: must be a positive number; got "${String(value)}".`);
  return n;
}
