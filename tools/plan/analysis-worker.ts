/**
 * The policy pack's client, on a worker thread (started by analysis.ts). The program keeps the
 * plan's main thread busy from start to end; the gRPC work of streaming every resource to the
 * pack (a unary Analyze call per resource, protobuf encoding, HTTP/2 frames: about 0.2 ms of CPU
 * each) ran there too and slowed the program by a third at 1000 functions. Here it runs beside it.
 */
import * as fs from "node:fs";
import { parentPort, workerData } from "node:worker_threads";
import type { PlannedResource } from "./monitor";
import {
  AnalyzerResourceInput,
  connectPolicyPack,
  Diagnostic,
  encodeAnalyzerResource,
  RECORD_STACK_ENV,
  RunningPolicyPack,
  StartOptions,
} from "../lib/policy-pack-client";
import type { FromWorker, ToWorker } from "./analysis";

/** Resources analyzed at once: the pack answers each in well under a millisecond, a round trip costs more. */
const ANALYZE_WINDOW = 64;

const port = parentPort!;
const post = (m: FromWorker) => port.postMessage(m);

/** Resources received, waiting for an Analyze slot. */
const queue: (AnalyzerResourceInput | undefined)[] = [];
/** Each resource as AnalyzeStack carries it, encoded when its Analyze is sent (one Struct for both). */
const encoded: Uint8Array[] = [];
/** The resources themselves, kept only to record the stack (POLICY_PACK_RECORD_STACK). */
const recorded: AnalyzerResourceInput[] | undefined = process.env[RECORD_STACK_ENV] ? [] : undefined;
const results: Diagnostic[][] = [];
let pack: RunningPolicyPack | undefined;
let failure: { error: unknown } | undefined;
let next = 0;
let inFlight = 0;
let done = 0;
let firstSent = 0;
let finishing: (() => void) | undefined;

/** Settles when the main thread sends the pack's port (then connected, or failed) or closes first. */
let portArrived!: (m: Extract<ToWorker, { kind: "port" }> | undefined) => void;
const starting: Promise<RunningPolicyPack | undefined> = new Promise<Extract<ToWorker, { kind: "port" }> | undefined>((resolve) => (portArrived = resolve))
  // The main thread owns the process (it spawned it and stops it); this side only connects.
  .then((m) => m && connectPolicyPack({ port: m.port, startMs: () => m.startMs, stderr: () => "" }, workerData as StartOptions))
  .then(
    (p) => {
      pack = p;
      pump();
      return p;
    },
    (error) => {
      failure ??= { error };
      pump();
      return undefined;
    },
  );

port.on("message", (m: ToWorker) => {
  if (m.kind === "port") portArrived(m);
  else if (m.kind === "resource") {
    queue.push(toAnalyzerResource(m.resource));
    pump();
  } else if (m.kind === "finish") {
    finish().then(
      (result) => post({ kind: "result", ...result }),
      (e) => post({ kind: "error", message: (e as Error).message ?? String(e) }),
    );
  } else if (m.kind === "close") {
    portArrived(undefined);
    // process.exit on a worker thread ends the thread only; open gRPC channels would keep it alive.
    starting.then((p) => p?.close()).finally(() => process.exit(0));
  }
});

function pump(): void {
  while (pack && !failure && inFlight < ANALYZE_WINDOW && next < queue.length) {
    const i = next++;
    const r = queue[i]!;
    // Encoded before Analyze is sent, so both requests share the Struct the client caches per properties object.
    encoded[i] = encodeAnalyzerResource(r);
    if (i === 0) firstSent = performance.now();
    inFlight++;
    pack.analyze(r).then(
      (d) => {
        results[i] = d;
        settled();
      },
      (error) => {
        failure ??= { error };
        settled();
      },
    );
    recorded?.push(r);
    queue[i] = undefined; // sent and encoded: the object is no longer needed
  }
  if (finishing && inFlight === 0 && (failure || next === queue.length)) finishing();
}

function settled(): void {
  inFlight--;
  done++;
  if (finishing || done % 256 === 0) post({ kind: "progress", done });
  pump();
}

/** After the program: the remaining Analyze calls, then AnalyzeStack once. */
async function finish() {
  const t0 = performance.now();
  // A program can end before the pack has started (a small one, or one that failed): wait for it.
  await starting;
  await new Promise<void>((resolve) => {
    finishing = resolve;
    pump();
  });
  if (failure) throw failure.error;
  const t1 = performance.now();
  if (recorded) fs.writeFileSync(process.env[RECORD_STACK_ENV]!, JSON.stringify(recorded));
  const stackDiagnostics = await pack!.analyzeStackEncoded(encoded);
  return {
    info: pack!.info,
    diagnostics: [...results.flat(), ...stackDiagnostics],
    analyzeMs: queue.length ? t1 - (firstSent || t0) : 0,
    analyzeWaitMs: t1 - t0,
    analyzeStackMs: performance.now() - t1,
  };
}

/** What the engine sends an analyzer: the checked inputs in wire form, without SDK-internal keys. */
function toAnalyzerResource(r: PlannedResource): AnalyzerResourceInput {
  return {
    type: r.type,
    name: r.name,
    urn: r.urn,
    properties: stripInternal(r.inputs) as Record<string, unknown>,
    parent: r.parent || undefined,
    dependencies: r.dependencies,
    propertyDependencies: r.propertyDependencies,
  };
}

function stripInternal(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(stripInternal);
  if (v && typeof v === "object") {
    const out: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(v)) if (!k.startsWith("__")) out[k] = stripInternal(x);
    return out;
  }
  return v;
}
