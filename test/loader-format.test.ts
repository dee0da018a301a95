import { describe, expect, it } from 'vitest';
import { GremlinHeaderError, parseGremlinCsvHeader } from '../src/loader/gremlin-csv-header.js';
import { INVALID, converterFor, convertDate, splitArrayCell } from '../src/loader/gremlin-csv-values.js';

describe('Gremlin CSV types (Neptune load data format)', () => {
  it('integers: sign, digits only, Java ranges', () => {
    const byte = converterFor('Byte');
    expect([byte('127'), byte('-128'), byte('+5'), byte('128'), byte('1.0'), byte(''), byte('-'), byte('1e2')]).toEqual([
      127,
      -128,
      5,
      INVALID,
      INVALID,
      INVALID,
      INVALID,
      INVALID,
    ]);
    const int = converterFor('Int');
    expect([int('2147483647'), int('2147483648'), int(' 1')]).toEqual([2147483647, INVALID, INVALID]);
    expect(converterFor('Long')('9007199254740993')).toBe(9007199254740992); // magnitude kept, as a JS number
  });

  it('floats: decimal, scientific, Infinity, NaN, f/d suffixes; no hex, no INF', () => {
    const double = converterFor('Double');
    expect([double('1.5'), double('-2e3'), double('.5'), double('3f'), double('Infinity'), double('-Infinity')]).toEqual([
      1.5,
      -2000,
      0.5,
      3,
      Number.POSITIVE_INFINITY,
      Number.NEGATIVE_INFINITY,
    ]);
    expect(Number.isNaN(double('NaN') as number)).toBe(true);
    expect([double('0x10'), double('INF'), double('1,5'), double('e'), double('abc')]).toEqual([INVALID, INVALID, INVALID, INVALID, INVALID]);
  });

  it('booleans: true/false in any case', () => {
    const bool = converterFor('Bool');
    expect([bool('true'), bool('FALSE'), bool('True'), bool('yes'), bool('1')]).toEqual([true, false, true, INVALID, INVALID]);
  });

  it('dates: the ISO-8601 forms Neptune lists, UTC unless a zone is given', () => {
    const d = (text: string) => {
      const v = convertDate(text);
      return v === INVALID ? 'INVALID' : (v as Date).toISOString();
    };
    expect(d('2020-02-29')).toBe('2020-02-29T00:00:00.000Z');
    expect(d('2020-02-29T10:30')).toBe('2020-02-29T10:30:00.000Z');
    expect(d('2020-02-29T10:30:15')).toBe('2020-02-29T10:30:15.000Z');
    expect(d('2020-02-29T10:30:15Z')).toBe('2020-02-29T10:30:15.000Z');
    expect(d('2020-02-29T10:30:15.25+02:00')).toBe('2020-02-29T08:30:15.250Z');
    expect(d('2020-02-29T10:30:15-0130')).toBe('2020-02-29T12:00:15.000Z');
    // Years before 100 are those years (Date.UTC would read 0050 as 1950), and leap days follow the Gregorian rules.
    expect(d('0050-03-01')).toBe('0050-03-01T00:00:00.000Z');
    expect(d('0000-02-29T23:59:59Z')).toBe('0000-02-29T23:59:59.000Z');
    expect(d('1900-02-28T00:00+01:00')).toBe('1900-02-27T23:00:00.000Z');
    expect(d('9999-12-31T23:59:59.999Z')).toBe('9999-12-31T23:59:59.999Z');
    for (let i = 0; i < 2000; i++) {
      const time = Date.UTC(1600, 0, 1) + i * 7_919_999_993; // every ~92 days, 1600 to ~2100
      const iso = new Date(time).toISOString();
      expect(d(iso), iso).toBe(iso);
    }
    for (const bad of ['2019-02-29', '1900-02-29', '2020-13-01', '2020-00-10', '2020-04-31', '20200101', '2020-01-01T25:00', '2020-01-01T10:30:15X', '2020-1-01', 'yesterday']) {
      expect(d(bad), bad).toBe('INVALID');
    }
  });

  it('arrays split on ";" with "\\;" for a literal semicolon', () => {
    expect(splitArrayCell('a;b;c')).toEqual(['a', 'b', 'c']);
    expect(splitArrayCell('semi\\;colon;plain')).toEqual(['semi;colon', 'plain']);
    expect(splitArrayCell('one')).toEqual(['one']);
    expect(splitArrayCell('a;;b;')).toEqual(['a', 'b']);
  });
});

describe('Gremlin CSV headers', () => {
  it('reads system columns, typed properties, cardinality, arrays and escaped colons', () => {
    const h = parseGremlinCsvHeader(['~label', '~id', 'name', 'age:INT', 'tags:string[]', 'rank:Long(single)', 'a\\:b:Date', 'scores:Double(set)[]']);
    expect(h).toMatchObject({ kind: 'vertex', width: 8, idIndex: 1, labelIndex: 0, fromIndex: -1, toIndex: -1 });
    expect(h.properties.map((p) => [p.index, p.name, p.type, p.isArray, p.cardinality])).toEqual([
      [2, 'name', 'String', false, 'set'],
      [3, 'age', 'Int', false, 'set'],
      [4, 'tags', 'String', true, 'set'],
      [5, 'rank', 'Long', false, 'single'],
      [6, 'a:b', 'Date', false, 'set'],
      [7, 'scores', 'Double', true, 'set'],
    ]);
    const e = parseGremlinCsvHeader(['~id', '~from', '~to', 'w:Float(single)', 'since:Date']);
    expect(e).toMatchObject({ kind: 'edge', idIndex: 0, fromIndex: 1, toIndex: 2, labelIndex: -1 });
    expect(e.properties.map((p) => p.cardinality)).toEqual(['single', 'single']);
  });

  it('refuses headers Neptune refuses, naming the column', () => {
    const refuse = (fields: string[]) => {
      try {
        parseGremlinCsvHeader(fields);
      } catch (error) {
        expect((error as Error).name).toBe('GremlinHeaderError');
        return (error as GremlinHeaderError).message;
      }
      throw new Error(`accepted ${fields.join(',')}`);
    };
    expect(refuse(['~label', 'name'])).toMatch(/no ~id/);
    expect(refuse(['~id', '~from', 'x'])).toMatch(/both ~from and ~to/);
    expect(refuse(['~id', '~id'])).toMatch(/column 2 "~id": system column repeated/);
    expect(refuse(['~id', '~type'])).toMatch(/column 2 "~type": unknown system column/);
    expect(refuse(['~id', 'n:Text'])).toMatch(/column 2 "n:Text": unknown type "Text"/);
    expect(refuse(['~id', 'n:Int(many)'])).toMatch(/unknown cardinality "many"/);
    expect(refuse(['~id', '~from', '~to', 'w:Int(set)'])).toMatch(/edge properties are always single/);
    expect(refuse(['~id', '~from', '~to', 'w:Int[]'])).toMatch(/array types are not allowed on edge properties/);
    expect(refuse(['~id', 'w:Int[](single)'])).toMatch(/array column needs set cardinality/);
    expect(refuse(['~id', 'x', 'x:Int'])).toMatch(/property "x" repeated/);
    expect(refuse(['~id', 'has space'])).toMatch(/spaces, commas and line breaks/);
    expect(refuse(['~id', ''])).toMatch(/column 2: empty header/);
  });
});
