import { createHash } from "crypto";
import { parse as parseYaml } from "yaml";

export interface AppSpecInput {
  /** The function's logical name (its folder), used as the AppSpec resource key. */
  readonly logicalName: string;
  readonly functionName: string;
  readonly alias: string;
  readonly currentVersion: string;
  readonly targetVersion: string;
  /** Lambda function names of the lifecycle hooks, when the stack has them. */
  readonly beforeAllowTraffic?: string;
  readonly afterAllowTraffic?: string;
}

/** The revision CodeDeploy receives: the AppSpec as a JSON string and its sha256 (hex). */
export interface AppSpec {
  readonly content: string;
  readonly sha256: string;
}

/**
 * Builds the Lambda AppSpec (CodeDeploy user guide, "AppSpec File example for an AWS Lambda
 * deployment"). `version` is the string "0.0": the AppSpec reference asks for a string, and
 * JSON.stringify(0.0) would print 0. Key order is fixed, so the same input gives the same sha256.
 */
export function buildAppSpec(input: AppSpecInput): AppSpec {
  const hooks: Array<Record<string, string>> = [];
  if (input.beforeAllowTraffic) hooks.push({ BeforeAllowTraffic: input.beforeAllowTraffic });
  if (input.afterAllowTraffic) hooks.push({ AfterAllowTraffic: input.afterAllowTraffic });
  const doc = {
    version: "0.0",
    Resources: [
      {
        [input.logicalName]: {
          Type: "AWS::Lambda::Function",
          Properties: {
            Name: input.functionName,
            Alias: input.alias,
            CurrentVersion: input.currentVersion,
            TargetVersion: input.targetVersion,
          },
        },
      },
    ],
    ...(hooks.length ? { Hooks: hooks } : {}),
  };
  const content = JSON.stringify(doc);
  return { content, sha256: createHash("sha256").update(content).digest("hex") };
}

/** What a recorded AppSpec says about one function; CodeDeploy's history is read back with it. */
export interface AppSpecLambdaResource {
  readonly name: string;
  readonly alias: string;
  readonly currentVersion: string;
  readonly targetVersion: string;
}

/**
 * Reads the Lambda resource for `functionName` out of an AppSpec's content, JSON (what this step
 * writes) or YAML (what a person may have deployed by hand; JSON is YAML too). Keys are matched
 * case-insensitively: the AppSpec reference spells them both `resources` and `Resources`.
 * Returns undefined when the content names another function or is not a Lambda AppSpec.
 */
export function readLambdaResource(content: string, functionName: string): AppSpecLambdaResource | undefined {
  let doc: unknown;
  try {
    doc = parseYaml(content);
  } catch {
    return undefined;
  }
  const resources = pick(doc, "resources");
  if (!Array.isArray(resources)) return undefined;
  for (const entry of resources) {
    if (!entry || typeof entry !== "object") continue;
    for (const resource of Object.values(entry as Record<string, unknown>)) {
      const props = pick(resource, "properties");
      const name = pick(props, "name");
      if (name !== functionName) continue;
      const [alias, current, target] = ["alias", "currentversion", "targetversion"].map((k) => pick(props, k));
      if (target === undefined) return undefined;
      return { name, alias: String(alias ?? ""), currentVersion: String(current ?? ""), targetVersion: String(target) };
    }
  }
  return undefined;
}

function pick(value: unknown, key: string): unknown {
  if (!value || typeof value !== "object") return undefined;
  const hit = Object.keys(value).find((k) => k.toLowerCase() === key);
  return hit === undefined ? undefined : (value as Record<string, unknown>)[hit];
}
