/** Runtimes: supported per the dated table, and pinned so they never change outside a deployment. */
import { and, Match } from "../lib/alarms";
import { FunctionRef, namesFunction, parseFunctionRef, targetsLatest } from "../lib/function-ref";
import { Finding, ResourceRule, StackRule, unverifiable, violation } from "../lib/rule";
import { label, PackResource, T } from "../lib/resources";
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

/** An image function's code and runtime are its image: pinned when referenced by digest. */
function imageFindings(rule: string, fn: PackResource): Finding[] {
  const uri = fn.props.imageUri;
  if (isUnknown(uri))
    return [unverifiable(rule, fn, "imageUri", "that the image is referenced by digest", "build the image URI from the repository URL and a digest known at preview (e.g. from the build manifest)")];
  if (typeof uri !== "string" || !DIGEST.test(uri))
    return [violation(rule, fn, `image \`${String(uri)}\` is referenced by tag, not by digest, so the code can change without a deployment.`,
      "reference the image as <repository>@sha256:<digest>.")];
  return [];
}

/** What a runtime management configuration (the resource, or a function's legacy inline block) sets. */
type Mode =
  | { verdict: "pinned" }
  | { verdict: "unpinned"; problem: string; fix: string }
  | { verdict: "unknown"; path: string; why: string; howToKnow: string };

const PIN = '"FunctionUpdate" (or "Manual" with a runtimeVersionArn)';

/** `prefix` is "" for the resource and "runtimeManagementConfig." for the inline block. */
function updateMode(cfg: unknown, prefix: string): Mode {
  if (isUnknown(cfg))
    return { verdict: "unknown", path: prefix.replace(/\.$/, ""), why: "the runtime update mode", howToKnow: `write the block as a literal with updateRuntimeOn ${PIN}` };
  const on = at(cfg, "updateRuntimeOn");
  if (isUnknown(on))
    return { verdict: "unknown", path: `${prefix}updateRuntimeOn`, why: "the runtime update mode", howToKnow: `set updateRuntimeOn to the literal ${PIN}` };
  if (on === "FunctionUpdate") return { verdict: "pinned" };
  if (on === "Manual") {
    const arn = at(cfg, "runtimeVersionArn");
    if (isUnknown(arn))
      return { verdict: "unknown", path: `${prefix}runtimeVersionArn`, why: "the pinned runtime version",
        howToKnow: "use a literal runtime version ARN (`aws lambda get-runtime-management-config` shows the current one), or updateRuntimeOn \"FunctionUpdate\"" };
    if (asString(arn)) return { verdict: "pinned" };
    return { verdict: "unpinned", problem: `uses ${prefix}updateRuntimeOn Manual without a \`${prefix}runtimeVersionArn\`.`,
      fix: "set runtimeVersionArn to the runtime version to pin, or use updateRuntimeOn \"FunctionUpdate\"." };
  }
  const mode = on === undefined || on === null ? "missing (AWS default Auto)"
    : on === "Auto" ? "`Auto`" : `\`${String(on)}\` (accepted: FunctionUpdate, Manual; case-sensitive)`;
  return { verdict: "unpinned", problem: `${prefix}updateRuntimeOn is ${mode}, so AWS may change the runtime outside any deployment.`,
    fix: `set ${prefix}updateRuntimeOn: ${PIN}.` };
}

function modeFinding(rule: string, r: PackResource, m: Mode, target = ""): Finding[] {
  if (m.verdict === "unpinned") return [violation(rule, r, `${target}${m.problem}`, m.fix)];
  if (m.verdict === "unknown") return [unverifiable(rule, r, m.path, m.why, m.howToKnow)];
  return [];
}

interface Config {
  rmc: PackResource;
  ref?: FunctionRef;
  mode: Mode;
}

/** Does `c` set the mode of `fn`'s $LATEST? `claimed`: known names of the stack's functions. */
function targets(c: Config, fn: PackResource, claimed: Set<string>): { named: Match; latest: Match } {
  if (!c.ref) return { named: "no", latest: "no" };
  const latest = targetsLatest(c.ref, c.rmc.props.qualifier);
  const name = fn.props.name;
  // An unknown name can be any name but one the stack's other functions already hold.
  if (isUnknown(name)) return { named: c.ref.name !== undefined && claimed.has(c.ref.name) ? "no" : "unknown", latest };
  if (typeof name !== "string" || name === "") return { named: "no", latest };
  return { named: namesFunction(c.ref, name, fn.props.region, c.rmc.props.region), latest };
}

const pinnedBy = (m: Mode): Match => (m.verdict === "pinned" ? "yes" : m.verdict === "unknown" ? "unknown" : "no");
const unknownInputs = (r: PackResource, keys: string[]) => keys.filter((k) => isUnknown(r.props[k]));

export const lambdaRuntimePinned: StackRule = {
  kind: "stack",
  name: "lambda-runtime-pinned",
  types: [T.function, T.runtimeManagementConfig],
  description:
    "Lambda runtimes change only with a deployment: every zip function's $LATEST has a RuntimeManagementConfig with updateRuntimeOn FunctionUpdate (or Manual with a runtimeVersionArn); images by digest.",
  defaults: {},
  check(resources) {
    const rule = this.name;
    const out: Finding[] = [];
    const fns = resources.filter((r) => r.type === T.function);
    const claimed = new Set(fns.map((f) => f.props.name).filter((n): n is string => typeof n === "string" && n !== "" && !isUnknown(n)));

    // Every configuration in the stack pins, wherever it points: an explicit Auto is the very thing refused.
    const configs: Config[] = resources
      .filter((r) => r.type === T.runtimeManagementConfig)
      .map((rmc) => ({ rmc, ref: parseFunctionRef(rmc.props.functionName), mode: updateMode(rmc.props, "") }));
    for (const c of configs) {
      const fname = c.rmc.props.functionName;
      out.push(...modeFinding(rule, c.rmc, c.mode, `targets ${isUnknown(fname) ? "a function unknown at preview" : JSON.stringify(fname)}; `));
    }
    const relevant = configsFor(configs);

    // RMC -> functions whose verdict waits on its unknown target.
    const undecided = new Map<PackResource, PackResource[]>();
    for (const fn of fns) {
      const image = isImage(fn.props);
      if (image === true) {
        out.push(...imageFindings(rule, fn));
        continue;
      }
      const inline = fn.props.runtimeManagementConfig;
      const inlineMode = inline === undefined || inline === null ? undefined : updateMode(inline, "runtimeManagementConfig.");
      if (inlineMode) out.push(...modeFinding(rule, fn, inlineMode));

      const results = relevant(fn).map((c) => ({ c, ...targets(c, fn, claimed) }));
      const applies = results.map((x) => ({ ...x, match: and(x.named, x.latest) }));
      const pinned = inlineMode?.verdict === "pinned" || applies.some((x) => x.match === "yes" && x.c.mode.verdict === "pinned");
      if (image === "unknown") {
        // Decides only if the two readings disagree: pinned as a zip and by digest (or no image at all) as an image.
        const asImage = fn.props.imageUri === undefined ? [] : imageFindings(rule, fn);
        if (!(pinned && asImage.length === 0)) out.push(unverifiable(rule, fn, "packageType", "how the function's runtime is pinned", "set packageType to the literal \"Zip\" or \"Image\""));
        continue;
      }
      if (pinned) continue;
      // A configuration that targets the function but does not pin it is already reported on itself.
      if (inlineMode || applies.some((x) => x.match === "yes")) continue;
      const maybe = applies.filter((x) => x.match === "unknown" && pinnedBy(x.c.mode) !== "no");
      if (maybe.length > 0) {
        if (isUnknown(fn.props.name) || isUnknown(fn.props.region)) {
          out.push(unverifiable(rule, fn, unknownInputs(fn, ["name", "region"]).join("`, `"),
            "which aws.lambda.RuntimeManagementConfig pins this function's runtime",
            "name the function explicitly from values known at preview (e.g. `${project}-${stack}-<name>`) and pass that name as the config's functionName"));
        }
        for (const x of maybe)
          if (unknownInputs(x.c.rmc, ["functionName", "qualifier", "region"]).length > 0) undecided.set(x.c.rmc, [...(undecided.get(x.c.rmc) ?? []), fn]);
        continue;
      }
      out.push(missing(rule, fn, results.filter((x) => x.named === "yes" && x.latest === "no").map((x) => x.c.rmc)));
    }
    for (const [rmc, waiting] of undecided)
      out.push(unverifiable(rule, rmc, unknownInputs(rmc, ["functionName", "qualifier", "region"]).join("`, `"),
        `whether it pins the runtime of ${waiting.map(label).join(", ")} (nothing else does)`,
        "set functionName to the function's name known at preview (name the function explicitly and pass `fn.name`, or an ARN built from that name with pulumi.interpolate) and leave qualifier unset"));
    return out;
  },
};

/**
 * The configurations that can target `fn`, in stack order. Every other one gives `named: "no"` in
 * {@link targets}, so it cannot pin the function, leave it undecided, or be listed by
 * {@link missing}: leaving it out changes no verdict. Without this the rule compared every function
 * with every configuration (O(functions^2): 0.5 s of AnalyzeStack at 1000 functions).
 */
function configsFor(configs: Config[]): (fn: PackResource) => Config[] {
  const byName = new Map<string, Config[]>();
  const open: Config[] = []; // the referenced name is unknown at preview
  for (const c of configs) {
    if (!c.ref) continue; // targets() says "no" for every function
    if (c.ref.name === undefined) open.push(c);
    else byName.set(c.ref.name, [...(byName.get(c.ref.name) ?? []), c]);
  }
  const order = new Map(configs.map((c, i) => [c, i]));
  return (fn) => {
    const name = fn.props.name;
    if (isUnknown(name)) return configs; // targets() weighs each against the names already claimed
    if (typeof name !== "string" || name === "") return [];
    const named = byName.get(name) ?? [];
    if (open.length === 0) return named;
    return [...named, ...open].sort((a, b) => order.get(a)! - order.get(b)!);
  };
}

/** No configuration targets the function's $LATEST: AWS's default, Auto, applies. */
function missing(rule: string, fn: PackResource, otherVersions: PackResource[]): Finding {
  const name = fn.props.name;
  const fnName = typeof name === "string" && name !== "" ? JSON.stringify(name) : "<the function's name>";
  const notes = otherVersions.map((r) => ` ${label(r)} sets a published version (qualifier ${JSON.stringify(r.props.qualifier ?? String(r.props.functionName).split(":").pop())}), not $LATEST, from which new versions are published.`).join("");
  return violation(rule, fn,
    `no aws.lambda.RuntimeManagementConfig in the stack targets this function's $LATEST, so its runtime update mode is AWS's default, Auto: AWS may change the runtime outside any deployment.${notes}`,
    `add new aws.lambda.RuntimeManagementConfig("${fn.name}-runtime", { functionName: ${fnName}, updateRuntimeOn: "FunctionUpdate" }) (functionName: the function's name or its ARN; no qualifier, or "$LATEST").`);
}
