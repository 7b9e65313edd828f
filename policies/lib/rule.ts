/**
 * Rules are plain functions from resources and config to findings, so tests call them without a
 * server. `toPolicy` turns one into an @pulumi/policy policy that fails closed.
 */
import type {
  EnforcementLevel,
  PolicyConfigSchema,
  ReportViolation,
  ResourceValidationPolicy,
  StackValidationPolicy,
} from "@pulumi/policy";
import { fromSdk, label, PackResource } from "./resources";

export const DOCS = "docs/policies.md";

export interface Finding {
  urn: string;
  message: string;
  /** Only "advisory" lowers a finding below the policy's level (e.g. a runtime near deprecation). */
  level?: "advisory";
}

interface RuleBase<C> {
  name: string;
  description: string;
  configSchema?: PolicyConfigSchema;
  /** Defaults used when the engine sends no config (the CLI normally fills them from the schema). */
  defaults: C;
}

export interface ResourceRule<C = Record<string, never>> extends RuleBase<C> {
  kind: "resource";
  /** Type tokens the rule looks at. */
  types: readonly string[];
  check(resource: PackResource, config: C): Finding[];
}

export interface StackRule<C = Record<string, never>> extends RuleBase<C> {
  kind: "stack";
  /**
   * Type tokens check() reads: it is given only resources of these types. The SDK hands every
   * stack policy the whole stack; converting all of it for each of the 13 stack policies was a
   * sixth of AnalyzeStack at 1000 functions, and most of its garbage.
   */
  types: readonly string[];
  check(resources: PackResource[], config: C): Finding[];
}

export type Rule = ResourceRule<any> | StackRule<any>;

/** A violation: the resource, what is wrong, the fix, and the documentation anchor. */
export function violation(rule: string, r: PackResource, problem: string, fix: string, level?: "advisory"): Finding {
  return { urn: r.urn, message: `${label(r)}: ${problem} Fix: ${fix} See ${DOCS}#${rule}.`, level };
}

/**
 * A value that decides the verdict is unknown at preview: refuse (fail closed) and say how to make
 * it known.
 */
export function unverifiable(rule: string, r: PackResource, path: string, why: string, howToKnow?: string): Finding {
  return {
    urn: r.urn,
    message:
      `${label(r)}: \`${path}\` is unknown during preview, so ${why} cannot be verified; the policy fails closed. ` +
      `Fix: ${howToKnow ?? "compute the value from values known at preview (configuration, resource names, region and account id) instead of another resource's outputs"}. ` +
      `See ${DOCS}#${rule}.`,
  };
}

/** Merges given config over the rule's defaults (the CLI already did, unit tests may not). */
export function withDefaults<C>(rule: RuleBase<C>, given: Record<string, unknown> | undefined): C {
  const out: Record<string, unknown> = { ...(rule.defaults as Record<string, unknown>) };
  for (const [k, v] of Object.entries(given ?? {})) if (v !== undefined) out[k] = v;
  return out as C;
}

/** Runs a rule on plain resources: what tests use instead of the server. */
export function runRule(rule: Rule, resources: PackResource[], config?: Record<string, unknown>): Finding[] {
  const c = withDefaults(rule as RuleBase<unknown>, config);
  if (rule.kind === "stack") return rule.check(resources.filter((r) => rule.types.includes(r.type)), c);
  return resources.filter((r) => rule.types.includes(r.type)).flatMap((r) => rule.check(r, c));
}

/** The SDK's object form of reportViolation (policy/server.ts) lets one finding be advisory. */
type ObjectReport = (info: { message: string; urn?: string; enforcementLevel?: EnforcementLevel }) => void;

function report(reportViolation: ReportViolation, f: Finding): void {
  if (f.level === "advisory") (reportViolation as unknown as ObjectReport)({ message: f.message, urn: f.urn, enforcementLevel: "advisory" });
  else reportViolation(f.message, f.urn);
}

/**
 * Errors other than our own findings: an UnknownValueError would make the SDK downgrade the policy
 * to advisory, so any error becomes a mandatory finding naming the resource.
 */
function crashed(rule: string, urn: string, e: unknown): Finding {
  const msg = e instanceof Error ? e.message : String(e);
  return { urn, message: `policy ${rule} could not evaluate this resource (${msg}); the policy fails closed. See ${DOCS}#${rule}.` };
}

export function toPolicy(rule: Rule): ResourceValidationPolicy | StackValidationPolicy {
  const base = {
    name: rule.name,
    description: rule.description,
    enforcementLevel: "mandatory" as const,
    url: `${DOCS}#${rule.name}`,
    ...(rule.configSchema ? { configSchema: rule.configSchema } : {}),
  };
  if (rule.kind === "resource") {
    return {
      ...base,
      validateResource: (args, reportViolation) => {
        if (!rule.types.includes(args.type)) return;
        const config = withDefaults(rule, args.getConfig<Record<string, unknown>>());
        let findings: Finding[];
        try {
          findings = rule.check(fromSdk(args), config);
        } catch (e) {
          findings = [crashed(rule.name, args.urn, e)];
        }
        for (const f of findings) report(reportViolation, f);
      },
    };
  }
  const types = new Set(rule.types);
  return {
    ...base,
    validateStack: (args, reportViolation) => {
      const config = withDefaults(rule, args.getConfig<Record<string, unknown>>());
      let findings: Finding[];
      try {
        findings = rule.check(args.resources.filter((r) => types.has(r.type)).map(fromSdk), config);
      } catch (e) {
        findings = [crashed(rule.name, "", e)];
      }
      for (const f of findings) report(reportViolation, f);
    },
  };
}
