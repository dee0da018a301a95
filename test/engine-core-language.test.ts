import { createRequire } from 'node:module';
import gremlin from 'gremlin';
import { describe, expect, it } from 'vitest';
import { LocalConnection } from '../src/engine/index.js';
import { P, __, buildModernGraph, modernSource, scope, t } from './engine-core-modern-graph.js';

// The driver's strategy classes are not re-exported by its index (nor typed).
const strategies = createRequire(import.meta.url)('gremlin/lib/process/traversal-strategy.js') as Record<string, new (o?: object) => gremlin.process.TraversalStrategy>;
const { SubgraphStrategy, PartitionStrategy, ReadOnlyStrategy } = strategies as Required<typeof strategies>;

// @types/gremlin describes the 3.6 driver: the 3.7 string, list and date steps exist at runtime only.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Loose = any;

describe('engine 3.7 language: strings, lists, dates, math, match, call, strategies', () => {
  const g: Loose = modernSource();
  it('string steps', async () => {
    expect(await g.V(1).values('name').toUpper().toList()).toEqual(['MARKO']);
    expect(await g.inject('  a b ').trim().toList()).toEqual(['a b']);
    expect(await g.inject('hello').substring(1, 3).toList()).toEqual(['el']);
    expect(await g.inject('a,b').split(',').toList()).toEqual([['a', 'b']]);
    expect(await g.V(1).as('v').values('name').concat(' is ').concat((__.select('v').values('age') as Loose).asString()).toList()).toEqual(['marko is 29']);
    expect(await g.V(1).format('%{name} is %{age}').toList()).toEqual(['marko is 29']);
    expect(await g.inject('abc').reverse().length().toList()).toEqual([3]);
    expect(await g.inject(['a', null]).replace(scope.local, 'a', 'b').toList()).toEqual([['b', null]]);
    await expect(g.inject(1).toUpper().toList()).rejects.toThrow(/can only take string/);
  });

  it('list and date steps', async () => {
    expect(await g.inject([1, 2]).combine([2, 3]).toList()).toEqual([[1, 2, 2, 3]]);
    expect(await g.inject([1, 2]).intersect([2, 3]).toList()).toEqual([new Set([2])]);
    expect(await g.inject([1, 2]).difference([2, 3]).toList()).toEqual([new Set([1])]);
    expect(await g.inject([1, 2]).disjunct([2, 3]).toList()).toEqual([new Set([1, 3])]);
    expect(await g.inject([1, 2]).product(['a']).toList()).toEqual([[[1, 'a'], [2, 'a']]]);
    expect(await g.inject([1, 2]).conjoin('-').toList()).toEqual(['1-2']);
    expect(await g.inject([1, 2]).all(P.gt(0)).count().toList()).toEqual([1]);
    expect(await g.inject([1, 2]).any(P.gt(1)).count().toList()).toEqual([1]);
    const [d] = await g.inject('2023-08-02T00:00:00Z').asDate().dateAdd((gremlin.process as Loose).dt.hour, 2).toList();
    expect((d as Date).toISOString()).toBe('2023-08-02T02:00:00.000Z');
  });

  it('math / match / call', async () => {
    expect(await g.V(1).outE().values('weight').math('_ * 10').toList()).toEqual([5, 10, 4]);
    expect(await g.V().as('a').out('knows').as('b').math('a + b').by('age').toList()).toEqual([56, 61]);
    const rows = await g.V().match(__.as('a').out('created').as('b'), __.as('b').in_('created').as('c')).where('a', P.neq('c')).select('a', 'c').by('name').toList();
    expect(rows).toHaveLength(6);
    expect(await g.V().as('v').call('tinker.degree.centrality').toList()).toEqual([0, 1, 3, 1, 1, 0]);
  });

  it('SubgraphStrategy, PartitionStrategy and ReadOnlyStrategy', async () => {
    const sub = g.withStrategies(new SubgraphStrategy({ vertices: __.hasLabel('person'), edges: __.hasLabel('knows') }));
    expect(await sub.V().count().toList()).toEqual([4]);
    expect(await sub.V(1).both().values('name').toList()).toEqual(['vadas', 'josh']);
    expect(await sub.E().count().toList()).toEqual([2]);
    const graph = buildModernGraph();
    const base: Loose = gremlin.process.AnonymousTraversalSource.traversal().withRemote(new LocalConnection(graph));
    const a = base.withStrategies(new PartitionStrategy({ partitionKey: '_p', writePartition: 'a', readPartitions: ['a'] }));
    await a.addV('thing').property('name', 'x').iterate();
    expect(await a.V().values('name').toList()).toEqual(['x']);
    expect(await base.V().has('_p', 'a').count().toList()).toEqual([1]);
    await expect(base.withStrategies(new ReadOnlyStrategy()).addV('x').toList()).rejects.toThrow(/read only/);
    expect(await base.V().hasLabel('thing').count().toList()).toEqual([1]);
    void t;
  });
});
