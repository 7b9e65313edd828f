import * as fs from "node:fs";
import * as path from "node:path";
import { parse, stringify } from "yaml";

/** The repository whose reference functions, program and policy pack the bench uses. */
export const REPO_ROOT = path.resolve(__dirname, "../..");
export const BENCH_STACK = "bench";

export interface BenchProgram {
  /** A Pulumi project folder: Pulumi.yaml (main -> the repository's infra/index.ts) and Pulumi.bench.yaml. */
  programDir: string;
  functionsDir: string;
  /** Where the build writes the zips and manifest.json (the stack's `serverless:artifactManifest` folder). */
  distDir: string;
  functions: number;
}

/**
 * Writes `<root>/n<N>/`: N function folders copied round-robin from the repository's reference
 * functions (handler, contract, events and their real function.json), `functions/shared`, and a
 * stack of its own pointing the real program at them through `serverless:functionsDir` and
 * `serverless:artifactManifest`. Only what must differ is changed: the folder name, and an HTTP
 * route's path (API Gateway refuses two identical routes).
 */
export function generateBenchProgram(root: string, n: number): BenchProgram {
  const sourceDir = path.join(REPO_ROOT, "functions");
  const kinds = fs
    .readdirSync(sourceDir, { withFileTypes: true })
    .filter((d) => d.isDirectory() && fs.existsSync(path.join(sourceDir, d.name, "function.json")))
    .map((d) => d.name)
    .sort();
  if (!kinds.length) throw new Error(`${sourceDir}: no reference functions (folders with function.json) to copy.`);

  const programDir = path.join(root, `n${n}`);
  fs.rmSync(programDir, { recursive: true, force: true });
  const functionsDir = path.join(programDir, "functions");
  fs.mkdirSync(functionsDir, { recursive: true });
  fs.cpSync(path.join(sourceDir, "shared"), path.join(functionsDir, "shared"), { recursive: true });
  const width = String(n).length;
  const copies: Record<string, string[]> = {};
  for (let i = 0; i < n; i++) {
    const kind = kinds[i % kinds.length];
    const name = `${kind}-${String(i).padStart(width, "0")}`;
    (copies[kind] ??= []).push(name);
    const dir = path.join(functionsDir, name);
    fs.cpSync(path.join(sourceDir, kind), dir, { recursive: true });
    const settingsFile = path.join(dir, "function.json");
    const settings = JSON.parse(fs.readFileSync(settingsFile, "utf8"));
    if (settings.trigger?.type === "http") settings.trigger.path = `${settings.trigger.path.replace(/\/$/, "")}-${i}`;
    fs.writeFileSync(settingsFile, `${JSON.stringify(settings, null, 2)}\n`);
  }

  const entry = path.relative(programDir, path.join(REPO_ROOT, "infra", "index.ts"));
  const project = fs.readFileSync(path.join(REPO_ROOT, "Pulumi.yaml"), "utf8");
  fs.writeFileSync(path.join(programDir, "Pulumi.yaml"), `${project.trimEnd()}\nmain: ${entry}\n`);
  const staging = parse(fs.readFileSync(path.join(REPO_ROOT, "Pulumi.staging.yaml"), "utf8")) ?? {};
  staging.config = { ...(staging.config ?? {}), "serverless:functionsDir": "functions", "serverless:artifactManifest": "dist/manifest.json" };
  // Per-function settings keyed by a reference function's name: overrides apply to each copy; usage
  // (the cost estimate's input) to the first copy only, as the whole stack config travels in one
  // environment variable (PULUMI_CONFIG) to the policy pack, and 1000 entries exceed the 128 KB a
  // single variable may hold on Linux (spawn E2BIG).
  for (const key of ["serverless:usage", "serverless:functions"]) {
    const value = staging.config[key];
    const byName = key === "serverless:usage" ? value?.functions : value;
    if (!byName || typeof byName !== "object") continue;
    const targets = (kind: string) => (key === "serverless:usage" ? (copies[kind] ?? []).slice(0, 1) : copies[kind] ?? []);
    const renamed = Object.fromEntries(Object.entries(byName).flatMap(([kind, v]) => targets(kind).map((name) => [name, structuredClone(v)])));
    staging.config[key] = key === "serverless:usage" ? { ...value, functions: renamed } : renamed;
  }
  fs.writeFileSync(path.join(programDir, `Pulumi.${BENCH_STACK}.yaml`), stringify(staging));
  return { programDir, functionsDir, distDir: path.join(programDir, "dist"), functions: n };
}
