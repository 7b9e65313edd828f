/**
 * IAM: privilege expansion against the reviewed baseline, and the absolute rules that hold
 * whatever the baseline says. Both need every role's grants from every source in the stack, so
 * they are stack policies; the analysis itself is the IAM engine in ../iam.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import {
  ABSOLUTE_RULES,
  AbsoluteViolation,
  Baseline,
  CandidateResource,
  collectRoleGrants,
  findAbsoluteViolations,
  findPrivilegeExpansion,
  IAM_TYPES,
  RoleGrants,
  validateBaseline,
} from "../iam";
import { DOCS, Finding, StackRule } from "../lib/rule";
import { PackResource } from "../lib/resources";

/**
 * The pack folder (the one holding PulumiPolicy.yaml): config paths are relative to it, whatever the
 * working directory. Found by walking up, so it is the same from the sources (rules/) and from the
 * compiled build (bin/rules/, see pack-build.js).
 */
export const PACK_DIR = packDir(path.resolve(__dirname, ".."));

function packDir(from: string): string {
  for (let dir = from; ; dir = path.dirname(dir)) {
    if (fs.existsSync(path.join(dir, "PulumiPolicy.yaml"))) return dir;
    if (path.dirname(dir) === dir) return from;
  }
}
export const DEFAULT_BASELINE = "iam-baseline.json";

export interface ExpansionConfig {
  /** Baseline file, relative to the pack folder. */
  baselinePath: string;
  /** An inline baseline with the file's shape; wins over baselinePath. */
  baseline?: unknown;
}

export function loadBaseline(config: ExpansionConfig): { baseline: Baseline; where: string } {
  if (config.baseline !== undefined && config.baseline !== null)
    return { baseline: validateBaseline(config.baseline, "iam-no-privilege-expansion config `baseline`"), where: "the inline `baseline` config" };
  const file = path.resolve(PACK_DIR, config.baselinePath);
  const where = path.relative(path.resolve(PACK_DIR, ".."), file) || file;
  let text: string;
  try {
    text = fs.readFileSync(file, "utf8");
  } catch {
    throw new Error(`baseline file ${where} (iam-no-privilege-expansion config \`baselinePath\`: ${JSON.stringify(config.baselinePath)}) cannot be read; create it with \`npm run baseline -- --stack <stack>\` or fix the path (relative to the policies/ folder).`);
  }
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (e) {
    throw new Error(`baseline file ${where} is not valid JSON (${(e as Error).message}); regenerate it with \`npm run baseline -- --stack <stack>\`.`);
  }
  return { baseline: validateBaseline(raw, where), where };
}

/**
 * Types the IAM engine reads (collectRoleGrants and findAbsoluteViolations); every other resource
 * leaves its answers unchanged, so the IAM policies are given only these.
 */
const IAM_INPUT_TYPES = [...Object.values(IAM_TYPES), "aws:lambda/function:Function", "aws:lambda/permission:Permission"];
const IAM_INPUTS = new Set<string>(IAM_INPUT_TYPES);

/**
 * The engine's answers for one stack, shared by the nine IAM policies of one AnalyzeStack (the SDK
 * calls each with its own copy of the resources). Keyed by the IAM engine's inputs alone: keying by
 * every resource serialized the whole stack nine times (0.8 s at 1000 functions, dashboards and
 * alarms included), and each absolute rule ran the whole engine only to keep its own findings.
 */
let memo: { key: string; roles: RoleGrants[]; absolute?: AbsoluteViolation[] } | undefined;
function analysisOf(resources: PackResource[]): NonNullable<typeof memo> {
  const key = JSON.stringify(resources.filter((r) => IAM_INPUTS.has(r.type)).map((r) => [r.urn, r.props]));
  if (memo?.key !== key) memo = { key, roles: collectRoleGrants(resources as CandidateResource[]) };
  return memo;
}

export function rolesOf(resources: PackResource[]): RoleGrants[] {
  return analysisOf(resources).roles;
}

function absoluteViolationsOf(resources: PackResource[]): AbsoluteViolation[] {
  const a = analysisOf(resources);
  return (a.absolute ??= findAbsoluteViolations(resources as CandidateResource[], a.roles));
}

export const iamNoPrivilegeExpansion: StackRule<ExpansionConfig> = {
  kind: "stack",
  name: "iam-no-privilege-expansion",
  types: IAM_INPUT_TYPES,
  description: "No IAM role may be granted, or trust, anything beyond its reviewed baseline (policies/iam-baseline.json).",
  defaults: { baselinePath: DEFAULT_BASELINE },
  configSchema: {
    properties: {
      baselinePath: { type: "string", default: DEFAULT_BASELINE, description: "Baseline file, relative to the policy pack folder." },
      baseline: { type: "object", description: "Inline baseline ({ roles: { <role>: { permissions, trust } } }); wins over baselinePath." },
    },
  },
  check(resources, config) {
    const { baseline, where } = loadBaseline(config);
    const out: Finding[] = [];
    for (const role of rolesOf(resources)) {
      const grants = findPrivilegeExpansion(role, baseline);
      if (grants.length === 0) continue;
      const missing = baseline.roles[role.role] === undefined;
      const lines = grants.map((g) => `  - [${g.certainty}] ${g.message}`);
      const unknown = role.unverifiable.length ? `\n  Values unknown at preview:\n${role.unverifiable.map((u) => `  - ${u}`).join("\n")}` : "";
      out.push({
        urn: role.urn,
        message:
          `IAM role "${role.role}" ${missing ? `is not in the baseline (${where})` : `could do more than its baseline in ${where}`}; new grants:\n` +
          `${lines.join("\n")}${unknown}\n` +
          `Fix: remove the grants, or approve them: run \`npm run baseline -- --stack <stack>\` (or add the statements to roles["${role.role}"] in ${where}) and commit the diff for review. ` +
          `See ${DOCS}#iam-no-privilege-expansion.`,
      });
    }
    return out;
  },
};

/** One stack policy per absolute rule of the engine, so each is configurable on its own. */
export const iamAbsoluteRules: StackRule[] = Object.entries(ABSOLUTE_RULES).map(([id, description]) => ({
  kind: "stack" as const,
  name: id,
  types: IAM_INPUT_TYPES,
  description,
  defaults: {},
  check(resources: PackResource[]): Finding[] {
    const all = absoluteViolationsOf(resources);
    return all.filter((v) => v.rule === id).map((v) => ({ urn: v.urn, message: `${v.message} See ${DOCS}#${id}.` }));
  },
}));
