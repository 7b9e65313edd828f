/** Running resource sets through a started pack, the way the CLI would during a preview. */
import type { AnalyzerResourceInput, Diagnostic, RunningPolicyPack } from "../../tools/lib/policy-pack-client";

export async function analyzeAll(pack: RunningPolicyPack, resources: AnalyzerResourceInput[]): Promise<Diagnostic[]> {
  const out: Diagnostic[] = [];
  for (const r of resources) out.push(...(await pack.analyze(r)));
  out.push(...(await pack.analyzeStack(resources)));
  return out;
}

export function mandatoryPolicies(diags: Diagnostic[]): string[] {
  return [...new Set(diags.filter((d) => d.enforcementLevel === "mandatory").map((d) => d.policyName))].sort();
}

export function describe_(diags: Diagnostic[]): string {
  return diags.map((d) => `[${d.enforcementLevel}] ${d.policyName}: ${d.message}`).join("\n");
}
