import * as pulumi from "@pulumi/pulumi";
import { z } from "zod";
import { UsageConfig, validateUsage } from "../tools/cost/usage";
import * as path from "path";
import { discoverFunctions, FunctionEntry } from "./catalog";
import { FUNCTION_ALARMS_DEFAULTS } from "./components/function-alarm-defaults";
import { PipelineConfig, validatePipelineConfig } from "./delivery/pipeline-config";
import { ObservabilityConfig, validateObservabilityConfig } from "./observability/config";

/**
 * The stack's settings, read once (`readStackConfig`) and checked by one plain function
 * (`validateStackConfig`) so a bad value fails before any resource is declared, with every problem
 * at once: `Pulumi.prod.yaml: serverless:canary.percent must be 1-99; got 150`.
 */

/** CodeDeploy's predefined Lambda deployment configs (the complete list AWS offers). */
export const PREDEFINED_DEPLOYMENT_CONFIGS = [
  "CodeDeployDefault.LambdaAllAtOnce",
  "CodeDeployDefault.LambdaCanary10Percent5Minutes",
  "CodeDeployDefault.LambdaCanary10Percent10Minutes",
  "CodeDeployDefault.LambdaCanary10Percent15Minutes",
  "CodeDeployDefault.LambdaCanary10Percent30Minutes",
  "CodeDeployDefault.LambdaLinear10PercentEvery1Minute",
  "CodeDeployDefault.LambdaLinear10PercentEvery2Minutes",
  "CodeDeployDefault.LambdaLinear10PercentEvery3Minutes",
  "CodeDeployDefault.LambdaLinear10PercentEvery10Minutes",
] as const;

/** CloudWatch Logs' allowed retention values. "Never expire" is left out on purpose: logs cost money forever. */
export const LOG_RETENTION_DAYS = [1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653] as const;

/** Defaults of every setting; Pulumi.yaml declares the same scalar defaults (a test keeps them equal). */
export const CONFIG_DEFAULTS = {
  /** @default 14 days: two weeks of history without paying for it forever. */
  logRetentionDays: 14,
  requireApproval: false,
  alertEmails: [] as readonly string[],
  artifactManifest: "dist/manifest.json",
  functionsDir: "functions",
  /** @default a 10% canary for 5 minutes: fast, and still catches errors on real traffic. */
  canary: { predefined: "CodeDeployDefault.LambdaCanary10Percent5Minutes" },
  alarms: FUNCTION_ALARMS_DEFAULTS,
  functionDefaults: { memoryMb: 256, timeoutSeconds: 10 },
} as const;

export type TrafficShifting =
  | { readonly kind: "predefined"; readonly name: (typeof PREDEFINED_DEPLOYMENT_CONFIGS)[number] }
  | { readonly kind: "custom"; readonly type: "canary" | "linear"; readonly percent: number; readonly intervalMinutes: number };

export interface FunctionOverride {
  readonly memoryMb?: number;
  readonly timeoutSeconds?: number;
  readonly provisionedConcurrency?: number;
  readonly reservedConcurrency?: number;
}

export interface StackConfig {
  readonly stackFile: string;
  readonly region: string;
  readonly trafficShifting: TrafficShifting;
  readonly alarms: { -readonly [K in keyof typeof CONFIG_DEFAULTS.alarms]: number };
  readonly logRetentionDays: number;
  readonly functionDefaults: { readonly memoryMb: number; readonly timeoutSeconds: number };
  readonly functions: Readonly<Record<string, FunctionOverride>>;
  readonly requireApproval: boolean;
  readonly alertEmails: readonly string[];
  readonly artifactManifest: string;
  readonly functionsDir: string;
  /** `serverless:pipeline` (infra/delivery/pipeline-config.ts); undefined: the stack declares no pipeline. */
  readonly pipeline?: PipelineConfig;
  /** `serverless:budget` and `serverless:dashboard` (infra/observability/config.ts). */
  readonly observability: ObservabilityConfig;
  /**
   * `serverless:usage`, the cost estimate's inputs (tools/cost/usage.ts), checked here with the
   * rest so a typo fails `pulumi preview` too, not only the offline plan. Undefined when the
   * validator was given no catalog (durations are checked against the functions' timeouts).
   */
  readonly usage?: UsageConfig;
}

const int = (min: number, max: number) =>
  z
    .number({ error: `must be a whole number ${min}-${max}` })
    .int(`must be a whole number ${min}-${max}`)
    .min(min, `must be ${min}-${max}`)
    .max(max, `must be ${min}-${max}`);

const canary = z
  .object({
    predefined: z.enum(PREDEFINED_DEPLOYMENT_CONFIGS, { error: `must be one of ${PREDEFINED_DEPLOYMENT_CONFIGS.join(", ")}` }).optional(),
    type: z.enum(["canary", "linear"], { error: "must be canary or linear" }).optional(),
    percent: int(1, 99).optional(),
    // CodeDeploy accepts intervals up to 2880 minutes (two days).
    intervalMinutes: int(1, 2880).optional(),
  })
  .strict()
  .superRefine((c, ctx) => {
    const custom = (["type", "percent", "intervalMinutes"] as const).filter((k) => c[k] !== undefined);
    if (c.predefined && custom.length)
      ctx.addIssue({ code: "custom", path: [], message: `sets both predefined and ${custom.join("/")}; use one form: { predefined } or { type, percent, intervalMinutes }` });
    else if (!c.predefined && custom.length)
      for (const k of ["type", "percent", "intervalMinutes"] as const)
        if (c[k] === undefined) ctx.addIssue({ code: "custom", path: [k], message: "is required for a custom canary or linear config" });
  });

const alarms = z
  .object({
    errorThreshold: int(1, 100000).optional(),
    throttleThreshold: int(1, 100000).optional(),
    p99DurationPercentOfTimeout: int(1, 100).optional(),
    evaluationPeriods: int(1, 100).optional(),
    // CloudWatch periods for standard metrics: multiples of 60 seconds.
    periodSeconds: int(60, 86400).refine((n) => n % 60 === 0, "must be a multiple of 60").optional(),
    oldestMessageAgeSeconds: int(60, 1209600).optional(),
  })
  .strict();

const override = z
  .object({
    memoryMb: int(128, 10240).optional(),
    timeoutSeconds: int(1, 900).optional(),
    provisionedConcurrency: int(1, 10000).optional(),
    reservedConcurrency: int(1, 10000).optional(),
  })
  .strict()
  .superRefine((o, ctx) => {
    if (o.provisionedConcurrency && o.reservedConcurrency && o.provisionedConcurrency > o.reservedConcurrency)
      ctx.addIssue({ code: "custom", path: ["provisionedConcurrency"], message: `must not exceed reservedConcurrency (${o.reservedConcurrency})` });
  });

const schema = z
  .object({
    "aws:region": z.string({ error: "is required: the AWS region of the stack, e.g. eu-west-1" }).regex(/^[a-z]{2}(-gov|-iso[a-z]?)?-[a-z]+-\d$/, "must be an AWS region like eu-west-1"),
    canary: canary.optional(),
    alarms: alarms.optional(),
    logRetentionDays: z
      .number({ error: "must be a number of days" })
      .refine((n) => (LOG_RETENTION_DAYS as readonly number[]).includes(n), `must be one of CloudWatch Logs' retention values (${LOG_RETENTION_DAYS.join(", ")})`)
      .optional(),
    functionDefaults: z.object({ memoryMb: int(128, 10240).optional(), timeoutSeconds: int(1, 900).optional() }).strict().optional(),
    functions: z.record(z.string(), override).optional(),
    requireApproval: z.boolean({ error: "must be true or false" }).optional(),
    alertEmails: z.array(z.string().regex(/^[^@\s]+@[^@\s]+\.[^@\s]+$/, "must be an email address"), { error: "must be a list of email addresses" }).optional(),
    artifactManifest: z.string({ error: "must be a path" }).min(1, "must be a path").optional(),
    functionsDir: z.string({ error: "must be a path" }).min(1, "must be a path").optional(),
    // Checked by their own validators (below), each the one place that knows its shape.
    pipeline: z.unknown().optional(),
    budget: z.unknown().optional(),
    dashboard: z.unknown().optional(),
    usage: z.unknown().optional(),
  })
  .strict();

const NS = "serverless:";

/**
 * Checks the stack's raw settings (`{ "aws:region": ..., "serverless:canary": {...} }`, values
 * already decoded from JSON) and returns them typed, defaults applied. `functions`, the catalog,
 * when given, makes an override or a usage entry of a function that does not exist an error, and
 * checks usage durations against each function's timeout. The stack's name (a pipeline must not
 * promote from itself) is read from `stackFile` (`Pulumi.<stack>.yaml`).
 * Throws one error listing every problem of every setting (the pipeline, budget, dashboard and
 * usage validators included), each naming the file, the key, the rule and the value.
 */
export function validateStackConfig(stackFile: string, raw: Record<string, unknown>, functions?: readonly FunctionEntry[]): StackConfig {
  const input: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(raw)) {
    if (key.startsWith(NS)) input[key.slice(NS.length)] = value;
    else if (key === "aws:region") input[key] = value;
  }
  const problems: string[] = [];
  const parsed = schema.safeParse(input);
  if (!parsed.success) {
    for (const issue of parsed.error.issues) {
      const where = keyPath(issue.path);
      if (issue.code === "unrecognized_keys") {
        const known = Object.keys(knownShapeAt(issue.path));
        for (const k of issue.keys) problems.push(`${stackFile}: ${keyPath([...issue.path, k])} is not a known setting${known.length ? ` (known: ${known.join(", ")})` : ""}.`);
        continue;
      }
      problems.push(`${stackFile}: ${where} ${issue.message}${got(input, issue.path)}`);
    }
  }
  // Checked on the raw input too, so a misspelt name shows up alongside the other problems.
  const overrides = input.functions !== null && typeof input.functions === "object" ? Object.keys(input.functions) : [];
  const knownFunctions = functions?.map((f) => f.name);
  if (knownFunctions) {
    for (const name of overrides)
      if (!knownFunctions.includes(name))
        problems.push(`${stackFile}: serverless:functions.${name} overrides a function that does not exist; known functions: ${knownFunctions.join(", ")}.`);
  }
  const c = parsed.success ? parsed.data : undefined;
  const functionDefaults = { ...CONFIG_DEFAULTS.functionDefaults, ...c?.functionDefaults };
  const requireApproval = c?.requireApproval ?? (typeof input.requireApproval === "boolean" ? input.requireApproval : CONFIG_DEFAULTS.requireApproval);

  // The other validators run even when the settings above have problems: every problem at once.
  const pipeline = collect(problems, () => validatePipelineConfig(stackFile, stackNameOf(stackFile), input.pipeline, requireApproval));
  const observability = collect(problems, () => validateObservabilityConfig(stackFile, raw));
  const usage = functions
    ? collect(problems, () =>
        validateUsage(input.usage, {
          source: stackFile,
          functions: functions.map((f) => {
            const override = (c?.functions ?? {})[f.name] ?? {};
            const trigger = f.settings.trigger;
            return {
              name: f.name,
              trigger: trigger.type,
              timeoutSeconds: override.timeoutSeconds ?? f.settings.timeoutSeconds ?? functionDefaults.timeoutSeconds,
              batchSize: trigger.type === "queue" ? trigger.batchSize : undefined,
            };
          }),
        }),
      )
    : undefined;
  if (problems.length || !c || !observability.ok) throw new Error(`Invalid stack config:\n  - ${problems.join("\n  - ")}`);

  const canaryCfg = c.canary ?? {};
  const trafficShifting: TrafficShifting =
    canaryCfg.type && canaryCfg.percent && canaryCfg.intervalMinutes
      ? { kind: "custom", type: canaryCfg.type, percent: canaryCfg.percent, intervalMinutes: canaryCfg.intervalMinutes }
      : { kind: "predefined", name: canaryCfg.predefined ?? CONFIG_DEFAULTS.canary.predefined };
  return {
    stackFile,
    region: c["aws:region"],
    trafficShifting,
    alarms: { ...CONFIG_DEFAULTS.alarms, ...c.alarms },
    logRetentionDays: c.logRetentionDays ?? CONFIG_DEFAULTS.logRetentionDays,
    functionDefaults,
    functions: c.functions ?? {},
    requireApproval,
    alertEmails: c.alertEmails ?? CONFIG_DEFAULTS.alertEmails,
    artifactManifest: c.artifactManifest ?? CONFIG_DEFAULTS.artifactManifest,
    functionsDir: c.functionsDir ?? CONFIG_DEFAULTS.functionsDir,
    pipeline: pipeline.ok ? pipeline.value : undefined,
    observability: observability.value!,
    usage: usage?.ok ? usage.value : undefined,
  };
}

/**
 * Runs one setting's validator, adding its problems to `problems`. Each validator throws one error
 * whose lines after the first are `  - <problem>`; those lines are taken as they are.
 */
function collect<T>(problems: string[], validate: () => T): { ok: boolean; value?: T } {
  try {
    return { ok: true, value: validate() };
  } catch (e) {
    const lines = (e as Error).message.split("\n");
    const listed = lines.filter((l) => l.startsWith("  - ")).map((l) => l.slice(4));
    problems.push(...(listed.length ? listed : [lines.join(" ")]));
    return { ok: false };
  }
}

/** `Pulumi.prod.yaml` -> `prod`: the file is named after its stack (stackFileName). */
function stackNameOf(stackFile: string): string {
  return /^Pulumi\.(.+)\.ya?ml$/.exec(stackFile.split(/[\\/]/).pop() ?? "")?.[1] ?? stackFile;
}

/**
 * The running stack's config and the function catalog, each read and checked once, before any
 * resource. Relative paths in config are resolved against `projectDir` (where Pulumi.yaml is).
 */
export function readStackSettings(projectDir: string): { config: StackConfig; functions: FunctionEntry[] } {
  const raw = readRawStackConfig();
  // The catalog's folder is itself a setting: peek at it, the validator checks it with the rest.
  const dir = typeof raw[`${NS}functionsDir`] === "string" ? (raw[`${NS}functionsDir`] as string) : CONFIG_DEFAULTS.functionsDir;
  const functions = discoverFunctions(path.resolve(projectDir, dir));
  return { config: validateStackConfig(stackFileName(), raw, functions), functions };
}

/** Keys whose values are plain text; every other key's value arrives JSON-encoded (as the CLI passes it). */
const TEXT_KEYS = new Set(["aws:region", `${NS}artifactManifest`, `${NS}functionsDir`]);

/** The stack's raw settings from the Pulumi engine, decoded; one read per program run. */
export function readRawStackConfig(): Record<string, unknown> {
  const raw: Record<string, unknown> = {};
  for (const [key, text] of Object.entries(pulumi.runtime.allConfig())) {
    if (!key.startsWith(NS) && key !== "aws:region") continue;
    raw[key] = TEXT_KEYS.has(key) ? text : decode(text);
  }
  return raw;
}

/** The file a user edits for the running stack, named in every error. */
export function stackFileName(): string {
  return `Pulumi.${pulumi.getStack()}.yaml`;
}

function decode(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text; // reported by the validator as the wrong type, with the text shown
  }
}

function keyPath(at: PropertyKey[]): string {
  const [head, ...rest] = at.map(String);
  const key = head === "aws:region" ? head : `${NS}${head ?? ""}`;
  return [key, ...rest].join(".");
}

function got(input: Record<string, unknown>, at: PropertyKey[]): string {
  let value: unknown = input;
  for (const k of at) {
    if (value === null || typeof value !== "object") return "";
    value = (value as Record<PropertyKey, unknown>)[k];
  }
  return value === undefined ? "" : `; got ${JSON.stringify(value)}`;
}

function knownShapeAt(at: PropertyKey[]): Record<string, unknown> {
  const shapes: Record<string, Record<string, unknown>> = {
    "": schema.shape,
    canary: canary.shape,
    alarms: alarms.shape,
    functionDefaults: { memoryMb: 0, timeoutSeconds: 0 },
    functions: override.shape,
  };
  const top = at.length === 0 ? "" : String(at[0]);
  const shape = shapes[top] ?? {};
  return top === "" ? Object.fromEntries(Object.keys(shape).map((k) => [k.includes(":") ? k : `${NS}${k}`, 1])) : shape;
}
