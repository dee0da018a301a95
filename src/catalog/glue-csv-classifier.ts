import { InvalidInputError, kitMessage } from '../errors.js';
import type { GlueColumn } from './catalog-types.js';

/**
 * Glue's built-in CSV classifier, as documented in "Built-in classifiers" and "Built-in CSV
 * classifier" of https://docs.aws.amazon.com/glue/latest/dg/add-classifier.html :
 *
 * - delimiters tried: comma, pipe, tab, semicolon and Ctrl-A (\u0001);
 * - to be CSV, the schema must have at least two columns and two rows (we count the header
 *   row, so a one-record incremental batch with its header still classifies);
 * - a header is inferred only when every column of the first row parses as STRING, every
 *   header column but the last is shorter than 150 characters, every name meets Glue's
 *   column-name rules, and the row is "sufficiently different" from the data rows: some data
 *   column parses as a type other than STRING. If every column is STRING, the first row is not
 *   used as a header and columns are named `col0, col1, ...` (the docs' text says col1, col2,
 *   ...; real crawlers number from col0, which is what tables in the wild and DESIGN §5 show).
 *
 * Type inference over the sample follows the crawler's output types for CSV: `boolean`,
 * `bigint`, `double`, else `string`; an empty cell is a null and says nothing about the type;
 * a column mixing bigint and double is double, any other mix is string. Dates and timestamps
 * stay `string` (the built-in classifier does not infer them; custom classifiers can).
 */
export const GLUE_CLASSIFIER_DOC = 'https://docs.aws.amazon.com/glue/latest/dg/add-classifier.html';

/**
 * Crawlers read the beginning of each file to classify it; for CSV the first 2 MB
 * (the Glue examples' walkthrough: "The crawler will read the first 2 MB of data from that
 * file", https://github.com/aws-samples/aws-glue-samples/blob/master/examples/data_cleaning_and_lambda.md).
 */
export const CSV_SAMPLE_BYTES = 2 * 1024 * 1024;

/** Delimiters in the order the built-in classifier checks them. */
export const CSV_DELIMITERS = [',', '|', '\t', ';', '\u0001'] as const;

/** Header cells (except the last) must be shorter than this. */
const MAX_HEADER_CELL = 150;

export type GlueCsvType = 'boolean' | 'bigint' | 'double' | 'string';

export interface CsvClassification {
  classification: 'csv';
  delimiter: string;
  /** True when the first row was taken as the header. */
  hasHeader: boolean;
  /** Why the first row was not a header (for display), when it was not. */
  headerRejectedBecause?: string;
  columns: GlueColumn[];
  /** Some field in the sample was quoted: the crawler then picks OpenCSVSerde. */
  quoted: boolean;
  /** Rows in the sample (including the header row). */
  sampledRows: number;
  sampledBytes: number;
}

const BIGINT = /^[+-]?\d+$/;
const DOUBLE = /^[+-]?(?:\d+\.\d*|\.\d+|\d+)(?:[eE][+-]?\d+)?$/;
const BOOLEAN = /^(?:true|false)$/i;
const LONG_MAX = 9223372036854775807n;
const LONG_MIN = -9223372036854775808n;

/** The type Glue's CSV classifier gives one value, or undefined for an empty cell (null). */
export function inferGlueType(raw: string): GlueCsvType | undefined {
  const value = raw.trim();
  if (value === '') return undefined;
  if (BOOLEAN.test(value)) return 'boolean';
  if (BIGINT.test(value)) {
    const n = BigInt(value);
    // Beyond a 64-bit long the value cannot be a bigint; Glue falls back to string.
    return n <= LONG_MAX && n >= LONG_MIN ? 'bigint' : 'string';
  }
  if (DOUBLE.test(value)) return 'double';
  return 'string';
}

/** Widens two column types the way the crawler merges them. */
export function mergeGlueTypes(a: GlueCsvType | undefined, b: GlueCsvType | undefined): GlueCsvType | undefined {
  if (a === undefined) return b;
  if (b === undefined || a === b) return a;
  if ((a === 'bigint' && b === 'double') || (a === 'double' && b === 'bigint')) return 'double';
  return 'string';
}

/**
 * Glue's column-name rule: 1 to 255 characters of the "single-line string pattern" of the
 * Glue API (https://docs.aws.amazon.com/glue/latest/webapi/API_Column.html: Name, pattern
 * `[\u0020-\uD7FF\uE000-\uFFFD\uD800\uDC00-\uDBFF\uDFFF\t]*`, length 1-255).
 */
export function isGlueColumnName(name: string): boolean {
  if (name.length < 1 || name.length > 255) return false;
  return /^[\u0020-\uD7FF\uE000-\uFFFD\t\u{10000}-\u{10FFFF}]+$/u.test(name);
}

const QUOTE = 34;
const LF = 10;
const CR = 13;

/** Index of the next delimiter or line break at or after `from` (or the end). */
function fieldEnd(text: string, from: number, delimiter: number): number {
  let j = from;
  for (; j < text.length; j++) {
    const c = text.charCodeAt(j);
    if (c === delimiter || c === LF || c === CR) break;
  }
  return j;
}

/**
 * Splits sample text into rows with one delimiter, honouring RFC 4180 quotes (scanning by
 * character code and slicing, no per-character string building: 2 MB samples stay fast).
 * Blank lines are skipped. Lenient where a crawler is: text after a closing quote is kept.
 */
function splitRows(text: string, delimiterChar: string): { rows: string[][]; quoted: boolean } {
  const delimiter = delimiterChar.charCodeAt(0);
  const n = text.length;
  const rows: string[][] = [];
  let row: string[] = [];
  let quoted = false;
  let i = 0;
  while (i < n) {
    if (text.charCodeAt(i) === QUOTE) {
      quoted = true;
      let value = '';
      let start = i + 1;
      for (;;) {
        const q = text.indexOf('"', start);
        if (q === -1) {
          value += text.slice(start);
          i = n;
          break;
        }
        if (text.charCodeAt(q + 1) === QUOTE) {
          value += text.slice(start, q + 1);
          start = q + 2;
          continue;
        }
        value += text.slice(start, q);
        i = q + 1;
        break;
      }
      const end = fieldEnd(text, i, delimiter);
      row.push(end > i ? value + text.slice(i, end) : value);
      i = end;
    } else {
      const end = fieldEnd(text, i, delimiter);
      row.push(text.slice(i, end));
      i = end;
    }
    if (i >= n) break;
    const c = text.charCodeAt(i);
    if (c === delimiter) {
      i++;
      if (i >= n) row.push('');
      continue;
    }
    i += c === CR && text.charCodeAt(i + 1) === LF ? 2 : 1;
    if (!(row.length === 1 && row[0] === '')) rows.push(row);
    row = [];
  }
  if (row.length > 0 && !(row.length === 1 && row[0] === '')) rows.push(row);
  return { rows, quoted };
}

/** True when every row has the same number of fields, and at least two. */
function isConsistent(rows: string[][]): boolean {
  const width = rows[0]?.length ?? 0;
  return width >= 2 && rows.every((r) => r.length === width);
}

function columnTypes(rows: string[][], width: number): GlueCsvType[] {
  const types: (GlueCsvType | undefined)[] = new Array(width).fill(undefined);
  for (const row of rows) {
    for (let c = 0; c < width; c++) types[c] = mergeGlueTypes(types[c], inferGlueType(row[c] ?? ''));
  }
  return types.map((t) => t ?? 'string');
}

/** Why the first row cannot be a header, or undefined when it can. */
function rejectHeader(header: string[], dataTypes: GlueCsvType[]): string | undefined {
  for (let c = 0; c < header.length; c++) {
    const cell = header[c]!;
    const type = inferGlueType(cell);
    if (type !== 'string') return `column ${c} of the first row ("${cell}") parses as ${type ?? 'null'}, not STRING`;
    if (c < header.length - 1 && cell.length >= MAX_HEADER_CELL) return `column ${c} of the first row is ${cell.length} characters long`;
    if (!isGlueColumnName(cell.trim())) return `"${cell}" does not meet Glue's column-name rules`;
  }
  const names = header.map((h) => h.trim().toLowerCase());
  if (new Set(names).size !== names.length) return 'the first row repeats a column name';
  if (dataTypes.every((t) => t === 'string')) {
    return 'every data column parses as STRING, so the first row is not different enough from the data rows';
  }
  return undefined;
}

/**
 * Classifies the beginning of one object the way Glue's built-in CSV classifier does.
 * `truncated` says the sample was cut at the byte limit (its last, partial line is dropped).
 * InvalidInputError (naming `key`) when the object is empty, binary, or not CSV.
 */
export function classifyCsvSample(sample: string, key: string, truncated = false): CsvClassification {
  const fail = (why: string): never => {
    throw new InvalidInputError(kitMessage('crawler', `${key}: ${why} — Glue's CSV classifier (${GLUE_CLASSIFIER_DOC}) would not classify it as csv`));
  };
  let text = sample.charCodeAt(0) === 0xfeff ? sample.slice(1) : sample;
  if (text.trim() === '') fail('the object is empty');
  if (text.includes('\u0000') || text.includes('\uFFFD')) fail('the object holds binary data, not text');
  if (truncated) {
    const lastBreak = Math.max(text.lastIndexOf('\n'), text.lastIndexOf('\r'));
    if (lastBreak > 0) text = text.slice(0, lastBreak + 1);
  }

  let chosen: { delimiter: string; rows: string[][]; quoted: boolean } | undefined;
  for (const delimiter of CSV_DELIMITERS) {
    const { rows, quoted } = splitRows(text, delimiter);
    if (isConsistent(rows)) {
      chosen = { delimiter, rows, quoted };
      break;
    }
  }
  if (!chosen) {
    const first = text.split(/\r?\n/, 1)[0]!.slice(0, 60);
    return fail(`no delimiter (comma, pipe, tab, semicolon, Ctrl-A) splits every row into the same two or more columns (first line: "${first}")`);
  }
  const { delimiter, quoted } = chosen;
  let rows = chosen.rows;
  // "To allow for a trailing delimiter, the last column can be empty throughout the file":
  // a column empty in every row (header included) is the trailing delimiter's, not data.
  if (rows[0]!.length > 2 && rows.every((r) => r[r.length - 1]!.trim() === '')) rows = rows.map((r) => r.slice(0, -1));
  if (rows.length < 2) fail(`only ${rows.length} row; CSV needs at least two rows of data`);

  const width = rows[0]!.length;
  const dataTypes = columnTypes(rows.slice(1), width);
  const headerRejectedBecause = rejectHeader(rows[0]!, dataTypes);
  const hasHeader = headerRejectedBecause === undefined;

  // Glue stores column names in lower case (Hive identifiers are case-insensitive).
  const names = hasHeader ? rows[0]!.map((h) => h.trim().toLowerCase()) : rows[0]!.map((_, c) => `col${c}`);
  const types = hasHeader ? dataTypes : columnTypes(rows, width);
  return {
    classification: 'csv',
    delimiter,
    hasHeader,
    headerRejectedBecause,
    columns: names.map((Name, c) => ({ Name, Type: types[c]! })),
    quoted,
    sampledRows: rows.length,
    sampledBytes: Buffer.byteLength(text),
  };
}
