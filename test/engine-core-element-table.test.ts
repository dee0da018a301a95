import { describe, expect, it } from 'vitest';
import { IdTable, hashAsciiId, type IdCursor } from '../src/engine/element-table.js';

describe('IdTable', () => {
  it('keeps ids apart as a Map does (SameValueZero)', () => {
    const table = new IdTable();
    const ids = [1, '1', 0, NaN, 1.5, 2 ** 40, 'NaN', ''];
    ids.forEach((id, i) => expect(table.add(id)).toBe(i));
    expect(table.add(-0)).toBe(-1 - 2);
    expect(table.add(NaN)).toBe(-1 - 3);
    expect(table.add('1')).toBe(-1 - 1);
    expect(table.find(1)).toBe(0);
    expect(table.find('1')).toBe(1);
    expect(table.find(NaN)).toBe(3);
    expect(table.find(2 ** 40)).toBe(5);
    expect(table.find(2)).toBe(-1);
    expect(table.size).toBe(8);
  });

  it('grows, removes and re-adds under a new index, never reusing one', () => {
    const table = new IdTable();
    const n = 5000;
    for (let i = 0; i < n; i++) expect(table.add(`v:${i}`)).toBe(i);
    for (let i = 0; i < n; i += 2) expect(table.delete(`v:${i}`)).toBe(i);
    expect(table.delete('v:0')).toBe(-1);
    expect(table.size).toBe(n / 2);
    expect(table.add('v:0')).toBe(n);
    expect(table.length).toBe(n + 1);
    expect(table.idAt(0)).toBe('v:0');
    for (let i = 1; i < n; i += 2) expect(table.find(`v:${i}`)).toBe(i);
    expect(table.find('v:2')).toBe(-1);
    expect(table.find('v:0')).toBe(n);
  });

  it('keeps working after many removals fill it with tombstones', () => {
    const table = new IdTable();
    for (let round = 0; round < 20; round++) {
      for (let i = 0; i < 1000; i++) table.add(`r${round}:${i}`);
      for (let i = 0; i < 1000; i++) expect(table.delete(`r${round}:${i}`)).toBeGreaterThanOrEqual(0);
    }
    expect(table.size).toBe(0);
    expect(table.add('last')).toBe(20000);
    expect(table.find('last')).toBe(20000);
    expect(table.find('r3:5')).toBe(-1);
  });
});

describe('IdTable id storage', () => {
  it('gives back every kind of id as it was added: ASCII, UTF-8, numbers', () => {
    const table = new IdTable();
    const ids = ['user:ann', 'email:zoë@example.com', '😀', 7, -2.5, 2 ** 40, '', 'x'.repeat(70000)];
    for (const id of ids) table.add(id);
    ids.forEach((id, i) => expect(table.idAt(i)).toBe(id));
    ids.forEach((id, i) => expect(table.find(id)).toBe(i));
    expect(table.find('email:zoe@example.com')).toBe(-1);
    expect(table.find('user:an')).toBe(-1);
    expect(table.find('7')).toBe(-1);
  });
});

describe('IdTable growth', () => {
  it('finds every id of each kind across many growths', () => {
    const table = new IdTable();
    const ids: (string | number)[] = [];
    for (let i = 0; i < 3000; i++) ids.push(i % 3 === 0 ? i : i % 3 === 1 ? `s:${i}` : `ü:${i}`);
    ids.forEach((id, i) => expect(table.add(id)).toBe(i));
    ids.forEach((id, i) => {
      expect(table.find(id)).toBe(i);
      expect(table.idAt(i)).toBe(id);
    });
  });
});

describe('IdTable.reserve', () => {
  it('makes room up front, so adding what was reserved does not grow the slots, and keeps what it holds', () => {
    const table = new IdTable();
    table.add('kept');
    table.reserve(10_000);
    const capacity = table.capacity;
    expect(capacity).toBeGreaterThanOrEqual(20_002);
    for (let i = 0; i < 9_999; i++) table.add(`id:${i}`);
    expect(table.capacity).toBe(capacity);
    expect(table.find('kept')).toBe(0);
    expect(table.find('id:9998')).toBe(9_999);
    table.add('one more than reserved');
    table.add('and another');
    expect(table.find('and another')).toBe(10_001);
  });
});

describe('IdTable.findIn and addIn (an id read out of a longer text)', () => {
  it('agree with find and add on every kind of string id, across growths', () => {
    const table = new IdTable();
    const ids: string[] = [];
    for (let i = 0; i < 3_000; i++) {
      // ASCII of every length around the word size and the short-id limit, and ids past ASCII (UTF-8).
      const body = 'x'.repeat(i % 70);
      ids.push(i % 5 === 0 ? `é:${i}${body}` : i % 7 === 0 ? `日本:${i}` : `id:${i}${body}`);
    }
    const text = (k: number) => `before,${ids[k]},after`;
    const span = (k: number): [string, number, number] => [text(k), 7, 7 + ids[k]!.length];
    // Half added from a span, half from the string; each found both ways.
    ids.forEach((id, k) => expect(k % 2 ? table.addIn(...span(k)) : table.add(id)).toBe(k));
    ids.forEach((id, k) => {
      expect(table.findIn(...span(k))).toBe(k);
      expect(table.find(id)).toBe(k);
      expect(table.idAt(k)).toBe(id);
    });
    // Taken ids are refused from a span too, and nothing is added.
    expect(table.addIn(...span(42))).toBe(-1 - 42);
    expect(table.findIn('id:1', 0, 3)).toBe(-1);
    expect(table.findIn(',,', 1, 1)).toBe(-1);
    expect(table.length).toBe(ids.length);
  });

  it('tells apart ids of one length and one hash by their bytes, whole words and the tail alike', () => {
    // Two ids of `length` characters with the same hash, found by trying ids until two collide
    // (~100,000 tries: ids that count up collide far later, so they are scrambled).
    const collide = (length: number): [string, string] => {
      const seen = new Map<number, string>();
      let x = 1;
      for (let i = 0; ; i++) {
        x = (Math.imul(x, 1103515245) + 12345) >>> 0;
        const id = `k${x.toString(36)}${i.toString(36)}`.padEnd(length, '_').slice(0, length);
        const other = seen.get(hashAsciiId(id));
        if (other !== undefined && other !== id) return [other, id];
        seen.set(hashAsciiId(id), id);
      }
    };
    for (const length of [11, 16]) {
      const [a, b] = collide(length);
      expect([a.length, b.length, hashAsciiId(a)]).toEqual([length, length, hashAsciiId(b)]);
      const table = new IdTable();
      expect(table.addIn(`,${a},`, 1, 1 + length)).toBe(0);
      // Same hash and length: only the comparison of the bytes keeps b out, and then finds it.
      expect(table.findIn(`,${b},`, 1, 1 + length)).toBe(-1);
      expect(table.find(b)).toBe(-1);
      expect(table.add(b)).toBe(1);
      expect(table.findIn(`,${a},`, 1, 1 + length)).toBe(0);
      expect(table.findIn(`,${b},`, 1, 1 + length)).toBe(1);
      expect(table.find(a)).toBe(0);
      expect([table.idAt(0), table.idAt(1)]).toEqual([a, b]);
    }
  });

  it('guesses the id a cursor stands on or the next one added, and nothing else', () => {
    const table = new IdTable();
    const ids = ['user:a', 7, 'user:bb', 'usér:c', 'user:dddd', 'user:e'];
    ids.forEach((id, i) => expect(table.add(id)).toBe(i));
    const cursor: IdCursor = { entry: -1 };
    const span = (id: string): [string, number, number] => [`x,${id},y`, 2, 2 + id.length];
    // No place yet: no guess; a lookup moves the cursor.
    expect(table.guessIn(...span('user:a'), cursor)).toBe(-1);
    expect(table.findIn(...span('user:a'), cursor)).toBe(0);
    expect(table.guessIn(...span('user:a'), cursor)).toBe(0);
    // The entry after 'user:a' is the number 7: a span is never it, and 'user:bb' is two on.
    expect(table.guessIn(...span('user:bb'), cursor)).toBe(-1);
    expect(table.findIn(...span('user:bb'), cursor)).toBe(2);
    // After 'user:bb' comes a UTF-8 id, then 'user:dddd'.
    expect(table.guessIn(...span('user:dddd'), cursor)).toBe(-1);
    expect(table.findIn(...span('user:dddd'), cursor)).toBe(4);
    // Same length, other bytes; then the next one; then the last again.
    expect(table.guessIn(...span('user:f'), cursor)).toBe(-1);
    expect(table.guessIn(...span('user:e'), cursor)).toBe(5);
    expect(table.guessIn(...span('user:e'), cursor)).toBe(5);
    // Past the last entry there is nothing to guess.
    expect(table.guessIn(...span('user:g'), cursor)).toBe(-1);
    // A removed id is not guessed, even with the cursor on it; added again, it is found anew.
    expect(table.delete('user:e')).toBe(5);
    expect(table.guessIn(...span('user:e'), cursor)).toBe(-1);
    expect(table.findIn(...span('user:dddd'), cursor)).toBe(4);
    expect(table.guessIn(...span('user:e'), cursor)).toBe(-1);
    expect(table.add('user:e')).toBe(6);
    expect(table.findIn(...span('user:e'), cursor)).toBe(6);
    expect(table.guessIn(...span('user:e'), cursor)).toBe(6);
    expect(table.idAt(5)).toBe('user:e');
  });

  it('keeps a span apart from a number id and from a UTF-8 id of other bytes', () => {
    const table = new IdTable();
    expect(table.add(12)).toBe(0);
    expect(table.findIn('a12b', 1, 3)).toBe(-1);
    expect(table.addIn('a12b', 1, 3)).toBe(1);
    expect(table.find('12')).toBe(1);
    expect(table.find(12)).toBe(0);
    expect(table.add('ü')).toBe(2);
    expect(table.findIn('xüy', 1, 2)).toBe(2);
    expect(table.findIn('xuy', 1, 2)).toBe(-1);
  });
});
