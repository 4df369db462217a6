import { readFileSync, statSync } from "node:fs";

/**
 * Readers for the plain-text tables the unsupervised commands take: a numeric CSV/TSV matrix
 * (one sample per line) and rating triples (user, item, rating[, timestamp]). Every problem is
 * reported with the file, the 1-based line and column, and what was expected, because the person
 * reading the message has to go and fix that cell.
 */
export class TableError extends RangeError {
  override name = "TableError";
  constructor(
    message: string,
    readonly file: string,
    readonly line: number | null = null,
    readonly column: number | null = null,
  ) {
    super(message);
  }
}

export interface NumericTable {
  readonly file: string;
  /** Column names: the header's, or "1", "2", ... when the file has none. */
  readonly columns: string[];
  readonly hasHeader: boolean;
  readonly rows: number;
  readonly cols: number;
  /** Row-major values, rows x cols. */
  readonly data: Float64Array;
  readonly delimiter: string;
  /** The `labelColumn` cells as text (class names, cluster ids...), or null without one. */
  readonly labels: string[] | null;
  /** Name of the label column, or null. */
  readonly labelColumn: string | null;
}

export interface ReadTableOptions {
  /** Field separator; by default "\t" for .tsv/.tab files, "," for .csv, else guessed from the first line. */
  delimiter?: string;
  /** Whether the first line names the columns; by default it does when any of its cells is not a number. */
  header?: boolean;
  /** Keep only these columns, by header name or 1-based position, in this order (default: all but the label column). */
  columns?: readonly (string | number)[];
  /** A non-feature column (by name or 1-based position) returned as text in `labels`, never parsed as a number. */
  labelColumn?: string | number;
}

const NUMBER = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;

/** Reads a numeric table from a file; see `parseNumericTable`. */
export function readNumericTable(path: string, opts: ReadTableOptions = {}): NumericTable {
  return parseNumericTable(readText(path), path, opts);
}

/**
 * Parses delimited text into a float64 matrix. Blank lines are skipped, fields may be quoted, CRLF
 * is accepted. A ragged row, an empty cell, NaN, Infinity or any non-numeric cell is a TableError
 * naming file, line and column.
 */
export function parseNumericTable(text: string, file: string, opts: ReadTableOptions = {}): NumericTable {
  const lines = splitLines(text);
  if (lines.length === 0) throw new TableError(`${file}: the file has no data rows`, file);
  const delimiter = opts.delimiter ?? guessDelimiter(file, lines[0].text);
  const first = splitFields(lines[0].text, delimiter);
  const hasHeader = opts.header ?? first.some((cell) => !NUMBER.test(cell.trim()));
  const names = hasHeader ? first.map((c) => c.trim()) : first.map((_, i) => String(i + 1));
  const body = hasHeader ? lines.slice(1) : lines;
  if (body.length === 0) throw new TableError(`${file}: the file has a header but no data rows`, file);
  const width = names.length;
  const label = opts.labelColumn === undefined ? -1 : selectColumns(names, [opts.labelColumn], file)[0];
  const keep = opts.columns === undefined ? names.map((_, i) => i).filter((i) => i !== label) : selectColumns(names, opts.columns, file);
  if (keep.length === 0) throw new TableError(`${file}: no feature columns (the only column is the label column)`, file);
  const labels: string[] | null = label < 0 ? null : [];
  const cols = keep.length;
  const data = new Float64Array(body.length * cols);
  body.forEach(({ text: line, number }, r) => {
    const cells = splitFields(line, delimiter);
    if (cells.length !== width) {
      const what = hasHeader ? "the header has" : "the first row has";
      throw new TableError(`${file}: line ${number} has ${cells.length} fields, but ${what} ${width} (delimiter ${JSON.stringify(delimiter)})`, file, number);
    }
    keep.forEach((c, j) => {
      data[r * cols + j] = parseCell(cells[c], file, number, c, names, hasHeader);
    });
    labels?.push(cells[label].trim());
  });
  return {
    file, columns: keep.map((c) => names[c]), hasHeader, rows: body.length, cols, data, delimiter,
    labels, labelColumn: label < 0 ? null : names[label],
  };
}

/** One rating as read from a file: raw ids as strings. */
export interface RatingRow {
  user: string;
  item: string;
  rating: number;
  timestamp?: number;
}

/** Reads rating triples from a file; see `parseRatingTriples`. */
export function readRatingTriples(path: string): RatingRow[] {
  return parseRatingTriples(readText(path), path);
}

/**
 * Parses `user, item, rating[, timestamp]` lines, tab-, comma- or "::"-separated (MovieLens's
 * u.data, ratings.csv and ratings.dat layouts). A first line whose rating is not a number is taken
 * as a header. Ids stay strings; ratings must be finite numbers.
 */
export function parseRatingTriples(text: string, file: string): RatingRow[] {
  const lines = splitLines(text);
  if (lines.length === 0) throw new TableError(`${file}: no ratings (expected lines of user, item, rating[, timestamp])`, file);
  const head = lines[0].text;
  const delimiter = head.includes("\t") ? "\t" : head.includes("::") ? "::" : head.includes(",") ? "," : null;
  if (delimiter === null) throw new TableError(`${file}: line ${lines[0].number}: expected user, item, rating[, timestamp] separated by tabs, commas or "::"`, file, lines[0].number);
  const firstFields = splitFields(head, delimiter);
  const hasHeader = firstFields.length >= 3 && !NUMBER.test(firstFields[2].trim());
  const out: RatingRow[] = [];
  for (const { text: line, number } of hasHeader ? lines.slice(1) : lines) {
    const f = splitFields(line, delimiter);
    if (f.length < 3 || f.length > 4) {
      throw new TableError(`${file}: line ${number} has ${f.length} fields, expected 3 or 4 (user, item, rating[, timestamp]) separated by ${JSON.stringify(delimiter)}`, file, number);
    }
    const user = f[0].trim();
    const item = f[1].trim();
    if (user === "") throw new TableError(`${file}: line ${number}, column 1 (user): empty user id`, file, number, 1);
    if (item === "") throw new TableError(`${file}: line ${number}, column 2 (item): empty item id`, file, number, 2);
    const rating = parseCell(f[2], file, number, 2, ["user", "item", "rating", "timestamp"], true);
    const row: RatingRow = { user, item, rating };
    if (f.length === 4) row.timestamp = parseCell(f[3], file, number, 3, ["user", "item", "rating", "timestamp"], true);
    out.push(row);
  }
  if (out.length === 0) throw new TableError(`${file}: the file has a header but no ratings`, file);
  return out;
}

function readText(path: string): string {
  let size: number;
  try {
    size = statSync(path).size;
  } catch {
    throw new TableError(`${path}: no such file`, path);
  }
  if (size === 0) throw new TableError(`${path}: the file is empty`, path);
  return readFileSync(path, "utf8");
}

/** Non-blank lines with their 1-based line numbers; a BOM and CR line ends are dropped. */
function splitLines(text: string): { text: string; number: number }[] {
  const out: { text: string; number: number }[] = [];
  text.replace(/^\uFEFF/, "").split("\n").forEach((raw, i) => {
    const line = raw.endsWith("\r") ? raw.slice(0, -1) : raw;
    if (line.trim() !== "") out.push({ text: line, number: i + 1 });
  });
  return out;
}

function guessDelimiter(file: string, firstLine: string): string {
  const lower = file.toLowerCase();
  if (lower.endsWith(".tsv") || lower.endsWith(".tab")) return "\t";
  if (lower.endsWith(".csv")) return ",";
  const count = (d: string) => splitFields(firstLine, d).length;
  const candidates = ["\t", ",", ";"].filter((d) => count(d) > 1);
  return candidates.sort((a, b) => count(b) - count(a))[0] ?? ",";
}

/** Splits one line on `delimiter`, honouring double-quoted fields with "" escapes (RFC 4180, one line). */
function splitFields(line: string, delimiter: string): string[] {
  if (!line.includes('"')) return line.split(delimiter);
  const fields: string[] = [];
  let current = "";
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const ch = line[i];
    if (quoted) {
      if (ch === '"' && line[i + 1] === '"') {
        current += '"';
        i++;
      } else if (ch === '"') quoted = false;
      else current += ch;
    } else if (ch === '"' && current.trim() === "") {
      quoted = true;
      current = "";
    } else if (line.startsWith(delimiter, i)) {
      fields.push(current);
      current = "";
      i += delimiter.length - 1;
    } else current += ch;
  }
  fields.push(current);
  return fields;
}

function describeColumn(c: number, names: readonly string[], hasHeader: boolean): string {
  return hasHeader ? `column ${c + 1} (${JSON.stringify(names[c])})` : `column ${c + 1}`;
}

function parseCell(cell: string, file: string, line: number, c: number, names: readonly string[], hasHeader: boolean): number {
  const text = cell.trim();
  const where = `${file}: line ${line}, ${describeColumn(c, names, hasHeader)}`;
  if (text === "") throw new TableError(`${where}: empty cell; missing values are not supported (fill or drop the row)`, file, line, c + 1);
  if (/^[+-]?(nan|inf|infinity)$/i.test(text)) throw new TableError(`${where}: ${text} is not a finite number`, file, line, c + 1);
  if (!NUMBER.test(text)) throw new TableError(`${where}: ${JSON.stringify(text)} is not a number`, file, line, c + 1);
  return Number(text);
}

function selectColumns(names: readonly string[], wanted: readonly (string | number)[], file: string): number[] {
  if (wanted.length === 0) throw new TableError(`${file}: no columns selected`, file);
  return wanted.map((w) => {
    const byName = typeof w === "string" ? names.indexOf(w) : -1;
    if (byName >= 0) return byName;
    const position = typeof w === "number" ? w : /^\d+$/.test(w) ? Number(w) : NaN;
    if (Number.isInteger(position) && position >= 1 && position <= names.length) return position - 1;
    throw new TableError(`${file}: no column ${JSON.stringify(w)} (columns: ${names.join(", ")}; or give 1-based positions 1..${names.length})`, file);
  });
}
