/**
 * A data file that cannot be used as given (missing, truncated, corrupt, wrong checksum). A
 * RangeError, like SafetensorsError and TableError, so the CLI reports it as bad input (exit 2)
 * with the message alone; `file` names what the user has to replace.
 */
export class DatasetError extends RangeError {
  override name = "DatasetError";
  constructor(
    message: string,
    readonly file: string | null = null,
  ) {
    super(message);
  }
}
