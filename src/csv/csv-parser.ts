import { InvalidInputError } from '../errors.js';
import { countLineBreaks, readQuotedField, type QuotedValue } from './csv-fields.js';

/** One parsed record and the 1-based line of the input on which it starts. */
export interface CsvRecord {
  fields: string[];
  line: number;
}

export class CsvSyntaxError extends InvalidInputError {
  constructor(
    message: string,
    /** 1-based line where the faulty record starts. */
    readonly line: number,
  ) {
    super(message);
    this.name = 'CsvSyntaxError';
  }
}

const QUOTE = 34; // "
const COMMA = 44; // ,
const CR = 13;
const LF = 10;

/**
 * Incremental RFC 4180 parser: feed it text chunks with `push`, then call `end`. Handles quoted
 * fields with embedded commas, doubled quotes, CR, LF and CRLF line ends; records may span
 * chunks. Strict where the RFC is: a quote inside an unquoted field, text after a closing
 * quote, or an unterminated quote is a CsvSyntaxError naming the record's line.
 *
 * Empty lines are skipped (Neptune's loader and Glue both ignore them).
 */
export class CsvParser {
  private buffer = '';
  /** Line number (1-based) of the start of `buffer`. */
  private bufferLine = 1;
  /** Receives each quoted field's value (readQuotedField). */
  private readonly quoted: QuotedValue = { value: '' };

  push(chunk: string): CsvRecord[] {
    this.buffer += chunk;
    return this.drain(false);
  }

  end(): CsvRecord[] {
    return this.drain(true);
  }

  private drain(final: boolean): CsvRecord[] {
    const records: CsvRecord[] = [];
    const text = this.buffer;
    const length = text.length;
    let pos = 0;
    let line = this.bufferLine;
    while (pos < length) {
      const recordStart = pos;
      const recordLine = line;
      const fields: string[] = [];
      let complete = false;
      // Parse one record starting at pos.
      for (;;) {
        if (pos >= length) {
          // Input ended in the middle of a record (or right after a comma).
          if (!final) break;
          fields.push('');
          complete = true;
          break;
        }
        const c = text.charCodeAt(pos);
        if (c === QUOTE) {
          // Quoted field.
          const scan = readQuotedField(text, pos, final, this.quoted);
          if (scan < 0) {
            if (!final) break;
            throw new CsvSyntaxError(`line ${recordLine}: unterminated quoted field ${fields.length + 1}`, recordLine);
          }
          line += countLineBreaks(text, pos, scan);
          pos = scan;
          fields.push(this.quoted.value);
          if (pos >= length) {
            if (!final) break;
            complete = true;
            break;
          }
          const next = text.charCodeAt(pos);
          if (next === COMMA) {
            pos++;
            continue;
          }
          if (next === LF || next === CR) {
            const end = lineEnd(text, pos, final);
            if (end === -1) break;
            pos = end;
            line++;
            complete = true;
            break;
          }
          throw new CsvSyntaxError(
            `line ${recordLine}: unexpected text after the closing quote of field ${fields.length}`,
            recordLine,
          );
        }
        // Unquoted field: runs to the next comma or line end.
        let scan = pos;
        while (scan < length) {
          const d = text.charCodeAt(scan);
          if (d === COMMA || d === LF || d === CR) break;
          if (d === QUOTE) {
            throw new CsvSyntaxError(
              `line ${recordLine}: a double quote inside unquoted field ${fields.length + 1}`,
              recordLine,
            );
          }
          scan++;
        }
        if (scan >= length && !final) break;
        fields.push(text.slice(pos, scan));
        pos = scan;
        if (pos >= length) {
          complete = true;
          break;
        }
        const d = text.charCodeAt(pos);
        if (d === COMMA) {
          pos++;
          continue;
        }
        const end = lineEnd(text, pos, final);
        if (end === -1) break;
        pos = end;
        line++;
        complete = true;
        break;
      }
      if (!complete) {
        // Keep the partial record for the next chunk.
        pos = recordStart;
        line = recordLine;
        break;
      }
      if (!(fields.length === 1 && fields[0] === '' && isBlankRecord(text, recordStart))) {
        records.push({ fields, line: recordLine });
      }
    }
    this.buffer = text.slice(pos);
    this.bufferLine = line;
    return records;
  }
}

/** Position after the line break at `pos` (CR, LF or CRLF), or -1 if a CR ends the chunk. */
function lineEnd(text: string, pos: number, final: boolean): number {
  if (text.charCodeAt(pos) === LF) return pos + 1;
  if (pos + 1 >= text.length) return final ? pos + 1 : -1;
  return text.charCodeAt(pos + 1) === LF ? pos + 2 : pos + 1;
}

function isBlankRecord(text: string, start: number): boolean {
  const c = text.charCodeAt(start);
  return Number.isNaN(c) || c === LF || c === CR;
}

/** Parses a whole CSV text into records. */
export function parseCsv(text: string): CsvRecord[] {
  const parser = new CsvParser();
  return [...parser.push(text), ...parser.end()];
}

/**
 * Parses a stream of bytes or strings (UTF-8) into batches of records, without holding the
 * whole input in memory.
 */
export async function* readCsvRecords(source: AsyncIterable<Uint8Array | string>): AsyncGenerator<CsvRecord[]> {
  const parser = new CsvParser();
  const decoder = new TextDecoder('utf-8', { fatal: true });
  for await (const chunk of source) {
    const text = typeof chunk === 'string' ? chunk : decoder.decode(chunk, { stream: true });
    const records = parser.push(text);
    if (records.length > 0) yield records;
  }
  const tail = decoder.decode();
  const records = [...(tail ? parser.push(tail) : []), ...parser.end()];
  if (records.length > 0) yield records;
}
