/**
 * Reads a zip's central directory and stored entries, field by field. Hand-written on purpose:
 * the tests assert on raw header fields (DOS time, external attributes, extra fields) that unzip
 * tools normalise or hide, and ~50 lines avoid a dependency. Handles what our zips use: no
 * archive comment, no ZIP64, stored (method 0) data.
 */
export interface RawZipEntry {
  readonly name: string;
  readonly versionMadeBy: number;
  readonly flags: number;
  readonly method: number;
  readonly dosTime: number;
  readonly dosDate: number;
  readonly externalAttributes: number;
  readonly extraLength: number;
  readonly localTime: number;
  readonly localDate: number;
  readonly localExtraLength: number;
  readonly data: Buffer;
}

export function readZip(zip: Buffer): RawZipEntry[] {
  const eocd = zip.length - 22;
  if (zip.readUInt32LE(eocd) !== 0x06054b50) throw new Error("no end-of-central-directory record (a comment or ZIP64?)");
  const count = zip.readUInt16LE(eocd + 10);
  let at = zip.readUInt32LE(eocd + 16);
  const entries: RawZipEntry[] = [];
  for (let i = 0; i < count; i++) {
    if (zip.readUInt32LE(at) !== 0x02014b50) throw new Error(`bad central directory header at ${at}`);
    const nameLength = zip.readUInt16LE(at + 28);
    const extraLength = zip.readUInt16LE(at + 30);
    const commentLength = zip.readUInt16LE(at + 32);
    const compressedSize = zip.readUInt32LE(at + 20);
    const local = zip.readUInt32LE(at + 42);
    if (zip.readUInt32LE(local) !== 0x04034b50) throw new Error(`bad local header at ${local}`);
    const localNameLength = zip.readUInt16LE(local + 26);
    const localExtraLength = zip.readUInt16LE(local + 28);
    const dataStart = local + 30 + localNameLength + localExtraLength;
    entries.push({
      name: zip.toString("utf8", at + 46, at + 46 + nameLength),
      versionMadeBy: zip.readUInt16LE(at + 4),
      flags: zip.readUInt16LE(at + 8),
      method: zip.readUInt16LE(at + 10),
      dosTime: zip.readUInt16LE(at + 12),
      dosDate: zip.readUInt16LE(at + 14),
      externalAttributes: zip.readUInt32LE(at + 38),
      extraLength,
      localTime: zip.readUInt16LE(local + 10),
      localDate: zip.readUInt16LE(local + 12),
      localExtraLength,
      data: zip.subarray(dataStart, dataStart + compressedSize),
    });
    at += 46 + nameLength + extraLength + commentLength;
  }
  return entries;
}

/** Decodes DOS date/time fields into their calendar parts (they carry no time zone). */
export function dosDateTime(date: number, time: number) {
  return {
    year: 1980 + (date >> 9),
    month: (date >> 5) & 0xf,
    day: date & 0x1f,
    hours: time >> 11,
    minutes: (time >> 5) & 0x3f,
    seconds: (time & 0x1f) * 2,
  };
}
