/**
 * Bad input from a user (missing file, malformed data, wrong shape, unknown name): the CLI prints
 * the message on one line and exits with code 2.
 */
export class InputError extends Error {
  override name = "InputError";
}

/** Errors the library raises for bad arguments count as bad input too. */
export function isInputError(error: unknown): boolean {
  return error instanceof InputError || error instanceof RangeError || error instanceof TypeError || (error as NodeJS.ErrnoException)?.code === "ENOENT";
}

export function reportAndExit(error: unknown, verbose: boolean): never {
  const message = error instanceof Error ? error.message : String(error);
  if (verbose && error instanceof Error && error.stack) console.error(error.stack);
  else console.error(`lantern: ${message.split("\n")[0]}`);
  process.exit(isInputError(error) ? 2 : 1);
}
