/**
 * RFC 4180 output (https://www.rfc-editor.org/rfc/rfc4180): a field is quoted only when it holds
 * a comma, a double quote, CR or LF ("minimal quoting"), and quotes inside are doubled — never
 * backslash-escaped, which is what Neptune's bulk loader and Glue's CSV SerDe expect.
 */
const NEEDS_QUOTES = /[",\r\n]/;

export type CsvValue = string | number | bigint | boolean | null | undefined;

export function quoteCsvField(value: CsvValue): string {
  if (value === null || value === undefined) return '';
  const text = typeof value === 'string' ? value : String(value);
  if (!NEEDS_QUOTES.test(text)) return text;
  return `"${text.replaceAll('"', '""')}"`;
}

/** One CSV line, LF-terminated. */
export function formatCsvRow(values: readonly CsvValue[]): string {
  let line = '';
  for (let i = 0; i < values.length; i++) {
    if (i > 0) line += ',';
    line += quoteCsvField(values[i]);
  }
  return line + '\n';
}
