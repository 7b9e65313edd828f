import { createHash } from "crypto";
import * as fs from "fs";
import * as path from "path";
import { promotedArtifactMismatches, PromotionRecord, promotionRecordSchema, releaseKeys } from "../../infra/delivery/release-layout";

/** Reads and validates a promotion record; errors name the file and the field. */
export function readPromotionRecord(file: string): PromotionRecord {
  let raw: unknown;
  try {
    raw = JSON.parse(fs.readFileSync(file, "utf8"));
  } catch (e) {
    throw new Error(`--record ${file}: cannot read it as JSON (${(e as Error).message}); pass promotion.json from the promotion (the root of promotions/latest.zip).`);
  }
  const parsed = promotionRecordSchema.safeParse(raw);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `\`${i.path.join(".") || "(root)"}\` ${i.message}`);
    throw new Error(`--record ${file}: not a promotion record (schemaVersion 1, infra/delivery/release-layout.ts):\n  - ${problems.join("\n  - ")}`);
  }
  return parsed.data;
}

/** One file the record names, where it was found in the folder. */
export interface CheckedFile {
  readonly name: string;
  readonly key: string;
  /** Where the program expects it in a build folder: `manifest.json`, `<function>.zip`, `hooks/<hook>.zip`. */
  readonly installAs: string;
  readonly path?: string;
  readonly sha256?: string;
}

export interface FolderCheck {
  readonly files: readonly CheckedFile[];
  /** Empty when every file is present with the recorded sha256. */
  readonly mismatches: readonly string[];
}

const INSTALL_NAME = /^(hooks\/)?[a-z0-9][a-z0-9-]*$/;

/**
 * Checks a downloaded artifact folder against a promotion record: the manifest and every zip it
 * names, by sha256. The folder may be laid out as the bucket is (`aws s3 cp --recursive` of
 * `artifacts/<commit>/`: `<function>-<sha256>.zip`) or as a build folder (`<function>.zip`); the
 * bucket layout is looked for first. Downloads nothing.
 */
export function checkPromotedFolder(record: PromotionRecord, dir: string): FolderCheck {
  const prefix = releaseKeys.artifactDir(record.commit);
  const expected = [
    { name: "manifest", key: record.manifest.key, sha256: record.manifest.sha256, installAs: "manifest.json" },
    ...record.artifacts.map((a) => {
      if (!INSTALL_NAME.test(a.name)) throw new Error(`promotion record of ${record.commit}: artifact name "${a.name}" must be a function name or hooks/<hook>.`);
      return { ...a, installAs: `${a.name}.zip` };
    }),
  ];
  const files: CheckedFile[] = expected.map((e) => {
    if (!e.key.startsWith(prefix)) throw new Error(`promotion record of ${record.commit}: key ${e.key} (${e.name}) is not under ${prefix}.`);
    const found = [path.join(dir, e.key.slice(prefix.length)), path.join(dir, e.installAs)].find((p) => fs.existsSync(p));
    return { name: e.name, key: e.key, installAs: e.installAs, ...(found ? { path: found, sha256: createHash("sha256").update(fs.readFileSync(found)).digest("hex") } : {}) };
  });
  const actual = new Map(files.map((f) => [f.key, f.sha256]));
  const withManifest: PromotionRecord = { ...record, artifacts: expected.map(({ name, key, sha256 }) => ({ name, key, sha256 })) };
  return { files, mismatches: promotedArtifactMismatches(withManifest, actual, dir) };
}

/**
 * Copies checked files into a build folder the program reads (`dist/manifest.json`,
 * `dist/<function>.zip`, `dist/hooks/<hook>.zip`). Refuses a folder that already holds files, so
 * nothing unchecked can sit beside them.
 */
export function installPromotedFiles(check: FolderCheck, target: string): void {
  if (check.mismatches.length) throw new Error(`not installing into ${target}: the folder does not match the promotion record.`);
  if (fs.existsSync(target) && fs.readdirSync(target).length) throw new Error(`--install-to ${target}: already holds files; remove it first (rm -rf ${target}) so only checked artifacts are deployed.`);
  for (const f of check.files) {
    const dest = path.join(target, f.installAs);
    fs.mkdirSync(path.dirname(dest), { recursive: true });
    fs.copyFileSync(f.path!, dest);
  }
}
