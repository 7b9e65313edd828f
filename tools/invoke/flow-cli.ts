import * as fs from "fs";
import * as path from "path";
import { parseArgs } from "util";
import { display, EventFileError, readEventFile } from "./event-file";
import { FLOW_DEFAULTS, runFlow, type FlowResult } from "./flow";
import { formatTrace } from "./flow-trace";

const USAGE = `Usage: npm run flow -- [event.json] [options]

Runs the reference flow end to end on the BUILT bundles (dist/<function>/index.js): invokes the
entry function with the event, then delivers each event it puts on the stack's bus to every
function whose rule matches (queue triggers get the SQS event the bus -> queue delivery makes,
event triggers the EventBridge event), hop after hop until nothing new is published.
EventBridge is captured and DynamoDB answered in memory on loopback: no account is needed.
Builds first when <dist>/manifest.json is missing.

<event.json> is a path, or a file in functions/<entry>/events/ (default: valid-order.json).

Options:
  --correlation-id <id>  sent as the entry request's x-correlation-id header
  --entry <function>     the function invoked first (default: orders-api)
  --dist <dir>           folder holding the built bundles (default: dist)
  --stack <name>         stack used to derive resource names (default: local)
  --region <name>        region (default: AWS_REGION, else us-east-1)
  --max-hops <n>         stop after n invocations (default: ${FLOW_DEFAULTS.maxHops})

Prints every hop (function, event, result, all its log lines, its AWS calls and where its events
went) and a final check line.
Exit status: 0 every hop succeeded and every log line and event carried the same correlation id;
1 a hop failed (threw, HTTP error, batch item failures) or an id differed; 2 bad usage or nothing to run.`;

const ROOT = path.resolve(__dirname, "../..");
const FUNCTIONS_DIR = path.join(ROOT, "functions");
const CLI_DEFAULTS = { event: "valid-order.json", entry: "orders-api", stack: "local" } as const;

class UsageError extends Error {
  constructor(
    message: string,
    readonly showUsage = false,
  ) {
    super(message);
  }
}

interface Options {
  readonly eventPath: string;
  readonly entry: string;
  readonly correlationId?: string;
  readonly dist: string;
  readonly stack: string;
  readonly region: string;
  readonly maxHops: number;
}

function readOptions(argv: string[]): Options {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      options: {
        "correlation-id": { type: "string" },
        entry: { type: "string", default: CLI_DEFAULTS.entry },
        dist: { type: "string", default: path.join(ROOT, "dist") },
        stack: { type: "string", default: CLI_DEFAULTS.stack },
        region: { type: "string", default: process.env.AWS_REGION || process.env.AWS_DEFAULT_REGION || "us-east-1" },
        "max-hops": { type: "string", default: String(FLOW_DEFAULTS.maxHops) },
        help: { type: "boolean", short: "h", default: false },
      },
    });
  } catch (error) {
    throw new UsageError((error as Error).message, true);
  }
  if (parsed.values.help) throw new UsageError("", true);
  const [eventPath = CLI_DEFAULTS.event, ...extra] = parsed.positionals;
  if (extra.length) throw new UsageError(`expected at most one <event.json>; got ${JSON.stringify(parsed.positionals)}.`, true);
  const maxHops = Number(parsed.values["max-hops"]);
  if (!Number.isInteger(maxHops) || maxHops < 1 || maxHops > 100) throw new UsageError(`--max-hops must be an integer 1-100; got "${parsed.values["max-hops"]}".`);
  return {
    eventPath,
    entry: parsed.values.entry ?? CLI_DEFAULTS.entry,
    correlationId: parsed.values["correlation-id"],
    dist: path.resolve(parsed.values.dist ?? "dist"),
    stack: parsed.values.stack ?? CLI_DEFAULTS.stack,
    region: parsed.values.region ?? "us-east-1",
    maxHops,
  };
}

/** Builds every function into `dist` when it holds no manifest (a build there was never finished). */
async function ensureBuilt(dist: string, say: (line: string) => void): Promise<void> {
  if (fs.existsSync(path.join(dist, "manifest.json"))) return;
  say(`flow: ${display(path.join(dist, "manifest.json"))} not found; building first.`);
  // Loaded only here: esbuild is not needed when the bundles exist.
  const { buildFunctions, BuildError } = await import("../build");
  try {
    const manifest = await buildFunctions({ functionsDir: FUNCTIONS_DIR, outDir: dist, onWarning: (w) => say(`build warning: ${w}`) });
    say(`flow: built ${manifest.functions.map((f) => f.name).join(", ")} into ${display(dist)}.`);
  } catch (error) {
    if (error instanceof BuildError) throw new UsageError(`the build failed: ${error.message}`);
    throw error;
  }
}

async function main(argv: string[]): Promise<number> {
  const say = (line: string) => process.stderr.write(`${line}\n`);
  let options: Options;
  let event: { event: unknown; file: string };
  let result: FlowResult;
  try {
    options = readOptions(argv);
    event = readEventFile(options.eventPath, FUNCTIONS_DIR, options.entry);
    await ensureBuilt(options.dist, say);
    result = await runFlow({
      functionsDir: FUNCTIONS_DIR,
      distDir: options.dist,
      stack: options.stack,
      region: options.region,
      entry: options.entry,
      event: event.event,
      correlationId: options.correlationId,
      maxHops: options.maxHops,
    }).catch((error: Error) => {
      // Before any hop ran: a missing bundle, an unknown entry, settings that do not validate.
      throw new UsageError(error.message);
    });
  } catch (error) {
    if (!(error instanceof UsageError) && !(error instanceof EventFileError)) throw error;
    const lines = [error.message && `flow: ${error.message}`, error instanceof UsageError && error.showUsage && `\n${USAGE}`].filter(Boolean);
    say(lines.join("\n"));
    return 2;
  }
  const text = formatTrace(result, { entry: options.entry, eventFile: display(event.file), dist: display(options.dist) });
  await new Promise<void>((resolve) => process.stdout.write(`${text}\n`, () => resolve()));
  return result.problems.length ? 1 : 0;
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error) => {
    process.stderr.write(`flow: internal error: ${(error as Error).stack ?? error}\n`);
    process.exit(1);
  },
);
