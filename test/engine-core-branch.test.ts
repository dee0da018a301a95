import { describe, expect, it } from 'vitest';
import { P, __, modernSource, t } from './engine-core-modern-graph.js';
import gremlin from 'gremlin';

describe('engine branch steps', () => {
  const g = modernSource();
  it('repeat with times / until / emit, before and after, and loops()', async () => {
    expect(await g.V(1).repeat(__.out()).times(2).values('name').toList()).toEqual(['ripple', 'lop']);
    // Without paths, repeat() runs loop by loop (breadth-first), as TinkerPop's reference shows it.
    expect(await g.V(1).repeat(__.out()).emit().values('name').toList()).toEqual(['vadas', 'josh', 'lop', 'ripple', 'lop']);
    // With paths, depth-first, one path at a time.
    expect(await g.V(1).repeat(__.out()).emit().path().by('name').count().toList()).toEqual([5]);
    // Breadth-first with bulking: equal traversers merge, counts stay exact.
    const unrolled = await g.V().both().both().both().both().both().both().count().toList();
    expect(await g.V().repeat(__.both()).times(6).count().toList()).toEqual(unrolled);
    expect(unrolled).toEqual([1014]);
    expect(await g.V(1).emit().repeat(__.out()).times(1).values('name').toList()).toEqual(['marko', 'vadas', 'josh', 'lop']);
    expect(await g.V(1).repeat(__.out()).until(__.outE().count().is(0)).values('name').toList()).toEqual(['vadas', 'lop', 'ripple', 'lop']);
    expect(await g.V(1).until(__.hasLabel('software')).repeat(__.out()).values('name').toList()).toEqual(['lop', 'ripple', 'lop']);
    expect(await g.V(1).repeat(__.out()).until(__.loops().is(2)).values('name').toList()).toEqual(['ripple', 'lop']);
    expect(await g.V(1).times(0).repeat(__.out()).values('name').toList()).toEqual(['marko']);
  });

  it('union / coalesce / choose / optional / local / branch', async () => {
    expect(await g.V(4).union(__.in_(), __.out()).values('name').toList()).toEqual(['marko', 'ripple', 'lop']);
    expect(await g.V().coalesce(__.values('lang'), __.constant('none')).toList()).toEqual(['none', 'none', 'java', 'none', 'java', 'none']);
    expect(await g.V().hasLabel('person').choose(__.values('age').is(P.gt(30)), __.constant('old'), __.constant('young')).toList()).toEqual(['young', 'young', 'old', 'old']);
    expect(
      await g.V().hasLabel('person').choose(__.values('name')).option('marko', __.constant(1)).option(gremlin.process.pick.none, __.constant(0)).toList(),
    ).toEqual([1, 0, 0, 0]);
    expect(await g.V(2).optional(__.out()).values('name').toList()).toEqual(['vadas']);
    expect(await g.V().hasLabel('person').local(__.outE().limit(1)).count().toList()).toEqual([3]);
    expect(await g.V(1).branch(__.values('name')).option('marko', __.values('age')).toList()).toEqual([29]);
    expect(await g.V(1).map(__.out().count()).toList()).toEqual([3]);
    expect(await g.V(1).flatMap(__.out()).count().toList()).toEqual([3]);
    expect(await g.V(1).out().hasLabel('person').order().by(t.id).values('name').toList()).toEqual(['vadas', 'josh']);
  });
});
