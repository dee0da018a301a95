import { describe, expect, it } from 'vitest';
import { IdTable } from '../src/engine/element-table.js';

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
