import { describe, expect, it } from 'vitest';
import { buildModernGraph, cardinality, direction, merge, modernSource, t, __ } from './engine-core-modern-graph.js';
import { LocalConnection, PropertyGraph } from '../src/engine/index.js';
import gremlin from 'gremlin';

describe('engine mutation steps', () => {
  it('addV / addE / property with user ids, cardinality and meta-properties', async () => {
    const graph = new PropertyGraph();
    const g = gremlin.process.AnonymousTraversalSource.traversal().withRemote(new LocalConnection(graph));
    await g.addV('User').property(t.id, 'user:a').property('name', 'a').iterate();
    await g.addV('Email').property(t.id, 'email:a').iterate();
    await g.V('user:a').addE('hasEmail').to(__.V('email:a')).property(t.id, 'e1').iterate();
    expect(graph.getEdge('e1')?.label).toBe('hasEmail');
    expect(await g.V('user:a').out('hasEmail').id().toList()).toEqual(['email:a']);
    // Neptune's default is set cardinality: the same value twice is kept once, a new one is added.
    await g.V('user:a').property('tag', 'x').property('tag', 'x').property('tag', 'y').iterate();
    expect(await g.V('user:a').values('tag').toList()).toEqual(['x', 'y']);
    await g.V('user:a').property(cardinality.single, 'tag', 'z').iterate();
    expect(await g.V('user:a').values('tag').toList()).toEqual(['z']);
    await g.V('user:a').property(cardinality.list, 'n', 1, 'source', 'crm').iterate();
    expect(await g.V('user:a').properties('n').values('source').toList()).toEqual(['crm']);
    const [generated] = await g.addV('Device').id().toList();
    expect(String(generated)).toMatch(/^[0-9a-f-]{36}$/);
    expect(await g.addE('x').from_(__.V('user:a')).to(__.V('email:a')).outV().id().toList()).toEqual(['user:a']);
  });

  it('property() right after addV/addE is folded into it: its traversals read the traverser that entered addV/addE', async () => {
    const graph = new PropertyGraph();
    const g = gremlin.process.AnonymousTraversalSource.traversal().withRemote(new LocalConnection(graph));
    await g.addV('User').property(t.id, 'user:a').property('name', 'ann').iterate();
    await g.addV('User').property(t.id, 'user:b').property('name', 'bob').iterate();
    // Each copy takes the name of the vertex it was made from (evaluated on the new, empty vertex it would have none).
    await g.V().hasLabel('User').addV('Copy').property('name', __.values('name')).property(__.values('name'), __.id()).iterate();
    expect((await g.V().hasLabel('Copy').values('name').toList()).sort()).toEqual(['ann', 'bob']);
    expect(await g.V().hasLabel('Copy').has('ann', 'user:a').count().next()).toEqual({ value: 1, done: false });
    // Not folded (a cardinality): evaluated on the new element, which has no name.
    await g.V('user:a').addV('Other').property(cardinality.single, 'name', __.values('name')).iterate();
    expect(await g.V().hasLabel('Other').values('name').toList()).toEqual([]);
    await g.V('user:a').addE('knows').to(__.V('user:b')).property('since', __.values('name')).iterate();
    expect(await g.E().hasLabel('knows').values('since').toList()).toEqual(['ann']);
  });

  it('mergeV / mergeE with onCreate and onMatch', async () => {
    const graph = new PropertyGraph();
    const g = gremlin.process.AnonymousTraversalSource.traversal().withRemote(new LocalConnection(graph));
    const search = new Map<unknown, unknown>([[t.id, 'user:a'], [t.label, 'User']]);
    await g.mergeV(search).option(merge.onCreate, new Map([['created', true]])).option(merge.onMatch, new Map([['seen', 1]])).iterate();
    expect(await g.V('user:a').valueMap().toList()).toEqual([new Map([['created', [true]]])]);
    await g.mergeV(search).option(merge.onCreate, new Map([['created', true]])).option(merge.onMatch, new Map([['seen', 2]])).iterate();
    expect(await g.V('user:a').values('seen').toList()).toEqual([2]);
    expect(graph.vertexCount).toBe(1);
    await g.mergeV(new Map<unknown, unknown>([[t.id, 'email:a'], [t.label, 'Email']])).iterate();
    const edge = new Map<unknown, unknown>([[t.id, 'e1'], [t.label, 'hasEmail'], [direction.out, 'user:a'], [direction.in, 'email:a']]);
    await g.mergeE(edge).iterate();
    await g.mergeE(edge).option(merge.onMatch, new Map([['w', 1]])).iterate();
    expect(graph.edgeCount).toBe(1);
    expect(await g.E('e1').values('w').toList()).toEqual([1]);
    const missing = new Map<unknown, unknown>([[t.label, 'x'], [direction.out, 'nope'], [direction.in, 'email:a']]);
    await expect(g.mergeE(missing).toList()).rejects.toMatchObject({ name: 'InvalidInputError' });
    await expect(g.mergeV(new Map([['~label', 'x']])).toList()).rejects.toThrow(/hidden key/);
  });

  it('drop removes elements and properties', async () => {
    const graph = buildModernGraph();
    const g = modernSource(graph);
    await g.V(1).properties('age').drop().iterate();
    expect(await g.V(1).values('age').toList()).toEqual([]);
    await g.E(7).drop().iterate();
    expect(graph.edgeCount).toBe(5);
    await g.V().hasLabel('software').drop().iterate();
    expect(graph.vertexCount).toBe(4);
    expect(graph.edgeCount).toBe(1);
  });

  it('rejects lambdas and unknown steps with clear errors and honours the timeout', async () => {
    const g = modernSource();
    await expect(g.V().map(() => 1).toList()).rejects.toThrow(/Neptune does not support lambdas/);
    const bytecode = new gremlin.process.Bytecode();
    bytecode.addStep('V', []);
    bytecode.addStep('frobnicate', []);
    const { runBytecode } = await import('../src/engine/index.js');
    expect(() => runBytecode(buildModernGraph(), bytecode as never)).toThrowError(/frobnicate\(\): unsupported step/);
    const slow = gremlin.process.AnonymousTraversalSource.traversal().withRemote(new LocalConnection(buildModernGraph(), { evaluationTimeoutMs: 50 }));
    await expect(slow.V().repeat(__.both()).times(20).path().count().toList()).rejects.toMatchObject({ name: 'DeadlineExceededError' });
    // An unbounded bulked repeat() overflows a Long's range within milliseconds: it says so (Java would wrap around).
    await expect(slow.V().repeat(__.both()).emit().count().toList()).rejects.toThrow(/beyond the range of a 64-bit Long/);
  });
});
