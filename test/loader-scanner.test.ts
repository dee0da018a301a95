import { describe, expect, it } from 'vitest';
import { parseCsv } from '../src/csv/index.js';
import { CsvRecordScanner } from '../src/loader/csv-record-scanner.js';

type Item = { fields: string[]; line: number } | { error: string; line: number };

/** Scans text cut into chunks at the given positions. */
function scan(text: string, cuts: number[] = []): Item[] {
  const items: Item[] = [];
  const scanner = new CsvRecordScanner({
    record: (fields, count, line, spans) => {
      // Where spans are given they say where each field is in the text scanned.
      if (spans) for (let i = 0; i < count; i++) expect(spans.text.slice(spans.starts[i], spans.ends[i])).toBe(fields[i]);
      items.push({ fields: fields.slice(0, count), line });
    },
    error: (message, line) => items.push({ error: message, line }),
  });
  let from = 0;
  for (const cut of [...cuts].sort((a, b) => a - b)) {
    scanner.push(text.slice(from, cut));
    from = cut;
  }
  scanner.push(text.slice(from));
  scanner.end();
  return items;
}

const VALID = [
  'a,b,c\n1,2,3\n',
  'a,b\r\n1,2\r\n3,4',
  'a,b\r1,2\r3,4\r',
  '~id,name\n"x,1","line one\nline two"\n"y""q""",\n\nz,"a\r\nb"\n',
  'id,v\n1,"ends with quote"""\n2,""\n3,"",\n',
  'only\n',
  'id\na\nb\n\nc\nd',
  'x,y\n1,2\nsolo\n3,4\n',
  ',\n,,\n',
  'é,ü\n"ß,ö",日本\n',
];

function pseudoRandom(seed: number): () => number {
  let s = seed;
  return () => {
    s = (s * 1103515245 + 12345) % 2 ** 31;
    return s / 2 ** 31;
  };
}

describe('CsvRecordScanner (the loader’s RFC 4180 scanner)', () => {
  it('gives the same records and lines as src/csv parseCsv, however the input is cut into chunks', () => {
    const random = pseudoRandom(7);
    for (const text of VALID) {
      const expected = parseCsv(text).map((r) => ({ fields: r.fields, line: r.line }));
      expect(scan(text), JSON.stringify(text)).toEqual(expected);
      for (let i = 0; i <= text.length; i++) expect(scan(text, [i]), `${JSON.stringify(text)} cut at ${i}`).toEqual(expected);
      for (let trial = 0; trial < 20; trial++) {
        const cuts = Array.from({ length: 3 }, () => Math.floor(random() * text.length));
        expect(scan(text, cuts), `${JSON.stringify(text)} cut at ${cuts}`).toEqual(expected);
      }
    }
  });

  it('gives the spans of a record without quotes, also in a chunk that finishes the record cut by the last one', () => {
    const spans: boolean[] = [];
    const scanner = new CsvRecordScanner({
      record: (_fields, _count, _line, given) => void spans.push(given !== undefined),
      error: () => expect.unreachable(),
    });
    for (const chunk of ['a,b\n1,', '2\n3,4\n5', ',6\n"q",7\n8,9']) scanner.push(chunk);
    scanner.end();
    expect(spans).toEqual([true, true, true, true, false, true]);
  });

  it('reports a malformed record with its line and goes on with the next line', () => {
    const text = 'h1,h2\na,b"c\nd,e\n"f"g,h\ni,j\n';
    for (const cuts of [[], [8], [9], [14], [20]]) {
      expect(scan(text, cuts)).toEqual([
        { fields: ['h1', 'h2'], line: 1 },
        { error: 'line 2: a double quote inside unquoted field 2', line: 2 },
        { fields: ['d', 'e'], line: 3 },
        { error: 'line 4: unexpected text after the closing quote of field 1', line: 4 },
        { fields: ['i', 'j'], line: 5 },
      ]);
    }
  });

  it('an unterminated quote runs to the end of the input: one error', () => {
    expect(scan('h\nok\n"open\nmore\nlines\n', [5, 9])).toEqual([
      { fields: ['h'], line: 1 },
      { fields: ['ok'], line: 2 },
      { error: 'line 3: unterminated quoted field 1', line: 3 },
    ]);
  });
});
