import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { AtomicFileWriter } from '../src/datagen/atomic-file-writer.js';

const root = mkdtempSync(join(tmpdir(), 'datagen-writer-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe('AtomicFileWriter', () => {
  it('encodes ASCII, UTF-8, integers, zero-padded digits and hex; counts rows and bytes', async () => {
    const path = join(root, 'fields.csv');
    const out = await AtomicFileWriter.create(path);
    out.append('a,b,c,d,e\n');
    out.text('Curaçao');
    out.comma();
    out.int(0);
    out.comma();
    out.int(4_294_967_295);
    out.comma();
    out.digits(1_234, 5);
    out.comma();
    out.hex(0xdeadbeef, 8);
    out.endRow();
    out.text("Côte d'Ivoire, \"x\"");
    out.endRow();
    expect(existsSync(path)).toBe(false);
    await out.commit();
    const expected = 'a,b,c,d,e\nCuraçao,0,4294967295,01234,deadbeef\nCôte d\'Ivoire, "x"\n';
    expect(readFileSync(path, 'utf8')).toBe(expected);
    expect(out.rows).toBe(2);
    expect(out.bytes).toBe(Buffer.byteLength(expected));
    expect(readdirSync(root).filter((f) => f.endsWith('.tmp'))).toEqual([]);
  });

  it('asks for a flush before the buffer fills and writes many MiB in order', async () => {
    const path = join(root, 'big.csv');
    const out = await AtomicFileWriter.create(path);
    const line = 'x'.repeat(99);
    let flushes = 0;
    for (let i = 0; i < 50_000; i++) {
      if (out.needsFlush()) {
        await out.flush();
        flushes++;
      }
      out.text(line);
      out.endRow();
    }
    await out.commit();
    expect(flushes).toBeGreaterThan(3);
    const text = readFileSync(path, 'utf8');
    expect(text.length).toBe(50_000 * 100);
    expect(text).toBe(`${line}\n`.repeat(50_000));
  });

  it('abort leaves the previous file untouched and no temporary file', async () => {
    const path = join(root, 'kept.csv');
    writeFileSync(path, 'previous\n');
    const out = await AtomicFileWriter.create(path);
    out.text('half a row');
    await out.flush();
    await out.abort();
    expect(readFileSync(path, 'utf8')).toBe('previous\n');
    expect(readdirSync(root).filter((f) => f.startsWith('.kept.csv'))).toEqual([]);
  });

  it('writes integers like String() across the int32 boundary and up to 10 digits', async () => {
    const path = join(root, 'digits.txt');
    const out = await AtomicFileWriter.create(path);
    const values = [0, 1, 9, 10, 99, 100, 2_147_483_647, 2_147_483_648, 4_294_967_295, 9_999_999_999];
    for (let bits = 1; bits <= 33; bits++) for (let k = 0; k < 30; k++) values.push(Math.floor(((k * 7919) % 1000) / 1000 * 2 ** bits));
    let expected = '';
    for (const value of values) {
      out.int(value);
      out.comma();
      out.digits(value % 100_000, 5);
      out.comma();
      out.digits(value, 10);
      out.endRow();
      expected += `${value},${String(value % 100_000).padStart(5, '0')},${String(value).padStart(10, '0')}\n`;
    }
    await out.commit();
    expect(readFileSync(path, 'utf8')).toBe(expected);
  });
});
