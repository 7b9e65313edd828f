import * as fs from "fs";
import * as path from "path";
import { FunctionEntry, LAMBDA_RUNTIME } from "./catalog";
import { artifactPath, HOOK_ZIPS, readManifest } from "../tools/build/manifest";
import { loadHookArtifact } from "./delivery/delivery";
import { HookArtifact } from "./delivery/pre-traffic-hook";

/** What the program deploys for one function: the built zip and its hash. */
export interface FunctionArtifact {
  readonly zipPath: string;
  readonly sha256: string;
  /** Lambda's `sourceCodeHash`: base64 of the zip's sha256, so a new zip is a new version. */
  readonly sourceCodeHash: string;
  readonly handler: string;
}

/**
 * Matches the catalog against the build manifest. A function in the catalog but not in the
 * manifest (or built with other settings) means a stale build: an error naming every such
 * function and the fix. A manifest entry for a function no longer in the catalog is ignored
 * (a removed function must not block the deployment that removes it).
 */
export function loadArtifacts(manifestFile: string, functions: readonly FunctionEntry[]): Map<string, FunctionArtifact> {
  const manifest = readManifest(manifestFile);
  const byName = new Map(manifest.functions.map((f) => [f.name, f]));
  const shown = display(manifestFile);
  const problems: string[] = [];
  const result = new Map<string, FunctionArtifact>();
  for (const fn of functions) {
    const built = byName.get(fn.name);
    if (!built) {
      problems.push(`function "${fn.name}" is not in ${shown}; run \`npm run build\` to build it.`);
      continue;
    }
    const architecture = fn.settings.architecture ?? "arm64";
    if (built.trigger !== fn.settings.trigger.type || built.architecture !== architecture || built.runtime !== LAMBDA_RUNTIME) {
      problems.push(
        `function "${fn.name}" was built as ${built.trigger}/${built.architecture}/${built.runtime} but is now ${fn.settings.trigger.type}/${architecture}/${LAMBDA_RUNTIME}; run \`npm run build\` again.`,
      );
      continue;
    }
    const zipPath = artifactPath(manifestFile, built);
    if (!fs.existsSync(zipPath)) {
      problems.push(`${display(zipPath)} (function "${fn.name}") is missing beside ${shown}; run \`npm run build\`.`);
      continue;
    }
    result.set(fn.name, {
      zipPath,
      sha256: built.sha256,
      sourceCodeHash: Buffer.from(built.sha256, "hex").toString("base64"),
      handler: built.handler,
    });
  }
  if (problems.length) throw new Error(`Build artifacts do not match the functions:\n  - ${problems.join("\n  - ")}`);
  return result;
}

/**
 * The pre-traffic hook built with the functions: `hooks/pre-traffic.zip` beside the manifest,
 * checked against the manifest's `hooks` entry when it has one (a manifest from before hooks were
 * recorded has none; the zip is then taken as it is).
 */
export function loadPreTrafficHook(manifestFile: string): HookArtifact {
  const recorded = readManifest(manifestFile).hooks?.find((h) => h.name === "pre-traffic");
  const zipPath = artifactPath(manifestFile, recorded ?? { zip: HOOK_ZIPS["pre-traffic"] });
  return loadHookArtifact(zipPath, recorded?.sha256);
}

function display(p: string): string {
  const rel = path.relative(process.cwd(), path.resolve(p));
  return rel && !rel.startsWith("..") ? rel : path.resolve(p);
}
