/**
 * The bulk loader's RFC 4180 scanner (https://www.rfc-editor.org/rfc/rfc4180). It applies the
 * same rules as `src/csv`'s CsvParser — quoted fields with commas, doubled quotes and line
 * breaks; CR, LF and CRLF line ends; empty lines skipped; a quote inside an unquoted field, text
 * after a closing quote and an unterminated quote are errors — with two differences the loader
 * needs:
 *
 * - Speed: a line without a double quote (nearly all of them) is split with `indexOf`, and
 *   fields go into one reused array handed to a callback, so no array or record object is
 *   allocated per row.
 * - Recovery: a malformed record is reported (with its line) and scanning resumes at the next
 *   line, as Neptune's loader reports a PARSING_ERROR and goes on; an unterminated quote runs
 *   to the end of the input, where such a field ends.
 */

import { countLineBreaks, readQuotedField, type QuotedValue } from '../csv/index.js';

/**
 * Where a record's fields lie in the scanned text: field i is `text.slice(starts[i], ends[i])`.
 * Given for a record without quotes (nearly all of them), so that a reader can use a field's
 * characters without the string `fields[i]` (IdTable.findIn says why that is faster).
 */
export interface FieldSpans {
  text: string;
  starts: number[];
  ends: number[];
}

export interface RecordSink {
  /**
   * One record: `fields[0..count)` (the array is reused — copy what you keep), starting on
   * `line` (1-based); `spans` when the record has no quoted field (reused as well).
   */
  record(fields: string[], count: number, line: number, spans: FieldSpans | undefined): void;
  /** A malformed record starting on `line`. */
  error(message: string, line: number): void;
}

const QUOTE = 34;
const COMMA = 44;
const CR = 13;
const LF = 10;

export class CsvRecordScanner {
  private pending = '';
  private pendingLine = 1;
  private readonly fields: string[] = [];
  private readonly spans: FieldSpans = { text: '', starts: [], ends: [] };
  /** Receives each quoted field's value (readQuotedField). */
  private readonly quoted: QuotedValue = { value: '' };

  constructor(private readonly sink: RecordSink) {}

  /** Scans a chunk; a record cut by the chunk's end waits for the next one. */
  push(chunk: string): void {
    if (this.pending.length === 0) return this.scan(chunk, 0, false);
    // The record cut by the last chunk's end is finished with this chunk's first line, scanned
    // on its own; the rest of the chunk is scanned in place. Scanning the concatenation instead
    // would hand every field span of the chunk a ConsString, slower to read than the chunk.
    const lf = chunk.indexOf('\n');
    if (lf === -1) return this.scan(this.pending + chunk, 0, false);
    const head = this.pending + chunk.slice(0, lf + 1);
    this.pending = '';
    this.scan(head, 0, false);
    // A quoted field may go on past that line: then the rest of the chunk continues it.
    if (this.pending.length > 0) this.scan(this.pending + chunk.slice(lf + 1), 0, false);
    else this.scan(chunk, lf + 1, false);
  }

  /** Scans what is left at the end of the input. */
  end(): void {
    this.scan(this.pending, 0, true);
    this.pending = '';
  }

  /** Scans `text` from `from`; what is not scanned (a cut record) is kept as `pending`. */
  private scan(text: string, from: number, final: boolean): void {
    const length = text.length;
    const fields = this.fields;
    const spans = this.spans;
    spans.text = text;
    const starts = spans.starts;
    const ends = spans.ends;
    const sink = this.sink;
    let pos = from;
    let line = this.pendingLine;
    let nextQuote = text.indexOf('"', from);
    let nextCr = text.indexOf('\r', from);
    let nextComma = text.indexOf(',', from);
    while (pos < length) {
      // End of this physical line.
      let lf = text.indexOf('\n', pos);
      if (nextCr !== -1 && nextCr < pos) nextCr = text.indexOf('\r', pos);
      let lineEnd: number; // index of the first line-break character (or length)
      let next: number; // index after the line break
      if (nextCr !== -1 && (lf === -1 || nextCr < lf)) {
        lineEnd = nextCr;
        if (nextCr + 1 < length) next = text.charCodeAt(nextCr + 1) === LF ? nextCr + 2 : nextCr + 1;
        else if (final) next = length;
        else break; // a CR at the chunk's end may be the first half of CRLF
      } else if (lf !== -1) {
        lineEnd = lf;
        next = lf + 1;
      } else if (final) {
        lineEnd = length;
        next = length;
      } else {
        break; // the line continues in the next chunk
      }
      if (nextQuote !== -1 && nextQuote < pos) nextQuote = text.indexOf('"', pos);
      if (nextQuote === -1 || nextQuote >= lineEnd) {
        // Fast path: no quote on this line.
        if (lineEnd > pos) {
          let count = 0;
          let start = pos;
          for (;;) {
            // The next comma is remembered across lines, so a line without one (a one-column
            // file) does not send indexOf scanning through the rest of the chunk each time.
            if (nextComma !== -1 && nextComma < start) nextComma = text.indexOf(',', start);
            const end = nextComma === -1 || nextComma >= lineEnd ? lineEnd : nextComma;
            starts[count] = start;
            ends[count] = end;
            fields[count++] = text.slice(start, end);
            if (end === lineEnd) break;
            start = end + 1;
          }
          sink.record(fields, count, line, spans);
        }
        pos = next;
        line++;
        continue;
      }
      // Slow path: a record with quotes, which may span lines.
      const result = this.scanQuoted(text, pos, line, final);
      if (result === undefined) break; // needs more input
      pos = result.pos;
      line = result.line;
      nextQuote = text.indexOf('"', pos);
    }
    this.pending = pos === 0 ? text : text.slice(pos);
    this.pendingLine = line;
  }

  /**
   * Scans one record that contains a quote, from `start` (line `startLine`). Returns where the
   * next record starts, or undefined when the record may continue in the next chunk.
   */
  private scanQuoted(text: string, start: number, startLine: number, final: boolean): { pos: number; line: number } | undefined {
    const length = text.length;
    const fields = this.fields;
    let count = 0;
    let pos = start;
    let line = startLine;
    for (;;) {
      if (pos < length && text.charCodeAt(pos) === QUOTE) {
        // Quoted field.
        const scan = readQuotedField(text, pos, final, this.quoted);
        if (scan < 0) {
          if (!final) return undefined;
          this.sink.error(`line ${startLine}: unterminated quoted field ${count + 1}`, startLine);
          return { pos: length, line };
        }
        line += countLineBreaks(text, pos, scan);
        pos = scan;
        fields[count++] = this.quoted.value;
        if (pos >= length) {
          if (!final) return undefined;
          this.sink.record(fields, count, startLine, undefined);
          return { pos, line };
        }
        const c = text.charCodeAt(pos);
        if (c === COMMA) {
          pos++;
          continue;
        }
        if (c === LF || c === CR) {
          if (c === CR && pos + 1 >= length && !final) return undefined;
          this.sink.record(fields, count, startLine, undefined);
          const next = c === CR && text.charCodeAt(pos + 1) === LF ? pos + 2 : pos + 1;
          return { pos: next, line: line + 1 };
        }
        return this.failRecord(text, pos, line, startLine, final, `line ${startLine}: unexpected text after the closing quote of field ${count}`);
      }
      // Unquoted field: to the next comma or line end.
      let scan = pos;
      while (scan < length) {
        const d = text.charCodeAt(scan);
        if (d === COMMA || d === LF || d === CR) break;
        if (d === QUOTE) {
          return this.failRecord(text, scan, line, startLine, final, `line ${startLine}: a double quote inside unquoted field ${count + 1}`);
        }
        scan++;
      }
      if (scan >= length && !final) return undefined;
      fields[count++] = text.slice(pos, scan);
      pos = scan;
      if (pos >= length) {
        this.sink.record(fields, count, startLine, undefined);
        return { pos, line };
      }
      const d = text.charCodeAt(pos);
      if (d === COMMA) {
        pos++;
        continue;
      }
      if (d === CR && pos + 1 >= length && !final) return undefined;
      this.sink.record(fields, count, startLine, undefined);
      const next = d === CR && text.charCodeAt(pos + 1) === LF ? pos + 2 : pos + 1;
      return { pos: next, line: line + 1 };
    }
  }
  /**
   * A malformed record: reports it and resumes after the line on which the error was found, at
   * `pos` (undefined: that line continues in the next chunk; the record is scanned again then).
   * A method, not a closure in scanQuoted: that would be made again for every quoted record.
   */
  private failRecord(text: string, pos: number, line: number, startLine: number, final: boolean, message: string): { pos: number; line: number } | undefined {
    const length = text.length;
    let p = pos;
    let resume: { pos: number; line: number } | undefined;
    while (p < length) {
      const c = text.charCodeAt(p);
      if (c === LF) {
        resume = { pos: p + 1, line: line + 1 };
        break;
      }
      if (c === CR) {
        if (p + 1 >= length && !final) return undefined;
        resume = { pos: text.charCodeAt(p + 1) === LF ? p + 2 : p + 1, line: line + 1 };
        break;
      }
      p++;
    }
    if (resume === undefined) {
      if (!final) return undefined;
      resume = { pos: length, line };
    }
    this.sink.error(message, startLine);
    return resume;
  }
}
