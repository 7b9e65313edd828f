import * as fs from "fs";
import * as path from "path";

/**
 * The npm package a bundled file belongs to, found from its path: the folder right after the
 * last `node_modules/` (two folders for a scope). Walking up to the nearest package.json would
 * stop at the stub package.json files many packages ship inside (`zod/v4/package.json`,
 * `dist-cjs/package.json`), which carry no name or version.
 */
export function packageRootOf(file: string): string | undefined {
  const parts = path.resolve(file).split(path.sep);
  const at = parts.lastIndexOf("node_modules");
  if (at < 0 || at + 1 >= parts.length) return undefined;
  const take = parts[at + 1].startsWith("@") ? 3 : 2;
  if (at + take > parts.length - 1) return undefined;
  return parts.slice(0, at + take).join(path.sep);
}

/** Reads `name` and `version` of package folders, each once per build. */
export class PackageVersions {
  private readonly cache = new Map<string, { name: string; version: string }>();

  of(packageRoot: string): { name: string; version: string } {
    const hit = this.cache.get(packageRoot);
    if (hit) return hit;
    const file = path.join(packageRoot, "package.json");
    let pkg: { name?: unknown; version?: unknown };
    try {
      pkg = JSON.parse(fs.readFileSync(file, "utf8"));
    } catch (e) {
      throw new Error(`${file}: cannot read the bundled package's version (${(e as Error).message}); reinstall with \`npm ci\`.`);
    }
    if (typeof pkg.name !== "string" || typeof pkg.version !== "string")
      throw new Error(`${file}: \`name\` and \`version\` must be strings to record the bundled version; reinstall with \`npm ci\`.`);
    const found = { name: pkg.name, version: pkg.version };
    this.cache.set(packageRoot, found);
    return found;
  }

  /**
   * `name -> version` for every package with code in the bundle, keys sorted. If a bundle holds
   * two versions of one package (nested node_modules), both are recorded, joined by ", ".
   */
  dependenciesOf(bundledFiles: Iterable<string>): Record<string, string> {
    const versions = new Map<string, Set<string>>();
    for (const file of bundledFiles) {
      const root = packageRootOf(file);
      if (!root) continue;
      const { name, version } = this.of(root);
      const set = versions.get(name) ?? new Set<string>();
      set.add(version);
      versions.set(name, set);
    }
    return Object.fromEntries(
      [...versions.keys()].sort().map((name) => [name, [...versions.get(name)!].sort().join(", ")]),
    );
  }
}
