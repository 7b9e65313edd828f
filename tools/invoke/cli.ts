import * as fs from "fs";
import * as path from "path";
import { parseArgs } from "util";
import type { Context } from "aws-lambda";
import { functionSettings } from "../../infra/catalog/function-settings";
import { declaredEnvironment, lambdaContext, runtimeEnvironment, timeoutSeconds, type LocalFunction } from "./lambda-environment";
import { startLocalAws, type LocalAws } from "./local-aws";

const USAGE = `Usage: npm run invoke -- <function> <event.json> [options]

Runs the BUILT bundle dist/<function>/index.js with the event and a Lambda-like context.
The handler's result is printed as JSON on stdout; logs go to stderr.
<event.json> is a path, or the name of a file in functions/<function>/events/.

Options:
  --local-aws      answer EventBridge PutEvents and DynamoDB PutItem/UpdateItem/Query from a
                   loopback server (no account needed); without it, real AWS is called with the
                   credentials of your environment
  --dist <dir>     folder holding the built bundles (default: dist)
  --stack <name>   stack used to derive resource names (default: local)
  --region <name>  region (default: AWS_REGION, else us-east-1)

Exit status: 0 the handler returned, 1 it threw or timed out, 2 bad usage or nothing to run.`;

const ROOT = path.resolve(__dirname, "../..");

/** A problem with what the user asked for; `showUsage` when the command line itself was wrong. */
class UsageError extends Error {
  constructor(
    message: string,
    readonly showUsage = false,
  ) {
    super(message);
  }
}

function display(file: string): string {
  const relative = path.relative(process.cwd(), file);
  return relative && !relative.startsWith("..") ? relative : file;
}

interface Options {
  readonly name: string;
  readonly eventPath: string;
  readonly localAws: boolean;
  readonly dist: string;
  readonly stack: string;
  readonly region: string;
}

function readOptions(argv: string[]): Options {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      options: {
        "local-aws": { type: "boolean", default: false },
        dist: { type: "string", default: path.join(ROOT, "dist") },
        stack: { type: "string", default: "local" },
        region: { type: "string", default: process.env.AWS_REGION || process.env.AWS_DEFAULT_REGION || "us-east-1" },
        help: { type: "boolean", short: "h", default: false },
      },
    });
  } catch (error) {
    throw new UsageError((error as Error).message, true);
  }
  if (parsed.values.help) throw new UsageError("", true);
  const [name, eventPath, ...extra] = parsed.positionals;
  if (!name || !eventPath || extra.length) throw new UsageError(`expected <function> <event.json>; got ${JSON.stringify(parsed.positionals)}.`, true);
  return {
    name,
    eventPath,
    localAws: parsed.values["local-aws"] ?? false,
    dist: path.resolve(parsed.values.dist ?? "dist"),
    stack: parsed.values.stack ?? "local",
    region: parsed.values.region ?? "us-east-1",
  };
}

function loadFunction(options: Options): LocalFunction {
  const functionsDir = path.join(ROOT, "functions");
  const settingsFile = path.join(functionsDir, options.name, "function.json");
  if (!fs.existsSync(settingsFile)) {
    const known = fs.readdirSync(functionsDir).filter((d) => fs.existsSync(path.join(functionsDir, d, "function.json")));
    throw new UsageError(`unknown function "${options.name}": no functions/${options.name}/function.json. Known: ${known.join(", ")}.`);
  }
  const parsed = functionSettings.safeParse(JSON.parse(fs.readFileSync(settingsFile, "utf8")));
  if (!parsed.success)
    throw new UsageError(`functions/${options.name}/function.json is invalid: ${parsed.error.issues.map((i) => `\`${i.path.join(".")}\` ${i.message}`).join("; ")}.`);
  return { name: options.name, settings: parsed.data, stack: options.stack, region: options.region, accountId: process.env.AWS_ACCOUNT_ID || "123456789012" };
}

function loadEvent(options: Options): unknown {
  const candidates = [path.resolve(options.eventPath), path.join(ROOT, "functions", options.name, "events", options.eventPath)];
  const file = candidates.find((c) => fs.existsSync(c) && fs.statSync(c).isFile());
  if (!file) throw new UsageError(`event file not found; tried ${candidates.map(display).join(" and ")}.`);
  try {
    return JSON.parse(fs.readFileSync(file, "utf8"));
  } catch (error) {
    throw new UsageError(`${display(file)} is not valid JSON: ${(error as Error).message}.`);
  }
}

function bundlePath(options: Options): string {
  const bundle = path.join(options.dist, options.name, "index.js");
  if (!fs.existsSync(bundle))
    throw new UsageError(`${display(bundle)} not found: run \`npm run build\` first.`);
  return bundle;
}

/** Sets variables, keeping those the user already set (an explicit EVENT_BUS_NAME wins). */
function applyEnvironment(values: Record<string, string>, override: boolean): void {
  for (const [key, value] of Object.entries(values)) if (override || process.env[key] === undefined) process.env[key] = value;
}

/**
 * While the handler runs, everything it writes to stdout goes to stderr, so stdout holds
 * only the result (as with `sam local invoke`). Node's Console (used by Powertools) calls the
 * stream's `write` at each call, so swapping `write` catches it.
 */
function redirectStdout(): () => void {
  const original = process.stdout.write;
  process.stdout.write = process.stderr.write.bind(process.stderr) as typeof process.stdout.write;
  return () => {
    process.stdout.write = original;
  };
}

type Handler = (event: unknown, context: Context, callback?: (error: unknown, result?: unknown) => void) => unknown;

function callHandler(handler: Handler, event: unknown, context: Context, timeoutMs: number): Promise<unknown> {
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

class TimeoutError extends Error {
  override readonly name = "TimeoutError";
}

function describeError(error: unknown): string {
  if (error instanceof Error) return `${error.name}: ${error.message}`;
  return `non-Error value thrown: ${JSON.stringify(error)}`;
}

async function main(argv: string[]): Promise<number> {
  let options: Options;
  let fn: LocalFunction;
  let event: unknown;
  let bundle: string;
  try {
    options = readOptions(argv);
    fn = loadFunction(options);
    event = loadEvent(options);
    bundle = bundlePath(options);
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    const lines = [error.message && `invoke: ${error.message}`, error.showUsage && `\n${USAGE}`].filter(Boolean);
    process.stderr.write(`${lines.join("\n")}\n`);
    return 2;
  }

  const report = (line: string) => process.stderr.write(`${line}\n`);
  let localAws: LocalAws | undefined;
  if (options.localAws) {
    localAws = await startLocalAws(report);
    applyEnvironment({ AWS_ENDPOINT_URL: localAws.endpoint, AWS_ACCESS_KEY_ID: "local", AWS_SECRET_ACCESS_KEY: "local" }, true);
    // Dummy keys only: a session token or profile from the shell must not pair with them.
    delete process.env.AWS_SESSION_TOKEN;
    delete process.env.AWS_PROFILE;
    report(`[local-aws] answering AWS calls on ${localAws.endpoint}`);
  }

  const context = lambdaContext(fn, Date.now());
  applyEnvironment(runtimeEnvironment(fn, context, path.dirname(bundle)), true);
  applyEnvironment(declaredEnvironment(fn), false);
  report(`invoke: ${fn.name} (${display(bundle)}) as ${context.functionName}, request ${context.awsRequestId}`);

  const restore = redirectStdout();
  let outcome: { ok: true; result: unknown } | { ok: false; error: unknown; phase: "init" | "invoke" };
  try {
    let handler: unknown;
    try {
      handler = (require(bundle) as { handler?: unknown }).handler;
    } catch (error) {
      throw Object.assign(new Error(`init failed: ${describeError(error)}`), { phase: "init" });
    }
    if (typeof handler !== "function") throw Object.assign(new Error(`${bundle} does not export a \`handler\` function.`), { phase: "init" });
    outcome = { ok: true, result: await callHandler(handler as Handler, event, context, timeoutSeconds(fn) * 1000) };
  } catch (error) {
    outcome = { ok: false, error, phase: (error as { phase?: "init" }).phase ?? "invoke" };
  } finally {
    restore();
    await localAws?.close();
  }

  if (!outcome.ok) {
    const message = outcome.phase === "init" ? (outcome.error as Error).message : `handler threw ${describeError(outcome.error)}`;
    report(`invoke: ${message}`);
    return 1;
  }
  await new Promise<void>((resolve) => process.stdout.write(`${JSON.stringify(outcome.result ?? null, null, 2)}\n`, () => resolve()));
  return 0;
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error) => {
    process.stderr.write(`invoke: internal error: ${(error as Error).stack ?? error}\n`);
    process.exit(1);
  },
);
