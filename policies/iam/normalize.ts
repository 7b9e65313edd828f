import { PolicyDocument, Principal, Statement, UNKNOWN } from "./types";

/** Thrown when a value that shapes a policy document is unknown at preview (the caller reports it, fail closed). */
export class UnknownValueError extends Error {}

/** True when `v` is, or contains anywhere (nested or inside a string), the preview sentinel. */
export function containsUnknown(v: unknown): boolean {
  if (typeof v === "string") return v.includes(UNKNOWN);
  if (Array.isArray(v)) return v.some(containsUnknown);
  if (v !== null && typeof v === "object") return Object.values(v).some(containsUnknown);
  return false;
}

const STATEMENT_KEYS = new Set(["Sid", "Effect", "Action", "NotAction", "Resource", "NotResource", "Principal", "NotPrincipal", "Condition"]);

/**
 * Turns a policy document (a JSON string or an object, as Pulumi passes it) into the normalized
 * shape: Statement always an array, every Action/Resource/Principal value an array of strings,
 * every condition value an array of strings. Throws an Error naming `where` on malformed input and
 * an UnknownValueError when the document, its Statement or a statement is unknown at preview.
 * Strings that merely contain the sentinel are kept: the comparisons treat them as "could be anything".
 */
export function normalizePolicyDocument(doc: unknown, where: string): PolicyDocument {
  if (doc === UNKNOWN) throw new UnknownValueError(`${where} is unknown at preview`);
  let value = doc;
  if (typeof doc === "string") {
    try {
      value = JSON.parse(doc);
    } catch (e) {
      throw new Error(`${where}: the policy is not valid JSON (${(e as Error).message}); got ${JSON.stringify(doc.slice(0, 120))}.`);
    }
  }
  if (value === null || typeof value !== "object" || Array.isArray(value))
    throw new Error(`${where}: a policy document must be an object with "Version" and "Statement"; got ${JSON.stringify(value)}.`);
  const o = value as Record<string, unknown>;
  if (o.Statement === UNKNOWN) throw new UnknownValueError(`${where}.Statement is unknown at preview`);
  if (o.Statement === undefined) throw new Error(`${where}: the policy document has no "Statement"; add at least one statement.`);
  const raw = Array.isArray(o.Statement) ? o.Statement : [o.Statement];
  const version = o.Version === undefined ? "2012-10-17" : o.Version;
  if (typeof version !== "string") throw new Error(`${where}.Version must be a string such as "2012-10-17"; got ${JSON.stringify(version)}.`);
  return { Version: version, Statement: raw.map((s, i) => normalizeStatement(s, `${where}.Statement[${i}]`)) };
}

function normalizeStatement(s: unknown, where: string): Statement {
  if (s === UNKNOWN) throw new UnknownValueError(`${where} is unknown at preview`);
  if (s === null || typeof s !== "object" || Array.isArray(s)) throw new Error(`${where} must be an object; got ${JSON.stringify(s)}.`);
  const o = s as Record<string, unknown>;
  for (const k of Object.keys(o))
    if (!STATEMENT_KEYS.has(k)) throw new Error(`${where} has an unknown key "${k}"; IAM statements accept ${[...STATEMENT_KEYS].join(", ")}.`);
  if (o.Effect !== "Allow" && o.Effect !== "Deny") throw new Error(`${where}.Effect must be "Allow" or "Deny"; got ${JSON.stringify(o.Effect)}.`);
  const out: Statement = { Effect: o.Effect };
  if (o.Sid !== undefined) {
    if (typeof o.Sid !== "string") throw new Error(`${where}.Sid must be a string; got ${JSON.stringify(o.Sid)}.`);
    out.Sid = o.Sid;
  }
  if ((o.Action === undefined) === (o.NotAction === undefined))
    throw new Error(`${where} must have exactly one of "Action" or "NotAction".`);
  if (o.Action !== undefined) out.Action = stringList(o.Action, `${where}.Action`);
  if (o.NotAction !== undefined) out.NotAction = stringList(o.NotAction, `${where}.NotAction`);
  if (o.Resource !== undefined && o.NotResource !== undefined) throw new Error(`${where} must not have both "Resource" and "NotResource".`);
  if (o.Resource !== undefined) out.Resource = stringList(o.Resource, `${where}.Resource`);
  if (o.NotResource !== undefined) out.NotResource = stringList(o.NotResource, `${where}.NotResource`);
  if (o.Principal !== undefined && o.NotPrincipal !== undefined) throw new Error(`${where} must not have both "Principal" and "NotPrincipal".`);
  if (o.Principal !== undefined) out.Principal = principal(o.Principal, `${where}.Principal`);
  if (o.NotPrincipal !== undefined) out.NotPrincipal = principal(o.NotPrincipal, `${where}.NotPrincipal`);
  if (o.Condition !== undefined) out.Condition = condition(o.Condition, `${where}.Condition`);
  return out;
}

function stringList(v: unknown, where: string): string[] {
  const list = Array.isArray(v) ? v : [v];
  if (list.length === 0) throw new Error(`${where} must not be empty.`);
  for (const x of list) if (typeof x !== "string" || x === "") throw new Error(`${where} must be a non-empty string or a list of them; got ${JSON.stringify(x)}.`);
  return list as string[];
}

function principal(v: unknown, where: string): Principal | "*" {
  if (v === "*") return "*";
  if (v === UNKNOWN) return { AWS: [UNKNOWN] };
  if (v === null || typeof v !== "object" || Array.isArray(v))
    throw new Error(`${where} must be "*" or an object such as {"Service": "lambda.amazonaws.com"}; got ${JSON.stringify(v)}.`);
  const out: Principal = {};
  for (const [type, values] of Object.entries(v as Record<string, unknown>)) out[type] = stringList(values, `${where}.${type}`);
  return out;
}

function condition(v: unknown, where: string): Record<string, Record<string, string[]>> {
  if (v === null || typeof v !== "object" || Array.isArray(v))
    throw new Error(`${where} must be an object {operator: {key: value}}; got ${JSON.stringify(v)}.`);
  const out: Record<string, Record<string, string[]>> = {};
  for (const [op, block] of Object.entries(v as Record<string, unknown>)) {
    if (block === null || typeof block !== "object" || Array.isArray(block))
      throw new Error(`${where}.${op} must be an object {key: value}; got ${JSON.stringify(block)}.`);
    out[op] = {};
    for (const [key, raw] of Object.entries(block as Record<string, unknown>)) {
      const list = Array.isArray(raw) ? raw : [raw];
      for (const x of list)
        if (typeof x !== "string" && typeof x !== "number" && typeof x !== "boolean")
          throw new Error(`${where}.${op}.${key} values must be strings, numbers or booleans; got ${JSON.stringify(x)}.`);
      out[op][key] = list.map(String);
    }
  }
  return out;
}
