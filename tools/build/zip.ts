import { createHash } from "crypto";
import { ZipFile } from "yazl";

/** One file to put in a zip: its name inside the archive and its bytes. */
export interface ZipEntry {
  readonly name: string;
  readonly data: Buffer;
}

export interface DeterministicZip {
  readonly data: Buffer;
  readonly sha256: string;
}

/**
 * Every entry's fixed metadata. Nothing comes from the file system, the clock, the time zone or
 * the umask, so the same bytes in give the same zip out on any machine.
 */
export const ZIP_ENTRY_DEFAULTS = {
  /** A regular file, rw-r--r--: what Lambda needs to read the code, whatever the umask was. */
  mode: 0o100644,
  /**
   * Stored, not deflated. Deflate output is only as stable as the zlib build: Node versions and
   * distributions ship different zlibs that emit different (equally valid) bytes, so a deflated
   * zip is byte-identical only per zlib. Stored entries are identical everywhere; Lambda's limits
   * (50 MB zipped direct upload, 250 MB unzipped) leave ample room for our 1-5 MB bundles.
   */
  compressionLevel: 0,
  /**
   * Only the DOS date/time field; yazl's Info-ZIP "UT" extra field would store a UTC instant,
   * which differs by time zone for the same local date below.
   */
  forceDosTimestamp: true,
} as const;

/** The DOS epoch: the earliest time a zip can hold; the fields read 1980-01-01 00:00:00. */
export const DOS_EPOCH_FIELDS = { year: 1980, month: 1, day: 1, hours: 0, minutes: 0, seconds: 0 } as const;

/**
 * The DOS date/time fields are "local time" with no zone: yazl fills them from the Date's local
 * getters. A Date built from local components gives the same fields in every time zone.
 */
function dosEpochInLocalTime(): Date {
  const d = new Date(DOS_EPOCH_FIELDS.year, DOS_EPOCH_FIELDS.month - 1, DOS_EPOCH_FIELDS.day, 0, 0, 0, 0);
  if (d.getFullYear() !== 1980 || d.getMonth() !== 0 || d.getDate() !== 1 || d.getHours() !== 0)
    throw new Error(`The local time zone (TZ=${process.env.TZ ?? "unset"}) cannot represent 1980-01-01 00:00; build with TZ=UTC.`);
  return d;
}

/** Builds a zip with entries sorted by name and fixed metadata; returns its bytes and sha256. */
export function deterministicZip(entries: readonly ZipEntry[]): Promise<DeterministicZip> {
  const zip = new ZipFile();
  const mtime = dosEpochInLocalTime();
  const sorted = [...entries].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  for (const e of sorted) zip.addBuffer(e.data, e.name, { ...ZIP_ENTRY_DEFAULTS, mtime });
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    zip.outputStream.on("data", (c: Buffer) => chunks.push(c));
    zip.outputStream.on("error", reject);
    zip.on("error", reject);
    zip.outputStream.on("end", () => {
      const data = Buffer.concat(chunks);
      resolve({ data, sha256: createHash("sha256").update(data).digest("hex") });
    });
    zip.end();
  });
}
