// iam-no-privilege-expansion: everything a role could be allowed that its reviewed baseline does not allow.
// Sound by construction: a role's grants are read as large as they could be (unknowns as `*`,
// conditional Denies ignored), the baseline as small as it could be (all its Denies subtract),
// and a grant is "within" only when baseline statements provably cover it.
import {
  actionSet,
  conditionLooserOrEqual,
  isConditional,
  principalCovers,
  principalRefs,
  principalsIntersect,
  resourceSet,
  setCovers,
  setsIntersect,
  unionCovers,
} from "./sets";
import { certainDenies, permissionUnits, removedByDeny, trustUnits, Unit } from "./units";
import { Baseline, BaselineRole, NewGrant, RoleGrants, Statement } from "./types";

export const BASELINE_FILE = "policies/iam-baseline.json";

export function findPrivilegeExpansion(role: RoleGrants, baseline: Baseline): NewGrant[] {
  const entry = Object.prototype.hasOwnProperty.call(baseline.roles, role.role) ? baseline.roles[role.role] : undefined;
  const out: NewGrant[] = [];
  const seen = new Set<string>();
  const emit = (g: NewGrant) => {
    const key = JSON.stringify([g.kind, g.action, g.notAction, g.resource, g.notResource, g.principal, g.condition, g.managedPolicyArn, g.source]);
    if (!seen.has(key)) {
      seen.add(key);
      out.push(g);
    }
  };

  const permDenies = certainDenies(role.permissions.Statement);
  for (const u of permissionUnits(role.permissions.Statement, role.permissionSources)) {
    if (removedByDeny(u, permDenies)) continue;
    const verdict = judge(u, entry, entry?.permissions.Statement ?? [], role.permissions.Statement);
    if (verdict) emit(newGrant(role, u, verdict));
  }
  const trustDenies = certainDenies(role.trust.Statement);
  for (const u of trustUnits(role.trust.Statement, role.trustSources)) {
    if (removedByDeny(u, trustDenies)) continue;
    const verdict = judge(u, entry, entry?.trust.Statement ?? [], role.trust.Statement);
    if (verdict) emit(newGrant(role, u, verdict));
  }
  for (const m of role.opaqueManagedPolicies) {
    if (entry?.managedPolicyArns?.includes(m.arn)) continue;
    const certainty = entry ? "might-expand" : "expands";
    const reason = entry
      ? "the engine does not ship this managed policy's exact document, so it cannot prove the baseline covers it"
      : `role ${role.role} is not in the baseline`;
    emit({
      kind: "permission",
      effect: "Allow",
      action: "*",
      managedPolicyArn: m.arn,
      certainty,
      reason,
      source: m.source,
      approve: { managedPolicyArn: m.arn },
      message:
        `Role "${role.role}" (${role.urn}) gains managed policy ${m.arn} (from ${m.source}; ${certainty === "expands" ? "expands" : "might expand"}: ${reason}). ` +
        `Approve it by adding "${m.arn}" to ${BASELINE_FILE} under roles.${role.role}.managedPolicyArns in the same pull request; or remove the attachment.`,
    });
  }
  return out;
}

interface Verdict {
  certainty: NewGrant["certainty"];
  reason: string;
}

/** Undefined when the baseline certainly allows everything the unit grants. */
function judge(u: Unit, entry: BaselineRole | undefined, base: Statement[], roleStatements: Statement[]): Verdict | undefined {
  if (!entry) return { certainty: "expands", reason: ["the role is not in the baseline", ...u.unknown].join("; ") };
  const allows = base.filter((b) => b.Effect === "Allow" && !b.NotPrincipal);
  const candidates = allows.filter((b) => conditionLooserOrEqual(b.Condition, u.condition));
  const covered = u.kind === "permission" ? permissionCovered(u, candidates) : trustCovered(u, candidates);
  if (covered) {
    const blocker = base.find((d) => d.Effect === "Deny" && denyMayApply(d, u) && !roleAlsoDenies(d, u, roleStatements));
    if (!blocker) return undefined;
    return { certainty: "might-expand", reason: `the baseline denies part of it (${blocker.Sid ? `Sid "${blocker.Sid}"` : JSON.stringify(blocker)}) and the role has no Deny that certainly covers the same` };
  }
  const reasons: string[] = [...u.unknown];
  if (isConditional({ Effect: "Allow", Condition: u.condition })) reasons.push("it is conditional and no baseline statement grants it under the same or a looser condition");
  const overlaps = allows.some((b) =>
    setsIntersect(actionSet(b), u.actions, "action") &&
    (u.kind === "permission"
      ? setsIntersect(resourceSet(b), u.resources!, "resource")
      : principalRefs(b.Principal).some((p) => principalsIntersect(p, u.principal!))),
  );
  if (reasons.length === 0 && !overlaps) return { certainty: "expands", reason: "nothing in the baseline allows it" };
  if (overlaps) reasons.push("the baseline allows only part of it");
  return { certainty: "might-expand", reason: reasons.join("; ") };
}

function permissionCovered(u: Unit, candidates: Statement[]): boolean {
  const byResource = candidates.filter((b) => setCovers(resourceSet(b), u.resources!, "resource"));
  if (unionCovers(byResource.map(actionSet), u.actions, "action")) return true;
  const byAction = candidates.filter((b) => setCovers(actionSet(b), u.actions, "action"));
  return unionCovers(byAction.map(resourceSet), u.resources!, "resource");
}

function trustCovered(u: Unit, candidates: Statement[]): boolean {
  const byPrincipal = candidates.filter((b) => principalRefs(b.Principal).some((p) => principalCovers(p, u.principal!)));
  return unionCovers(byPrincipal.map(actionSet), u.actions, "action");
}

function denyMayApply(d: Statement, u: Unit): boolean {
  if (!setsIntersect(actionSet(d), u.actions, "action")) return false;
  if (u.kind === "permission") return setsIntersect(resourceSet(d), u.resources!, "resource");
  if (d.NotPrincipal) return true;
  return principalRefs(d.Principal).some((p) => principalsIntersect(p, u.principal!));
}

/** The role denies, whenever the baseline's Deny `d` applies, at least the part of `u` that `d` takes away. */
function roleAlsoDenies(d: Statement, u: Unit, roleStatements: Statement[]): boolean {
  const dActions = actionSet(d);
  return roleStatements.some((r) => {
    if (r.Effect !== "Deny" || !conditionLooserOrEqual(r.Condition, d.Condition)) return false;
    const rActions = actionSet(r);
    if (!setCovers(rActions, dActions, "action") && !setCovers(rActions, u.actions, "action")) return false;
    if (u.kind === "permission") {
      const rRes = resourceSet(r);
      return setCovers(rRes, resourceSet(d), "resource") || setCovers(rRes, u.resources!, "resource");
    }
    if (r.NotPrincipal) return false;
    const rp = principalRefs(r.Principal);
    const dp = d.NotPrincipal ? [{ type: "*", value: "*" }] : principalRefs(d.Principal);
    return dp.every((x) => rp.some((p) => principalCovers(p, x))) || rp.some((p) => principalCovers(p, u.principal!));
  });
}

function describeUnit(u: Unit): { action: string; notAction?: string[]; resource?: string; notResource?: string[]; principal?: string; text: string } {
  const action = u.actions.neg ? "*" : u.actions.patterns[0];
  const notAction = u.actions.neg ? u.actions.patterns : undefined;
  const actionText = notAction ? `every action except ${notAction.join(", ")}` : action;
  if (u.kind === "permission") {
    const resource = u.resources!.neg ? "*" : u.resources!.patterns[0];
    const notResource = u.resources!.neg ? u.resources!.patterns : undefined;
    const resText = notResource ? `every resource except ${notResource.join(", ")}` : resource;
    return { action, notAction, resource, notResource, text: `${actionText} on ${resText}` };
  }
  const principal = u.principal!.type === "*" ? "*" : `${u.principal!.type}:${u.principal!.value}`;
  return { action, notAction, principal, text: `${actionText} for principal ${principal}` };
}

function approveStatement(u: Unit, d: ReturnType<typeof describeUnit>): Statement {
  const s: Statement = { Effect: "Allow" };
  if (d.notAction) s.NotAction = d.notAction;
  else s.Action = [d.action];
  if (u.kind === "permission") {
    if (d.notResource) s.NotResource = d.notResource;
    else s.Resource = [d.resource!];
  } else s.Principal = u.principal!.type === "*" ? "*" : { [u.principal!.type]: [u.principal!.value] };
  if (u.condition && Object.keys(u.condition).length > 0) s.Condition = u.condition;
  return s;
}

function newGrant(role: RoleGrants, u: Unit, v: Verdict): NewGrant {
  const d = describeUnit(u);
  const approve = approveStatement(u, d);
  const cond = u.condition && Object.keys(u.condition).length > 0 ? ` under condition ${JSON.stringify(u.condition)}` : "";
  const section = u.kind === "permission" ? "permissions" : "trust";
  const fix =
    u.unknown.length > 0
      ? `Make the value known at preview (build ARNs and names with pulumi.interpolate from names you set, not from outputs of resources being created), then approve any real new grant by adding it to ${BASELINE_FILE} under roles.${role.role}.${section}; or remove the grant.`
      : `Approve it by adding ${JSON.stringify(approve)} to ${BASELINE_FILE} under roles.${role.role}.${section} in the same pull request; or remove the grant.`;
  const g: NewGrant = {
    kind: u.kind,
    effect: "Allow",
    action: d.action,
    certainty: v.certainty,
    reason: v.reason,
    source: u.source,
    approve,
    message: `Role "${role.role}" (${role.urn}) gains ${u.kind === "trust" ? "trust: " : ""}${d.text}${cond} from ${u.source} (${v.certainty === "expands" ? "expands" : "might expand"}: ${v.reason}). ${fix}`,
  };
  if (d.notAction) g.notAction = d.notAction;
  if (d.resource !== undefined) g.resource = d.resource;
  if (d.notResource) g.notResource = d.notResource;
  if (d.principal !== undefined) g.principal = d.principal;
  if (u.condition && Object.keys(u.condition).length > 0) g.condition = u.condition;
  return g;
}
