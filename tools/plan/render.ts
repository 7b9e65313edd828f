import { costSummary, planCostJson, renderPlanCostMarkdown, renderPlanCostText } from "./cost";
import { keyInputsOf, showValue } from "./key-inputs";
import { Plan, PlanDiagnostic, PlanResource } from "./plan";

/** Above this many resources the tree shows each component's children as counts, not lines. */
export const FULL_TREE_LIMIT = 300;

/** The plan as `--json` writes it: exactly these keys, in this order (docs/plan.md). */
export function planJson(plan: Plan): unknown {
  return {
    project: plan.project,
    stack: plan.stack,
    resources: plan.resources.map((r) => ({
      urn: r.urn,
      type: r.type,
      name: r.name,
      parent: r.parent,
      dependencies: r.dependencies,
      inputs: r.inputs,
    })),
    policy: { diagnostics: plan.policy.diagnostics.map((d) => ({ policy: d.policy, level: d.level, urn: d.urn, message: d.message })) },
    summary: plan.summary,
    cost: planCostJson(plan.cost),
  };
}

export function summaryLine(plan: Plan): string {
  const s = plan.summary;
  const verdict = s.mandatory ? `${s.mandatory} mandatory violation(s): the plan is refused` : "policy passed";
  const packNote = plan.policy.pack ? "" : " (no policy pack)";
  return `${plan.stack}: ${s.resources} resources in ${s.components} components; ${verdict}${packNote}; ${s.advisory} advisory${costSummary(plan.cost)}.`;
}

/** Children by parent URN, in registration order. */
function childrenOf(plan: Plan): Map<string, PlanResource[]> {
  const kids = new Map<string, PlanResource[]>();
  for (const r of plan.resources) {
    const list = kids.get(r.parent) ?? [];
    list.push(r);
    kids.set(r.parent, list);
  }
  return kids;
}

function countByType(resources: PlanResource[], components: Set<string>): [string, number][] {
  const counts = new Map<string, number>();
  for (const r of resources) if (!components.has(r.urn)) counts.set(r.type, (counts.get(r.type) ?? 0) + 1);
  return [...counts.entries()].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]));
}

function describe(r: PlanResource): string {
  const keys = keyInputsOf(r.type, r.inputs)
    .map(([k, v]) => `${k}=${showValue(v)}`)
    .join(" ");
  return `${r.type} ${r.name}${keys ? `  ${keys}` : ""}`;
}

function treeLines(plan: Plan): string[] {
  const kids = childrenOf(plan);
  const full = plan.resources.length <= FULL_TREE_LIMIT;
  const lines: string[] = [];
  const walk = (r: PlanResource, prefix: string, last: boolean, root: boolean) => {
    lines.push(root ? describe(r) : `${prefix}${last ? "└─ " : "├─ "}${describe(r)}`);
    const children = kids.get(r.urn) ?? [];
    const next = root ? "" : prefix + (last ? "   " : "│  ");
    if (!full && !root && plan.components.has(r.urn)) {
      const all = descendants(r.urn, kids);
      const counts = countByType(all, plan.components).map(([t, n]) => `${n} ${t.split(":").pop()}`);
      if (counts.length) lines.push(`${next}└─ ${counts.join(", ")}`);
      return;
    }
    children.forEach((c, i) => walk(c, next, i === children.length - 1, false));
  };
  for (const root of kids.get("") ?? []) walk(root, "", true, true);
  return lines;
}

function descendants(urn: string, kids: Map<string, PlanResource[]>): PlanResource[] {
  const out: PlanResource[] = [];
  const stack = [...(kids.get(urn) ?? [])];
  while (stack.length) {
    const r = stack.pop()!;
    out.push(r);
    stack.push(...(kids.get(r.urn) ?? []));
  }
  return out;
}

/** Diagnostics grouped by policy, mandatory rules first. */
function byRule(plan: Plan): { policy: string; level: string; description: string; items: PlanDiagnostic[] }[] {
  const groups = new Map<string, PlanDiagnostic[]>();
  for (const d of plan.policy.diagnostics) groups.set(d.policy, [...(groups.get(d.policy) ?? []), d]);
  const rank = (l: string) => (l === "mandatory" ? 0 : 1);
  return [...groups.entries()]
    .map(([policy, items]) => ({
      policy,
      level: items.some((d) => d.level === "mandatory") ? "mandatory" : items[0].level,
      description: plan.policy.policies.find((p) => p.name === policy)?.description ?? "",
      items,
    }))
    .sort((a, b) => rank(a.level) - rank(b.level) || a.policy.localeCompare(b.policy));
}

const indexes = new WeakMap<Plan, Map<string, PlanResource>>();

function resourceLabel(plan: Plan, urn: string): string {
  if (!urn) return "the stack";
  let byUrn = indexes.get(plan);
  if (!byUrn) indexes.set(plan, (byUrn = new Map(plan.resources.map((r) => [r.urn, r]))));
  const r = byUrn.get(urn);
  return r ? `${r.type} "${r.name}"` : urn;
}

/**
 * The violation as a person reads it: the policy SDK puts the rule's description on the first
 * line of every message (already shown once per rule), and the resource is named unless the
 * message names it already.
 */
function violationText(plan: Plan, d: PlanDiagnostic, description: string): string {
  const message = description && d.message.startsWith(`${description}\n`) ? d.message.slice(description.length + 1) : d.message;
  const name = d.urn.split("::").pop() ?? "";
  return name && message.includes(`"${name}"`) ? message : `${resourceLabel(plan, d.urn)}: ${message}`;
}

export function renderText(plan: Plan): string {
  const out: string[] = [];
  out.push(`Plan for stack ${plan.stack} (project ${plan.project}, ${plan.stackFile.replace(`${process.cwd()}/`, "")})`, "");
  out.push(...treeLines(plan), "");
  out.push("Resources by type:");
  for (const [t, n] of countByType(plan.resources, plan.components)) out.push(`  ${String(n).padStart(5)}  ${t}`);
  out.push("");
  if (!plan.policy.pack) out.push("Policy: no policy pack (pass --policy-pack <dir>).");
  else {
    out.push(`Policy: ${plan.policy.pack.name} ${plan.policy.pack.version}, ${plan.policy.policies.length} rules`);
    const groups = byRule(plan);
    if (!groups.length) out.push("  every rule passed");
    for (const g of groups) {
      out.push(`  ${g.level === "mandatory" ? "✗" : "!"} ${g.policy} (${g.level}, ${g.items.length})${g.description ? `: ${g.description}` : ""}`);
      for (const d of g.items) {
        const [first, ...rest] = violationText(plan, d, g.description).split("\n");
        out.push(`    - ${first}`);
        for (const line of rest) out.push(`      ${line}`);
      }
    }
  }
  out.push("", ...renderPlanCostText(plan.cost));
  out.push("", summaryLine(plan));
  return `${out.join("\n")}\n`;
}

const md = (s: string) => s.replace(/\|/g, "\\|").replace(/\n/g, "<br>");

export function renderMarkdown(plan: Plan): string {
  const s = plan.summary;
  const out: string[] = [];
  const icon = s.mandatory ? "❌" : "✅";
  out.push(`### ${icon} Plan: \`${plan.stack}\` (${plan.project})`, "", `**${summaryLine(plan)}**`, "");
  out.push("| Type | Count |", "| --- | ---: |");
  for (const [t, n] of countByType(plan.resources, plan.components)) out.push(`| \`${t}\` | ${n} |`);
  out.push("");
  if (plan.policy.pack) {
    const groups = byRule(plan);
    out.push(`#### Policy: ${plan.policy.pack.name} ${plan.policy.pack.version}`, "");
    if (!groups.length) out.push("Every rule passed.", "");
    for (const g of groups) {
      out.push(`- **${g.policy}** (${g.level}, ${g.items.length})${g.description ? `: ${md(g.description)}` : ""}`);
      for (const d of g.items) out.push(`  - ${md(violationText(plan, d, g.description))}`);
    }
    out.push("");
  }
  out.push(...renderPlanCostMarkdown(plan.cost), "");
  out.push("<details><summary>Resources</summary>", "", "```", ...treeLines(plan), "```", "", "</details>", "");
  return out.join("\n");
}
