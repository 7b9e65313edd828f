// npm run check-promotion -- --record promotion.json --dist <downloaded folder> [--install-to dist]
import { parseFlags } from "../deploy/args";
import { UsageError } from "../deploy/errors";
import { checkPromotedFolder, installPromotedFiles, readPromotionRecord } from "./check";

const USAGE = `usage: npm run check-promotion -- --record promotion.json --dist <folder> [--install-to dist]
Checks a downloaded artifact folder (artifacts/<commit>/ of the release bucket, or a build folder)
against a promotion record: the manifest and every zip, by sha256. Downloads nothing. With
--install-to, copies the checked files where the program reads them (manifest.json, <function>.zip,
hooks/<hook>.zip). Exit 0: every hash matches; 1: a file is missing or differs; 2: bad arguments or record.`;

export function main(argv: string[], io: { out?: (t: string) => void; err?: (t: string) => void } = {}): number {
  const out = io.out ?? ((t: string) => process.stdout.write(t));
  const err = io.err ?? ((t: string) => process.stderr.write(t));
  let record;
  let flags;
  let check;
  try {
    flags = parseFlags(argv, { record: { type: "string" }, dist: { type: "string" }, "install-to": { type: "string" }, help: { type: "boolean", short: "h" } });
    if (flags.help) return out(`${USAGE}\n`), 0;
    if (!flags.record) throw new UsageError("--record <file> is required: promotion.json of the promotion being released.");
    if (!flags.dist) throw new UsageError("--dist <folder> is required: the downloaded artifacts (aws s3 cp --recursive s3://<bucket>/artifacts/<commit>/ <folder>).");
    record = readPromotionRecord(flags.record);
    check = checkPromotedFolder(record, flags.dist);
  } catch (e) {
    return err(`${(e as Error).message}${e instanceof UsageError ? `\n${USAGE}` : ""}\n`), 2;
  }
  if (check.mismatches.length) {
    err(`The promoted artifacts of ${record.commit} do not match its record; the release stops here:\n  - ${check.mismatches.join("\n  - ")}\n`);
    return 1;
  }
  for (const f of check.files) out(`ok  ${f.name}  ${f.sha256}  ${f.path}\n`);
  out(`All ${check.files.length} files of ${record.commit} (verified on ${record.verifiedOn}) match the promotion record.\n`);
  if (flags["install-to"]) {
    try {
      installPromotedFiles(check, flags["install-to"]);
    } catch (e) {
      return err(`${(e as Error).message}\n`), 2;
    }
    out(`Installed them into ${flags["install-to"]}/.\n`);
  }
  return 0;
}

if (require.main === module) process.exitCode = main(process.argv.slice(2));
