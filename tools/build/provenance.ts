import { execFileSync } from "child_process";
import * as path from "path";

/** CI variables holding the exact source revision being built, most specific first. */
export const COMMIT_ENV_VARS = ["CODEBUILD_RESOLVED_SOURCE_VERSION", "GITHUB_SHA"] as const;

/**
 * The commit the artifacts were built from: the CI's resolved source version, else
 * `git rev-parse HEAD` with `-dirty` when the function sources (or the dependency manifests,
 * which change the bundles just as much) have uncommitted changes, else "unknown".
 */
export function resolveCommit(rootDir: string, functionsDir: string, env: NodeJS.ProcessEnv = process.env): string {
  for (const name of COMMIT_ENV_VARS) {
    const value = env[name]?.trim();
    if (value) return value;
  }
  const git = (args: string[]) =>
    execFileSync("git", args, { cwd: rootDir, encoding: "utf8", stdio: ["ignore", "pipe", "ignore"] }).trim();
  let head: string;
  try {
    head = git(["rev-parse", "HEAD"]);
  } catch {
    return "unknown"; // not a git checkout (a source archive, a fixture) or git is not installed
  }
  try {
    const top = git(["rev-parse", "--show-toplevel"]);
    const paths = [functionsDir, path.join(rootDir, "package.json"), path.join(rootDir, "package-lock.json")]
      .map((p) => path.relative(top, path.resolve(p)) || ".")
      .filter((p) => !p.startsWith(".."));
    const status = paths.length ? git(["status", "--porcelain", "--", ...paths]) : "";
    return status ? `${head}-dirty` : head;
  } catch {
    return `${head}-dirty`; // cannot prove the tree is clean
  }
}
