import * as fs from "fs";
import * as path from "path";

/** A path as the user should see it: relative to the working folder when inside it. */
export function display(file: string): string {
  const relative = path.relative(process.cwd(), file);
  return relative && !relative.startsWith("..") ? relative : file;
}

/** The event file was not found or is not JSON; the message says where it looked. */
export class EventFileError extends Error {
  override readonly name = "EventFileError";
}

/**
 * Reads an example event: `nameOrPath` is a path, or the name of a file in
 * `<functionsDir>/<fn>/events/`. Returns the parsed JSON and the file it came from.
 */
export function readEventFile(nameOrPath: string, functionsDir: string, fn: string): { readonly event: unknown; readonly file: string } {
  const candidates = [path.resolve(nameOrPath), path.join(functionsDir, fn, "events", nameOrPath)];
  const file = candidates.find((c) => fs.existsSync(c) && fs.statSync(c).isFile());
  if (!file) throw new EventFileError(`event file not found; tried ${candidates.map(display).join(" and ")}.`);
  try {
    return { event: JSON.parse(fs.readFileSync(file, "utf8")) as unknown, file };
  } catch (error) {
    throw new EventFileError(`${display(file)} is not valid JSON: ${(error as Error).message}.`);
  }
}
