/**
 * Text formats for transactions:
 *  - baskets: one basket per line, items separated by commas, or by runs of whitespace when the text
 *    has no comma at all (FIMI's `.dat` files). A blank line is an empty basket; the final newline
 *    does not start one.
 *  - tidy: a CSV with a header row and one (transaction, item) pair per row; rows of one transaction
 *    need not be adjacent, and transactions keep the order of their first row.
 * Comma- or other single-character-separated fields may be quoted as in RFC 4180 ("a, b" and "" for a
 * quote), within one line. Items read from text are strings, trimmed of surrounding whitespace.
 */

/** A line that does not parse; `line` is 1-based. */
export class TransactionFormatError extends Error {
  override name = "TransactionFormatError";
  constructor(
    readonly line: number,
    message: string,
  ) {
    super(`line ${line}: ${message}`);
  }
}

/** "whitespace" splits on runs of spaces and tabs; anything else must be one character. */
export type Delimiter = string;

export interface BasketOptions {
  /** One character, or "whitespace"; by default a comma if the text has one, else whitespace. */
  delimiter?: Delimiter;
}

export interface TidyOptions {
  /** Field separator, one character (default ","). */
  delimiter?: Delimiter;
  /** Header name of the transaction id column (default: the first column). */
  transactionColumn?: string;
  /** Header name of the item column (default: the second column). */
  itemColumn?: string;
}

const DELIMITER_NAMES: Record<string, string> = { comma: ",", semicolon: ";", tab: "\t", space: " ", whitespace: "whitespace" };

/** Accepts a literal character or one of the names comma, semicolon, tab, space, whitespace. */
export function resolveDelimiter(delimiter: string): string {
  const resolved = DELIMITER_NAMES[delimiter] ?? delimiter;
  if (resolved !== "whitespace" && resolved.length !== 1) {
    throw new RangeError(`delimiter: expected one character or one of ${Object.keys(DELIMITER_NAMES).join(", ")}, got "${delimiter}"`);
  }
  if (resolved === '"' || resolved === "\n" || resolved === "\r") throw new RangeError(`delimiter: ${JSON.stringify(resolved)} cannot separate fields`);
  return resolved;
}

function splitLines(text: string): string[] {
  const lines = text.split(/\r?\n/);
  if (lines.length > 0 && lines[lines.length - 1] === "") lines.pop();
  return lines;
}

/** Splits one line on `delimiter` (a character), honouring RFC 4180 quotes. Fields are trimmed. */
export function splitFields(line: string, delimiter: string, lineNumber: number): string[] {
  if (delimiter === "whitespace") {
    const trimmed = line.trim();
    return trimmed === "" ? [] : trimmed.split(/\s+/);
  }
  if (!line.includes('"')) return line.split(delimiter).map((f) => f.trim());
  const fields: string[] = [];
  let i = 0;
  for (;;) {
    while (i < line.length && (line[i] === " " || line[i] === "\t") && line[i] !== delimiter) i++;
    let field = "";
    if (line[i] === '"') {
      const open = i++;
      for (;;) {
        const close = line.indexOf('"', i);
        if (close < 0) throw new TransactionFormatError(lineNumber, `unterminated quote opened at column ${open + 1}`);
        field += line.slice(i, close);
        if (line[close + 1] === '"') {
          field += '"';
          i = close + 2;
        } else {
          i = close + 1;
          break;
        }
      }
      while (i < line.length && line[i] !== delimiter && line[i].trim() === "") i++;
      if (i < line.length && line[i] !== delimiter) {
        throw new TransactionFormatError(lineNumber, `unexpected text after the closing quote at column ${i + 1}`);
      }
    } else {
      const end = line.indexOf(delimiter, i);
      field = line.slice(i, end < 0 ? line.length : end).trim();
      if (field.includes('"')) throw new TransactionFormatError(lineNumber, `stray quote in unquoted field "${field}"`);
      i = end < 0 ? line.length : end;
    }
    fields.push(field);
    if (i >= line.length) return fields;
    i++; // past the delimiter
  }
}

/** Parses one-basket-per-line text into baskets of strings. Empty items ("a,,b") are an error. */
export function parseBaskets(text: string, options: BasketOptions = {}): string[][] {
  const delimiter = options.delimiter === undefined ? (text.includes(",") ? "," : "whitespace") : resolveDelimiter(options.delimiter);
  return splitLines(text).map((line, index) => {
    if (line.trim() === "") return [];
    const fields = splitFields(line, delimiter, index + 1);
    const empty = fields.indexOf("");
    if (empty >= 0) {
      throw new TransactionFormatError(index + 1, `empty item in field ${empty + 1} (two delimiters in a row, or one at the line's start or end)`);
    }
    return fields;
  });
}

/** Parses a tidy (transaction, item) CSV with a header row into baskets of strings. */
export function parseTidy(text: string, options: TidyOptions = {}): string[][] {
  const delimiter = resolveDelimiter(options.delimiter ?? ",");
  const lines = splitLines(text);
  const headerIndex = lines.findIndex((l) => l.trim() !== "");
  if (headerIndex < 0) throw new TransactionFormatError(1, "expected a header row naming the transaction and item columns, got an empty file");
  const header = splitFields(lines[headerIndex], delimiter, headerIndex + 1);
  const column = (name: string | undefined, fallback: number, role: string): number => {
    if (name === undefined) {
      if (header.length <= fallback) {
        throw new TransactionFormatError(headerIndex + 1, `expected at least 2 columns (transaction, item), got ${header.length}: "${lines[headerIndex]}"`);
      }
      return fallback;
    }
    const found = header.indexOf(name);
    if (found < 0) throw new TransactionFormatError(headerIndex + 1, `no ${role} column "${name}" in the header (columns: ${header.join(", ")})`);
    return found;
  };
  const tidColumn = column(options.transactionColumn, 0, "transaction");
  const itemColumn = column(options.itemColumn, 1, "item");
  const baskets = new Map<string, string[]>();
  for (let l = headerIndex + 1; l < lines.length; l++) {
    if (lines[l].trim() === "") continue;
    const fields = splitFields(lines[l], delimiter, l + 1);
    if (fields.length !== header.length) {
      throw new TransactionFormatError(l + 1, `expected ${header.length} fields like the header, got ${fields.length}`);
    }
    const tid = fields[tidColumn];
    const item = fields[itemColumn];
    if (tid === "" || item === "") throw new TransactionFormatError(l + 1, `empty ${tid === "" ? "transaction id" : "item"}`);
    const basket = baskets.get(tid);
    if (basket) basket.push(item);
    else baskets.set(tid, [item]);
  }
  return [...baskets.values()];
}
