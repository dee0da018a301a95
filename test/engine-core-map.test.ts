import gremlin from 'gremlin';
import { describe, expect, it } from 'vitest';
import { __, column, modernSource, order, pop, scope, t, withOptions } from './engine-core-modern-graph.js';

const { structure } = gremlin;

describe('engine map, select and reducing steps', () => {
  const g = modernSource();
  it('returns driver structure values', async () => {
    const [v] = await g.V(1).toList();
    expect(v).toBeInstanceOf(structure.Vertex);
    expect(v).toMatchObject({ id: 1, label: 'person' });
    const [e] = await g.E(7).toList();
    expect(e).toBeInstanceOf(structure.Edge);
    expect((e as any).outV.id).toBe(1);
    expect((e as any).inV.id).toBe(2);
    const [vp] = await g.V(1).properties('name').toList();
    expect(vp).toBeInstanceOf(structure.VertexProperty);
    expect(vp).toMatchObject({ key: 'name', value: 'marko' });
    const [p] = await g.E(7).properties('weight').toList();
    expect(p).toBeInstanceOf(structure.Property);
    const [path] = await g.V(1).out('knows').path().toList();
    expect(path).toBeInstanceOf(structure.Path);
  });

  it('values / valueMap / elementMap / id / label / key / value', async () => {
    expect(await g.V(1).values('name', 'age').toList()).toEqual(['marko', 29]);
    expect(await g.V(1).valueMap().toList()).toEqual([new Map<unknown, unknown>([['name', ['marko']], ['age', [29]]])]);
    const [withTokens] = (await g.V(1).valueMap('name').with_(withOptions.tokens).toList()) as Map<unknown, unknown>[];
    expect([...withTokens!.values()]).toEqual([1, 'person', ['marko']]);
    expect(await g.V(1).valueMap('name').by(__.unfold()).toList()).toEqual([new Map([['name', 'marko']])]);
    const [em] = (await g.E(8).elementMap().toList()) as Map<unknown, unknown>[];
    expect(em!.get(t.id)).toBe(8);
    expect(em!.get('weight')).toBe(1);
    expect(await g.V(1).outE().id().toList()).toEqual([7, 8, 9]);
    expect(await g.V(1).label().toList()).toEqual(['person']);
    expect(await g.V(1).properties().key().toList()).toEqual(['name', 'age']);
    expect(await g.V(1).properties().value().toList()).toEqual(['marko', 29]);
  });

  it('count / sum / min / max / mean, global and local; fold / unfold', async () => {
    expect(await g.V().count().toList()).toEqual([6]);
    expect(await g.V().values('age').sum().toList()).toEqual([123]);
    expect(await g.V().values('age').min().toList()).toEqual([27]);
    expect(await g.V().values('age').max().toList()).toEqual([35]);
    expect(await g.V().values('age').mean().toList()).toEqual([30.75]);
    expect(await g.V().values('nothing').sum().toList()).toEqual([]);
    expect(await g.V().values('age').fold().sum(scope.local).toList()).toEqual([123]);
    expect(await g.V().values('age').fold().count(scope.local).toList()).toEqual([4]);
    expect(await g.V().values('age').fold().unfold().count().toList()).toEqual([4]);
    expect(await g.V().values('age').fold(0, gremlin.process.operator.sum).toList()).toEqual([123]);
  });

  it('order / group / groupCount', async () => {
    expect(await g.V().hasLabel('person').order().by('age', order.desc).values('name').toList()).toEqual(['peter', 'josh', 'marko', 'vadas']);
    expect(await g.V().order().by(t.label).by('name', order.desc).values('name').toList()).toEqual(['vadas', 'peter', 'marko', 'josh', 'ripple', 'lop']);
    expect(await g.V().group().by(t.label).by(__.count()).toList()).toEqual([new Map([['person', 4], ['software', 2]])]);
    expect(await g.V().group().by(t.label).by('name').toList()).toEqual([new Map([['person', ['marko', 'vadas', 'josh', 'peter']], ['software', ['lop', 'ripple']]])]);
    expect(await g.V().out().groupCount().by('name').order(scope.local).by(column.values, order.desc).limit(scope.local, 1).toList()).toEqual([new Map([['lop', 3]])]);
    expect(await g.V().groupCount('a').by(t.label).cap('a').toList()).toEqual([new Map([['person', 4], ['software', 2]])]);
  });

  it('path / as / select / project', async () => {
    const [p] = (await g.V(1).out('knows').path().by('name').toList()) as any[];
    expect(p.objects).toEqual(['marko', 'vadas']);
    expect(await g.V(1).as('a').out('knows').as('b').select('a', 'b').by('name').toList()).toEqual([
      new Map([['a', 'marko'], ['b', 'vadas']]),
      new Map([['a', 'marko'], ['b', 'josh']]),
    ]);
    expect(await g.V(1).as('a').out().as('a').select(pop.all, 'a').count(scope.local).toList()).toEqual([2, 2, 2]);
    expect(await g.V(1).as('a').out().as('a').select(pop.first, 'a').values('name').dedup().toList()).toEqual(['marko']);
    expect(await g.V().hasLabel('software').project('n', 'c').by('name').by(__.in_('created').count()).toList()).toEqual([
      new Map<string, unknown>([['n', 'lop'], ['c', 3]]),
      new Map<string, unknown>([['n', 'ripple'], ['c', 1]]),
    ]);
    expect(await g.V().hasLabel('software').group().by('name').by(__.in_('created').count()).select(column.keys).unfold().toList()).toEqual(['lop', 'ripple']);
  });

  it('aggregate / store / cap / sideEffect / sack / constant / inject / barrier', async () => {
    expect(await g.V().out('created').aggregate('x').cap('x').count(scope.local).toList()).toEqual([4]);
    expect(await g.V().hasLabel('software').store('x').by('name').cap('x').toList()).toEqual([['lop', 'ripple']]);
    expect(await g.withSack(1).V(1).outE('knows').sack(gremlin.process.operator.mult).by('weight').sack().toList()).toEqual([0.5, 1]);
    expect(await g.V().constant('x').dedup().toList()).toEqual(['x']);
    expect(await g.inject(1, 2, 3).sum().toList()).toEqual([6]);
    expect(await g.V().both().barrier().count().toList()).toEqual([12]);
    // withBulk(false) with a sack operator: barrier() merges the three traversers at lop, summing their sacks.
    const sacks = await g.withBulk(false).withSack(1, gremlin.process.operator.sum).V().out().barrier().sack().toList();
    expect((sacks as number[]).sort()).toEqual([1, 1, 1, 3]);
    expect(await g.withSideEffect('seen', []).V().sideEffect(__.values('name').aggregate('seen')).cap('seen').count(scope.local).toList()).toEqual([6]);
  });
});

describe('engine tree()', () => {
  it('folds paths into nested maps, with by() and as a side-effect', async () => {
    const g = modernSource();
    const [tree] = (await g.V(1).out().out().tree().by('name').toList()) as Map<string, Map<string, Map<string, unknown>>>[];
    expect([...tree!.keys()]).toEqual(['marko']);
    expect([...tree!.get('marko')!.keys()]).toEqual(['josh']);
    expect([...tree!.get('marko')!.get('josh')!.keys()]).toEqual(['ripple', 'lop']);
    const [side] = (await g.V(1).out().tree('t').by('name').cap('t').toList()) as Map<string, Map<string, unknown>>[];
    expect([...side!.get('marko')!.keys()]).toEqual(['vadas', 'josh', 'lop']);
  });
});
