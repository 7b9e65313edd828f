import * as fs from "node:fs";
import * as path from "node:path";
import { parse } from "yaml";
import { z } from "zod";

/**
 * Reads `Pulumi.yaml` and `Pulumi.<stack>.yaml` the way the Pulumi CLI does and returns the config
 * map the CLI hands a program (PULUMI_CONFIG): every key namespaced, every value a string, objects
 * and lists JSON-encoded, project defaults applied, declared types checked.
 *
 * Hand-written because no library reads these files without the CLI binary. The rules mirror
 * pulumi/pulumi `sdk/go/common/workspace/project.go` (Project.Validate, ValidateConfigValue) and
 * `pkg/workspace/config.go` (mergeConfig, validateStackConfigValues):
 * - a project key without a namespace, or in the project's namespace, declares a type and/or a
 *   default; a key of another namespace (`aws:region`) may only give a `value`;
 * - a declared key with neither default nor value is required in every stack;
 * - a stack value of a declared key must match its type; stack keys the project does not declare
 *   pass unchecked, in any namespace (the CLI does not reject them either);
 * - stack-file scalars reach the program as strings ("5", "true"), so `integer` accepts "5".
 */

export class ConfigError extends Error {}

export interface StackSettings {
  readonly project: string;
  /** Pulumi.yaml `main`, if set (the program's entry, relative to the project folder). */
  readonly main?: string;
  readonly projectFile: string;
  readonly stack: string;
  readonly stackFile: string;
  /** What the CLI passes as PULUMI_CONFIG: `{ "serverless:canary": "{...}", "aws:region": "eu-west-1" }`. */
  readonly config: Record<string, string>;
  /** Keys whose value is a `secure:` ciphertext; offline their value is the placeholder "[secret]". */
  readonly secretKeys: string[];
}

/** Offline there is no secrets provider: a ciphertext becomes this marked placeholder. */
export const SECRET_PLACEHOLDER = "[secret]";

const TYPES = ["string", "integer", "boolean", "array", "object"] as const;
type ItemsType = { type: string; items?: ItemsType };
const itemsType: z.ZodType<ItemsType> = z.lazy(() =>
  z.object({ type: z.enum(TYPES), items: itemsType.optional() }).strict(),
);
const declaration = z
  .object({
    type: z.enum(TYPES).optional(),
    items: itemsType.optional(),
    description: z.string().optional(),
    secret: z.boolean().optional(),
    default: z.unknown().optional(),
    value: z.unknown().optional(),
  })
  .strict();
type Declaration = z.infer<typeof declaration>;

const projectSchema = z
  .object({
    name: z.string().regex(/^[A-Za-z0-9_.-]{1,100}$/, "must be 1-100 letters, digits, `-`, `_` or `.`"),
    runtime: z.union([
      z.string().min(1),
      z.object({ name: z.string().min(1), options: z.record(z.string(), z.unknown()).optional() }).strict(),
    ]),
    main: z.string().nullish(),
    description: z.string().nullish(),
    config: z.record(z.string(), z.unknown()).nullish(),
  })
  .passthrough();

export interface ProjectFile {
  readonly file: string;
  readonly name: string;
  readonly main?: string;
  /** Declarations with the CLI's shorthand rewritten (`key: 5` -> `{ default: 5 }` or `{ value: 5 }`). */
  readonly config: Record<string, Declaration>;
}

export function readProject(programDir: string): ProjectFile {
  const file = ["Pulumi.yaml", "Pulumi.yml"].map((f) => path.join(programDir, f)).find((f) => fs.existsSync(f));
  if (!file) throw new ConfigError(`${show(path.join(programDir, "Pulumi.yaml"))}: not found; a Pulumi project folder needs one.`);
  const parsed = projectSchema.safeParse(parseYaml(file) ?? {});
  if (!parsed.success) throw new ConfigError(formatIssues(file, parsed.error.issues, ""));
  const doc = parsed.data;
  const config: Record<string, Declaration> = {};
  const problems: string[] = [];
  for (const [key, raw] of Object.entries(doc.config ?? {})) {
    const own = isProjectKey(doc.name, key);
    // The CLI's RewriteShorthandConfigValues: scalars and lists are a default (own key) or a value.
    const isShorthand = raw === null || typeof raw !== "object" || Array.isArray(raw);
    const decl = declaration.safeParse(isShorthand ? (own ? { default: raw } : { value: raw }) : raw);
    if (!decl.success) {
      problems.push(formatIssues(file, decl.error.issues, `config.${key}`));
      continue;
    }
    const d = decl.data;
    const at = `${show(file)}: config.${key}`;
    if (d.default !== undefined && d.value !== undefined) problems.push(`${at} cannot have both \`default\` and \`value\`.`);
    if (own) {
      if (d.type === "array" && !d.items) problems.push(`${at} declares an array but no \`items\` type.`);
      if (d.type && d.default !== undefined && !matchesType(d.type, d.items, d.default))
        problems.push(`${at}: the default ${JSON.stringify(d.default)} is not of the declared type '${typeName(d.type, d.items)}'.`);
    } else {
      if (d.type) problems.push(`${at} is not in the project's namespace and must not declare a type (give a \`value\`).`);
      if (d.default !== undefined) problems.push(`${at} is not in the project's namespace: use \`value\`, not \`default\`.`);
      else if (d.value === undefined) problems.push(`${at} is in another namespace and must provide a \`value\`.`);
    }
    config[key] = d;
  }
  if (problems.length) throw new ConfigError(problems.join("\n"));
  return { file, name: doc.name, main: doc.main ?? undefined, config };
}

/** The stacks of a project: one per `Pulumi.<stack>.yaml` beside its Pulumi.yaml, sorted. */
export function listStacks(programDir: string): string[] {
  return fs
    .readdirSync(programDir)
    .map((f) => /^Pulumi\.(.+)\.ya?ml$/.exec(f)?.[1])
    .filter((s): s is string => !!s)
    .sort();
}

export function loadStackSettings(programDir: string, stack: string): StackSettings {
  const project = readProject(programDir);
  const stackFile = [`Pulumi.${stack}.yaml`, `Pulumi.${stack}.yml`].map((f) => path.join(programDir, f)).find((f) => fs.existsSync(f));
  if (!stackFile)
    throw new ConfigError(`${show(path.join(programDir, `Pulumi.${stack}.yaml`))}: no such stack file; stacks here: ${listStacks(programDir).join(", ") || "none"}.`);
  const doc = parseYaml(stackFile) ?? {};
  const given = (doc as { config?: unknown }).config ?? {};
  if (typeof given !== "object" || Array.isArray(given))
    throw new ConfigError(`${show(stackFile)}: \`config\` must be a map of \`namespace:key\` to values.`);

  const config: Record<string, string> = {};
  const secretKeys: string[] = [];
  const problems: string[] = [];
  const stackValues = new Map<string, unknown>();
  for (const [rawKey, value] of Object.entries(given as Record<string, unknown>)) {
    const key = normalizeKey(rawKey);
    if (!key) {
      problems.push(`${show(stackFile)}: config key "${rawKey}" must be of the form \`namespace:key\` (e.g. ${project.name}:${rawKey}).`);
      continue;
    }
    const { plain, secret } = stripSecrets(value);
    if (secret) secretKeys.push(key);
    stackValues.set(key, value);
    config[key] = toConfigString(plain);
  }

  for (const [rawKey, d] of Object.entries(project.config)) {
    const key = rawKey.includes(":") ? rawKey : `${project.name}:${rawKey}`;
    const at = `${show(stackFile)}: ${key}`;
    if (!stackValues.has(key)) {
      const fallback = d.default ?? d.value;
      if (fallback !== undefined) config[key] = toConfigString(fallback);
      else if (key.startsWith(`${project.name}:`))
        problems.push(`${at} is required (declared in ${show(project.file)} without a default); set it with \`pulumi config set ${key} <value> --stack ${stack}\`.`);
      continue;
    }
    const value = stackValues.get(key);
    if (d.secret && !secretKeys.includes(key))
      problems.push(`${at} must be encrypted (declared \`secret: true\`); set it with \`pulumi config set --secret ${key} <value> --stack ${stack}\`.`);
    if (!d.type || secretKeys.includes(key)) continue;
    // The CLI stores stack-file scalars as strings and decodes objects/lists from JSON.
    const content = value !== null && typeof value === "object" ? value : String(value);
    if (!matchesType(d.type, d.items, content))
      problems.push(`${at} must be of type '${typeName(d.type, d.items)}' (declared in ${show(project.file)}); got ${JSON.stringify(value)}.`);
  }
  if (problems.length) throw new ConfigError(problems.join("\n"));
  return { project: project.name, main: project.main, projectFile: project.file, stack, stackFile, config, secretKeys };
}

/** The CLI's ValidateConfigValue. */
function matchesType(type: string, items: ItemsType | undefined, value: unknown): boolean {
  switch (type) {
    case "string":
      return typeof value === "string";
    case "integer":
      return Number.isInteger(value) || (typeof value === "string" && /^[+-]?\d+$/.test(value));
    case "boolean":
      return typeof value === "boolean" || value === "true" || value === "false";
    case "object":
      return value !== null && typeof value === "object" && !Array.isArray(value);
    case "array":
      return Array.isArray(value) && !!items && value.every((v) => matchesType(items.type, items.items, v));
    default:
      return false;
  }
}

function typeName(type: string, items?: ItemsType): string {
  return type === "array" && items ? `array<${typeName(items.type, items.items)}>` : type;
}

/** `ns:key`, also accepting the legacy `ns:config:key` form the SDK still cleans up. */
function normalizeKey(key: string): string | undefined {
  const m = /^([^:]+):(?:config:)?(.+)$/.exec(key);
  return m ? `${m[1]}:${m[2]}` : undefined;
}

function isProjectKey(project: string, key: string): boolean {
  return !key.includes(":") || key.startsWith(`${project}:`);
}

/** Replaces `{ secure: ... }` (at any depth) with the placeholder and says whether there was one. */
function stripSecrets(value: unknown): { plain: unknown; secret: boolean } {
  if (value === null || typeof value !== "object") return { plain: value, secret: false };
  const keys = Object.keys(value);
  if (!Array.isArray(value) && keys.length === 1 && keys[0] === "secure") return { plain: SECRET_PLACEHOLDER, secret: true };
  let secret = false;
  const walk = (v: unknown) => {
    const r = stripSecrets(v);
    secret ||= r.secret;
    return r.plain;
  };
  const plain = Array.isArray(value) ? value.map(walk) : Object.fromEntries(Object.entries(value).map(([k, v]) => [k, walk(v)]));
  return { plain, secret };
}

/** As the CLI's createConfigValue: scalars as their text, objects and lists as JSON. */
function toConfigString(v: unknown): string {
  return v !== null && typeof v === "object" ? JSON.stringify(v) : String(v);
}

function parseYaml(file: string): unknown {
  try {
    return parse(fs.readFileSync(file, "utf8"));
  } catch (e) {
    throw new ConfigError(`${show(file)}: not valid YAML (${(e as Error).message.split("\n")[0]}).`);
  }
}

function formatIssues(file: string, issues: z.core.$ZodIssue[], prefix: string): string {
  return issues
    .map((i) => {
      const field = [prefix, ...i.path.map(String)].filter(Boolean).join(".") || "(root)";
      return `${show(file)}: \`${field}\` ${i.message}`;
    })
    .join("\n");
}

function show(p: string): string {
  const rel = path.relative(process.cwd(), p);
  return rel && !rel.startsWith("..") ? rel : p;
}
