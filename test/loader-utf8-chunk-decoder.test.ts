import { describe, expect, it } from 'vitest';
import { Utf8ChunkDecoder } from '../src/loader/utf8-chunk-decoder.js';

/** Decodes the chunks one by one, as the loader does. */
function decodeAll(chunks: (Uint8Array | string)[]): string {
  const decoder = new Utf8ChunkDecoder();
  let out = '';
  for (const chunk of chunks) out += decoder.decode(chunk);
  return out + decoder.end();
}

describe('Utf8ChunkDecoder', () => {
  it('decodes ASCII chunks, Buffers and plain Uint8Arrays alike', () => {
    const bytes = new TextEncoder().encode('~id,~label\nv1,User\n');
    const view = new Uint8Array(bytes.buffer, 4, bytes.length - 4); // an offset view
    expect(decodeAll([Buffer.from(bytes)])).toBe('~id,~label\nv1,User\n');
    expect(decodeAll([view])).toBe('~label\nv1,User\n');
    expect(decodeAll(['a,b\n', Buffer.from('c,d\n')])).toBe('a,b\nc,d\n');
  });

  it('joins a multi-byte character split across chunks, then goes on with ASCII', () => {
    const bytes = Buffer.from('v1,Zoë\nv2,日本\nv3,x\n');
    // Cut inside "ë" (2 bytes) and inside "日" (3 bytes); the pieces after each cut are ASCII-led.
    const cutE = bytes.indexOf(Buffer.from('ë')) + 1;
    const cutJ = bytes.indexOf(Buffer.from('日')) + 2;
    const chunks = [bytes.subarray(0, cutE), bytes.subarray(cutE, cutJ), bytes.subarray(cutJ, cutJ + 4), bytes.subarray(cutJ + 4)];
    expect(decodeAll(chunks)).toBe('v1,Zoë\nv2,日本\nv3,x\n');
  });

  it('drops a leading BOM and turns invalid or unfinished bytes into U+FFFD', () => {
    expect(decodeAll([Buffer.from([0xef, 0xbb, 0xbf, 0x61]), Buffer.from('b')])).toBe('ab');
    expect(decodeAll([Buffer.from([0x61, 0xff, 0x62])])).toBe('a\uFFFDb');
    expect(decodeAll([Buffer.from([0x61, 0xc3])])).toBe('a\uFFFD');
    // A character cut short by an ASCII chunk: the replacement stays in place.
    expect(decodeAll([Buffer.from([0x61, 0xc3]), Buffer.from('bc'), Buffer.from('d')])).toBe('a\uFFFDbcd');
  });
});
