import { describe, expect, it } from 'vitest';
import { CsvParser, formatCsvRow, parseCsv, quoteCsvField } from '../src/csv/index.js';

describe('RFC 4180 CSV', () => {
  it('quotes only when needed and doubles quotes', () => {
    expect(quoteCsvField('plain')).toBe('plain');
    expect(quoteCsvField('a,b')).toBe('"a,b"');
    expect(quoteCsvField('say "hi"')).toBe('"say ""hi"""');
    expect(quoteCsvField('two\nlines')).toBe('"two\nlines"');
    expect(quoteCsvField(null)).toBe('');
    expect(formatCsvRow(['x', 1, undefined, 'y,z'])).toBe('x,1,,"y,z"\n');
  });

  it('parses quoted fields, embedded newlines, CRLF and empty cells', () => {
    const records = parseCsv('a,b,c\r\n"1,5","x ""q""",\r\n"multi\nline",,z\n');
    expect(records.map((r) => r.fields)).toEqual([
      ['a', 'b', 'c'],
      ['1,5', 'x "q"', ''],
      ['multi\nline', '', 'z'],
    ]);
    expect(records.map((r) => r.line)).toEqual([1, 2, 3]);
  });

  it('gives the same records however the input is split into chunks', () => {
    const text = 'id,name\r\n1,"a ""b"" c"\r\n2,"x\r\ny"\r\n3,\r\n\r\n4,last';
    const whole = parseCsv(text).map((r) => [r.line, ...r.fields]);
    for (let size = 1; size <= 7; size++) {
      const parser = new CsvParser();
      const out = [];
      for (let i = 0; i < text.length; i += size) out.push(...parser.push(text.slice(i, i + size)));
      out.push(...parser.end());
      expect(out.map((r) => [r.line, ...r.fields])).toEqual(whole);
    }
    expect(whole).toEqual([
      [1, 'id', 'name'],
      [2, '1', 'a "b" c'],
      [3, '2', 'x\r\ny'],
      [5, '3', ''],
      [7, '4', 'last'],
    ]);
  });

  it('rejects an unterminated quote and a stray quote, naming the line', () => {
    expect(() => parseCsv('a\n"open,b\nc\n')).toThrowError(/line 2: unterminated/);
    expect(() => parseCsv('a\nb"c\n')).toThrowError(/line 2: a double quote inside unquoted field 1/);
    try {
      parseCsv('x\n"y"z\n');
    } catch (error) {
      expect((error as Error).name).toBe('CsvSyntaxError');
    }
  });
});
