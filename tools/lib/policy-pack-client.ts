/**
 * Talks to a local CrossGuard policy pack over the `pulumirpc.Analyzer` gRPC protocol exactly as
 * `pulumi preview --policy-pack <dir>` does; the process itself is started by
 * policy-pack-process.ts. Used by the offline plan and the tests.
 *
 * The CLI's calls: Handshake (Unimplemented is fine), ConfigureStack, GetAnalyzerInfo,
 * GetPluginInfo, Configure with the config reconciled as ReconcilePolicyPackConfig does (schema
 * defaults, then the pack's initial config, then `--policy-pack-config`, then JSON-schema
 * validation), then Analyze per resource and AnalyzeStack once. Unknown values travel as the
 * string sentinel (MarshalProperties with KeepUnknowns) and internal `__` keys are dropped
 * (SkipInternalKeys).
 */
import * as fs from "node:fs";
import * as path from "node:path";
import * as grpc from "@grpc/grpc-js";
import Ajv from "ajv";
import * as analyzerPb from "@pulumi/pulumi/proto/analyzer_pb";
import * as analyzerGrpc from "@pulumi/pulumi/proto/analyzer_grpc_pb";
import * as structPb from "google-protobuf/google/protobuf/struct_pb";
import * as emptyPb from "google-protobuf/google/protobuf/empty_pb";
import { BinaryWriter } from "google-protobuf";
import { EnforcementLevel, launchPolicyPack, loadConfigFile, PolicyPackConfigFile, StartOptions } from "./policy-pack-process";

export { EnforcementLevel, LaunchedPolicyPack, launchPolicyPack, PACK_NODE_OPTIONS_ENV, PolicyPackConfigFile, PolicyPackInputError, StartOptions } from "./policy-pack-process";

/** The sentinel the engine sends for a value unknown during preview (resource.UnknownStringValue). */
export const UNKNOWN = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";

/** One resource as the engine describes it to an analyzer. */
export interface AnalyzerResourceInput {
  type: string;
  name: string;
  urn: string;
  /** Inputs (Analyze) or preview outputs (AnalyzeStack); unknown values as {@link UNKNOWN}. */
  properties: Record<string, unknown>;
  parent?: string;
  dependencies?: string[];
  propertyDependencies?: Record<string, string[]>;
  protect?: boolean;
}

export interface Diagnostic {
  policyName: string;
  policyPackName: string;
  policyPackVersion: string;
  enforcementLevel: EnforcementLevel;
  urn: string;
  message: string;
  description: string;
}

export interface PolicyInfo {
  name: string;
  description: string;
  enforcementLevel: EnforcementLevel;
  configSchema?: { properties: Record<string, Record<string, unknown>>; required: string[] };
}

export interface AnalyzerInfo {
  name: string;
  version: string;
  supportsConfig: boolean;
  policies: PolicyInfo[];
  pluginVersion: string;
  /** Milliseconds from spawning the process to the port on stdout. */
  startMs: number;
}

export interface RunningPolicyPack {
  info: AnalyzerInfo;
  /** The policy config sent with Configure (reconciled as the CLI does). */
  appliedConfig: Record<string, { enforcementLevel: EnforcementLevel; properties: Record<string, unknown> }>;
  /**
   * Sends Configure again with another `--policy-pack-config` (reconciled the same way). The CLI
   * configures once per run; tests use this to try several configs on one process.
   */
  reconfigure(config: PolicyPackConfigFile | undefined): Promise<void>;
  analyze(resource: AnalyzerResourceInput): Promise<Diagnostic[]>;
  analyzeStack(resources: AnalyzerResourceInput[]): Promise<Diagnostic[]>;
  /**
   * AnalyzeStack with resources already encoded by {@link encodeAnalyzerResource}: a caller that
   * sees resources one at a time (the plan) encodes each as it comes, not all at the end.
   */
  analyzeStackEncoded(resources: Uint8Array[]): Promise<Diagnostic[]>;
  /** Stderr of the pack process so far (ts-node errors, console output). */
  stderr(): string;
  close(): Promise<void>;
}

const LEVELS: Record<number, EnforcementLevel> = {
  [analyzerPb.EnforcementLevel.ADVISORY]: "advisory",
  [analyzerPb.EnforcementLevel.MANDATORY]: "mandatory",
  [analyzerPb.EnforcementLevel.DISABLED]: "disabled",
  [analyzerPb.EnforcementLevel.REMEDIATE]: "remediate",
};
const LEVEL_CODES: Record<EnforcementLevel, number> = {
  advisory: analyzerPb.EnforcementLevel.ADVISORY,
  mandatory: analyzerPb.EnforcementLevel.MANDATORY,
  disabled: analyzerPb.EnforcementLevel.DISABLED,
  remediate: analyzerPb.EnforcementLevel.REMEDIATE,
};

/** Starts the pack process, connects, and configures it as the CLI does. */
export async function startPolicyPack(opts: StartOptions): Promise<RunningPolicyPack> {
  // Read before any process starts: a config file that cannot be read leaves nothing running.
  const config = loadConfigFile(opts.config);
  const launched = launchPolicyPack(opts);
  const port = await launched.port;
  return connectPolicyPack({ ...launched, port }, { ...opts, config });
}

/**
 * Connects to a launched pack and configures it as the CLI does (Handshake, ConfigureStack,
 * GetAnalyzerInfo, GetPluginInfo, Configure). `close()` of the result closes the connection and
 * calls `stop` when given (the process's owner may stop it itself).
 */
export async function connectPolicyPack(
  pack: { port: number; startMs(): number; stderr(): string; stop?: () => Promise<void> },
  opts: StartOptions,
): Promise<RunningPolicyPack> {
  const packDir = path.resolve(opts.packDir);
  const fileConfig = loadConfigFile(opts.config);
  const { port } = pack;
  const startMs = pack.startMs();
  const stderr = pack.stderr;
  const shutdown = async () => {
    client.close();
    await pack.stop?.();
  };

  const client = new analyzerGrpc.AnalyzerClient(`127.0.0.1:${port}`, grpc.credentials.createInsecure(), {
    "grpc.max_receive_message_length": 400 * 1024 * 1024,
    "grpc.max_send_message_length": 400 * 1024 * 1024,
  });
  const call = <Req, Res>(method: string, req: Req): Promise<Res> =>
    new Promise((resolve, reject) =>
      (client as any)[method](req, (err: grpc.ServiceError | null, res: Res) => (err ? reject(err) : resolve(res))),
    );

  try {
    // The CLI tries Handshake first and falls back when the pack does not implement it.
    const hs = new analyzerPb.AnalyzerHandshakeRequest();
    hs.setEngineAddress("127.0.0.1:0").setRootDirectory(packDir).setProgramDirectory(packDir);
    await call("handshake", hs).catch((e: grpc.ServiceError) => {
      if (e.code !== grpc.status.UNIMPLEMENTED) throw e;
    });

    const sc = new analyzerPb.AnalyzerStackConfigureRequest();
    sc.setStack(opts.stack ?? "").setProject(opts.project ?? "").setOrganization(opts.organization ?? "");
    sc.setDryRun(opts.dryRun ?? true);
    for (const [k, v] of Object.entries(opts.stackConfig ?? {})) sc.getConfigMap().set(k, v);
    await call("configureStack", sc).catch((e: grpc.ServiceError) => {
      if (e.code !== grpc.status.UNIMPLEMENTED) throw e;
    });

    const infoRes = await call<emptyPb.Empty, analyzerPb.AnalyzerInfo>("getAnalyzerInfo", new emptyPb.Empty());
    const pluginRes = await call<emptyPb.Empty, any>("getPluginInfo", new emptyPb.Empty());
    const info: AnalyzerInfo = {
      name: infoRes.getName(),
      version: infoRes.getVersion(),
      supportsConfig: infoRes.getSupportsconfig(),
      policies: infoRes.getPoliciesList().map((p) => {
        const schema = p.getConfigschema();
        return {
          name: p.getName(),
          description: p.getDescription(),
          enforcementLevel: LEVELS[p.getEnforcementlevel()],
          configSchema: schema
            ? {
                properties: (schema.getProperties()?.toJavaScript() ?? {}) as Record<string, Record<string, unknown>>,
                required: schema.getRequiredList(),
              }
            : undefined,
        };
      }),
      pluginVersion: pluginRes.getVersion(),
      startMs,
    };
    const initial: PolicyPackConfigFile = {};
    infoRes.getInitialconfigMap().forEach((v, k) => {
      initial[k] = { enforcementLevel: LEVELS[v.getEnforcementlevel()], ...(v.getProperties()?.toJavaScript() ?? {}) };
    });

    const configure = async (given: PolicyPackConfigFile | undefined) => {
      const applied = reconcileConfig(info.policies, initial, given);
      if (info.supportsConfig) {
        const req = new analyzerPb.ConfigureAnalyzerRequest();
        for (const [name, c] of Object.entries(applied)) {
          const pc = new analyzerPb.PolicyConfig();
          pc.setEnforcementlevel(LEVEL_CODES[c.enforcementLevel]);
          pc.setProperties(structPb.Struct.fromJavaScript(c.properties as any));
          req.getPolicyconfigMap().set(name, pc);
        }
        await call("configure", req);
      }
      return applied;
    };
    const running: RunningPolicyPack = {
      info,
      appliedConfig: await configure(fileConfig),
      async reconfigure(given) {
        running.appliedConfig = await configure(given);
      },
      async analyze(r) {
        const req = new analyzerPb.AnalyzeRequest();
        req.setType(r.type).setName(r.name).setUrn(r.urn);
        req.setProperties(toStruct(r.properties)).setOptions(toOptions(r));
        const res = await call<analyzerPb.AnalyzeRequest, analyzerPb.AnalyzeResponse>("analyze", req);
        // The CLI attributes a resource policy's diagnostics to the analyzed resource.
        return toDiagnostics(res).map((d) => ({ ...d, urn: d.urn || r.urn }));
      },
      analyzeStack(resources) {
        const record = process.env[RECORD_STACK_ENV];
        if (record) fs.writeFileSync(record, JSON.stringify(resources));
        return running.analyzeStackEncoded(resources.map(encodeAnalyzerResource));
      },
      async analyzeStackEncoded(resources) {
        const body = encodeAnalyzeStackRequest(resources);
        const method = analyzerGrpc.AnalyzerService.analyzeStack;
        const res = await new Promise<analyzerPb.AnalyzeResponse>((resolve, reject) =>
          client.makeUnaryRequest(method.path, (b: Buffer) => b, method.responseDeserialize, body, (err, r) => (err ? reject(err) : resolve(r!))),
        );
        return toDiagnostics(res);
      },
      stderr,
      close: shutdown,
    };
    return running;
  } catch (e) {
    await shutdown();
    const output = stderr();
    throw new Error(`policy pack "${packDir}": ${(e as Error).message}${output ? `\n--- pack stderr ---\n${output}` : ""}`);
  }
}

/** One-shot: start the pack, Analyze every resource, AnalyzeStack once, stop. */
export async function runPolicyPack(
  resources: AnalyzerResourceInput[],
  opts: StartOptions,
): Promise<{ info: AnalyzerInfo; diagnostics: Diagnostic[]; analyzeMs: number }> {
  const pack = await startPolicyPack(opts);
  try {
    const t0 = Date.now();
    const diagnostics: Diagnostic[] = [];
    for (const r of resources) diagnostics.push(...(await pack.analyze(r)));
    diagnostics.push(...(await pack.analyzeStack(resources)));
    return { info: pack.info, diagnostics, analyzeMs: Date.now() - t0 };
  } finally {
    await pack.close();
  }
}

/**
 * File to which AnalyzeStack's resources are written as JSON (an {@link AnalyzerResourceInput}
 * list) before each call, to replay a real stack against the pack (profiling, before/after diffs).
 */
export const RECORD_STACK_ENV = "POLICY_PACK_RECORD_STACK";

/**
 * ReconcilePolicyPackConfig as the CLI implements it (pkg/resource/analyzer/config.go): schema
 * defaults, then the pack's initial config, then the given config ("all" sets every level), then
 * JSON-schema validation of each policy's properties.
 */
export function reconcileConfig(
  policies: PolicyInfo[],
  initial: PolicyPackConfigFile | undefined,
  given: PolicyPackConfigFile | undefined,
): Record<string, { enforcementLevel: EnforcementLevel; properties: Record<string, unknown> }> {
  const result: Record<string, { enforcementLevel: EnforcementLevel; properties: Record<string, unknown> }> = {};
  for (const p of policies) {
    const props: Record<string, unknown> = {};
    for (const [k, s] of Object.entries(p.configSchema?.properties ?? {})) if ("default" in s) props[k] = s.default;
    result[p.name] = { enforcementLevel: p.enforcementLevel, properties: props };
  }
  for (const layer of [initial, given]) {
    if (!layer) continue;
    const all = normalizeEntry(layer.all);
    if (all.enforcementLevel) for (const r of Object.values(result)) r.enforcementLevel = all.enforcementLevel;
    for (const [name, raw] of Object.entries(layer)) {
      if (name === "all") continue;
      const entry = normalizeEntry(raw);
      const target = (result[name] ??= { enforcementLevel: "advisory", properties: {} });
      if (entry.enforcementLevel) target.enforcementLevel = entry.enforcementLevel;
      Object.assign(target.properties, entry.properties);
    }
  }
  const ajv = new Ajv({ allErrors: true, strict: false });
  const errors: string[] = [];
  for (const p of policies) {
    if (!p.configSchema) continue;
    const schema = {
      type: "object",
      properties: p.configSchema.properties,
      ...(p.configSchema.required.length ? { required: p.configSchema.required } : {}),
    };
    const validate = ajv.compile(schema);
    if (!validate(result[p.name].properties))
      for (const e of validate.errors ?? []) errors.push(`${p.name}: ${e.instancePath || "(root)"} ${e.message}`);
  }
  if (errors.length) throw new Error(`policy pack config is invalid:\n  ${errors.join("\n  ")}`);
  return result;
}

function normalizeEntry(raw: PolicyPackConfigFile[string] | undefined): {
  enforcementLevel?: EnforcementLevel;
  properties: Record<string, unknown>;
} {
  if (raw === undefined) return { properties: {} };
  if (typeof raw === "string") return { enforcementLevel: raw, properties: {} };
  const { enforcementLevel, ...properties } = raw;
  return { enforcementLevel, properties };
}

/**
 * Structs already built, by properties object: a caller that passes the same `properties` to
 * Analyze and then AnalyzeStack (the plan does) converts each resource once, not twice (at 20,259
 * resources the conversion is about a second of this process's CPU). Messages are only serialized,
 * never changed, so sharing one Struct between two requests is safe.
 */
const structs = new WeakMap<object, structPb.Struct>();

/** MarshalProperties(KeepUnknowns, SkipInternalKeys): drops `__` keys and undefined values. */
function toStruct(props: Record<string, unknown>): structPb.Struct {
  let struct = structs.get(props);
  if (!struct) structs.set(props, (struct = buildStruct(props)));
  return struct;
}

function buildStruct(props: Record<string, unknown>): structPb.Struct {
  const clean: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(props)) {
    if (k.startsWith("__") || v === undefined) continue;
    clean[k] = dropUndefined(v);
  }
  return structPb.Struct.fromJavaScript(clean as any);
}

function dropUndefined(v: unknown): unknown {
  if (Array.isArray(v)) return v.map((x) => (x === undefined ? null : dropUndefined(x)));
  if (v && typeof v === "object") {
    const o: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(v)) if (x !== undefined) o[k] = dropUndefined(x);
    return o;
  }
  return v;
}

/**
 * An AnalyzeStackRequest from resources already encoded. The message is
 * `repeated AnalyzerResource resources = 1`: on the wire, each resource's bytes behind the field's
 * tag and length, which is exactly what writeBytes writes for field 1.
 */
export function encodeAnalyzeStackRequest(resources: Uint8Array[]): Buffer {
  const writer = new BinaryWriter();
  for (const bytes of resources) writer.writeBytes(1, bytes);
  return Buffer.from(writer.getResultBuffer());
}

/** One resource as an AnalyzeStack request carries it (a serialized `pulumirpc.AnalyzerResource`). */
export function encodeAnalyzerResource(r: AnalyzerResourceInput): Uint8Array {
  const ar = new analyzerPb.AnalyzerResource();
  ar.setType(r.type).setName(r.name).setUrn(r.urn);
  ar.setProperties(toStruct(r.properties)).setOptions(toOptions(r));
  ar.setParent(r.parent ?? "").setDependenciesList(r.dependencies ?? []);
  for (const [k, urns] of Object.entries(r.propertyDependencies ?? {})) {
    if (urns.length === 0) continue; // the CLI skips properties without dependencies
    const deps = new analyzerPb.AnalyzerPropertyDependencies();
    deps.setUrnsList(urns);
    ar.getPropertydependenciesMap().set(k, deps);
  }
  return ar.serializeBinary();
}

function toOptions(r: AnalyzerResourceInput): analyzerPb.AnalyzerResourceOptions {
  const o = new analyzerPb.AnalyzerResourceOptions();
  o.setProtect(r.protect ?? false).setParent(r.parent ?? "");
  o.setCustomtimeouts(new analyzerPb.AnalyzerResourceOptions.CustomTimeouts());
  return o;
}

function toDiagnostics(res: analyzerPb.AnalyzeResponse): Diagnostic[] {
  return res.getDiagnosticsList().map((d) => ({
    policyName: d.getPolicyname(),
    policyPackName: d.getPolicypackname(),
    policyPackVersion: d.getPolicypackversion(),
    enforcementLevel: LEVELS[d.getEnforcementlevel()],
    urn: d.getUrn(),
    message: d.getMessage(),
    description: d.getDescription(),
  }));
}
