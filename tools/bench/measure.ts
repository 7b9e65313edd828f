/**
 * One measurement in a fresh process, so each gets its own heap and `maxRSS` is its own peak.
 * Usage: measure.ts plan|baseline <programDir> <stack> [policyPackDir]
 * Prints one JSON line on stdout.
 */
import * as path from "node:path";
import { loadStackSettings } from "../lib/pulumi-project";
import { awsInvokes } from "../plan/invokes";
import { planStack } from "../plan/plan";
import { installPulumiFallback, resolveEntry, sdkPath } from "../plan/program";

export interface Measurement {
  mode: "plan" | "baseline";
  resources: number;
  /** In-process milliseconds: the plan end to end (program + policy pack), or the baseline program run. */
  ms: number;
  programMs: number;
  /** Spawn to port, as this process saw it during the plan (late when the program kept its event loop busy). */
  packStartMs: number;
  /** The same for the pack started alone, after the plan: its own start-up cost. */
  packStartAloneMs: number;
  analyzeMs: number;
  /** The part of analyzeMs after the program (Analyze streams while the program runs). */
  analyzeWaitMs: number;
  analyzeStackMs: number;
  diagnostics: number;
  /** Peak resident memory of this process, bytes. */
  maxRssBytes: number;
  /** Peak resident memory of the policy pack's process (Linux), bytes. */
  packMaxRssBytes?: number;
}

async function plan(programDir: string, stack: string, packDir?: string): Promise<Measurement> {
  const p = await planStack({ programDir, stack, policyPack: packDir ?? null, build: false });
  const maxRssBytes = process.resourceUsage().maxRSS * 1024;
  let packStartAloneMs = 0;
  if (packDir) {
    const { startPolicyPack } = await import("../lib/policy-pack-client");
    const alone = await startPolicyPack({ packDir, project: p.project, stack, stackConfig: p.config });
    packStartAloneMs = alone.info.startMs;
    await alone.close();
  }
  return {
    mode: "plan",
    resources: p.resources.length,
    ms: p.timings.totalMs,
    programMs: p.timings.programMs,
    packStartMs: p.timings.packStartMs,
    packStartAloneMs,
    analyzeMs: p.timings.analyzeMs,
    analyzeWaitMs: p.timings.analyzeWaitMs,
    analyzeStackMs: p.timings.analyzeStackMs,
    diagnostics: p.policy.diagnostics.length,
    maxRssBytes,
    packMaxRssBytes: p.packPeakRssBytes,
  };
}

/**
 * The same program as a user's test would run it: `pulumi.runtime.setMocks` with the SDK's
 * MockMonitor, echoing inputs as state, no tuning. Counts the resources the mocks saw.
 */
async function baseline(programDir: string, stack: string): Promise<Measurement> {
  const settings = loadStackSettings(programDir, stack);
  const entry = resolveEntry(programDir, settings.main);
  installPulumiFallback();
  // eslint-disable-next-line @typescript-eslint/no-var-requires
  const pulumi = require(sdkPath(programDir)) as typeof import("@pulumi/pulumi");
  const invokes = awsInvokes({ region: settings.config["aws:region"] });
  let resources = 0;
  pulumi.runtime.setAllConfig(settings.config, settings.secretKeys);
  await pulumi.runtime.setMocks(
    {
      newResource: (a) => {
        resources++;
        return { id: `${a.name}-id`, state: a.inputs };
      },
      call: (a) => (invokes[a.token] ? invokes[a.token](a.inputs) : a.inputs),
    },
    settings.project,
    stack,
    true,
  );
  process.chdir(programDir);
  const t0 = performance.now();
  // Run as the language host and the plan run it: a function export is called, a promise awaited.
  await pulumi.runtime.runInPulumiStack(async () => {
    const exported = require(entry);
    return await (typeof exported === "function" ? exported() : exported);
  });
  await pulumi.runtime.disconnect();
  const ms = performance.now() - t0;
  return { mode: "baseline", resources, ms, programMs: ms, packStartMs: 0, packStartAloneMs: 0, analyzeMs: 0, analyzeWaitMs: 0, analyzeStackMs: 0, diagnostics: 0, maxRssBytes: process.resourceUsage().maxRSS * 1024 };
}

async function main(): Promise<void> {
  const [mode, programDir, stack, packDir] = process.argv.slice(2);
  const dir = path.resolve(programDir);
  const m = mode === "plan" ? await plan(dir, stack, packDir) : await baseline(dir, stack);
  process.stdout.write(`${JSON.stringify(m)}\n`);
  // The SDK's leak detector must not turn a finished measurement into a failure.
  process.exit(0);
}

main().catch((e) => {
  process.stderr.write(`${(e as Error).stack ?? e}\n`);
  process.exit(2);
});
