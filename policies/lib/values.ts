/**
 * Reading resource properties with unknown values preserved.
 *
 * The engine sends every value unknown at preview as one string sentinel (MarshalProperties with
 * KeepUnknowns). @pulumi/policy wraps the properties in a proxy that throws on touching such a
 * value, and then reports the policy as ADVISORY ("can't run policy during preview"). That would let
 * an unverified role through, so the pack reads the proxy's target instead (the SDK's own escape
 * hatch, `__getSpecialProxyTarget`, policy/proxy.ts) and decides itself what an unknown means.
 */

/** The engine's unknown sentinel (resource.UnknownStringValue); the IAM engine uses the same string. */
export const UNKNOWN = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";

/** Every sentinel @pulumi/policy knows (policy/proxy.ts); all are normalised to {@link UNKNOWN}. */
const SENTINELS = new Set([
  UNKNOWN,
  "1c4a061d-8072-4f0a-a4cb-0ff528b18fe7",
  "3eeb2bf0-c639-47a8-9e75-3b44932eb421",
  "6a19a0b0-7e62-4c92-b797-7f8e31da9cc2",
  "030794c1-ac77-496b-92df-f27374a8bd58",
  "e48ece36-62e2-4504-bad9-02848725956a",
  "dd056dcd-154b-4c76-9bd3-c8f88648b5ff",
]);

/** Every sentinel is a 36-character UUID: a shorter string cannot hold one. */
const SENTINEL_LENGTH = 36;
/** One pass over a long string instead of one `includes` per sentinel. */
const ANY_SENTINEL = new RegExp([...SENTINELS].join("|"));

/**
 * True for a sentinel, and for a string with a sentinel inside (an interpolated unknown).
 * Called for every string of every resource by each stack policy: with the length check and the
 * single regular expression, AnalyzeStack at 20,259 resources spent under 0.1 s here instead of 2.4 s
 * (pack CPU profile, 2026-11-23).
 */
export function isUnknown(v: unknown): boolean {
  if (typeof v !== "string" || v.length < SENTINEL_LENGTH) return false;
  return SENTINELS.has(v) || ANY_SENTINEL.test(v);
}

/** The raw object behind the SDK's unknown-checking proxy, with every sentinel as {@link UNKNOWN}. */
export function rawProps(props: unknown): Record<string, unknown> {
  const p = props as Record<string, unknown> | undefined;
  const target = p && p["__isSpecialProxy"] === true ? p["__getSpecialProxyTarget"] : p;
  return (normalize(target) ?? {}) as Record<string, unknown>;
}

function normalize(v: unknown): unknown {
  if (isUnknown(v)) return UNKNOWN;
  if (Array.isArray(v)) return v.map(normalize);
  if (v && typeof v === "object") {
    const o: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(v)) o[k] = normalize(x);
    return o;
  }
  return v;
}

/** Reads a dotted path (`environment.variables`); stops at an unknown and returns {@link UNKNOWN}. */
export function at(obj: unknown, path: string): unknown {
  let cur: unknown = obj;
  for (const key of path.split(".")) {
    if (isUnknown(cur)) return UNKNOWN;
    if (cur === null || typeof cur !== "object") return undefined;
    cur = (cur as Record<string, unknown>)[key];
  }
  return cur;
}

export function asString(v: unknown): string | undefined {
  return typeof v === "string" ? v : undefined;
}

export function asArray(v: unknown): unknown[] | undefined {
  return Array.isArray(v) ? v : undefined;
}

/** Parses a JSON policy/redrive document given as a string (Pulumi accepts both forms). */
export function jsonValue(v: unknown): unknown {
  if (typeof v !== "string" || isUnknown(v)) return v;
  try {
    return JSON.parse(v);
  } catch {
    return v;
  }
}
