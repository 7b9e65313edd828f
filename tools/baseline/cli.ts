/**
 * `npm run baseline [-- --stack <name> ...] [--out <file>]`: writes the reviewed IAM baseline
 * (policies/iam-baseline.json) from what the program's roles are granted now, so approving a
 * privilege change is one reviewed diff.
 *
 * The baseline is keyed by the role's Pulumi resource name, which is the same in every stack. So
 * the file is the UNION over stacks: a role's approved statements are those of its staging and its
 * prod instance. Without --stack it is regenerated from every stack (Pulumi.<stack>.yaml), which
 * also drops approvals nothing uses any more; with --stack it adds that stack's grants to the
 * existing file and removes nothing.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { Baseline, BaselineRole, baselineFromRoles, CandidateResource, collectRoleGrants, PolicyDocument, validateBaseline } from "../../policies/iam";

const ROOT = path.resolve(__dirname, "../..");
const DEFAULT_OUT = path.join(ROOT, "policies", "iam-baseline.json");

export interface PlannedStack {
  resources: { type: string; name: string; urn: string; inputs: Record<string, unknown> }[];
}
export type Planner = (stack: string) => Promise<PlannedStack>;

/** The approved grants of one stack's roles. */
export async function stackBaseline(stack: string, plan: Planner): Promise<Baseline> {
  const { resources } = await plan(stack);
  const candidates: CandidateResource[] = resources.map((r) => ({ type: r.type, name: r.name, urn: r.urn, props: r.inputs }));
  try {
    return baselineFromRoles(collectRoleGrants(candidates));
  } catch (e) {
    throw new Error(`stack "${stack}": ${(e as Error).message}`);
  }
}

function unionDoc(a: PolicyDocument, b: PolicyDocument): PolicyDocument {
  const seen = new Set<string>();
  const Statement = [...a.Statement, ...b.Statement].filter((s) => {
    const k = JSON.stringify(s);
    return !seen.has(k) && !!seen.add(k);
  });
  return { Version: "2012-10-17", Statement };
}

/** Union of baselines, roles sorted by name, statements in first-seen order. */
export function mergeBaselines(...all: Baseline[]): Baseline {
  const roles: Record<string, BaselineRole> = {};
  for (const b of all)
    for (const [name, r] of Object.entries(b.roles)) {
      const prev = roles[name];
      const merged: BaselineRole = prev
        ? { permissions: unionDoc(prev.permissions, r.permissions), trust: unionDoc(prev.trust, r.trust) }
        : { permissions: unionDoc({ Version: "2012-10-17", Statement: [] }, r.permissions), trust: unionDoc({ Version: "2012-10-17", Statement: [] }, r.trust) };
      const arns = [...new Set([...(prev?.managedPolicyArns ?? []), ...(r.managedPolicyArns ?? [])])].sort();
      if (arns.length) merged.managedPolicyArns = arns;
      roles[name] = merged;
    }
  const sorted: Record<string, BaselineRole> = {};
  for (const k of Object.keys(roles).sort()) sorted[k] = roles[k];
  return { roles: sorted };
}

/** 2-space JSON with a trailing newline: the file reviewers diff. */
export function formatBaseline(b: Baseline): string {
  return `${JSON.stringify(b, null, 2)}\n`;
}

export function discoverStacks(root = ROOT): string[] {
  return fs
    .readdirSync(root)
    .map((f) => /^Pulumi\.([^.]+)\.yaml$/.exec(f)?.[1])
    .filter((s): s is string => !!s)
    .sort();
}

export async function writeBaseline(opts: { stacks?: string[]; out?: string; plan: Planner }): Promise<{ file: string; baseline: Baseline; stacks: string[] }> {
  const file = path.resolve(opts.out ?? DEFAULT_OUT);
  const regenerate = !opts.stacks || opts.stacks.length === 0;
  const stacks = regenerate ? discoverStacks() : opts.stacks!;
  if (stacks.length === 0) throw new Error(`no stacks: pass --stack <name>, or add Pulumi.<stack>.yaml files to ${ROOT}.`);
  const parts: Baseline[] = [];
  if (!regenerate && fs.existsSync(file)) parts.push(validateBaseline(JSON.parse(fs.readFileSync(file, "utf8")), path.relative(ROOT, file)));
  for (const s of stacks) parts.push(await stackBaseline(s, opts.plan));
  const baseline = mergeBaselines(...parts);
  fs.writeFileSync(file, formatBaseline(baseline));
  return { file, baseline, stacks };
}

function parseArgs(argv: string[]): { stacks: string[]; out?: string } {
  const stacks: string[] = [];
  let out: string | undefined;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const value = () => {
      const v = argv[++i];
      if (!v || v.startsWith("--")) throw new Error(`${a} needs a value, e.g. ${a === "--out" ? "--out policies/iam-baseline.json" : "--stack staging"}.`);
      return v;
    };
    if (a === "--stack") stacks.push(value());
    else if (a === "--out") out = value();
    else throw new Error(`unknown argument ${JSON.stringify(a)}; usage: npm run baseline -- [--stack <name>]... [--out <file>]`);
  }
  return { stacks, out };
}

if (require.main === module) {
  (async () => {
    const args = parseArgs(process.argv.slice(2));
    // The program runs in-process under Pulumi's mock engine with preview semantics.
    const { planStack } = await import("../../tests/support/plan-stack");
    const { file, baseline, stacks } = await writeBaseline({ ...args, plan: planStack });
    const roles = Object.keys(baseline.roles);
    console.log(`wrote ${path.relative(process.cwd(), file)}: ${roles.length} roles from ${stacks.join(", ")}; review the diff and commit it.`);
  })().catch((e) => {
    console.error(`baseline: ${(e as Error).message}`);
    process.exit(1);
  });
}
