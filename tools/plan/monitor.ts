import { autoName } from "./autonaming";
import { InvokeHandlers } from "./invokes";

/** The engine's sentinel for a value unknown during preview (resource.UnknownStringValue). */
export const UNKNOWN = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";
export const ROOT_STACK_TYPE = "pulumi:pulumi:Stack";

/** One resource the program registered, as the engine would see it during a preview. */
export interface PlannedResource {
  urn: string;
  type: string;
  name: string;
  /** Custom (a cloud resource) or a component. */
  custom: boolean;
  parent: string;
  dependencies: string[];
  propertyDependencies: Record<string, string[]>;
  /** Checked inputs (auto-names applied) in the engine's wire form: unknowns as {@link UNKNOWN}, secrets wrapped. */
  inputs: Record<string, unknown>;
  /** "create", or "read" for `Resource.get` (offline, a read's state is only what the program gave). */
  op: "create" | "read";
}

/**
 * Registrations answered per event-loop turn: small enough that the policy pack's answers are
 * read (and more Analyze calls sent) often while the program runs, large enough that turns cost
 * nothing measurable.
 */
const ANSWERS_PER_TURN = 64;

/** A response object the SDK reads with getters only; a plain object avoids building protobufs twice. */
const struct = (value: Record<string, unknown>) => ({ toJavaScript: () => value });
const rpcError = (message: string) => Object.assign(new Error(message), { code: 2, details: message });

/** Features the CLI's engine offers the Node SDK that make sense offline (see settings.awaitFeatureSupport). */
const FEATURES: Record<string, boolean> = {
  secrets: true,
  // Off: a resource passed as an input is sent as its id (custom) or URN (component), which is
  // what a rule reads; with references on, the wire form carries SDK-internal signatures.
  resourceReferences: false,
  // Off: unknowns travel as the sentinel string, the form analyzers receive.
  outputValues: false,
  deletedWith: true,
  replaceWith: true,
  aliasSpecs: true,
  transforms: false,
  invokeTransforms: false,
  parameterization: false,
  resourceHooks: false,
  errorHooks: false,
};

/**
 * The resource monitor the program talks to, in place of the engine, with PREVIEW semantics.
 * It implements the methods of `pulumirpc.ResourceMonitor` that the Node SDK calls (the same
 * surface as the SDK's own `MockMonitor`, runtime/mocks.js), but:
 * - a created resource's state is its checked inputs (plus the provider's auto-name); everything
 *   else, including its id, is left out, and the SDK resolves what is left out as unknown when
 *   `isDryRun()` (runtime/rpc.js resolveProperties, runtime/resource.js resolveOutputs);
 * - URNs follow the engine (`<parent qualified type>$<type>`, the root stack's type omitted),
 *   where MockMonitor keeps only the last parent type;
 * - resources are kept in insertion order in an array plus a Map by URN: every operation is O(1)
 *   in the number of resources (MockMonitor copies its map in `getRegisteredResources`);
 * - responses are plain objects with the getters the SDK calls, not protobuf messages built
 *   with `Struct.fromJavaScript` and read back (measured: ~8% of a 1000-function run).
 */
export class PlanMonitor {
  readonly resources: PlannedResource[] = [];
  readonly byUrn = new Map<string, PlannedResource>();
  readonly errors: Error[] = [];
  stackOutputs: Record<string, unknown> = {};
  private stackUrn = "";
  /** Called after each registration (the progress indicator). */
  onRegister: (count: number) => void = () => {};
  /** Called with each resource as it registers or is read (the plan streams them to the policy pack). */
  onResource: (resource: PlannedResource) => void = () => {};
  /** Answers waiting for the next turn of the event loop (see {@link answer}). */
  private pending: (() => void)[] = [];

  constructor(
    private readonly project: string,
    private readonly stack: string,
    private readonly invokes: InvokeHandlers,
  ) {}

  newUrn(parent: string, type: string, name: string): string {
    let qualified = type;
    if (parent) {
      const parentType = parent.split("::")[2];
      if (parentType !== ROOT_STACK_TYPE) qualified = `${parentType}$${type}`;
    }
    return `urn:pulumi:${this.stack}::${this.project}::${qualified}::${name}`;
  }

  registerResource(req: any, callback: (err: Error | null, resp?: unknown) => void): void {
    try {
      const type: string = req.getType();
      const name: string = req.getName();
      const custom: boolean = req.getCustom();
      const parent: string = req.getParent();
      const urn = this.newUrn(parent, type, name);
      if (this.byUrn.has(urn)) throw new Error(`Duplicate resource URN '${urn}'; try giving it a unique name`);
      const inputs = req.getObject().toJavaScript() as Record<string, unknown>;
      if (type === ROOT_STACK_TYPE) this.stackUrn = urn;
      if (custom) {
        const named = autoName(type, urn, name, inputs);
        if (named) inputs[named[0]] = named[1];
      }
      const propertyDependencies: Record<string, string[]> = {};
      req.getPropertydependenciesMap().forEach((deps: any, key: string) => {
        propertyDependencies[key] = deps.getUrnsList();
      });
      const res: PlannedResource = {
        urn,
        type,
        name,
        custom,
        parent,
        dependencies: req.getDependenciesList(),
        propertyDependencies,
        inputs,
        op: "create",
      };
      this.resources.push(res);
      this.byUrn.set(urn, res);
      this.onRegister(this.resources.length);
      this.onResource(res);
      // A component's outputs come from its own registerOutputs, never from the engine.
      const state = custom ? inputs : {};
      this.answer(callback, {
        getUrn: () => urn,
        getId: () => "", // unknown during a preview: the SDK resolves "" as an unknown id
        getObject: () => struct(state),
        getPropertydependenciesMap: () => undefined,
        getResult: () => 0, // Result.SUCCESS
      });
    } catch (e) {
      this.errors.push(e as Error);
      callback(rpcError((e as Error).message));
    }
  }

  readResource(req: any, callback: (err: Error | null, resp?: unknown) => void): void {
    const type: string = req.getType();
    const name: string = req.getName();
    const parent: string = req.getParent();
    const urn = this.newUrn(parent, type, name);
    const inputs = req.getProperties().toJavaScript() as Record<string, unknown>;
    const res: PlannedResource = { urn, type, name, custom: true, parent, dependencies: req.getDependenciesList(), propertyDependencies: {}, inputs, op: "read" };
    this.resources.push(res);
    this.byUrn.set(urn, res);
    this.onResource(res);
    this.answer(callback, { getUrn: () => urn, getProperties: () => struct(inputs) });
  }

  /**
   * Answers a registration on the next turn of the event loop, all answers of a turn together, as
   * the engine's answers arrive over gRPC. Answering synchronously made the whole program one
   * chain of microtasks: no I/O ran until it ended, so the policy pack's Analyze calls (sent as
   * resources register) could not leave this process before the program was over. With a turn
   * per batch the pack analyzes while the program runs, on the other core. The SDK does not care
   * when an answer comes (it awaits each one), only that it comes.
   */
  private answer(callback: (err: Error | null, resp?: unknown) => void, resp: unknown): void {
    if (this.pending.length === 0) setImmediate(() => this.flush());
    this.pending.push(() => callback(null, resp));
  }

  private flush(): void {
    const batch = this.pending.splice(0, ANSWERS_PER_TURN);
    if (this.pending.length > 0) setImmediate(() => this.flush());
    for (const answer of batch) answer();
  }

  registerResourceOutputs(req: any, callback: (err: Error | null, resp?: unknown) => void): void {
    if (req.getUrn() === this.stackUrn) this.stackOutputs = req.getOutputs().toJavaScript();
    callback(null, {});
  }

  invoke(req: any, callback: (err: Error | null, resp?: unknown) => void): void {
    const token: string = req.getTok();
    try {
      const handler = this.invokes[token];
      if (!handler)
        throw new Error(
          `the offline plan cannot answer the function call '${token}' (it knows ${Object.keys(this.invokes).join(", ")}); ` +
            `compute the value in the program, or add a handler in tools/plan/invokes.ts.`,
        );
      const result = handler(req.getArgs().toJavaScript());
      callback(null, {
        getFailuresList: () => [],
        getReturn: () => struct(result),
        getReturndependenciesMap: () => undefined,
      });
    } catch (e) {
      this.errors.push(e as Error);
      callback(rpcError((e as Error).message));
    }
  }

  call(req: any, callback: (err: Error | null) => void): void {
    const e = new Error(`the offline plan cannot call provider method '${req.getTok()}'.`);
    this.errors.push(e);
    callback(rpcError(e.message));
  }

  supportsFeature(req: any, callback: (err: Error | null, resp?: unknown) => void): void {
    const has = FEATURES[req.getId()] ?? false;
    callback(null, { getHassupport: () => has });
  }

  registerPackage(_req: any, callback: (err: Error | null, resp?: unknown) => void): void {
    callback(null, { getRef: () => "offline-plan" });
  }

  signalAndWaitForShutdown(_req: unknown, callback: (err: Error | null) => void): void {
    callback(null);
  }

  close(): void {}
}
