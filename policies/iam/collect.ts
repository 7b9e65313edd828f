// Gathers, for every IAM role in the stack, everything it is granted from every source.
// Linear in the number of resources: roles and customer-managed policies are indexed by name.
//
// Linking rules (documented in docs/policies.md by the pack):
// - A role reference (`RolePolicy.role`, `RolePolicyAttachment.role`, `PolicyAttachment.roles[]`,
//   `RolePolicyAttachmentsExclusive.roleName`) is a role NAME (or a role ARN, read by its last
//   segment). It links to the Role whose `name` input equals it; a Role without `name` is matched
//   on its `namePrefix`, else on its Pulumi name (exactly, or as Pulumi's auto-name `<name>-xxxxxxx`).
//   Several matches: the grant is added to each (never dropped).
// - A reference that names no role of the stack is kept as a role of its own, `external:<name>`,
//   so its grants are still compared against the baseline (approve them under that key).
// - A reference that is unknown at preview cannot be linked: the grant goes to a pseudo-role
//   `unknown-role:<resource name>` whose `unverifiable` says why; it fails closed in one place
//   instead of adding noise to every role.
// - A policy ARN links to the `aws:iam/policy:Policy` whose path+name it ends with, else to a known
//   AWS managed policy, else it is opaque (approve the ARN itself in the baseline).
import { normalizePolicyDocument, UnknownValueError } from "./normalize";
import { lookupAwsManagedPolicy } from "./managed-policies";
import { CandidateResource, PolicyDocument, RoleGrants, UNKNOWN } from "./types";

export const T = {
  role: "aws:iam/role:Role",
  rolePolicy: "aws:iam/rolePolicy:RolePolicy",
  rolePolicyAttachment: "aws:iam/rolePolicyAttachment:RolePolicyAttachment",
  policyAttachment: "aws:iam/policyAttachment:PolicyAttachment",
  policy: "aws:iam/policy:Policy",
  rolePolicyAttachmentsExclusive: "aws:iam/rolePolicyAttachmentsExclusive:RolePolicyAttachmentsExclusive",
} as const;

const isUnknown = (v: unknown) => typeof v === "string" && v.includes(UNKNOWN);
const str = (v: unknown) => (typeof v === "string" && !v.includes(UNKNOWN) ? v : undefined);
const label = (r: CandidateResource) => `${r.type} ${r.name}`;

function emptyGrants(role: string, urn: string): RoleGrants {
  const empty = (): PolicyDocument => ({ Version: "2012-10-17", Statement: [] });
  return { role, urn, permissions: empty(), trust: empty(), sources: [], unverifiable: [], permissionSources: [], trustSources: [], opaqueManagedPolicies: [], managedPolicyArns: [] };
}

function addSource(g: RoleGrants, source: string) {
  if (!g.sources.includes(source)) g.sources.push(source);
}

/** Adds a policy document's statements to a role; unknown or malformed documents make the role unverifiable. */
function addDocument(g: RoleGrants, kind: "permissions" | "trust", doc: unknown, source: string, where: string, fix: string) {
  addSource(g, source);
  try {
    const d = normalizePolicyDocument(doc, where);
    for (const s of d.Statement) {
      g[kind].Statement.push(s);
      (kind === "permissions" ? g.permissionSources : g.trustSources).push(source);
    }
  } catch (e) {
    if (e instanceof UnknownValueError) g.unverifiable.push(`${e.message}: ${fix}`);
    else g.unverifiable.push(`${(e as Error).message} (a malformed policy cannot be verified; fix the document)`);
  }
}

const DOC_FIX = "build the policy from values known at preview (role, bucket and table names interpolated into ARNs with pulumi.interpolate) instead of outputs of resources being created";
const ARN_FIX = "build the ARN from names known at preview, e.g. pulumi.interpolate`arn:aws:iam::${accountId}:policy/${name}` with the policy's `name` set, or use the AWS managed policy ARN string";
const ROLE_FIX = "pass the role's name (role.name, known at preview once the role's `name` is set or auto-named) instead of role.id or an output computed at creation";

/** The role name a reference denotes: a name, or the last segment of a role ARN. */
function roleNameOf(ref: string): string {
  const m = /^arn:[^:]+:iam::[^:]*:role\/(?:.*\/)?([^/]+)$/.exec(ref);
  return m ? m[1] : ref;
}

export function collectRoleGrants(resources: CandidateResource[]): RoleGrants[] {
  const out: RoleGrants[] = [];
  const byName = new Map<string, RoleGrants[]>();
  const byAutoName = new Map<string, RoleGrants[]>();
  const prefixes: { prefix: string; g: RoleGrants }[] = [];
  const unnamed: RoleGrants[] = [];
  const push = <K, V>(m: Map<K, V[]>, k: K, v: V) => (m.get(k) ?? m.set(k, []).get(k)!).push(v);

  // Pass 1: roles and customer-managed policies.
  const policies = new Map<string, CandidateResource[]>();
  const policyPrefixes: { prefix: string; r: CandidateResource }[] = [];
  for (const r of resources) {
    if (r.type === T.role) {
      const g = emptyGrants(r.name, r.urn);
      out.push(g);
      const name = r.props.name;
      if (str(name)) {
        g.roleName = name as string;
        push(byName, name as string, g);
      }
      else if (isUnknown(name)) unnamed.push(g);
      else if (str(r.props.namePrefix)) prefixes.push({ prefix: r.props.namePrefix as string, g });
      else {
        push(byName, r.name, g);
        push(byAutoName, r.name, g);
      }
    } else if (r.type === T.policy) {
      const path = str(r.props.path) ?? "/";
      const name = str(r.props.name);
      if (name) push(policies, path + name, r);
      else if (str(r.props.namePrefix)) policyPrefixes.push({ prefix: path + r.props.namePrefix, r });
      else {
        push(policies, path + r.name, r);
        policyPrefixes.push({ prefix: `${path}${r.name}-`, r });
      }
    }
  }

  const pseudo = new Map<string, RoleGrants>();
  const pseudoRole = (key: string, urn: string) => pseudo.get(key) ?? pseudo.set(key, emptyGrants(key, urn)).get(key)!;

  /** Every role a reference may denote; unknown → a pseudo-role that says so. */
  function resolveRoles(ref: unknown, r: CandidateResource, field: string): RoleGrants[] {
    if (isUnknown(ref) || ref === undefined || ref === null || typeof ref !== "string") {
      const g = pseudoRole(`unknown-role:${r.name}`, r.urn);
      const why = ref === undefined || ref === null ? "is missing" : isUnknown(ref) ? "is unknown at preview" : `is not a string (${JSON.stringify(ref)})`;
      const msg = `${label(r)}: \`${field}\` ${why}, so the role it grants to cannot be determined: ${ROLE_FIX}`;
      if (!g.unverifiable.includes(msg)) g.unverifiable.push(msg);
      return [g];
    }
    const name = roleNameOf(ref);
    const found = new Set<RoleGrants>(byName.get(name) ?? []);
    const auto = /^(.+)-[0-9a-z]{7}$/.exec(name);
    if (auto) for (const g of byAutoName.get(auto[1]) ?? []) found.add(g);
    for (const p of prefixes) if (name.startsWith(p.prefix)) found.add(p.g);
    if (found.size > 0) return [...found];
    // No role of the stack has that name; a role whose name is unknown might be it.
    for (const g of unnamed) {
      const msg = `${T.role} ${g.role}: \`name\` is unknown at preview, so policies attached by role name (such as ${label(r)}, role "${name}") cannot be linked to it: set the role's \`name\` or leave it to Pulumi auto-naming`;
      if (!g.unverifiable.includes(msg)) g.unverifiable.push(msg);
    }
    const ext = pseudoRole(`external:${name}`, r.urn);
    ext.roleName = name;
    return [ext];
  }

  /** Adds what a managed policy ARN grants. */
  function addManaged(g: RoleGrants, arn: unknown, via: CandidateResource, field: string) {
    const source = label(via);
    if (typeof arn !== "string" || isUnknown(arn)) {
      addSource(g, source);
      const why = isUnknown(arn) ? "is unknown at preview" : `is not a string (${JSON.stringify(arn)})`;
      g.unverifiable.push(`${source}: \`${field}\` ${why}, so what it attaches to role ${g.role} cannot be verified: ${ARN_FIX}`);
      return;
    }
    g.managedPolicyArns.push({ arn, source });
    const m = /^arn:[^:]+:iam::[^:]*:policy(\/.*)$/.exec(arn);
    const inStack = m ? [...(policies.get(m[1]) ?? []), ...policyPrefixes.filter((p) => m[1].startsWith(p.prefix)).map((p) => p.r)] : [];
    if (inStack.length > 0) {
      for (const p of new Set(inStack))
        addDocument(g, "permissions", p.props.policy, `${label(p)} via ${source}`, `${label(p)} \`policy\``, DOC_FIX);
      return;
    }
    const aws = lookupAwsManagedPolicy(arn);
    if (aws?.policy) addDocument(g, "permissions", aws.policy.document, `${arn} via ${source}`, arn, "");
    else addSource(g, `${arn} via ${source}`);
    if (!aws?.policy || !aws.policy.exact) g.opaqueManagedPolicies.push({ arn, source: `${arn} via ${source}` });
  }

  const list = (v: unknown, r: CandidateResource, field: string, g?: RoleGrants): unknown[] => {
    if (v === undefined || v === null) return [];
    if (Array.isArray(v)) return v;
    if (g) g.unverifiable.push(`${label(r)}: \`${field}\` is unknown at preview (${JSON.stringify(v).slice(0, 60)}), so what it grants cannot be verified: list it from values known at preview`);
    return [];
  };

  // Pass 2: every grant, linked to its role(s).
  let roleIndex = 0;
  for (const r of resources) {
    const p = r.props;
    switch (r.type) {
      case T.role: {
        const g = out[roleIndex++];
        if (p.assumeRolePolicy !== undefined)
          addDocument(g, "trust", p.assumeRolePolicy, `${label(r)} assumeRolePolicy`, `${label(r)} \`assumeRolePolicy\``, DOC_FIX);
        list(p.inlinePolicies, r, "inlinePolicies", g).forEach((ip, i) => {
          const policy = ip !== null && typeof ip === "object" ? (ip as Record<string, unknown>).policy : ip;
          const where = `${label(r)} \`inlinePolicies[${i}].policy\``;
          if (policy === undefined || policy === "") return; // an empty inline policy block grants nothing
          addDocument(g, "permissions", policy, `${label(r)} inlinePolicies[${i}]`, where, DOC_FIX);
        });
        list(p.managedPolicyArns, r, "managedPolicyArns", g).forEach((arn, i) => addManaged(g, arn, r, `managedPolicyArns[${i}]`));
        break;
      }
      case T.rolePolicy:
        for (const g of resolveRoles(p.role, r, "role"))
          addDocument(g, "permissions", p.policy, label(r), `${label(r)} \`policy\``, DOC_FIX);
        break;
      case T.rolePolicyAttachment:
        for (const g of resolveRoles(p.role, r, "role")) addManaged(g, p.policyArn, r, "policyArn");
        break;
      case T.policyAttachment: {
        const roles = Array.isArray(p.roles) ? p.roles : p.roles === undefined ? [] : [p.roles];
        roles.forEach((ref, i) => {
          for (const g of resolveRoles(ref, r, `roles[${i}]`)) addManaged(g, p.policyArn, r, "policyArn");
        });
        break;
      }
      case T.rolePolicyAttachmentsExclusive: {
        // Read as attaching every listed ARN: over-approximates, never misses a grant.
        const targets = resolveRoles(p.roleName, r, "roleName");
        for (const g of targets) {
          if (!Array.isArray(p.policyArns)) {
            if (isUnknown(p.policyArns)) g.unverifiable.push(`${label(r)}: \`policyArns\` is unknown at preview: ${ARN_FIX}`);
            continue;
          }
          p.policyArns.forEach((arn, i) => addManaged(g, arn, r, `policyArns[${i}]`));
        }
        break;
      }
    }
  }
  return [...out, ...pseudo.values()];
}
