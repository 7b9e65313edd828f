import * as fs from "fs";
import * as path from "path";
import { parseArgs } from "util";
import { functionSettings } from "../../infra/catalog/function-settings";
import { declaredEnvironment, lambdaContext, localFunction, runtimeEnvironment, timeoutSeconds, type LocalFunction } from "./lambda-environment";
import { display, EventFileError, readEventFile } from "./event-file";
import { startLocalAws, type LocalAws } from "./local-aws";
import { applyEnvironment, describeError, interceptOutput, invokeBundle, useLocalEndpoint, type Outcome } from "./run-bundle";

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
  return localFunction(options.name, parsed.data, options.stack, options.region);
}

function loadEvent(options: Options): unknown {
  try {
    return readEventFile(options.eventPath, path.join(ROOT, "functions"), options.name).event;
  } catch (error) {
    if (error instanceof EventFileError) throw new UsageError(error.message);
    throw error;
  }
}

function bundlePath(options: Options): string {
  const bundle = path.join(options.dist, options.name, "index.js");
  if (!fs.existsSync(bundle))
    throw new UsageError(`${display(bundle)} not found: run \`npm run build\` first.`);
  return bundle;
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
    useLocalEndpoint(localAws.endpoint);
    report(`[local-aws] answering AWS calls on ${localAws.endpoint}`);
  }

  const context = lambdaContext(fn, Date.now());
  applyEnvironment(runtimeEnvironment(fn, context, path.dirname(bundle)), true);
  applyEnvironment(declaredEnvironment(fn), false);
  report(`invoke: ${fn.name} (${display(bundle)}) as ${context.functionName}, request ${context.awsRequestId}`);

  // stdout holds only the result (as with `sam local invoke`): the handler's output goes to stderr.
  const toStderr = process.stderr.write.bind(process.stderr);
  const restore = interceptOutput((text) => toStderr(text));
  let outcome: Outcome;
  try {
    outcome = await invokeBundle(bundle, event, context, timeoutSeconds(fn) * 1000);
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
