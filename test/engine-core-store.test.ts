import { describe, expect, it } from 'vitest';
import { PropertyGraph } from '../src/engine/index.js';

describe('PropertyGraph store', () => {
  it('adds vertices and edges with ids, labels and adjacency', () => {
    const g = new PropertyGraph();
    const a = g.addVertex('user:a', 'User');
    const b = g.addVertex('email:b', 'Email');
    const e = g.addEdge('e1', 'hasEmail', a, b);
    expect(g.vertexCount).toBe(2);
    expect(g.edgeCount).toBe(1);
    expect(g.getVertex('user:a')).toBe(a);
    expect(g.getEdge('e1')).toBe(e);
    expect(g.edgeOut(e)).toBe(a);
    expect(g.edgeIn(e)).toBe(b);
    expect(g.edgeLabel(e)).toBe('hasEmail');
    expect(a.outE).toEqual([e]);
    expect(b.inE).toEqual([e]);
    expect(a.inE).toBeNull();
    const loop = g.addEdge('loop', 'self', a, a);
    expect(a.outE).toEqual([e, loop]);
    expect(a.inE).toEqual([loop]);
    g.removeEdge(loop);
    expect(a.outE).toEqual([e]);
    expect(g.elementId(e)).toBe('e1');
    expect([...g.vertices()].map((v) => g.elementId(v))).toEqual(['user:a', 'email:b']);
    expect([...g.edges()]).toEqual([e]);
  });

  it('rejects duplicate ids with InvalidInputError', () => {
    const g = new PropertyGraph();
    const a = g.addVertex('x', 'A');
    expect(() => g.addVertex('x', 'A')).toThrowError(expect.objectContaining({ name: 'InvalidInputError' }));
    g.addEdge('e', 'l', a, a);
    expect(() => g.addEdge('e', 'l', a, a)).toThrowError(expect.objectContaining({ name: 'InvalidInputError' }));
  });

  it('generates UUID string ids by default and numbers when asked', () => {
    const g = new PropertyGraph();
    const v = g.addVertex(undefined, 'A');
    expect(String(v.id)).toMatch(/^[0-9a-f-]{36}$/);
    const t = new PropertyGraph({ idGenerator: 'number' });
    t.addVertex(1, 'A');
    t.addVertex(2, 'A');
    expect(t.addVertex(undefined, 'A').id).toBe(3);
  });

  it('keeps several labels, shows them joined by :: and indexes each', () => {
    const g = new PropertyGraph();
    const v = g.addVertex('v', ['User', 'Person']);
    expect(g.vertexLabel(v)).toBe('User::Person');
    expect(g.vertexHasLabel(v, 'Person')).toBe(true);
    g.addVertexLabel(v, 'Admin');
    expect([...g.verticesWithLabel('Admin')]).toEqual([v]);
    expect([...g.verticesWithLabel('User')]).toEqual([v]);
    expect(g.countVerticesWithLabel('Person')).toBe(1);
  });

  it('builds label indexes on first use and keeps them up to date after', () => {
    const g = new PropertyGraph();
    const a = g.addVertex('a', 'A');
    expect([...g.verticesWithLabel('A')]).toEqual([a]);
    const b = g.addVertex('b', 'A');
    const e = g.addEdge('e', 'l', a, b);
    expect([...g.edgesWithLabel('l')]).toEqual([e]);
    const f = g.addEdge('f', 'l', b, a);
    expect([...g.edgesWithLabel('l')]).toEqual([e, f]);
    g.removeVertex(a);
    expect([...g.verticesWithLabel('A')]).toEqual([b]);
    expect([...g.edgesWithLabel('l')]).toEqual([]);
    g.clear();
    expect(g.countVerticesWithLabel('A')).toBe(0);
  });

  it('applies set, single and list cardinality with meta-properties', () => {
    const g = new PropertyGraph();
    const v = g.addVertex('v', 'A');
    g.setVertexProperty(v, 'k', 1);
    g.setVertexProperty(v, 'k', 1, undefined, { since: 2020 });
    g.setVertexProperty(v, 'k', 2);
    expect(g.vertexProperties(v).map((p) => p.value)).toEqual([1, 2]);
    expect(g.vertexProperties(v)[0]!.meta).toEqual({ since: 2020 });
    g.setVertexProperty(v, 'k', 3, 'single');
    expect(g.vertexProperties(v).map((p) => p.value)).toEqual([3]);
    g.setVertexProperty(v, 'k', 3, 'list');
    expect(g.vertexProperties(v).map((p) => p.value)).toEqual([3, 3]);
    const list = new PropertyGraph({ defaultCardinality: 'list' });
    const w = list.addVertex(1, 'A');
    list.setVertexProperty(w, 'k', 'x');
    list.setVertexProperty(w, 'k', 'x');
    expect(list.vertexProperties(w)).toHaveLength(2);
    expect(() => g.setVertexProperty(v, 'k', null)).toThrowError(expect.objectContaining({ name: 'InvalidInputError' }));
  });

  it('sets and removes edge properties (one value per key)', () => {
    const g = new PropertyGraph();
    const a = g.addVertex('a', 'A');
    const e = g.addEdge('e', 'l', a, a);
    g.setEdgeProperty(e, 'w', 1);
    g.setEdgeProperty(e, 'w', 2);
    g.setEdgeProperty(e, 'z', 'q');
    expect(g.edgeProperties(e)).toEqual([{ key: 'w', value: 2 }, { key: 'z', value: 'q' }]);
    g.removeEdgeProperty(e, 'w');
    expect(g.edgeProperty(e, 'w')).toBeUndefined();
    expect(g.edgeProperty(e, 'z')).toBe('q');
  });

  it('finds vertices by property value through an index kept up to date', () => {
    const g = new PropertyGraph();
    const a = g.addVertex('a', 'A');
    const b = g.addVertex('b', 'A');
    g.setVertexProperty(a, 'name', 'x');
    expect(g.verticesWithValue('name', 'x')).toEqual([a]);
    g.setVertexProperty(b, 'name', 'x');
    expect(g.verticesWithValue('name', 'x')).toEqual([a, b]);
    g.setVertexProperty(a, 'name', 'y', 'single');
    expect(g.verticesWithValue('name', 'x')).toEqual([b]);
    expect(g.verticesWithValue('name', 'y')).toEqual([a]);
    g.removeVertex(b);
    expect(g.verticesWithValue('name', 'x')).toEqual([]);
    expect(g.verticesWithValue('name', new Date(0))).toBeUndefined();
  });

  it('removes vertices with their edges and keeps the label index consistent', () => {
    const g = new PropertyGraph();
    const a = g.addVertex('a', 'A');
    const b = g.addVertex('b', 'B');
    const e = g.addEdge('e', 'l', a, b);
    g.removeVertex(b);
    expect(g.vertexCount).toBe(1);
    expect(g.edgeCount).toBe(0);
    expect(e.removed).toBe(true);
    expect(a.outE).toBeNull();
    expect([...g.verticesWithLabel('B')]).toEqual([]);
    expect([...g.edgesWithLabel('l')]).toEqual([]);
    expect(g.getVertex('b')).toBeUndefined();
    expect(() => g.addEdge('e2', 'l', a, b)).toThrowError(expect.objectContaining({ name: 'NotFoundError' }));
  });
});

describe('PropertyGraph.reserve', () => {
  it('keeps the graph as it was and grows past the reservation', () => {
    const g = new PropertyGraph();
    const a = g.addVertexRecord('a', 'A');
    g.reserve(3, 2);
    const b = g.addVertexRecord('b', 'B');
    g.addEdgeRecord('ab', 'ab', a, b);
    for (let i = 0; i < 100; i++) g.addEdgeRecord(`loop:${i}`, 'loop', b, b);
    expect(g.vertexCount).toBe(2);
    expect(g.edgeCount).toBe(101);
    expect(g.vertexAt(a).outE!.map((e) => e.id)).toEqual(['ab']);
    expect(g.vertexAt(b).inE!.length).toBe(101);
  });
});

describe('element handles', () => {
  it('show as v[id] and e[id][out-label->in] in console.log, not as the store behind them', async () => {
    const { inspect } = await import('node:util');
    const g = new PropertyGraph();
    const a = g.addVertex('a', 'A');
    const b = g.addVertex('b', 'B');
    const e = g.addEdge('ab', 'knows', a, b);
    expect(inspect(a)).toBe('v[a]');
    expect(inspect({ edge: e })).toBe('{ edge: e[ab][a-knows->b] }');
  });
});

describe('packed vertex properties (the bulk loader path)', () => {
  it('keeps a new vertex\'s properties packed until asked for, then behaves as properties set one by one', () => {
    const g = new PropertyGraph();
    const v = g.vertexAt(g.addVertexRecord('s1', 'SessionID'));
    g.setNewVertexProperties(v, ['platform', 'events', 'url'], ['ios', 14, 'https://x'], ['single', 'single', 'single'], 3);
    expect(v.packed).not.toBeNull();
    expect(g.verticesWithValue('platform', 'ios')).toEqual([v]);
    // Read without unpacking.
    const seen: unknown[] = [];
    g.forEachVertexProperty(v, (key, value, id) => seen.push([key, value, id]));
    expect(seen).toEqual([['platform', 'ios', 0], ['events', 14, 1], ['url', 'https://x', 2]]);
    expect(v.packed).not.toBeNull();
    // Asking for the objects unpacks them, ids kept; later writes work as usual.
    expect(g.vertexProperties(v)).toEqual([
      { key: 'platform', value: 'ios', id: 0 },
      { key: 'events', value: 14, id: 1 },
      { key: 'url', value: 'https://x', id: 2 },
    ]);
    expect(v.packed).toBeNull();
    g.setVertexProperty(v, 'events', 15, 'single');
    expect(g.vertexProperties(v).map((p) => [p.key, p.value, p.id])).toEqual([['platform', 'ios', 0], ['url', 'https://x', 2], ['events', 15, 3]]);
  });

  it('falls back to one by one for repeated keys (an array column) and keeps set semantics', () => {
    const g = new PropertyGraph();
    const v = g.vertexAt(g.addVertexRecord('u1', 'User'));
    g.setNewVertexProperties(v, ['tag', 'tag', 'tag'], ['a', 'b', 'a'], ['set', 'set', 'set'], 3);
    expect(v.packed).toBeNull();
    expect(g.vertexProperties(v).map((p) => p.value)).toEqual(['a', 'b']);
  });

  it('restores saved properties packed when their ids follow one another, and never reuses their ids', () => {
    const g = new PropertyGraph();
    const v = g.vertexAt(g.addVertexRecord('v', 'V'));
    g.restoreVertexProperties(v, ['a', 'b'], [1, 2], [40, 41], [undefined, undefined]);
    expect(v.packed).not.toBeNull();
    const w = g.vertexAt(g.addVertexRecord('w', 'V'));
    g.restoreVertexProperties(w, ['a', 'b'], [1, 2], [7, 9], [undefined, new Map([['since', 2020]])]);
    expect(w.packed).toBeNull();
    expect(g.vertexProperties(w)).toEqual([{ key: 'a', value: 1, id: 7 }, { key: 'b', value: 2, id: 9, meta: { since: 2020 } }]);
    const added = g.setVertexProperty(w, 'c', 3);
    expect(added.id).toBe(42);
  });
});
