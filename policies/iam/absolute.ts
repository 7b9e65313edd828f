// Absolute IAM rules: refused whatever the baseline says. Each rule has its own id so the pack can
// configure it; each message names the role, the resource, what is wrong and the fix.
import { globContainedIn, hasWildcard } from "./glob";
import { lookupAwsManagedPolicy } from "./managed-policies";
import { ESCALATION_COMBINATIONS } from "./escalation-combinations";
import { principalRefs, setMatches } from "./sets";
import { certainDenies, permissionUnits, removedByDeny, Unit } from "./units";
import { AbsoluteViolation, CandidateResource, RoleGrants, Statement, UNKNOWN } from "./types";

export const ABSOLUTE_RULES = {
  "iam-no-wildcard-action": "No Allow of every action, or of a whole service (`*`, `s3:*`, `S3:*`), on every resource.",
  "iam-no-allow-not-action": "No Allow with NotAction: it grants every action but a few, including ones AWS adds later.",
  "iam-passrole-specific-role": "iam:PassRole only on specific role ARNs, never `*` or a wildcard.",
  "iam-no-privilege-escalation": "No role is granted, across all its policies, a known privilege-escalation combination.",
  "iam-no-admin-managed-policy": "No administrator or power-user managed policy is attached to a role.",
  "iam-no-open-trust": "No trust policy lets everyone (`*`), any AWS account or any OIDC subject assume the role.",
  "lambda-permission-restricted": "A lambda.Permission never allows principal `*`; a service principal is limited by sourceArn or sourceAccount.",
  "iam-unverifiable": "Every IAM value that decides a rule (policy documents, policy ARNs, role links) is known at preview.",
} as const;

export type AbsoluteRuleId = keyof typeof ABSOLUTE_RULES;

const MAKE_KNOWN = "build the ARN from names known at preview with pulumi.interpolate instead of using `.arn` of a resource being created";
const isUnknown = (v: unknown) => typeof v === "string" && v.includes(UNKNOWN);

export function findAbsoluteViolations(resources: CandidateResource[], roles: RoleGrants[]): AbsoluteViolation[] {
  const out: AbsoluteViolation[] = [];
  const ownFunctions = functionsByRole(resources);
  for (const role of roles) {
    const v = (rule: AbsoluteRuleId, message: string) => out.push({ rule, role: role.role, urn: role.urn, message: `Role "${role.role}" (${role.urn}): ${message}` });
    for (const u of role.unverifiable) v("iam-unverifiable", `${u}.`);
    // An administrator/power-user managed policy is refused once, by iam-no-admin-managed-policy;
    // its statements would otherwise repeat the same finding under every other rule.
    const denies = certainDenies(role.permissions.Statement);
    const units = permissionUnits(role.permissions.Statement, role.permissionSources).filter((u) => !removedByDeny(u, denies) && !fromAdminPolicy(u.source));
    checkWildcards(units, v);
    checkNotAction(role, v);
    checkPassRole(units, v);
    checkEscalation(role, units, ownFunctions, v);
    checkManaged(role, v);
    checkTrust(role, v);
  }
  for (const r of resources) if (r.type === "aws:lambda/permission:Permission") checkLambdaPermission(r, out);
  return out;
}

type Report = (rule: AbsoluteRuleId, message: string) => void;

/** Does the action pattern cover a whole service (or all of them)? `s3:*`, `S3:*`, `*`, `s3*`; not `s3:*Object*`. */
export function coversWholeService(pattern: string): boolean {
  const p = pattern.toLowerCase();
  const svc = p.split(":")[0].replace(/[*?]/g, "a");
  return globContainedIn(`${svc}:?*`, [p]);
}

/** Does the resource pattern cover every resource (`*`, `arn:*`, `arn:aws:*`), or every resource of `service`? */
function coversAllResources(pattern: string, service: string | undefined): boolean {
  if (globContainedIn("arn:aws:unlisted-service:*", [pattern])) return true;
  return !!service && !hasWildcard(service) && globContainedIn(`arn:aws:${service}:*`, [pattern]);
}

function checkWildcards(units: Unit[], v: Report) {
  for (const u of units) {
    if (u.actions.neg) continue; // reported by iam-no-allow-not-action
    const action = u.actions.patterns[0];
    if (!coversWholeService(action)) continue;
    const service = action.includes(":") ? action.split(":")[0] : undefined;
    const res = u.resources!;
    const all = res.neg || res.patterns.some((r) => coversAllResources(r, service));
    if (!all) continue;
    const unknownRes = u.unknown.find((x) => x.startsWith("Resource"));
    if (unknownRes) v("iam-no-wildcard-action", `${unknownRes}, and it is granted with \`${action}\`; the rule cannot verify it is not every resource: ${MAKE_KNOWN}, and name the actions it needs.`);
    else v("iam-no-wildcard-action", `${u.source} allows \`${action}\` on ${res.neg ? `every resource except ${res.patterns.join(", ")}` : "every resource"}. Name the actions and resources the role needs (e.g. "s3:GetObject" on "arn:aws:s3:::my-bucket/*").`);
  }
}

/** Sources of managed-policy statements read `<arn> via <resource>`. */
function fromAdminPolicy(source: string): boolean {
  return !!lookupAwsManagedPolicy(source.split(" via ")[0])?.policy?.admin;
}

function checkNotAction(role: RoleGrants, v: Report) {
  const each = (list: Statement[], sources: string[], what: string) =>
    list.forEach((s, i) => {
      if (s.Effect === "Allow" && s.NotAction && !fromAdminPolicy(sources[i]))
        v("iam-no-allow-not-action", `${what} statement ${i + 1} of ${sources[i]} is an Allow with NotAction [${s.NotAction.join(", ")}], which grants every other action (including ones AWS adds later). List the allowed actions with Action instead.`);
    });
  each(role.permissions.Statement, role.permissionSources, "permission");
  each(role.trust.Statement, role.trustSources, "trust");
}

function checkPassRole(units: Unit[], v: Report) {
  for (const u of units) {
    if (!setMatches(u.actions, "iam:PassRole", "action")) continue;
    const res = u.resources!;
    const shown = u.actions.neg ? `every action except ${u.actions.patterns.join(", ")}` : `\`${u.actions.patterns[0]}\``;
    if (res.neg) {
      v("iam-passrole-specific-role", `${u.source} allows iam:PassRole (through ${shown}) on every resource except ${res.patterns.join(", ")}. Allow iam:PassRole only on the ARNs of the roles it must pass.`);
      continue;
    }
    const r = res.patterns[0];
    const unknownRes = u.unknown.find((x) => x.startsWith("Resource"));
    if (unknownRes) v("iam-passrole-specific-role", `${unknownRes}, and it allows iam:PassRole (through ${shown}); the rule cannot verify that it names a specific role: ${MAKE_KNOWN}, e.g. pulumi.interpolate\`arn:aws:iam::\${accountId}:role/\${roleName}\`.`);
    else if (hasWildcard(r)) v("iam-passrole-specific-role", `${u.source} allows iam:PassRole (through ${shown}) on \`${r}\`, which is not a specific role ARN. Allow iam:PassRole only on the ARNs of the roles it must pass (and add an iam:PassedToService condition).`);
  }
}

/** Lambda functions of the stack by the role name their `role` ARN names; unknown role ARNs are collected apart. */
function functionsByRole(resources: CandidateResource[]): { byRole: Map<string, Set<string>>; unknownRole: Set<string> } {
  const byRole = new Map<string, Set<string>>();
  const unknownRole = new Set<string>();
  for (const r of resources) {
    if (r.type !== "aws:lambda/function:Function") continue;
    const fname = typeof r.props.name === "string" && !isUnknown(r.props.name) ? r.props.name : r.name;
    const role = r.props.role;
    if (typeof role !== "string" || isUnknown(role)) {
      unknownRole.add(fname);
      continue;
    }
    const roleName = role.split("/").pop()!;
    (byRole.get(roleName) ?? byRole.set(roleName, new Set()).get(roleName)!).add(fname);
  }
  return { byRole, unknownRole };
}

const FUNCTION_ARN = /^arn:[^:]+:lambda:[^:]*:[^:]*:function:([^:*?]+)(?::[^*?]*)?$/;

function checkEscalation(role: RoleGrants, units: Unit[], own: ReturnType<typeof functionsByRole>, v: Report) {
  const mine = own.byRole.get(role.roleName ?? role.role) ?? new Set<string>();
  const grantedBy = (action: string): string[] => {
    const hits = units.filter((u) => setMatches(u.actions, action, "action"));
    if (action.toLowerCase() !== "lambda:updatefunctioncode") return hits.map((u) => u.source);
    // Updating the code of its own function gives a role nothing it does not already have.
    return hits
      .filter((u) => u.resources!.neg || u.resources!.patterns.some((r) => {
        const m = FUNCTION_ARN.exec(r);
        return !m || !mine.has(m[1]);
      }))
      .map((u) => u.source);
  };
  for (const combo of ESCALATION_COMBINATIONS) {
    const sources = combo.actions.map(grantedBy);
    if (sources.some((s) => s.length === 0)) continue;
    const detail = combo.actions.map((a, i) => `${a} (from ${[...new Set(sources[i])].join(", ")})`).join(" + ");
    const unknownFn = combo.id === "update-function-code" && own.unknownRole.size > 0 ? ` The \`role\` of function(s) ${[...own.unknownRole].join(", ")} is unknown at preview, so they could not be recognised as this role's own: ${MAKE_KNOWN}.` : "";
    v("iam-no-privilege-escalation", `it is allowed ${detail}: the "${combo.id}" privilege escalation (${combo.source === "rhino" ? "Rhino Security Labs" : "Bishop Fox"}), which ${combo.how}. Remove one of these grants, or restrict it to specific resources the role owns.${unknownFn}`);
  }
}

function checkManaged(role: RoleGrants, v: Report) {
  for (const m of role.managedPolicyArns) {
    const aws = lookupAwsManagedPolicy(m.arn);
    if (aws?.policy?.admin) v("iam-no-admin-managed-policy", `${m.source} attaches ${m.arn}, an administrator/power-user policy. Attach a policy that names the actions and resources the role needs.`);
    else if (aws?.unmappedFullAccess) v("iam-no-wildcard-action", `${m.source} attaches ${m.arn}, which grants a whole service on every resource. Attach a policy that names the actions and resources the role needs.`);
  }
}

const ORG_KEYS = ["aws:principalorgid", "aws:principalaccount", "aws:principalarn", "aws:sourceaccount", "aws:sourcearn"];

/** A condition that pins who may assume: equality (no wildcard value) on an org, account or principal ARN key. */
function pinsPrincipal(cond: Statement["Condition"], keys: string[]): boolean {
  if (!cond) return false;
  return Object.entries(cond).some(([op, block]) =>
    /^(stringequals|arnequals|stringlike|arnlike)$/i.test(op) &&
    Object.entries(block).some(([k, vals]) => keys.includes(k.toLowerCase()) && vals.length > 0 && vals.every((x) => !isUnknown(x) && x !== "*" && !/^[*?]+$/.test(x.split(":").pop() ?? ""))),
  );
}

function checkTrust(role: RoleGrants, v: Report) {
  role.trust.Statement.forEach((s, i) => {
    if (s.Effect !== "Allow") return;
    const where = `trust statement ${i + 1} of ${role.trustSources[i]}`;
    if (s.NotPrincipal) {
      v("iam-no-open-trust", `${where} is an Allow with NotPrincipal: everyone else may assume the role. Name the principals in Principal.`);
      return;
    }
    for (const p of principalRefs(s.Principal)) {
      if (p.value.includes(UNKNOWN)) {
        v("iam-no-open-trust", `${where}: Principal ${p.type} is unknown at preview, so the rule cannot verify who may assume the role: ${MAKE_KNOWN} (e.g. pulumi.interpolate\`arn:aws:iam::\${accountId}:role/\${name}\`).`);
      } else if (p.type === "*" && !pinsPrincipal(s.Condition, ORG_KEYS)) {
        v("iam-no-open-trust", `${where} lets any principal of any AWS account assume the role (Principal "*"). Name the account or role ARN in Principal, or pin it with an aws:PrincipalOrgID / aws:PrincipalAccount condition.`);
      } else if (p.type === "Federated" && /token\.actions\.githubusercontent\.com$/.test(p.value) && !pinsPrincipal(s.Condition, ["token.actions.githubusercontent.com:sub"])) {
        v("iam-no-open-trust", `${where} trusts GitHub's OIDC provider without a \`token.actions.githubusercontent.com:sub\` condition, so any GitHub repository may assume the role. Add StringEquals/StringLike on token.actions.githubusercontent.com:sub naming your repository.`);
      }
    }
  });
}

function checkLambdaPermission(r: CandidateResource, out: AbsoluteViolation[]) {
  const rule = "lambda-permission-restricted";
  const where = `lambda.Permission "${r.name}" (${r.urn})`;
  const { principal, sourceArn, sourceAccount } = r.props;
  const known = (x: unknown) => typeof x === "string" && x !== "" && !isUnknown(x);
  if (isUnknown(principal)) {
    out.push({ rule, urn: r.urn, message: `${where}: \`principal\` is unknown at preview, so the rule cannot verify who may invoke the function. Use a literal service principal (e.g. "apigateway.amazonaws.com") or an account id known at preview.` });
    return;
  }
  if (typeof principal !== "string") return;
  if (principal === "*") {
    out.push({ rule, urn: r.urn, message: `${where}: \`principal\` is "*", so anyone may invoke the function. Name the service principal and set \`sourceArn\` (or \`sourceAccount\`).` });
    return;
  }
  if (!/\.amazonaws\.com(\.cn)?$/i.test(principal)) return;
  if (known(sourceArn) || known(sourceAccount)) return;
  if (isUnknown(sourceArn) || isUnknown(sourceAccount))
    out.push({ rule, urn: r.urn, message: `${where}: principal ${principal} is limited only by ${isUnknown(sourceArn) ? "`sourceArn`" : "`sourceAccount`"}, which is unknown at preview, so the rule cannot verify the limit. Set \`sourceAccount\` to the account id (known at preview) or ${MAKE_KNOWN}.` });
  else
    out.push({ rule, urn: r.urn, message: `${where}: service principal ${principal} has neither \`sourceArn\` nor \`sourceAccount\`, so any ${principal} resource in any account may invoke the function (confused deputy). Set \`sourceArn\` to the invoking resource's ARN, or at least \`sourceAccount\`.` });
}
