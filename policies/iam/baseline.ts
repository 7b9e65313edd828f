// The reviewed baseline file (policies/iam-baseline.json): shape check and generation.
import { containsUnknown, normalizePolicyDocument } from "./normalize";
import { Baseline, BaselineRole, PolicyDocument, RoleGrants } from "./types";

const ROLE_KEYS = new Set(["permissions", "trust", "managedPolicyArns"]);

/** Checks a parsed baseline; every error names `where` and the dotted path of the bad value. */
export function validateBaseline(raw: unknown, where: string): Baseline {
  if (raw === null || typeof raw !== "object" || Array.isArray(raw))
    throw new Error(`${where}: the baseline must be an object {"roles": {...}}; got ${JSON.stringify(raw)}.`);
  const o = raw as Record<string, unknown>;
  for (const k of Object.keys(o)) if (k !== "roles") throw new Error(`${where}: unknown top-level key "${k}"; the baseline has only "roles".`);
  if (o.roles === null || typeof o.roles !== "object" || Array.isArray(o.roles))
    throw new Error(`${where}: "roles" must be an object keyed by the Pulumi resource name of each role; got ${JSON.stringify(o.roles)}.`);
  if (containsUnknown(o.roles)) throw new Error(`${where}: the baseline contains the preview "unknown" sentinel; write real values.`);
  const roles: Record<string, BaselineRole> = {};
  for (const [name, entry] of Object.entries(o.roles as Record<string, unknown>)) {
    const at = `${where}: roles.${name}`;
    if (entry === null || typeof entry !== "object" || Array.isArray(entry))
      throw new Error(`${at} must be an object {"permissions": {...}, "trust": {...}}; got ${JSON.stringify(entry)}.`);
    const e = entry as Record<string, unknown>;
    for (const k of Object.keys(e)) if (!ROLE_KEYS.has(k)) throw new Error(`${at}: unknown key "${k}"; expected ${[...ROLE_KEYS].join(", ")}.`);
    const doc = (key: "permissions" | "trust"): PolicyDocument => {
      if (e[key] === undefined) throw new Error(`${at}.${key} is missing; use {"Version": "2012-10-17", "Statement": []} for none.`);
      return normalizePolicyDocument(e[key], `${at}.${key}`);
    };
    const permissions = doc("permissions");
    permissions.Statement.forEach((s, i) => {
      if (!s.Resource && !s.NotResource) throw new Error(`${at}.permissions.Statement[${i}] needs "Resource" or "NotResource" (use "*" for every resource).`);
      if (s.Principal || s.NotPrincipal) throw new Error(`${at}.permissions.Statement[${i}] must not have a Principal; principals belong in roles.${name}.trust.`);
    });
    const trust = doc("trust");
    const role: BaselineRole = { permissions, trust };
    if (e.managedPolicyArns !== undefined) {
      if (!Array.isArray(e.managedPolicyArns) || e.managedPolicyArns.some((a) => typeof a !== "string" || !a.startsWith("arn:")))
        throw new Error(`${at}.managedPolicyArns must be a list of policy ARNs; got ${JSON.stringify(e.managedPolicyArns)}.`);
      role.managedPolicyArns = e.managedPolicyArns as string[];
    }
    roles[name] = role;
  }
  return { roles };
}

/**
 * The baseline that approves exactly what the roles grant today (what `npm run baseline` writes).
 * Refuses roles with anything unknown at preview: approving "unknown" would approve anything.
 */
export function baselineFromRoles(roles: RoleGrants[]): Baseline {
  const problems: string[] = [];
  for (const r of roles) {
    for (const u of r.unverifiable) problems.push(`role ${r.role}: ${u}`);
    if (containsUnknown(r.permissions) || containsUnknown(r.trust)) problems.push(`role ${r.role}: a policy statement contains a value unknown at preview (see its sources: ${r.sources.join(", ")})`);
  }
  if (problems.length > 0)
    throw new Error(`Cannot write a baseline while IAM values are unknown at preview; make them known first:\n- ${problems.join("\n- ")}`);
  const dedupe = (d: PolicyDocument): PolicyDocument => {
    const seen = new Set<string>();
    return { Version: "2012-10-17", Statement: d.Statement.filter((s) => !seen.has(JSON.stringify(s)) && !!seen.add(JSON.stringify(s))) };
  };
  const out: Baseline = { roles: {} };
  for (const r of [...roles].sort((a, b) => a.role.localeCompare(b.role))) {
    const entry: BaselineRole = { permissions: dedupe(r.permissions), trust: dedupe(r.trust) };
    const arns = [...new Set(r.opaqueManagedPolicies.map((m) => m.arn))].sort();
    if (arns.length > 0) entry.managedPolicyArns = arns;
    out.roles[r.role] = entry;
  }
  return out;
}
