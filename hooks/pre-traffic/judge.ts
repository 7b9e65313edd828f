import { Example, isSchema, OUTPUT_SCHEMA_EXPORTS, RegisteredFunction, Schema } from "./registry";

/** What one invocation of the target version returned. */
export interface InvocationResult {
  /** Lambda's `FunctionError` ("Unhandled") when the handler threw. */
  readonly functionError?: string;
  /** The response payload, JSON-decoded when it is JSON. */
  readonly payload: unknown;
}

/**
 * Decodes what Lambda's Invoke returned into what `judge` reads: the payload as JSON when it is
 * JSON, else the raw text. Shared by the hook and `npm run verify`, so both judge the same thing.
 */
export function invocationResultOf(out: { readonly FunctionError?: string; readonly Payload?: Uint8Array }): InvocationResult {
  const text = out.Payload ? Buffer.from(out.Payload).toString("utf8") : "";
  let payload: unknown = text;
  try {
    payload = text ? JSON.parse(text) : undefined;
  } catch {
    // not JSON: judged as the raw text
  }
  return { functionError: out.FunctionError, payload };
}

export interface Verdict {
  readonly ok: boolean;
  /** Why it passed or failed, for the log and the promotion record. */
  readonly reason: string;
}

/** The error type the functions throw for input that breaks their contract (functions/shared/errors.ts). */
export const CONTRACT_ERROR = "ContractError";

const pass = (reason: string): Verdict => ({ ok: true, reason });
const fail = (reason: string): Verdict => ({ ok: false, reason });

/**
 * Does the response to `example` keep the function's contract?
 * - a valid example must succeed: no error, the output schema holds, and an HTTP answer is 2xx
 *   (body per `acceptedBodySchema` when exported), a queue batch reports no failed record;
 * - an invalid example must be refused the documented way, never crash: HTTP answers 4xx (body per
 *   `errorBodySchema` when exported); a queue consumer reports batch item failures or throws a
 *   ContractError; event and schedule consumers throw a ContractError (the platform retries,
 *   then dead-letters). Any other error is a crash.
 */
export function judge(fn: RegisteredFunction, example: Example, result: InvocationResult): Verdict {
  const output = outputSchemaOf(fn);
  if (result.functionError) {
    const { errorType, errorMessage } = errorOf(result.payload);
    const refusedByContract = errorType === CONTRACT_ERROR && !example.valid && (fn.trigger === "queue" || fn.trigger === "event" || fn.trigger === "schedule");
    if (refusedByContract) return pass(`refused with ${CONTRACT_ERROR}: ${errorMessage}`);
    return fail(`${example.valid ? "a valid example" : "an invalid example"} made the function throw ${errorType}: ${errorMessage}`);
  }
  const parsed = output.safeParse(result.payload);
  if (!parsed.success) return fail(`the response breaks the output contract: ${describe(parsed.error.issues)}; got ${preview(result.payload)}`);
  const response = parsed.data as Record<string, unknown>;

  switch (fn.trigger) {
    case "http":
      return judgeHttp(fn, example, response);
    case "queue": {
      const failures = Array.isArray(response.batchItemFailures) ? response.batchItemFailures.length : 0;
      if (example.valid) return failures === 0 ? pass("every record processed") : fail(`a valid batch reported ${failures} failed record(s)`);
      return failures > 0 ? pass(`${failures} invalid record(s) reported as batch item failures`) : fail("an invalid batch was accepted with no batch item failure");
    }
    default:
      return example.valid ? pass("the output matches the contract") : fail(`an invalid event was accepted (it must be refused with a ${CONTRACT_ERROR})`);
  }
}

function judgeHttp(fn: RegisteredFunction, example: Example, response: Record<string, unknown>): Verdict {
  const status = Number(response.statusCode);
  const wanted = example.valid ? [200, 299] : [400, 499];
  if (!(status >= wanted[0] && status <= wanted[1]))
    return fail(`${example.valid ? "a valid request" : "an invalid request"} got HTTP ${status}; expected ${example.valid ? "2xx" : "4xx"}: ${preview(response.body)}`);
  const bodySchema = fn.contract[example.valid ? "acceptedBodySchema" : "errorBodySchema"];
  if (!isSchema(bodySchema)) return pass(`HTTP ${status}`);
  let body: unknown;
  try {
    body = JSON.parse(String(response.body));
  } catch {
    return fail(`HTTP ${status} with a body that is not JSON: ${preview(response.body)}`);
  }
  const parsed = bodySchema.safeParse(body);
  return parsed.success ? pass(`HTTP ${status}, body matches the contract`) : fail(`HTTP ${status} body breaks the contract: ${describe(parsed.error.issues)}`);
}

/** The output schema a contract exports; the generator refuses a contract without one at build time. */
export function outputSchemaOf(fn: RegisteredFunction): Schema {
  for (const key of OUTPUT_SCHEMA_EXPORTS) {
    const s = fn.contract[key];
    if (isSchema(s)) return s;
  }
  throw new Error(`the contract exports no output schema (${OUTPUT_SCHEMA_EXPORTS.join(" or ")})`);
}

function errorOf(payload: unknown): { errorType: string; errorMessage: string } {
  const p = (payload ?? {}) as { errorType?: unknown; errorMessage?: unknown };
  return { errorType: typeof p.errorType === "string" ? p.errorType : "an unknown error", errorMessage: typeof p.errorMessage === "string" ? p.errorMessage : preview(payload) };
}

function describe(issues: readonly { path: readonly PropertyKey[]; message: string }[]): string {
  return issues
    .slice(0, 5)
    .map((i) => `\`${i.path.map(String).join(".") || "(root)"}\` ${i.message}`)
    .join("; ");
}

function preview(value: unknown): string {
  const text = typeof value === "string" ? value : JSON.stringify(value);
  return text === undefined ? "undefined" : text.length > 300 ? `${text.slice(0, 300)}...` : text;
}
