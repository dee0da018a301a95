import { describe, expect, it } from 'vitest';
import { P, TextP, __, modernSource, scope, t } from './engine-core-modern-graph.js';

describe('engine filter steps', () => {
  const g = modernSource();
  it('has / hasLabel / hasId / hasNot / hasKey / hasValue', async () => {
    expect(await g.V().has('person', 'name', 'marko').values('age').toList()).toEqual([29]);
    expect(await g.V().has('age', P.gt(30)).values('name').toList()).toEqual(['josh', 'peter']);
    expect(await g.V().has('age', P.between(27, 32)).values('name').toList()).toEqual(['marko', 'vadas']);
    expect(await g.V().has('name', P.within('lop', 'ripple')).count().toList()).toEqual([2]);
    expect(await g.V().has('name', TextP.startingWith('ma')).values('name').toList()).toEqual(['marko']);
    expect(await g.V().has('name', TextP.regex('^[lr]')).values('name').toList()).toEqual(['lop', 'ripple']);
    expect(await g.V().hasLabel('software').values('name').toList()).toEqual(['lop', 'ripple']);
    expect(await g.V().hasId(1, 2).values('name').toList()).toEqual(['marko', 'vadas']);
    expect(await g.V().has(t.id, P.gt(4)).values('name').toList()).toEqual(['ripple', 'peter']);
    expect(await g.V().hasNot('age').values('name').toList()).toEqual(['lop', 'ripple']);
    expect(await g.V(1).properties().hasKey('age').value().toList()).toEqual([29]);
    expect(await g.V().properties().hasValue('josh').key().toList()).toEqual(['name']);
    // Comparing a string with a number is an ERROR in ternary logic: neither lt nor not(lt) passes.
    expect(await g.V().has('name', P.lt(3)).count().toList()).toEqual([0]);
    expect(await g.V().has('name', P.not(P.lt(3))).count().toList()).toEqual([0]);
  });

  it('is / filter / not / and / or / where', async () => {
    expect(await g.V().values('age').is(P.lte(29)).toList()).toEqual([29, 27]);
    expect(await g.V().filter(__.out('created')).values('name').toList()).toEqual(['marko', 'josh', 'peter']);
    expect(await g.V().not(__.out()).values('name').toList()).toEqual(['vadas', 'lop', 'ripple']);
    expect(await g.V().and(__.out('knows'), __.out('created')).values('name').toList()).toEqual(['marko']);
    expect(await g.V().or(__.has('age', 27), __.has('lang')).values('name').toList()).toEqual(['vadas', 'lop', 'ripple']);
    expect(await g.V(1).as('a').out('created').in_('created').where(P.neq('a')).values('name').toList()).toEqual(['josh', 'peter']);
    expect(await g.V().where(__.out('created').count().is(P.gt(1))).values('name').toList()).toEqual(['josh']);
    expect(await g.V().where(__.in_('created').count().is(P.gt(1))).values('name').toList()).toEqual(['lop']);
    expect(await g.V().as('a').out('knows').as('b').where('a', P.gt('b')).by('age').select('b').values('name').toList()).toEqual(['vadas']);
  });

  it('dedup / limit / range / skip / tail, global and local', async () => {
    expect(await g.V().out().dedup().values('name').toList()).toEqual(['vadas', 'josh', 'lop', 'ripple']);
    expect(await g.V().dedup().by(t.label).values('name').toList()).toEqual(['marko', 'lop']);
    expect(await g.V().limit(2).values('name').toList()).toEqual(['marko', 'vadas']);
    expect(await g.V().range(1, 3).values('name').toList()).toEqual(['vadas', 'lop']);
    expect(await g.V().skip(4).values('name').toList()).toEqual(['ripple', 'peter']);
    expect(await g.V().tail(2).values('name').toList()).toEqual(['ripple', 'peter']);
    expect(await g.V().values('name').fold().limit(scope.local, 2).toList()).toEqual([['marko', 'vadas']]);
    expect(await g.V().values('name').fold().tail(scope.local, 1).toList()).toEqual(['peter']);
    expect(await g.V().values('name').fold().range(scope.local, 1, 2).toList()).toEqual(['vadas']);
  });

  it('simplePath / cyclicPath / coin / sample', async () => {
    expect(await g.V(1).both().both().simplePath().count().toList()).toEqual([4]);
    expect(await g.V(1).both().both().cyclicPath().count().toList()).toEqual([3]);
    expect(await g.V().coin(1).count().toList()).toEqual([6]);
    expect(await g.V().coin(0).count().toList()).toEqual([0]);
    expect(await g.V().sample(2).count().toList()).toEqual([2]);
  });

  it('limit stops pulling early (lazy evaluation)', async () => {
    // repeat().emit() without an end would run forever on this cycle; limit() must stop it.
    expect(await g.V(1).repeat(__.both()).emit().limit(3).count().toList()).toEqual([3]);
  });
});
