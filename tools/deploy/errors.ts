/** Nothing was deployed: the inputs are wrong (arguments, stack outputs, manifest). CLIs exit 2. */
export class CannotStartError extends Error {
  override readonly name: string = "CannotStartError";
}

/** A command-line mistake; the CLI prints the usage with it. */
export class UsageError extends CannotStartError {
  override readonly name = "UsageError";
}

/** The stack and the manifest do not describe one release; nothing was deployed. */
export class ReleaseBlockedError extends CannotStartError {
  override readonly name = "ReleaseBlockedError";
}
