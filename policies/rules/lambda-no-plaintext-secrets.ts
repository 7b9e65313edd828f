/**
 * Lambda environment variables are readable by anyone with lambda:GetFunctionConfiguration and are
 * stored in the Pulumi state: secrets belong in Secrets Manager or SSM, referenced by name or ARN.
 */
import { Finding, ResourceRule, unverifiable, violation } from "../lib/rule";
import { T } from "../lib/resources";
import { at, isUnknown } from "../lib/values";

export interface SecretsConfig {
  /** Variable names never reported (exact, case-sensitive). */
  allowNames: string[];
  /** Minimum length of a value checked for entropy. */
  entropyMinLength: number;
  /** Shannon entropy (bits per character) at or above which a long token-like value is a secret. */
  entropyThreshold: number;
}

const SECRET_NAME = /(^|_)(SECRET|PASSWORD|PASSWD|TOKEN|API_?KEY|ACCESS_KEY|CREDENTIALS?)$|PRIVATE_?KEY/i;

/** Known key formats; each is a leak whatever the variable is called. */
const KEY_PATTERNS: [string, RegExp][] = [
  ["an AWS access key id", /\b(AKIA|ASIA)[A-Z0-9]{16}\b/],
  ["a PEM private key", /-----BEGIN [A-Z ]*PRIVATE KEY-----/],
  ["a GitHub token", /\b(gh[pousr]_[A-Za-z0-9]{36,}|github_pat_[A-Za-z0-9_]{22,})\b/],
  ["a Slack token", /\bxox[abposr]-[A-Za-z0-9-]{10,}/],
  ["a JSON Web Token", /\beyJ[A-Za-z0-9_-]{8,}\.eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}/],
  ["a Stripe live key", /\b[sr]k_live_[A-Za-z0-9]{16,}/],
  ["a Google API key", /\bAIza[0-9A-Za-z_-]{35}\b/],
];

/** Values that point at a secret instead of holding it. */
export function isReference(v: string): boolean {
  return (
    v === "" ||
    v.startsWith("arn:") ||
    v.startsWith("{{resolve:") ||
    v.startsWith("/") || // SSM parameter name
    /^(ssm|secretsmanager):/i.test(v)
  );
}

export function shannonEntropy(s: string): number {
  const counts = new Map<string, number>();
  for (const ch of s) counts.set(ch, (counts.get(ch) ?? 0) + 1);
  let h = 0;
  for (const n of counts.values()) h -= (n / s.length) * Math.log2(n / s.length);
  return h;
}

/** Why a value looks like a secret, or undefined. */
export function secretShape(v: string, config: SecretsConfig): string | undefined {
  for (const [what, re] of KEY_PATTERNS) if (re.test(v)) return what;
  if (isReference(v) || v.includes("://") || /\s/.test(v)) return undefined;
  if (v.length >= config.entropyMinLength && /[0-9]/.test(v) && /[A-Za-z]/.test(v) && shannonEntropy(v) >= config.entropyThreshold)
    return `a high-entropy string (${shannonEntropy(v).toFixed(1)} bits/char)`;
  return undefined;
}

export const lambdaNoPlaintextSecrets: ResourceRule<SecretsConfig> = {
  kind: "resource",
  name: "lambda-no-plaintext-secrets",
  description: "Lambda environment variables hold no plaintext secrets; reference Secrets Manager or SSM instead.",
  types: [T.function],
  defaults: { allowNames: [], entropyMinLength: 32, entropyThreshold: 4.2 },
  configSchema: {
    properties: {
      allowNames: { type: "array", items: { type: "string" }, default: [], description: "Variable names never reported." },
      entropyMinLength: { type: "integer", minimum: 8, default: 32 },
      entropyThreshold: { type: "number", minimum: 0, default: 4.2 },
    },
  },
  check(r, config) {
    const vars = at(r.props, "environment.variables");
    if (isUnknown(vars))
      return [unverifiable(this.name, r, "environment.variables", "that no variable holds a plaintext secret", "pass the variables as an object literal (values may be outputs)")];
    if (!vars || typeof vars !== "object") return [];
    const out: Finding[] = [];
    const fix = "store the value in Secrets Manager or SSM Parameter Store and pass its name or ARN (read it at runtime, e.g. with Powertools parameters).";
    for (const [name, value] of Object.entries(vars as Record<string, unknown>)) {
      if (config.allowNames.includes(name)) continue;
      const path = `environment.variables.${name}`;
      const secretName = SECRET_NAME.test(name);
      if (isUnknown(value)) {
        // An unknown value is not a literal in the program; it matters only when the name says secret.
        if (secretName) out.push(unverifiable(this.name, r, path, "that this secret-named variable holds a reference, not the secret", "pass the secret's ARN or name, built from values known at preview"));
        continue;
      }
      if (typeof value !== "string") continue;
      const shape = secretShape(value, config);
      if (shape) out.push(violation(this.name, r, `${path} holds what looks like ${shape}.`, fix));
      else if (secretName && !isReference(value))
        out.push(violation(this.name, r, `${path} is named like a secret and holds a literal value.`, fix));
    }
    return out;
  },
};
