import { describe, expect, it } from 'vitest';
import { ElementTable } from '../src/engine/element-table.js';
import type { ElementId } from '../src/engine/property-graph.js';

class Item {
  removed = false;
  constructor(readonly id: ElementId) {}
}

describe('ElementTable', () => {
  it('keeps ids apart as a Map does (SameValueZero)', () => {
    const table = new ElementTable<Item>();
    for (const id of [1, '1', 0, NaN, 1.5, 2 ** 40, 'NaN', '']) expect(table.add(new Item(id))).toBe(true);
    expect(table.add(new Item(-0))).toBe(false);
    expect(table.add(new Item(NaN))).toBe(false);
    expect(table.add(new Item('1'))).toBe(false);
    expect(table.get(1)?.id).toBe(1);
    expect(table.get('1')?.id).toBe('1');
    expect(table.get(NaN)?.id).toBeNaN();
    expect(table.get(2 ** 40)?.id).toBe(2 ** 40);
    expect(table.get(2)).toBeUndefined();
    expect(table.size).toBe(8);
  });

  it('grows, removes and re-adds while keeping insertion order', () => {
    const table = new ElementTable<Item>();
    const n = 5000;
    for (let i = 0; i < n; i++) expect(table.add(new Item(`v:${i}`))).toBe(true);
    for (let i = 0; i < n; i += 2) {
      table.get(`v:${i}`)!.removed = true;
      expect(table.delete(`v:${i}`)).toBe(true);
    }
    expect(table.delete('v:0')).toBe(false);
    expect(table.size).toBe(n / 2);
    expect(table.add(new Item('v:0'))).toBe(true);
    const ids = [...table.values()].map((x) => x.id);
    expect(ids.length).toBe(n / 2 + 1);
    expect(ids[0]).toBe('v:1');
    expect(ids[ids.length - 2]).toBe(`v:${n - 1}`);
    expect(ids[ids.length - 1]).toBe('v:0');
    for (let i = 1; i < n; i += 2) expect(table.get(`v:${i}`)?.id).toBe(`v:${i}`);
    expect(table.get('v:2')).toBeUndefined();
  });

  it('lets an iteration see additions and skip removals made meanwhile, across a compaction', () => {
    const table = new ElementTable<Item>();
    for (let i = 0; i < 3000; i++) table.add(new Item(i));
    const seen: ElementId[] = [];
    for (const item of table.values()) {
      seen.push(item.id);
      if (item.id === 0) {
        table.add(new Item('late'));
        // Removing most of the table compacts its array; the iteration goes on over its own.
        for (let i = 1; i < 2500; i++) {
          table.get(i)!.removed = true;
          table.delete(i);
        }
      }
    }
    expect(seen.slice(0, 2)).toEqual([0, 2500]);
    expect(seen).toContain('late');
    expect(seen.length).toBe(502);
    expect(table.size).toBe(502);
    expect([...table.values()].length).toBe(502);
  });

  it('clears', () => {
    const table = new ElementTable<Item>();
    table.add(new Item('a'));
    table.clear();
    expect(table.size).toBe(0);
    expect(table.get('a')).toBeUndefined();
    expect(table.add(new Item('a'))).toBe(true);
  });
});
