import * as fs from "fs";
import * as os from "os";
import * as path from "path";

/** The repository's own node_modules, which fixture projects link to. */
export const REPO_ROOT = path.resolve(__dirname, "../..");
export const REPO_NODE_MODULES = path.join(REPO_ROOT, "node_modules");

/** Versions of the fake packages every fixture project carries, so tests know what to expect. */
export const FAKE_PACKAGES = {
  /** Imported and called by `alpha`: bundled. */
  "fixture-used": "1.2.3",
  /** Imported by `alpha`, but nothing from it is used and it declares no side effects: tree-shaken. */
  "fixture-shaken": "4.5.6",
  /** Installed, never imported. */
  "fixture-unimported": "7.8.9",
  /** Re-exports `fixture-core`'s `shout` and has no code of its own in the bundle. */
  "fixture-facade": "5.0.0",
  /** Its `shout` reaches `alpha` through `fixture-facade`: bundled. */
  "fixture-core": "3.0.0",
} as const;

const FAKE_PACKAGE_FILES: Record<keyof typeof FAKE_PACKAGES, { module?: boolean; code: string }> = {
  "fixture-used": { code: 'exports.greet = (n) => "hello " + n;\n' },
  "fixture-shaken": { code: 'exports.unused = () => "fixture-shaken should never be bundled";\n' },
  "fixture-unimported": { code: 'exports.unused = () => "fixture-unimported should never be bundled";\n' },
  "fixture-facade": { module: true, code: 'export { shout } from "fixture-core";\n' },
  "fixture-core": { module: true, code: "export const shout = (s) => s.toUpperCase();\n" },
};

export interface FunctionSpec {
  readonly settings: object;
  readonly handler: string;
}

/** alpha: HTTP, zod and a fake package; beta: schedule, the EventBridge client, x86_64. */
export const FUNCTIONS: Record<string, FunctionSpec> = {
  alpha: {
    settings: { description: "Greets", trigger: { type: "http", method: "POST", path: "/greet" } },
    handler: [
      'import { z } from "zod";',
      'import { greet } from "fixture-used";',
      'import { unused } from "fixture-shaken";',
      'import { shout } from "fixture-facade";',
      "const input = z.object({ name: z.string().min(1) });",
      "export const handler = async (event: unknown) => {",
      "  const parsed = input.safeParse(event);",
      "  if (!parsed.success) return { statusCode: 400, body: parsed.error.issues[0].path.join('.') };",
      "  return { statusCode: 200, body: greet(shout(parsed.data.name)) };",
      "};",
      "const neverCalled = () => unused; // referenced, so TypeScript keeps the import; unused, so it is shaken",
      "",
    ].join("\n"),
  },
  beta: {
    settings: {
      description: "Publishes a tick",
      trigger: { type: "schedule", expression: "rate(5 minutes)" },
      architecture: "x86_64",
    },
    handler: [
      'import { EventBridgeClient, PutEventsCommand } from "@aws-sdk/client-eventbridge";',
      'const client = new EventBridgeClient({ region: "eu-west-1" });',
      "export const handler = async () => {",
      '  const command = new PutEventsCommand({ Entries: [{ Source: "tick", DetailType: "Tick", Detail: "{}" }] });',
      "  return { region: await client.config.region(), entries: command.input.Entries?.length };",
      "};",
      "",
    ].join("\n"),
  },
};

/**
 * A throwaway project under os.tmpdir(): package.json, functions/<name>/, and a node_modules
 * folder holding the fake packages plus links to the repository's zod and AWS SDK.
 * `copyZod` copies zod instead of linking it (a checkout whose node_modules lies inside the root).
 */
export function makeProject(options: { parent?: string; functions?: Record<string, FunctionSpec>; copyZod?: boolean } = {}): string {
  const parent = options.parent ?? fs.mkdtempSync(path.join(os.tmpdir(), "build-test-"));
  const root = path.join(parent, "proj");
  fs.mkdirSync(path.join(root, "functions"), { recursive: true });
  fs.writeFileSync(path.join(root, "package.json"), '{ "name": "fixture", "private": true }\n');
  const modules = path.join(root, "node_modules");
  fs.mkdirSync(modules);
  if (options.copyZod) fs.cpSync(path.join(REPO_NODE_MODULES, "zod"), path.join(modules, "zod"), { recursive: true });
  else fs.symlinkSync(path.join(REPO_NODE_MODULES, "zod"), path.join(modules, "zod"));
  fs.symlinkSync(path.join(REPO_NODE_MODULES, "@aws-sdk"), path.join(modules, "@aws-sdk"));
  for (const [name, version] of Object.entries(FAKE_PACKAGES)) {
    const dir = path.join(modules, name);
    const { module, code } = FAKE_PACKAGE_FILES[name as keyof typeof FAKE_PACKAGES];
    const main = module ? "index.mjs" : "index.js";
    fs.mkdirSync(dir);
    fs.writeFileSync(path.join(dir, "package.json"), JSON.stringify({ name, version, main, sideEffects: false }));
    fs.writeFileSync(path.join(dir, main), code);
  }
  for (const [name, spec] of Object.entries(options.functions ?? FUNCTIONS)) addFunction(root, name, spec);
  return root;
}

export function addFunction(root: string, name: string, spec: FunctionSpec): void {
  const dir = path.join(root, "functions", name);
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(path.join(dir, "function.json"), `${JSON.stringify(spec.settings, null, 2)}\n`);
  fs.writeFileSync(path.join(dir, "handler.ts"), spec.handler);
}

/** Removes a fixture project's temporary parent folder. */
export function removeProject(root: string): void {
  fs.rmSync(path.dirname(root), { recursive: true, force: true });
}

/** Sets every file's and folder's times under `dir` to `when` (node_modules links left alone). */
export function touchAll(dir: string, when: Date): void {
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, entry.name);
    if (entry.isSymbolicLink()) continue;
    if (entry.isDirectory()) touchAll(p, when);
    fs.utimesSync(p, when, when);
  }
}
