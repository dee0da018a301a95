import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { ReadAhead } from '../src/loader/read-ahead.js';

/** A source of `count` chunks of `size` bytes that records how many were taken and whether it was closed. */
function countingSource(count: number, size: number, failAt = -1) {
  const state = { taken: 0, closed: false };
  const source: AsyncIterable<Uint8Array> = {
    [Symbol.asyncIterator]() {
      return {
        async next() {
          if (state.taken === failAt) throw new Error(`read failed at chunk ${failAt}`);
          if (state.taken >= count) return { done: true, value: undefined };
          return { done: false, value: new Uint8Array(size).fill(state.taken++ % 256) };
        },
        async return() {
          state.closed = true;
          return { done: true, value: undefined };
        },
      };
    },
  };
  return { source, state };
}

const tick = () => new Promise((resolve) => setImmediate(resolve));

describe('ReadAhead', () => {
  it('reads up to its limit before anything is taken, and gives every chunk back in order', async () => {
    const { source, state } = countingSource(10, 100);
    const ahead = new ReadAhead(source, 350);
    for (let i = 0; i < 5; i++) await tick();
    // 350 bytes are 4 chunks of 100: it stops once it holds the limit or more.
    expect(state.taken).toBe(4);
    const seen: number[] = [];
    for await (const chunk of ahead) seen.push((chunk as Uint8Array)[0]!);
    expect(seen).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
  });

  it('hands a read error to the reader after the chunks read before it', async () => {
    const { source } = countingSource(10, 10, 3);
    const seen: number[] = [];
    await expect(
      (async () => {
        for await (const chunk of new ReadAhead(source, 1000)) seen.push((chunk as Uint8Array)[0]!);
      })(),
    ).rejects.toThrow('read failed at chunk 3');
    expect(seen).toEqual([0, 1, 2]);
  });

  it('closes its source when the reader stops early or destroys it unread', async () => {
    const early = countingSource(100, 10);
    for await (const _chunk of new ReadAhead(early.source, 50)) break;
    await tick();
    expect(early.state.closed).toBe(true);
    expect(early.state.taken).toBeLessThan(100);

    const unread = countingSource(100, 10);
    const ahead = new ReadAhead(unread.source, 50);
    ahead.destroy();
    await tick();
    expect(unread.state.closed).toBe(true);
  });

  it('reads a Node stream of strings to its end', async () => {
    const text: string[] = [];
    for await (const chunk of new ReadAhead(Readable.from(['a,b\n', 'c,d\n', 'e,f\n']), 4)) text.push(chunk as string);
    expect(text.join('')).toBe('a,b\nc,d\ne,f\n');
  });
});
