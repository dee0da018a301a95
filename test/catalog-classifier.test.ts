import { describe, expect, it } from 'vitest';
import { CSV_SAMPLE_BYTES, classifyCsvSample, crawlSourceFolders, inferGlueType, isGlueColumnName, mergeGlueTypes } from '../src/catalog/index.js';
import { sourceKey } from '../src/lake/dataset-layout.js';
import { createMemoryObjectStore } from './support/catalog-suite.js';

const names = (text: string) => classifyCsvSample(text, 'k').columns.map((c) => c.Name);
const types = (text: string) => classifyCsvSample(text, 'k').columns.map((c) => c.Type);

describe("Glue's built-in CSV classifier rules", () => {
  it('infers value types: boolean, bigint (64-bit), double, else string; empty is null', () => {
    expect(['true', 'FALSE', '42', '-7', '+3', '3.14', '.5', '1e10', '2.', 'abc', '2024-01-01', '', '  ', '9223372036854775807', '9223372036854775808', '0x1F'].map(inferGlueType)).toEqual([
      'boolean', 'boolean', 'bigint', 'bigint', 'bigint', 'double', 'double', 'double', 'double', 'string', 'string', undefined, undefined, 'bigint', 'string', 'string',
    ]);
  });

  it('merges column types: bigint+double → double, other mixes → string, null leaves the type', () => {
    expect(mergeGlueTypes('bigint', 'double')).toBe('double');
    expect(mergeGlueTypes('boolean', 'bigint')).toBe('string');
    expect(mergeGlueTypes(undefined, 'bigint')).toBe('bigint');
    expect(mergeGlueTypes('bigint', undefined)).toBe('bigint');
    expect(types('a,b,c\n1,x,true\n2.5,,false\n')).toEqual(['double', 'string', 'boolean']);
    expect(types('a,b\nx,\ny,\n')).toEqual(['string', 'string']);
  });

  it('takes the first row as header only when some data column is not a string', () => {
    expect(names('name,age\nann,31\nbob,42\n')).toEqual(['name', 'age']);
    expect(classifyCsvSample('name,age\nann,31\n', 'k').hasHeader).toBe(true);
    const allStrings = classifyCsvSample('name,city\nann,Oslo\nbob,Rome\n', 'k');
    expect(allStrings.hasHeader).toBe(false);
    expect(allStrings.headerRejectedBecause).toContain('every data column parses as STRING');
    expect(allStrings.columns).toEqual([{ Name: 'col0', Type: 'string' }, { Name: 'col1', Type: 'string' }]);
  });

  it('rejects a header with a non-STRING cell, an over-long cell, a bad name, or a repeated name', () => {
    expect(names('id,2020\nx,1\ny,2\n')).toEqual(['col0', 'col1']);
    expect(names(`${'x'.repeat(150)},n\na,1\n`)).toEqual(['col0', 'col1']);
    expect(names(`n,${'x'.repeat(150)}\na,1\n`)).toEqual(['n', 'x'.repeat(150)]); // the last column may be long
    expect(names('a\u0007b,n\nx,1\n')).toEqual(['col0', 'col1']);
    expect(names('a,a\nx,1\n')).toEqual(['col0', 'col1']);
    expect(isGlueColumnName('user-agent')).toBe(true);
    expect(isGlueColumnName('')).toBe(false);
    expect(isGlueColumnName('x'.repeat(256))).toBe(false);
  });

  it('ignores the empty last column a trailing delimiter makes', () => {
    expect(classifyCsvSample('name,n,\nann,1,\nbob,2,\n', 'k').columns).toEqual([{ Name: 'name', Type: 'string' }, { Name: 'n', Type: 'bigint' }]);
  });

  it('lower-cases header names, strips a BOM, and types data rows only', () => {
    const csv = classifyCsvSample('\uFEFFUser_Name,Points\nann,3\nbob,4\n', 'k');
    expect(csv.columns).toEqual([{ Name: 'user_name', Type: 'string' }, { Name: 'points', Type: 'bigint' }]);
  });

  it('detects comma, pipe, tab, semicolon and Ctrl-A delimiters, in that order of preference', () => {
    for (const d of [',', '|', '\t', ';', '\u0001']) {
      const csv = classifyCsvSample(`a${d}b\nx${d}1\ny${d}2\n`, 'k');
      expect(csv.delimiter).toBe(d);
      expect(csv.columns.map((c) => c.Name)).toEqual(['a', 'b']);
    }
    // Commas inside a pipe-delimited file do not fool it: comma gives ragged rows.
    expect(classifyCsvSample('a|b\nx,y|1\nz|2\n', 'k').delimiter).toBe('|');
  });

  it('handles RFC 4180 quotes (and reports them: the crawler then uses OpenCSVSerde)', () => {
    const csv = classifyCsvSample('name,n\n"Doe, J",1\n"say ""hi""\nthere",2\n', 'k');
    expect(csv.quoted).toBe(true);
    expect(csv.sampledRows).toBe(3);
    expect(csv.columns).toEqual([{ Name: 'name', Type: 'string' }, { Name: 'n', Type: 'bigint' }]);
  });

  it('fails clearly, naming the object, on empty, binary, single-column or single-row input', () => {
    for (const [text, why] of [
      ['', 'empty'],
      ['\n\n', 'empty'],
      ['a\u0000b,c\n1,2\n', 'binary'],
      ['one\ncolumn\nonly\n', 'no delimiter'],
      ['a,b\n1,2,3\n', 'no delimiter'],
      ['a,b\n', 'at least two rows'],
    ]) {
      expect(() => classifyCsvSample(text, 's3://bucket/datasets/x.csv')).toThrow(
        expect.objectContaining({ name: 'InvalidInputError', message: expect.stringMatching(new RegExp(`s3://bucket/datasets/x.csv: .*${why}`)) }),
      );
    }
  });

  it('drops the cut last line of a truncated sample', () => {
    const csv = classifyCsvSample('a,b\nx,1\ny,2\nz,this-line-is-cu', 'k', true);
    expect(csv.sampledRows).toBe(3);
    expect(csv.columns[1]!.Type).toBe('bigint');
  });

  it('samples only the first bytes of each object (Glue reads the first 2 MB of a CSV)', async () => {
    expect(CSV_SAMPLE_BYTES).toBe(2 * 1024 * 1024);
    const store = createMemoryObjectStore();
    const head = 'id,n\n' + Array.from({ length: 2000 }, (_, i) => `r${i},${i}\n`).join('');
    // A string past the sample would make `n` a string column, if it were read.
    await store.putObject(sourceKey('demo', 'demo.csv'), head + 'late,not-a-number\n');
    const sampled = await crawlSourceFolders({ store, database: 'db', tablePrefix: 'p_', crawlerName: 'c', sampleBytes: 4096 });
    expect(sampled[0]!.StorageDescriptor.Columns).toEqual([{ Name: 'id', Type: 'string' }, { Name: 'n', Type: 'bigint' }]);
    const whole = await crawlSourceFolders({ store, database: 'db', tablePrefix: 'p_', crawlerName: 'c' });
    // Read whole, `n` is a string column, every column is STRING, and the header is lost.
    expect(whole[0]!.StorageDescriptor.Columns).toEqual([{ Name: 'col0', Type: 'string' }, { Name: 'col1', Type: 'string' }]);
  });

  it('refuses to merge objects of different widths into one table, naming both', async () => {
    const store = createMemoryObjectStore();
    await store.putObject(sourceKey('demo', 'a.csv'), 'x,n\na,1\n');
    await store.putObject(sourceKey('demo', 'b.csv'), 'x,n,z\na,1,2\n');
    const error = await crawlSourceFolders({ store, database: 'db', tablePrefix: 'p_', crawlerName: 'c' }).catch((e: Error) => e);
    expect((error as Error).name).toBe('InvalidInputError');
    expect((error as Error).message).toMatch(/a\.csv has 2 columns but .*b\.csv has 3/);
  });
});
