import * as path from "node:path";
import { Worker } from "node:worker_threads";
import type { AnalyzerInfo, Diagnostic, StartOptions } from "../lib/policy-pack-client";
import type { PlannedResource } from "./monitor";

/** Messages to the worker (analysis-worker.ts). */
export type ToWorker = { kind: "resource"; resource: PlannedResource } | { kind: "finish" } | { kind: "close" };

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
  | { kind: "spawned"; pid: number }
  | { kind: "progress"; done: number }
  | ({ kind: "result" } & AnalysisResult)
  | { kind: "error"; message: string };

const WORKER = path.join(__dirname, "analysis-worker.ts");

/**
 * The worker's code as one CommonJS script: esbuild bundles our TypeScript (node_modules stay
 * `require`s, resolved from this folder). Registering ts-node in the worker instead loaded the
 * TypeScript compiler a second time: ~0.5 s of CPU while the program and the pack start.
 */
function workerScript(): string {
  // eslint-disable-next-line @typescript-eslint/no-var-requires
  const esbuild = require("esbuild") as typeof import("esbuild");
  const out = esbuild.buildSync({ entryPoints: [WORKER], bundle: true, packages: "external", platform: "node", format: "cjs", write: false, logLevel: "silent" });
  const code = out.outputFiles[0].text;
  // An eval'd worker has no module of its own: give the bundle a require that resolves from here.
  return `(function (require, module, exports) {\n${code}\n})(require("node:module").createRequire(${JSON.stringify(WORKER)}), { exports: {} }, {});`;
}

/**
 * The policy pack, run as the CLI runs it, fed every resource AS IT REGISTERS (as the engine
 * does), then AnalyzeStack once. The pack process and its gRPC client (a worker thread) work
 * while the program runs on this thread; `add` only copies a resource to the worker.
 */
export class PolicyAnalysis {
  private readonly worker: Worker;
  private packPid?: number;
  private outcome?: { resolve: (r: AnalysisResult) => void; reject: (e: Error) => void };
  private readonly exited: Promise<void>;
  private failure?: Error;
  private progress: (done: number) => void = () => {};
  private readonly killPack = () => {
    // The engine kills its plugins when it exits; a plan that exits early (process.exit after a
    // failed program) must not leave the pack's server running.
    if (this.packPid) this.tryKill(this.packPid);
  };

  constructor(options: StartOptions) {
    // The plan's --max-semi-space-size is for the program's heap; the worker's garbage dies young
    // and a node-default young generation (16 MB semi-spaces) keeps its memory small.
    this.worker = new Worker(workerScript(), { eval: true, workerData: options, resourceLimits: { maxYoungGenerationSizeMb: 48 } });
    this.worker.on("message", (m: FromWorker) => this.receive(m));
    this.worker.on("error", (e) => this.fail(new Error(`policy analysis worker failed: ${e.message}`)));
    this.exited = new Promise((resolve) =>
      this.worker.once("exit", () => {
        process.off("exit", this.killPack);
        this.fail(new Error("policy analysis worker exited before answering"));
        resolve();
      }),
    );
    process.on("exit", this.killPack);
  }

  add(resource: PlannedResource): void {
    this.worker.postMessage({ kind: "resource", resource } satisfies ToWorker);
  }

  /** Waits for the remaining Analyze calls, runs AnalyzeStack, and stops the pack. */
  async finish(progress: (done: number) => void): Promise<AnalysisResult> {
    this.progress = progress;
    try {
      if (this.failure) throw this.failure;
      return await new Promise<AnalysisResult>((resolve, reject) => {
        this.outcome = { resolve, reject };
        this.worker.postMessage({ kind: "finish" } satisfies ToWorker);
      });
    } finally {
      await this.close();
    }
  }

  /** Stops the pack and the worker (also after a failed program). */
  async close(): Promise<void> {
    this.worker.postMessage({ kind: "close" } satisfies ToWorker);
    await this.exited;
  }

  private receive(m: FromWorker): void {
    if (m.kind === "spawned") this.packPid = m.pid;
    else if (m.kind === "progress") this.progress(m.done);
    else if (m.kind === "result") {
      const { kind: _, ...result } = m;
      this.outcome?.resolve(result);
    } else if (m.kind === "error") this.fail(new Error(m.message));
  }

  private fail(e: Error): void {
    this.failure ??= e;
    this.outcome?.reject(this.failure);
  }

  private tryKill(pid: number): void {
    try {
      process.kill(pid, "SIGKILL");
    } catch {
      /* already gone */
    }
  }
}
