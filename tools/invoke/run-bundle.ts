import type { Context } from "aws-lambda";

/**
 * Running a built bundle in this process the way the Lambda Node.js runtime does: load the
 * module once (init), then call its `handler` with an event and a context, bounded by the
 * function's timeout. Shared by `npm run invoke` (one call) and `npm run flow` (one call per hop).
 */

export type Handler = (event: unknown, context: Context, callback?: (error: unknown, result?: unknown) => void) => unknown;

/** Where a failure happened: loading the bundle (init) or answering the event (invoke). */
export type Phase = "init" | "invoke";

export type Outcome = { readonly ok: true; readonly result: unknown } | { readonly ok: false; readonly phase: Phase; readonly error: unknown };

export class TimeoutError extends Error {
  override readonly name = "TimeoutError";
}

export function describeError(error: unknown): string {
  if (error instanceof Error) return `${error.name}: ${error.message}`;
  return `non-Error value thrown: ${JSON.stringify(error)}`;
}

/** Sets variables; with `override` false, a variable the user already set wins (an explicit EVENT_BUS_NAME). */
export function applyEnvironment(values: Record<string, string>, override: boolean): void {
  for (const [key, value] of Object.entries(values)) if (override || process.env[key] === undefined) process.env[key] = value;
}

/** Points the AWS SDK at a loopback endpoint with dummy keys, and drops what could pair with them. */
export function useLocalEndpoint(endpoint: string): void {
  applyEnvironment({ AWS_ENDPOINT_URL: endpoint, AWS_ACCESS_KEY_ID: "local", AWS_SECRET_ACCESS_KEY: "local" }, true);
  delete process.env.AWS_SESSION_TOKEN;
  delete process.env.AWS_PROFILE;
}

/** `require`s the bundle (its module scope runs: the init phase) and returns its `handler`. */
export function loadHandler(bundle: string): Handler {
  let handler: unknown;
  try {
    handler = (require(bundle) as { handler?: unknown }).handler;
  } catch (error) {
    throw new Error(`init failed: ${describeError(error)}`);
  }
  if (typeof handler !== "function") throw new Error(`${bundle} does not export a \`handler\` function.`);
  return handler as Handler;
}

/** Calls the handler as the runtime does: promise or callback style, failing after `timeoutMs`. */
export function callHandler(handler: Handler, event: unknown, context: Context, timeoutMs: number): Promise<unknown> {
  const run = new Promise<unknown>((resolve, reject) => {
    const callback = (error: unknown, result?: unknown) => (error ? reject(error) : resolve(result));
    try {
      const returned = handler(event, context, callback);
      if (returned && typeof (returned as Promise<unknown>).then === "function") (returned as Promise<unknown>).then(resolve, reject);
      else if (handler.length < 3) resolve(returned);
    } catch (error) {
      reject(error);
    }
  });
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new TimeoutError(`Task timed out after ${(timeoutMs / 1000).toFixed(2)} seconds`)), timeoutMs);
  });
  return Promise.race([run, timeout]).finally(() => clearTimeout(timer));
}

/** Loads (if not yet loaded: `require` caches it, so later calls are warm) and invokes the bundle. */
export async function invokeBundle(bundle: string, event: unknown, context: Context, timeoutMs: number): Promise<Outcome> {
  let handler: Handler;
  try {
    handler = loadHandler(bundle);
  } catch (error) {
    return { ok: false, phase: "init", error };
  }
  try {
    return { ok: true, result: await callHandler(handler, event, context, timeoutMs) };
  } catch (error) {
    return { ok: false, phase: "invoke", error };
  }
}

/**
 * Sends everything written to stdout and stderr to `sink` until the returned function is called.
 * Node's Console (used by Powertools) calls the stream's `write` at each call, so swapping
 * `write` catches every log line without touching the bundle.
 */
export function interceptOutput(sink: (text: string) => void): () => void {
  const original = { out: process.stdout.write, err: process.stderr.write };
  const write = ((chunk: string | Uint8Array, encoding?: unknown, done?: unknown) => {
    sink(typeof chunk === "string" ? chunk : Buffer.from(chunk).toString("utf8"));
    const callback = typeof encoding === "function" ? encoding : done;
    if (typeof callback === "function") process.nextTick(callback as () => void);
    return true;
  }) as typeof process.stdout.write;
  process.stdout.write = write;
  process.stderr.write = write;
  return () => {
    process.stdout.write = original.out;
    process.stderr.write = original.err;
  };
}
