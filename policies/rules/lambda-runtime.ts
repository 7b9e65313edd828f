/** Runtimes: supported per the dated table, and pinned so they never change outside a deployment. */
import { ResourceRule, unverifiable, violation, Finding } from "../lib/rule";
import { T } from "../lib/resources";
import { asString, at, isUnknown } from "../lib/values";
import { RUNTIME_SUPPORT, TODAY_ENV } from "../runtime-support";

const DAY_MS = 86_400_000;

export interface RuntimeSupportedConfig {
  /** Days before a runtime's deprecation date during which it is reported as advisory. */
  warnDays: number;
  /** ISO date used as "today" (tests); else $POLICY_PACK_TODAY; else the clock. */
  today?: string;
}

function parseDay(s: string, where: string): number {
  const t = Date.parse(`${s}T00:00:00Z`);
  if (!/^\d{4}-\d{2}-\d{2}$/.test(s) || Number.isNaN(t))
    throw new Error(`${where} must be a date like 2026-11-01; got ${JSON.stringify(s)}.`);
  return t;
}

export function resolveToday(config: { today?: string }): number {
  if (config.today) return parseDay(config.today, "lambda-runtime-supported config `today`");
  const env = process.env[TODAY_ENV];
  if (env) return parseDay(env, `environment variable ${TODAY_ENV}`);
  return Date.now();
}

function isImage(props: Record<string, unknown>): boolean | "unknown" {
  const pt = props.packageType;
  if (isUnknown(pt)) return "unknown";
  return pt === "Image";
}

export const lambdaRuntimeSupported: ResourceRule<RuntimeSupportedConfig> = {
  kind: "resource",
  name: "lambda-runtime-supported",
  description: "Lambda functions use a runtime AWS still supports (dated table shipped with the pack).",
  types: [T.function],
  defaults: { warnDays: 180 },
  configSchema: {
    properties: {
      warnDays: { type: "integer", minimum: 0, default: 180, description: "Advisory window before deprecation, in days." },
      today: { type: "string", pattern: "^\\d{4}-\\d{2}-\\d{2}$", description: "Fixed date for the table (tests)." },
    },
  },
  check(r, config) {
    const rule = this.name;
    const image = isImage(r.props);
    if (image === "unknown") return [unverifiable(rule, r, "packageType", "whether the function needs a managed runtime")];
    if (image) return []; // an image carries its own runtime; lambda-runtime-pinned checks its digest
    const runtime = r.props.runtime;
    if (isUnknown(runtime)) return [unverifiable(rule, r, "runtime", "the runtime's support status", "set `runtime` to a literal such as nodejs24.x")];
    if (typeof runtime !== "string" || runtime === "")
      return [violation(rule, r, "has no `runtime`.", "set `runtime` to a supported runtime such as nodejs24.x.")];
    const entry = RUNTIME_SUPPORT.runtimes[runtime];
    if (!entry)
      return [
        violation(rule, r, `runtime \`${runtime}\` is not in the pack's support table (as of ${RUNTIME_SUPPORT.asOf}).`,
          "use a runtime listed in policies/runtime-support.ts, or add the new runtime there with its AWS deprecation date."),
      ];
    const today = resolveToday(config);
    const deprecation = parseDay(entry.deprecation, `runtime table entry ${runtime}`);
    if (today >= deprecation)
      return [
        violation(rule, r, `runtime \`${runtime}\` was deprecated by AWS on ${entry.deprecation}.`,
          `move to a supported runtime (e.g. nodejs24.x) and redeploy.`),
      ];
    const daysLeft = Math.ceil((deprecation - today) / DAY_MS);
    if (daysLeft <= config.warnDays)
      return [
        violation(rule, r, `runtime \`${runtime}\` is deprecated by AWS on ${entry.deprecation} (in ${daysLeft} days).`,
          "plan the move to a newer runtime before that date.", "advisory"),
      ];
    return [];
  },
};

const DIGEST = /@sha256:[0-9a-f]{64}$/;

export const lambdaRuntimePinned: ResourceRule = {
  kind: "resource",
  name: "lambda-runtime-pinned",
  description:
    "Lambda runtimes change only with a deployment: updateRuntimeOn FunctionUpdate (or Manual with a runtimeVersionArn); images by digest.",
  types: [T.function],
  defaults: {},
  check(r) {
    const rule = this.name;
    const image = isImage(r.props);
    if (image === "unknown") return [unverifiable(rule, r, "packageType", "how the function's runtime is pinned")];
    if (image) {
      const uri = r.props.imageUri;
      if (isUnknown(uri))
        return [unverifiable(rule, r, "imageUri", "that the image is referenced by digest", "build the image URI from the repository URL and a digest known at preview (e.g. from the build manifest)")];
      if (typeof uri !== "string" || !DIGEST.test(uri))
        return [violation(rule, r, `image \`${String(uri)}\` is referenced by tag, not by digest, so the code can change without a deployment.`,
          "reference the image as <repository>@sha256:<digest>.")];
      return [];
    }
    const findings: Finding[] = [];
    const on = at(r.props, "runtimeManagementConfig.updateRuntimeOn");
    const arn = at(r.props, "runtimeManagementConfig.runtimeVersionArn");
    if (isUnknown(on)) return [unverifiable(rule, r, "runtimeManagementConfig.updateRuntimeOn", "the runtime update mode", "set updateRuntimeOn to the literal FunctionUpdate")];
    if (on === "FunctionUpdate") return [];
    if (on === "Manual") {
      if (isUnknown(arn)) return [unverifiable(rule, r, "runtimeManagementConfig.runtimeVersionArn", "the pinned runtime version")];
      if (asString(arn)) return [];
      findings.push(violation(rule, r, "uses updateRuntimeOn Manual without a `runtimeVersionArn`.",
        "set runtimeVersionArn to the runtime version to pin, or use updateRuntimeOn FunctionUpdate."));
      return findings;
    }
    const mode = on === undefined || on === null ? "missing (AWS default Auto)" : `\`${String(on)}\``;
    findings.push(violation(rule, r, `runtimeManagementConfig.updateRuntimeOn is ${mode}, so AWS may change the runtime outside any deployment.`,
      "set runtimeManagementConfig: { updateRuntimeOn: \"FunctionUpdate\" }."));
    return findings;
  },
};
