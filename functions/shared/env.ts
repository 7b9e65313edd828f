/**
 * Reads a required environment variable. The program sets these from `function.json`
 * `environment`; a missing one is a deployment mistake, so the message says where to fix it.
 */
export function requireEnv(name: string): string {
  const value = process.env[name];
  if (!value) {
    const fn = process.env.AWS_LAMBDA_FUNCTION_NAME ?? "this function";
    throw new Error(`${fn}: environment variable ${name} is not set; declare it in the function's function.json \`environment\`.`);
  }
  return value;
}

/** Reads an optional positive integer setting, failing loudly on a malformed value. */
export function integerEnv(name: string, fallback: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === "") return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value <= 0)
    throw new Error(`environment variable ${name} must be a positive integer; got "${raw}".`);
  return value;
}
