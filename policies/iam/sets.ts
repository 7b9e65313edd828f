// Set algebra over statement elements: action/resource pattern sets, principals and conditions.
// Every function answers on the safe side: a "grant" is read as large as it could be ("over"),
// a baseline or a Deny that must certainly apply as small as it could be ("under").
import { GlobMode, globContainedIn, globsIntersect, globMatches } from "./glob";
import { Principal, Statement, UNKNOWN } from "./types";

export type Side = "over" | "under";
export type Kind = "action" | "resource";

/** `neg: false` = any of `patterns`; `neg: true` = everything except `patterns` (NotAction/NotResource). */
export interface PatternSet {
  neg: boolean;
  patterns: string[];
}

const ALL: PatternSet = { neg: false, patterns: ["*"] };

/** Actions are case-insensitive; the sentinel (unknown at preview) is read as `*` on the "over" side. */
export function actionSet(s: Statement): PatternSet {
  if (s.NotAction) return { neg: true, patterns: s.NotAction.map((a) => a.toLowerCase()) };
  return { neg: false, patterns: (s.Action ?? ["*"]).map((a) => a.toLowerCase()) };
}

/** A statement without Resource/NotResource (a trust policy) is about every resource. */
export function resourceSet(s: Statement): PatternSet {
  if (s.NotResource) return { neg: true, patterns: s.NotResource };
  return s.Resource ? { neg: false, patterns: s.Resource } : ALL;
}

/** Replaces the unknown sentinel by `*`: an unknown part of a grant could be anything. */
export function widenUnknown(p: string): string {
  return p.includes(UNKNOWN) ? p.split(UNKNOWN).join("*") : p;
}

function mode(kind: Kind, side: Side, neg: boolean): GlobMode {
  if (kind === "action") return "plain";
  // A set read large ("over") takes plain globs for what it includes and segment-bound ones for
  // what it excludes; a set read small takes the opposite.
  return (side === "over") !== neg ? "plain" : "segment";
}

/** inner (read "over") ⊆ outer (read "under"). */
export function setCovers(outer: PatternSet, inner: PatternSet, kind: Kind): boolean {
  const om = mode(kind, "under", outer.neg);
  const im = mode(kind, "over", inner.neg);
  if (!inner.neg && !outer.neg) return inner.patterns.every((p) => globContainedIn(p, outer.patterns, im, om));
  if (!inner.neg && outer.neg)
    return inner.patterns.every((p) => outer.patterns.every((n) => !globsIntersect(p, n, im, om)));
  if (inner.neg && !outer.neg) return globContainedIn("*", [...inner.patterns, ...outer.patterns], "plain", kind === "action" ? "plain" : "segment");
  // everything-but-NI ⊆ everything-but-NO  ⟺  NO ⊆ NI
  return outer.patterns.every((n) => globContainedIn(n, inner.patterns, om, im));
}

/** inner ⊆ (outer1 ∪ outer2 ∪ ...), exact for positive sets, per-set for negated ones. */
export function unionCovers(outers: PatternSet[], inner: PatternSet, kind: Kind): boolean {
  if (outers.some((o) => setCovers(o, inner, kind))) return true;
  const pos = outers.filter((o) => !o.neg).flatMap((o) => o.patterns);
  if (pos.length === 0) return false;
  return setCovers({ neg: false, patterns: pos }, inner, kind);
}

/** Could some value be in both sets? (both read "over") */
export function setsIntersect(a: PatternSet, b: PatternSet, kind: Kind): boolean {
  if (a.neg && b.neg) return true;
  if (!a.neg && !b.neg)
    return a.patterns.some((p) => b.patterns.some((q) => globsIntersect(p, q, mode(kind, "over", false), mode(kind, "over", false))));
  const [pos, neg] = a.neg ? [b, a] : [a, b];
  return pos.patterns.some((p) => !globContainedIn(p, neg.patterns, "plain", mode(kind, "over", true)));
}

/** Does the literal `value` (e.g. "iam:passrole") fall in the set? Read "over". */
export function setMatches(set: PatternSet, value: string, kind: Kind): boolean {
  const v = kind === "action" ? value.toLowerCase() : value;
  if (set.neg) return !set.patterns.some((p) => !p.includes(UNKNOWN) && globMatches(v, p, mode(kind, "over", true)));
  return set.patterns.some((p) => globMatches(v, widenUnknown(p), mode(kind, "over", false)));
}

// ---- principals ----------------------------------------------------------------------------

export interface PrincipalRef {
  /** "*" (everyone), "AWS", "Service", "Federated", "CanonicalUser" */
  type: string;
  value: string;
}

/** `"*"` and `{"AWS": "*"}` are the same principal: everyone (IAM User Guide, "AWS JSON policy elements: Principal"). */
export function principalRefs(p: Principal | "*" | undefined): PrincipalRef[] {
  if (p === undefined || p === "*") return [{ type: "*", value: "*" }];
  const out: PrincipalRef[] = [];
  for (const [type, values] of Object.entries(p))
    for (const value of values) out.push(type === "AWS" && value === "*" ? { type: "*", value: "*" } : { type, value });
  return out;
}

/** The 12-digit account of an AWS principal (`123456789012`, `arn:aws:iam::123456789012:root`, any ARN in it). */
export function principalAccount(value: string): string | undefined {
  if (/^\d{12}$/.test(value)) return value;
  const m = /^arn:[^:]+:(?:iam|sts)::(\d{12}):/.exec(value);
  return m ? m[1] : undefined;
}

/** True when `value` names a whole account (which covers every principal in it). */
export function isAccountPrincipal(value: string): boolean {
  return /^\d{12}$/.test(value) || /^arn:[^:]+:iam::\d{12}:root$/.test(value);
}

/** inner ⊆ outer for one principal each; an unknown inner value could be anyone. */
export function principalCovers(outer: PrincipalRef, inner: PrincipalRef): boolean {
  if (outer.type === "*") return true;
  if (inner.type === "*" || inner.value.includes(UNKNOWN)) return false;
  if (outer.type !== inner.type) return false;
  if (outer.type === "Service") return outer.value.toLowerCase() === inner.value.toLowerCase();
  if (outer.value === inner.value) return true;
  if (outer.type === "AWS" && isAccountPrincipal(outer.value)) return principalAccount(outer.value) === principalAccount(inner.value);
  return false;
}

export function principalsIntersect(a: PrincipalRef, b: PrincipalRef): boolean {
  if (a.type === "*" || b.type === "*" || a.value.includes(UNKNOWN) || b.value.includes(UNKNOWN)) return true;
  return principalCovers(a, b) || principalCovers(b, a);
}

// ---- conditions ----------------------------------------------------------------------------

type Conditions = Record<string, Record<string, string[]>> | undefined;

const OR_OPERATORS = new Set(["stringequals", "stringequalsignorecase", "stringlike", "arnequals", "arnlike", "ipaddress"]);
const NOR_OPERATORS = new Set(["stringnotequals", "stringnotequalsignorecase", "stringnotlike", "arnnotequals", "arnnotlike", "notipaddress"]);

function splitOperator(op: string): { base: string; ifExists: boolean; qualifier: string } {
  let o = op.toLowerCase();
  let qualifier = "";
  const q = /^(forallvalues|foranyvalue):/.exec(o);
  if (q) {
    qualifier = q[1];
    o = o.slice(q[0].length);
  }
  const ifExists = o.endsWith("ifexists");
  return { base: ifExists ? o.slice(0, -"ifexists".length) : o, ifExists, qualifier };
}

/** Does the condition block `inner` (one operator, one key, its values) imply `outer`'s? */
function blockImplies(innerOp: string, innerValues: string[], outerOp: string, outerValues: string[]): boolean {
  const i = splitOperator(innerOp);
  const o = splitOperator(outerOp);
  if (i.base !== o.base || i.qualifier !== o.qualifier) return false;
  // X...IfExists also passes when the key is absent: it is looser than X, never stricter.
  if (i.ifExists && !o.ifExists) return false;
  const like = i.base.endsWith("like");
  const within = (small: string[], big: string[]) =>
    small.every((v) => !v.includes(UNKNOWN) && (big.includes(v) || (like && globContainedIn(v, big))));
  if (OR_OPERATORS.has(i.base)) return within(innerValues, outerValues);
  if (NOR_OPERATORS.has(i.base)) return outerValues.every((v) => innerValues.includes(v));
  // Bool, Null, Numeric*, Date*, Binary*: only the same values are known to mean the same.
  return innerValues.length === outerValues.length && within(innerValues, outerValues);
}

/**
 * True when `outer` allows at least whenever `inner` does: every block of `outer` is implied by a
 * block of `inner` on the same key (keys are case-insensitive). No condition is the loosest.
 */
export function conditionLooserOrEqual(outer: Conditions, inner: Conditions): boolean {
  if (!outer || Object.keys(outer).length === 0) return true;
  if (!inner) return false;
  for (const [oop, okeys] of Object.entries(outer))
    for (const [okey, ovalues] of Object.entries(okeys)) {
      const implied = Object.entries(inner).some(([iop, ikeys]) =>
        Object.entries(ikeys).some(([ikey, ivalues]) => ikey.toLowerCase() === okey.toLowerCase() && blockImplies(iop, ivalues, oop, ovalues)),
      );
      if (!implied) return false;
    }
  return true;
}

export function isConditional(s: Statement): boolean {
  return !!s.Condition && Object.keys(s.Condition).length > 0;
}
