import * as fs from "fs";
import * as path from "path";
import { PROMOTION_RECORD_FILE, PromotionRecord } from "../../infra/delivery/release-layout";
import { deterministicZip, DeterministicZip, ZipEntry } from "../build/zip";

/**
 * Folders never copied into `promotions/latest.zip`, at any depth: installed packages (prod runs
 * `npm ci` from the lock file), VCS data, build output (prod downloads the promoted zips, it never
 * uses a local build) and Pulumi's local state.
 * @default - what `npm ci`, `npm run build` and the pipeline leave in a CodeBuild source folder
 */
export const SOURCE_EXCLUDED_DIRS = ["node_modules", ".git", "dist", ".pulumi"] as const;

/**
 * The files of the source tree, relative paths with `/`, sorted. Only regular files: a symbolic
 * link is refused, because the zip would hold a copy of its target, or nothing, and prod would run
 * a different tree than staging did.
 */
export function sourceFiles(rootDir: string): string[] {
  const root = path.resolve(rootDir);
  const excluded = new Set<string>(SOURCE_EXCLUDED_DIRS);
  const files: string[] = [];
  const walk = (dir: string) => {
    for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
      const abs = path.join(dir, entry.name);
      const rel = path.relative(root, abs).split(path.sep).join("/");
      if (entry.isDirectory()) {
        if (!excluded.has(entry.name)) walk(abs);
      } else if (entry.isSymbolicLink()) {
        throw new Error(`--source ${rootDir}: ${rel} is a symbolic link; the promoted source must hold real files. Replace the link with the file.`);
      } else if (entry.isFile() && rel !== PROMOTION_RECORD_FILE) {
        files.push(rel);
      }
    }
  };
  walk(root);
  return files.sort();
}

/**
 * `promotions/latest.zip`: the source tree at the promoted commit plus `promotion.json`, what the
 * prod pipeline's S3 source action hands to Prepare and Deploy. Written with the build's
 * deterministic zip writer: the same tree and record give the same bytes.
 */
export async function promotionSourceZip(rootDir: string, record: PromotionRecord): Promise<DeterministicZip & { files: number }> {
  const files = sourceFiles(rootDir);
  if (!files.length) throw new Error(`--source ${rootDir}: holds no file; pass the repository checkout at the promoted commit.`);
  const entries: ZipEntry[] = files.map((name) => ({ name, data: fs.readFileSync(path.join(rootDir, name)) }));
  entries.push({ name: PROMOTION_RECORD_FILE, data: Buffer.from(serializeRecord(record)) });
  return { ...(await deterministicZip(entries)), files: entries.length };
}

/** The record as written, in the bucket and in latest.zip: two-space JSON with a trailing newline. */
export function serializeRecord(record: PromotionRecord): string {
  return `${JSON.stringify(record, null, 2)}\n`;
}
