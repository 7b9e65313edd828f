import { buildAppSpec, AppSpec } from "./appspec";
import { ReleaseManifest } from "./manifest";
import { FunctionOutput, StackOutputs } from "./stack-outputs";

/** One function of the release: shift its alias with CodeDeploy, or leave it. */
export type PlannedFunction =
  | { readonly name: string; readonly action: "skip"; readonly output: FunctionOutput; readonly liveVersion: string }
  | { readonly name: string; readonly action: "deploy"; readonly output: FunctionOutput; readonly liveVersion: string; readonly appSpec: AppSpec };

/**
 * The stack outputs must describe exactly the artifacts of the manifest: same functions, same sha256.
 * Returns every difference; an empty list means the stack was deployed with these artifacts.
 */
export function checkArtifacts(outputs: StackOutputs, manifest: ReleaseManifest, manifestFile: string): string[] {
  const problems: string[] = [];
  const inManifest = new Map(manifest.functions.map((f) => [f.name, f.sha256]));
  for (const [name, out] of Object.entries(outputs.functions)) {
    const expected = inManifest.get(name);
    if (expected === undefined) {
      problems.push(`"${name}" is deployed in the stack but missing from ${manifestFile}.`);
      continue;
    }
    const actual = normaliseSha256(out.sha256);
    if (actual !== expected)
      problems.push(`"${name}": stack output sha256 ${actual ?? JSON.stringify(out.sha256)} differs from ${manifestFile} sha256 ${expected}.`);
  }
  for (const name of inManifest.keys())
    if (!(name in outputs.functions)) problems.push(`"${name}" is in ${manifestFile} but the stack exports no such function.`);
  return problems;
}

/**
 * Decides per function: if the alias already serves the published version there is nothing to do;
 * otherwise one CodeDeploy deployment shifts it from the live version to the published one.
 */
export function planRelease(outputs: StackOutputs, liveVersions: Readonly<Record<string, string>>): PlannedFunction[] {
  return Object.entries(outputs.functions)
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([name, output]): PlannedFunction => {
      const liveVersion = liveVersions[name];
      if (liveVersion === undefined) throw new Error(`planRelease: no live version read for "${name}".`);
      if (liveVersion === output.version) return { name, action: "skip", output, liveVersion };
      const appSpec = buildAppSpec({
        logicalName: name,
        functionName: output.functionName,
        alias: output.aliasName,
        currentVersion: liveVersion,
        targetVersion: output.version,
        beforeAllowTraffic: outputs.preTrafficHook,
        afterAllowTraffic: outputs.postTrafficHook,
      });
      return { name, action: "deploy", output, liveVersion, appSpec };
    });
}

/**
 * The program may export the zip hash as hex (like the manifest) or as base64 (Lambda's
 * `sourceCodeHash`); both name the same 32 bytes. Returns lowercase hex, or undefined if neither.
 */
export function normaliseSha256(value: string): string | undefined {
  if (/^[0-9a-fA-F]{64}$/.test(value)) return value.toLowerCase();
  if (/^[A-Za-z0-9+/]{43}=$/.test(value)) return Buffer.from(value, "base64").toString("hex");
  return undefined;
}
