import * as fs from "fs";
import * as path from "path";
import { FUNCTION_NAME_PATTERN, functionSettings, FunctionSettings } from "./function-settings";

/** A function folder, its settings validated. */
export interface FunctionEntry {
  readonly name: string;
  /** Absolute path of `functions/<name>/`. */
  readonly dir: string;
  /** Absolute path of the handler source, the bundle's entry point. */
  readonly entry: string;
  readonly settings: FunctionSettings;
}

/** Folders under `functions/` that hold shared code, not a function. */
const NOT_FUNCTIONS = new Set(["shared", "node_modules"]);

/**
 * Finds every function folder under `functionsDir` and validates its `function.json`.
 * All problems are collected and reported together, each naming the file and the field.
 */
export function discoverFunctions(functionsDir: string): FunctionEntry[] {
  const root = path.resolve(functionsDir);
  if (!fs.existsSync(root)) throw new Error(`${rel(root)}: functions folder not found.`);
  const problems: string[] = [];
  const entries: FunctionEntry[] = [];
  const folders = fs
    .readdirSync(root, { withFileTypes: true })
    .filter((d) => d.isDirectory() && !NOT_FUNCTIONS.has(d.name) && !d.name.startsWith("."))
    .map((d) => d.name)
    .sort();
  for (const name of folders) {
    const dir = path.join(root, name);
    const settingsFile = path.join(dir, "function.json");
    const entry = path.join(dir, "handler.ts");
    if (!FUNCTION_NAME_PATTERN.test(name)) {
      problems.push(`${rel(dir)}: folder name must be lowercase letters, digits and dashes (3-40 characters, starting with a letter); got "${name}".`);
      continue;
    }
    if (!fs.existsSync(settingsFile)) {
      problems.push(`${rel(settingsFile)}: missing; every function folder needs its settings (see docs/adding-a-function.md).`);
      continue;
    }
    if (!fs.existsSync(entry)) {
      problems.push(`${rel(entry)}: missing; every function folder needs a handler exporting \`handler\`.`);
      continue;
    }
    let raw: unknown;
    try {
      raw = JSON.parse(fs.readFileSync(settingsFile, "utf8"));
    } catch (e) {
      problems.push(`${rel(settingsFile)}: not valid JSON (${(e as Error).message}).`);
      continue;
    }
    const parsed = functionSettings.safeParse(raw);
    if (!parsed.success) {
      for (const issue of parsed.error.issues) {
        const field = issue.path.length ? issue.path.join(".") : "(root)";
        problems.push(`${rel(settingsFile)}: \`${field}\` ${issue.message}${describeReceived(raw, issue.path)}`);
      }
      continue;
    }
    entries.push({ name, dir, entry, settings: parsed.data });
  }
  if (problems.length) throw new Error(`Invalid function settings:\n  - ${problems.join("\n  - ")}`);
  if (!entries.length) throw new Error(`${rel(root)}: no function folders found.`);
  return entries;
}

function describeReceived(raw: unknown, at: PropertyKey[]): string {
  let value: unknown = raw;
  for (const key of at) {
    if (value === null || typeof value !== "object") return "";
    value = (value as Record<PropertyKey, unknown>)[key];
  }
  return value === undefined ? "" : `; got ${JSON.stringify(value)}`;
}

function rel(p: string): string {
  return path.relative(process.cwd(), p) || ".";
}
