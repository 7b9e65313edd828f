import { keyInputsOf, showValue } from "./key-inputs";
import { Plan } from "./plan";

/** Rows of key inputs shown at most; the rest is counted. */
const MAX_INPUT_ROWS = 60;

export interface Parity {
  stacks: string[];
  /** Config keys whose value differs between stacks (or is missing in some), with each stack's value. */
  config: { key: string; values: (string | undefined)[] }[];
  /** Per type, the count in each stack, where counts differ. */
  counts: { type: string; counts: number[] }[];
  /** Key inputs of the same resource (type + name) that differ between stacks. */
  inputs: { resource: string; input: string; values: (string | undefined)[] }[];
  inputsOmitted: number;
}

/**
 * How stacks differ: what a reviewer checks for environment parity. Physical names differ by
 * design (they contain the stack), so a value equal up to the stack name counts as equal.
 */
export function compareStacks(plans: Plan[]): Parity {
  const stacks = plans.map((p) => p.stack);
  const norm = (p: Plan, v: string | undefined) => v?.split(p.stack).join("<stack>");
  const differs = (vals: (string | undefined)[]) => new Set(vals).size > 1;

  const flat = plans.map((p) => flattenConfig(p.config));
  const keys = [...new Set(flat.flatMap((c) => Object.keys(c)))].sort();
  const config = keys
    .map((key) => ({ key, values: flat.map((c) => c[key]) }))
    .filter((row) => differs(row.values));

  const types = [...new Set(plans.flatMap((p) => p.resources.filter((r) => !p.components.has(r.urn)).map((r) => r.type)))].sort();
  const counts = types
    .map((type) => ({ type, counts: plans.map((p) => p.resources.filter((r) => r.type === type && !p.components.has(r.urn)).length) }))
    .filter((row) => new Set(row.counts).size > 1);

  const index = plans.map((p) => new Map(p.resources.map((r) => [`${r.type}::${r.name}`, r])));
  const ids = [...new Set(index.flatMap((m) => [...m.keys()]))].sort();
  const inputs: Parity["inputs"] = [];
  for (const id of ids) {
    const found = index.map((m) => m.get(id));
    const names = new Set(found.flatMap((r) => (r ? keyInputsOf(r.type, r.inputs).map(([k]) => k) : [])));
    for (const input of names) {
      const values = found.map((r, i) => (r && r.inputs[input] !== undefined ? showValue(r.inputs[input]) : undefined));
      const normalized = values.map((v, i) => norm(plans[i], v));
      if (differs(normalized)) inputs.push({ resource: id.replace("::", " "), input, values });
    }
  }
  return { stacks, config, counts, inputs: inputs.slice(0, MAX_INPUT_ROWS), inputsOmitted: Math.max(0, inputs.length - MAX_INPUT_ROWS) };
}

/**
 * Object values (JSON text, as the CLI passes them) as one entry per leaf, `serverless:usage.functions.orders-api.monthlyInvocations`,
 * so a long mapping such as `serverless:usage` shows only what differs. Lists stay whole.
 */
function flattenConfig(config: Record<string, string>): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (key: string, v: unknown) => {
    // An empty mapping adds no leaf: `{}` and an absent key configure the same.
    if (v !== null && typeof v === "object" && !Array.isArray(v)) for (const [k, x] of Object.entries(v)) walk(`${key}.${k}`, x);
    else out[key] = typeof v === "string" ? v : JSON.stringify(v);
  };
  for (const [key, text] of Object.entries(config)) {
    let value: unknown = text;
    if (text.startsWith("{")) {
      try {
        value = JSON.parse(text);
      } catch {
        // not JSON: compared as text
      }
    }
    walk(key, value);
  }
  return out;
}

function table(head: string[], rows: string[][], markdown: boolean): string[] {
  if (markdown) return [`| ${head.join(" | ")} |`, `| ${head.map(() => "---").join(" | ")} |`, ...rows.map((r) => `| ${r.map((c) => c.replace(/\|/g, "\\|")).join(" | ")} |`)];
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (r: string[]) => `  ${r.map((c, i) => c.padEnd(widths[i])).join("  ").trimEnd()}`;
  return [line(head), line(widths.map((w) => "-".repeat(w))), ...rows.map(line)];
}

export function renderParity(p: Parity, markdown = false): string {
  const dash = (v: string | undefined) => v ?? "—";
  const h = (t: string) => (markdown ? `#### ${t}` : `${t}:`);
  const out: string[] = [markdown ? `### Environment parity: ${p.stacks.join(" / ")}` : `Environment parity (${p.stacks.join(" / ")})`, ""];
  out.push(h("Config that differs"));
  out.push(...(p.config.length ? table(["key", ...p.stacks], p.config.map((r) => [r.key, ...r.values.map(dash)]), markdown) : ["  none"]), "");
  out.push(h("Resource counts that differ"));
  out.push(...(p.counts.length ? table(["type", ...p.stacks], p.counts.map((r) => [r.type, ...r.counts.map(String)]), markdown) : ["  none"]), "");
  out.push(h("Key inputs that differ (names compared without the stack name)"));
  out.push(...(p.inputs.length ? table(["resource", "input", ...p.stacks], p.inputs.map((r) => [r.resource, r.input, ...r.values.map(dash)]), markdown) : ["  none"]));
  if (p.inputsOmitted) out.push(`  ... and ${p.inputsOmitted} more (see --json per stack)`);
  return `${out.join("\n")}\n`;
}
