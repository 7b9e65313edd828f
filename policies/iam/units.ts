// Splits statements into grant units (one action pattern × one resource or principal), the
// granularity at which new grants are reported, and decides which Denies certainly remove them.
import { containsUnknown } from "./normalize";
import { actionSet, isConditional, PatternSet, PrincipalRef, principalCovers, principalRefs, resourceSet, setCovers, widenUnknown } from "./sets";
import { Statement, UNKNOWN } from "./types";

export interface Unit {
  kind: "permission" | "trust";
  actions: PatternSet;
  /** permission units */
  resources?: PatternSet;
  /** trust units */
  principal?: PrincipalRef;
  condition?: Statement["Condition"];
  source: string;
  /** Which parts were unknown at preview (and read as "anything"). */
  unknown: string[];
}

interface Part {
  set: PatternSet;
  unknown?: string;
}

/** One part per positive pattern (unknown ones widened to `*`); a negated set stays whole. */
function split(set: PatternSet, what: string, where: string): Part[] {
  if (set.neg) {
    // An unknown excluded entry could exclude nothing: drop it, which only makes the grant larger.
    const known = set.patterns.filter((p) => !p.includes(UNKNOWN));
    const unknown = known.length < set.patterns.length ? `a ${what} entry of ${where} is unknown at preview` : undefined;
    return [{ set: { neg: true, patterns: known }, unknown }];
  }
  return set.patterns.map((p) =>
    p.includes(UNKNOWN) ? { set: { neg: false, patterns: [widenUnknown(p)] }, unknown: `${what} of ${where} is unknown at preview` } : { set: { neg: false, patterns: [p] } },
  );
}

const describe = (s: Statement, i: number, source: string) => `statement ${i + 1}${s.Sid ? ` ("${s.Sid}")` : ""} of ${source}`;
const notes = (...xs: (string | undefined)[]) => xs.filter((x): x is string => !!x);

export function permissionUnits(statements: Statement[], sources: string[]): Unit[] {
  const out: Unit[] = [];
  statements.forEach((s, i) => {
    if (s.Effect !== "Allow") return;
    const where = describe(s, i, sources[i]);
    const cond = containsUnknown(s.Condition) ? `a Condition value of ${where} is unknown at preview` : undefined;
    for (const a of split(actionSet(s), s.NotAction ? "NotAction" : "Action", where))
      for (const r of split(resourceSet(s), s.NotResource ? "NotResource" : "Resource", where))
        out.push({ kind: "permission", actions: a.set, resources: r.set, condition: s.Condition, source: sources[i], unknown: notes(cond, a.unknown, r.unknown) });
  });
  return out;
}

export function trustUnits(statements: Statement[], sources: string[]): Unit[] {
  const out: Unit[] = [];
  statements.forEach((s, i) => {
    if (s.Effect !== "Allow") return;
    const where = describe(s, i, sources[i]);
    const cond = containsUnknown(s.Condition) ? `a Condition value of ${where} is unknown at preview` : undefined;
    // NotPrincipal with Allow lets in everyone but the listed principals: read as everyone.
    const principals: PrincipalRef[] = s.NotPrincipal ? [{ type: "*", value: "*" }] : principalRefs(s.Principal);
    for (const a of split(actionSet(s), s.NotAction ? "NotAction" : "Action", where))
      for (const pr of principals) {
        const unknownPrincipal = pr.value.includes(UNKNOWN) ? `Principal ${pr.type} of ${where} is unknown at preview` : undefined;
        const principal = unknownPrincipal ? { type: "*", value: "*" } : pr;
        out.push({ kind: "trust", actions: a.set, principal, condition: s.Condition, source: sources[i], unknown: notes(cond, a.unknown, unknownPrincipal) });
      }
  });
  return out;
}

/** A Deny that applies whatever the request context: no condition, nothing unknown. */
export function certainDenies(statements: Statement[]): Statement[] {
  return statements.filter((s) => s.Effect === "Deny" && !isConditional(s) && !containsUnknown(s));
}

/** True when one certain Deny covers the whole unit. */
export function removedByDeny(u: Unit, denies: Statement[]): boolean {
  return denies.some((d) => {
    if (!setCovers(actionSet(d), u.actions, "action")) return false;
    if (u.kind === "permission") return setCovers(resourceSet(d), u.resources!, "resource");
    if (d.NotPrincipal) return false;
    return principalRefs(d.Principal).some((p) => principalCovers(p, u.principal!));
  });
}
