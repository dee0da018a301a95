/**
 * RFC 4180 pieces shared by the general parser (csv-parser.ts) and the bulk loader's scanner
 * (src/loader/csv-record-scanner.ts): a quoted field, and line breaks within one.
 */

const QUOTE = 34;
const CR = 13;
const LF = 10;

/** Where readQuotedField puts a field's value (one reused holder: no object per field). */
export interface QuotedValue {
  value: string;
}

/**
 * Reads the quoted field whose opening quote is at `open`, undoing doubled quotes into
 * `out.value`. Returns the index after its closing quote, or -1 when it does not close within
 * `text` — or, unless `final`, when the text ends right after a quote that may be the first half
 * of a doubled one (more input decides).
 */
export function readQuotedField(text: string, open: number, final: boolean, out: QuotedValue): number {
  const length = text.length;
  let value = '';
  let scan = open + 1;
  for (;;) {
    const q = text.indexOf('"', scan);
    if (q === -1) return -1;
    if (q + 1 < length && text.charCodeAt(q + 1) === QUOTE) {
      value += text.slice(scan, q + 1);
      scan = q + 2;
      continue;
    }
    if (q + 1 >= length && !final) return -1; // might be the first half of ""
    out.value = value + text.slice(scan, q);
    return q + 1;
  }
}

/** Line breaks (LF, CR, CRLF as one) in text[from, to). */
export function countLineBreaks(text: string, from: number, to: number): number {
  let n = 0;
  for (let i = from; i < to; i++) {
    const c = text.charCodeAt(i);
    if (c === LF) n++;
    else if (c === CR && text.charCodeAt(i + 1) !== LF) n++;
  }
  return n;
}
