import * as path from "node:path";
import { Worker } from "node:worker_threads";
import type { AnalyzerInfo, Diagnostic } from "../lib/policy-pack-client";
import { LaunchedPolicyPack, launchPolicyPack, loadConfigFile, StartOptions } from "../lib/policy-pack-process";
import type { PlannedResource } from "./monitor";

/** Messages to the worker (analysis-worker.ts). */
export type ToWorker =
  | { kind: "port"; port: number; startMs: number }
  | { kind: "resource"; resource: PlannedResource }
  | { kind: "finish" }
  | { kind: "close" };

export interface AnalysisResult {
  info: AnalyzerInfo;
  diagnostics: Diagnostic[];
  /** Analyze for every resource, first call to last answer (they start while the program runs). */
  analyzeMs: number;
  /** The part of analyzeMs after the program: what Analyze adds to the plan. */
  analyzeWaitMs: number;
  analyzeStackMs: number;
  /** The pack process's peak resident memory, where the system tells (Linux). */
  packPeakRssBytes?: number;
}

/** Messages from the worker. */
export type FromWorker =
  | { kind: "progress"; done: number }
  | ({ kind: "result" } & AnalysisResult)
  | { kind: "error"; message: string };

const WORKER = path.join(__dirname, "analysis-worker.ts");

/**
 * The worker's code as one CommonJS script: esbuild bundles our TypeScript (node_modules stay
 * `require`s, resolved from this folder). Registering ts-node in the worker instead loaded the
 * TypeScript compiler a second time: ~0.5 s of CPU while the program and the pack start.
 */
let bundled: string | undefined;
function workerScript(): string {
  if (bundled) return bundled; // `--all` plans several stacks in one process
  // eslint-disable-next-line @typescript-eslint/no-var-requires
  const esbuild = require("esbuild") as typeof import("esbuild");
  const out = esbuild.buildSync({ entryPoints: [WORKER], bundle: true, packages: "external", platform: "node", format: "cjs", write: false, logLevel: "silent" });
  const code = out.outputFiles[0].text;
  // An eval'd worker has no module of its own: give the bundle a require that resolves from here.
  bundled = `(function (require, module, exports) {\n${code}\n})(require("node:module").createRequire(${JSON.stringify(WORKER)}), { exports: {} }, {});`;
  return bundled;
}

/**
 * The policy pack, run as the CLI runs it, fed every resource AS IT REGISTERS (as the engine
 * does), then AnalyzeStack once. The pack process and its gRPC client (a worker thread) work
 * while the program runs on this thread; `add` only copies a resource to the worker.
 */
export class PolicyAnalysis {
  private readonly pack: LaunchedPolicyPack;
  private readonly worker: Worker;
  private outcome?: { resolve: (r: AnalysisResult) => void; reject: (e: Error) => void };
  private readonly exited: Promise<void>;
  private failure?: Error;
  private progress: (done: number) => void = () => {};

  constructor(given: StartOptions) {
    // The config file is read once, here, so an unreadable one fails before anything starts; the
    // worker gets its content.
    const options = { ...given, config: loadConfigFile(given.config) };
    // The pack is spawned first, from this thread: it boots (the CLI's runner, ts-node, the SDK)
    // while the worker starts and the program runs. A missing pack throws here.
    this.pack = launchPolicyPack(options);
    // The plan's --max-semi-space-size is for the program's heap; the worker's garbage dies young
    // and a node-default young generation (16 MB semi-spaces) keeps its memory small.
    this.worker = new Worker(workerScript(), { eval: true, workerData: options, resourceLimits: { maxYoungGenerationSizeMb: 48 } });
    this.worker.on("message", (m: FromWorker) => this.receive(m));
    this.worker.on("error", (e) => this.fail(new Error(`policy analysis worker failed: ${e.message}`)));
    this.exited = new Promise((resolve) =>
      this.worker.once("exit", () => {
        this.fail(new Error("policy analysis worker exited before answering"));
        resolve();
      }),
    );
    this.pack.port.then(
      (port) => this.worker.postMessage({ kind: "port", port, startMs: this.pack.startMs() } satisfies ToWorker),
      (e) => this.fail(e as Error),
    );
  }

  add(resource: PlannedResource): void {
    this.worker.postMessage({ kind: "resource", resource } satisfies ToWorker);
  }

  /** Waits for the remaining Analyze calls, runs AnalyzeStack, and stops the pack. */
  async finish(progress: (done: number) => void): Promise<AnalysisResult> {
    this.progress = progress;
    try {
      if (this.failure) throw this.failure;
      const result = await new Promise<AnalysisResult>((resolve, reject) => {
        this.outcome = { resolve, reject };
        this.worker.postMessage({ kind: "finish" } satisfies ToWorker);
      });
      return { ...result, packPeakRssBytes: this.pack.peakRssBytes() };
    } finally {
      await this.close();
    }
  }

  /** Stops the worker and the pack (also after a failed program). */
  async close(): Promise<void> {
    this.worker.postMessage({ kind: "close" } satisfies ToWorker);
    await this.exited;
    await this.pack.stop();
  }

  private receive(m: FromWorker): void {
    if (m.kind === "progress") this.progress(m.done);
    else if (m.kind === "result") {
      const { kind: _, ...result } = m;
      this.outcome?.resolve(result);
    } else if (m.kind === "error") {
      const stderr = this.pack.stderr();
      this.fail(new Error(stderr && !m.message.includes(stderr) ? `${m.message}\n--- pack stderr ---\n${stderr}` : m.message));
    }
  }

  private fail(e: Error): void {
    this.failure ??= e;
    this.outcome?.reject(this.failure);
  }
}
