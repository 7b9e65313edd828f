import * as pulumi from "@pulumi/pulumi";
import * as path from "path";
import { loadStackSettings } from "../../tools/lib/pulumi-project";

/**
 * Runs the Pulumi program for one stack in this process under Pulumi's mock engine, with preview
 * semantics, and returns every resource it would register with its inputs.
 *
 * Preview semantics matter: the mock returns a resource's inputs as its state and invents nothing
 * else, so a computed-only output (an ARN, a version, a URL) stays unknown exactly as in a real
 * `pulumi preview`. A program that built a grant from such a value would show the unknown
 * sentinel in the policy the tests read.
 */

export const TEST_ACCOUNT_ID = "123456789012";
/** The engine's marker for a value not known at preview (what the policy pack receives). */
export const UNKNOWN = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";
const PROJECT_DIR = path.resolve(__dirname, "../..");

export interface PlannedResource {
  readonly urn: string;
  readonly type: string;
  readonly name: string;
  /** Name of the parent resource (component), if any. */
  readonly parent?: string;
  readonly parentUrn?: string;
  readonly custom: boolean;
  readonly dependencies: string[];
  /** Properties the engine is told to leave alone after creation. */
  readonly ignoreChanges: string[];
  /** Inputs as the engine received them; unknowns as `UNKNOWN`, archives as `{ archive: path }`. */
  readonly inputs: Record<string, any>;
}

export interface Plan {
  readonly stack: string;
  readonly resources: PlannedResource[];
  /** The only resource of `type` named `name`; throws listing the names that exist otherwise. */
  one(type: string, name: string): PlannedResource;
  all(type: string): PlannedResource[];
  /** The program's returned outputs, resolved; unknowns as `UNKNOWN`. */
  readonly outputs: Record<string, any>;
}

export interface PlanOptions {
  /** Folder with Pulumi.yaml and the stack files. @default the repository root */
  readonly projectDir?: string;
  /** Config entries set over the stack file's (engine form: `{ "serverless:functionsDir": "/tmp/x" }`). */
  readonly config?: Record<string, string>;
  /**
   * Outputs of resources that already exist (as on a second preview), merged into the mock's
   * state: e.g. an API's `executionArn`. @default none: a first preview, computed outputs unknown
   */
  readonly existing?: (type: string, name: string, inputs: Record<string, any>) => Record<string, unknown> | undefined;
  /** The program; it may return a promise of its outputs (async, like `defineStack`). @default infra/stack.ts `defineStack` with `projectDir` */
  readonly program?: () => unknown;
}

// The SDK keeps its runtime state in module globals: plans run one at a time.
let queue: Promise<unknown> = Promise.resolve();

export function planStack(stack: string, opts: PlanOptions = {}): Promise<Plan> {
  const run = queue.then(() => runPlan(stack, opts));
  queue = run.catch(() => undefined);
  return run;
}

async function runPlan(stack: string, opts: PlanOptions): Promise<Plan> {
  const projectDir = opts.projectDir ?? PROJECT_DIR;
  const settings = loadStackSettings(projectDir, stack);
  pulumi.runtime.setAllConfig({ ...settings.config, ...opts.config }, settings.secretKeys);

  const pending: Promise<PlannedResource>[] = [];
  await pulumi.runtime.setMocks(
    {
      newResource: (args) => ({
        id: args.custom ? `${args.name}-id` : "",
        state: { ...args.inputs, ...opts.existing?.(args.type, args.name, args.inputs) },
      }),
      call: (args) => {
        if (args.token === "aws:index/getCallerIdentity:getCallerIdentity")
          return { accountId: TEST_ACCOUNT_ID, arn: `arn:aws:iam::${TEST_ACCOUNT_ID}:user/test`, userId: "AIDATESTUSER", id: TEST_ACCOUNT_ID };
        throw new Error(`planStack: no mock for invoke ${args.token}; add one in tests/support/plan-stack.ts.`);
      },
    },
    settings.project,
    stack,
    true,
  );
  recordRegistrations(pending);

  // Loaded lazily: the program module reads nothing at import, but @pulumi/aws is slow to load.
  const program = opts.program ?? (() => require("../../infra/stack").defineStack({ projectDir }));
  // settle awaits the promise an async program returns, then every Output in its outputs.
  const outputs = (await settle(program())) as Record<string, any>;
  await waitForRegistrations();
  const resources = await Promise.all(pending);

  const plan: Plan = {
    stack,
    resources,
    outputs,
    all: (type) => resources.filter((r) => r.type === type),
    one: (type, name) => {
      const found = resources.filter((r) => r.type === type && r.name === name);
      if (found.length !== 1) {
        const names = resources.filter((r) => r.type === type).map((r) => r.name);
        throw new Error(`expected one ${type} named "${name}", found ${found.length}; names of that type: ${names.join(", ") || "none"}`);
      }
      return found[0];
    },
  };
  return plan;
}

/**
 * The mocks' `newResource` sees no parent or dependencies, so the monitor's registerResource is
 * wrapped to read them from the request itself (the same request the engine would get).
 */
function recordRegistrations(into: Promise<PlannedResource>[]): void {
  const monitor = pulumi.runtime.getMonitor() as unknown as {
    registerResource: (req: any, cb: (err: unknown, resp: any) => void) => void;
  };
  const original = monitor.registerResource.bind(monitor);
  monitor.registerResource = (req, cb) => {
    original(req, (err, resp) => {
      if (!err)
        into.push(
          (async () => {
            const parentUrn: string = req.getParent() || undefined;
            return {
              urn: resp.getUrn(),
              type: req.getType(),
              name: req.getName(),
              parent: parentUrn ? parentUrn.split("::").pop() : undefined,
              parentUrn,
              custom: req.getCustom(),
              dependencies: req.getDependenciesList(),
              ignoreChanges: req.getIgnorechangesList(),
              inputs: (await normalize(pulumi.runtime.deserializeProperties(req.getObject(), true))) as Record<string, any>,
            };
          })(),
        );
      cb(err, resp);
    });
  };
}

async function waitForRegistrations(): Promise<void> {
  // Internal to the SDK, but it is exactly "wait until every pending engine call has finished".
  const settingsModule = require("@pulumi/pulumi/runtime/settings") as { waitForRPCs: () => Promise<void> };
  await settingsModule.waitForRPCs();
}

/** Awaits every Output inside a value; an unknown one becomes `UNKNOWN`. */
async function settle(value: unknown): Promise<unknown> {
  if (pulumi.Output.isInstance(value)) {
    const o = value as unknown as { isKnown: Promise<boolean>; promise: () => Promise<unknown> };
    const [known, inner] = await Promise.all([o.isKnown, o.promise()]);
    return known ? settle(inner) : UNKNOWN;
  }
  if (value instanceof Promise) return settle(await value);
  return normalize(value, settle);
}

async function normalize(value: unknown, recurse: (v: unknown) => Promise<unknown> = (v) => normalize(v)): Promise<unknown> {
  if (value === null || value === undefined) return value;
  if (pulumi.Output.isInstance(value) || value instanceof Promise) return recurse(value);
  if (value === (pulumi as any).unknown || (value as { constructor?: { name?: string } }).constructor?.name === "Unknown") return UNKNOWN;
  if (pulumi.asset.FileArchive.isInstance?.(value) || value instanceof pulumi.asset.FileArchive)
    return { archive: await (value as pulumi.asset.FileArchive).path };
  if (Array.isArray(value)) return Promise.all(value.map(recurse));
  if (typeof value === "object") {
    if (pulumi.Resource.isInstance(value)) return (await recurse((value as pulumi.Resource).urn)) as string;
    const entries = await Promise.all(Object.entries(value as object).map(async ([k, v]) => [k, await recurse(v)] as const));
    return Object.fromEntries(entries.filter(([, v]) => v !== undefined));
  }
  return value;
}
