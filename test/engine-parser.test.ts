/**
 * Golden tests for the Gremlin text parser: each text must give exactly the bytecode the `gremlin`
 * driver builds for the same traversal (no server needed), and bad text a GremlinSyntaxError that
 * names line and column.
 */
import gremlin from 'gremlin';
import { describe, expect, it } from 'vitest';
import { DriverCardinalityValue } from '../src/engine/parser/driver-internals.js';
import { PropertyGraph } from '../src/engine/property-graph.js';
import { evaluateGremlin, parseGremlin, parseGremlinQueries, parseGremlinQuery } from '../src/engine/parser/index.js';

const { P, TextP, statics: __, t, order, scope, column, direction, cardinality, pop, operator } = gremlin.process;
const process = gremlin.process as unknown as Record<string, Record<string, gremlin.process.EnumValue>>;
const g = gremlin.process.traversal().withGraph(new gremlin.structure.Graph());

/** Compares as the driver would serialize: JSON of the instruction lists, class names included. */
function normalize(bytecode: gremlin.process.Bytecode): unknown {
  return JSON.parse(JSON.stringify(bytecode, (_key, value: unknown) => normalizeValue(value)));
}

function normalizeValue(value: unknown): unknown {
  if (value instanceof Map) return { '@map': [...value.entries()].map(([k, v]) => [normalizeValue(k), normalizeValue(v)]) };
  if (value instanceof Set) return { '@set': [...value].map(normalizeValue) };
  if (value instanceof Date) return { '@date': value.getTime() };
  if (typeof value === 'number' && !Number.isFinite(value)) return { '@number': String(value) };
  if (value instanceof gremlin.process.Traversal) return { '@traversal': value.getBytecode() };
  if (value !== null && typeof value === 'object' && !Array.isArray(value) && value.constructor.name !== 'Object') {
    return { '@class': value.constructor.name, ...value };
  }
  return value;
}

function expectSame(text: string, built: gremlin.process.GraphTraversal, parameters?: Record<string, unknown>): void {
  expect(normalize(parseGremlin(text, parameters))).toEqual(normalize(built.getBytecode()));
}

describe('parseGremlin matches the driver', () => {
  it('source and vertex steps', () => {
    expectSame("g.V().has('person','name','marko').out('knows')", g.V().has('person', 'name', 'marko').out('knows'));
    expectSame('g.V(1, 2).in("created").bothE().otherV()', g.V(1, 2).in_('created').bothE().otherV());
    expectSame('g.E().hasLabel("knows").inV().values("name")', g.E().hasLabel('knows').inV().values('name'));
  });

  it('anonymous traversals with __ and bare', () => {
    expectSame(
      'g.V().where(__.out("created")).repeat(out()).times(2).emit().local(bothE().limit(1))',
      g.V().where(__.out('created')).repeat(__.out()).times(2).emit().local(__.bothE().limit(1)),
    );
    expectSame('g.V().not(out("knows")).where(not(in()))', g.V().not(__.out('knows')).where(__.not(__.in_())));
    expectSame('g.V().union(__.as("a"), identity()).as("b")', g.V().union(__.as('a'), __.identity()).as('b'));
  });

  it('predicates: P, TextP, bare, chained, not', () => {
    expectSame('g.V().has("age", P.gt(29))', g.V().has('age', P.gt(29)));
    expectSame('g.V().has("age", gt(29).and(lt(35)))', g.V().has('age', P.gt(29).and(P.lt(35))));
    expectSame('g.V().has("age", between(1, 5).or(within(7, 8)))', g.V().has('age', P.between(1, 5).or(P.within(7, 8))));
    expectSame('g.V().has("name", TextP.startingWith("m"))', g.V().has('name', TextP.startingWith('m')));
    expectSame('g.V().has("name", notContaining("a"))', g.V().has('name', TextP.notContaining('a')));
    expectSame('g.V().has("name", P.not(within("a", "b")))', g.V().has('name', P.not(P.within('a', 'b'))));
    expectSame('g.V().where(not(eq("a")))', g.V().where(P.not(P.eq('a'))));
    expectSame('g.V().has("age", within([1, 2]))', g.V().has('age', P.within([1, 2])));
    expectSame('g.V().has("age", without())', g.V().has('age', P.without()));
    expectSame('g.V().has("age", gt(3).negate())', g.V().has('age', P.lte(3)));
  });

  it('enums qualified and bare', () => {
    expectSame('g.V().order().by("age", desc).by(T.id, Order.asc)', g.V().order().by('age', order.desc).by(t.id, order.asc));
    expectSame('g.V().group().by(label).by(values("name").fold()).unfold().select(keys)', g.V().group().by(t.label).by(__.values('name').fold()).unfold().select(column.keys));
    expectSame('g.V().count(local).sum(Scope.global)', g.V().count(scope.local).sum(scope.global));
    expectSame('g.V().toE(OUT).to(Direction.IN)', g.V().toE(direction.out).to(direction.in));
    expectSame('g.V().property(list, "x", 1).property(Cardinality.set, "y", 2)', g.V().property(cardinality.list, 'x', 1).property(cardinality.set, 'y', 2));
    expectSame('g.V().as("a").select(Pop.all, "a").select(last, "a")', g.V().as('a').select(pop.all, 'a').select(pop.last, 'a'));
    expectSame('g.withSack(1).V().sack(sum).by("age").sack(Operator.mult)', g.withSack(1).V().sack(operator.sum).by('age').sack(operator.mult));
    expectSame('g.V().option(Merge.onCreate, [:]).option(onMatch, [:])', g.V().option(process.merge!.onCreate, new Map()).option(process.merge!.onMatch, new Map()));
    const dateAdd = g.inject(1);
    dateAdd.getBytecode().addStep('dateAdd', [process.dt!.hour, 2]).addStep('dateAdd', [process.dt!.day, -1]);
    expectSame('g.inject(1).dateAdd(DT.hour, 2).dateAdd(day, -1)', dateAdd);
    expectSame(
      'g.V().valueMap().with(WithOptions.tokens, WithOptions.labels)',
      g.V().valueMap().with_(gremlin.process.withOptions.tokens, gremlin.process.withOptions.labels),
    );
  });

  it('option constants: WithOptions, IO, PageRank, ShortestPath, ConnectedComponent', () => {
    const steps = (text: string): unknown[][] => (parseGremlin(text) as unknown as { stepInstructions: unknown[][] }).stepInstructions;
    expect(steps('g.io("x.xml").with(IO.reader, IO.graphml).read()')).toEqual([
      ['io', 'x.xml'],
      ['with', '~tinkerpop.io.reader', 'graphml'],
      ['read'],
    ]);
    expect(steps('g.V().pageRank().with(PageRank.propertyName, "pr").with(PageRank.times, 2)')[2]).toEqual(['with', '~tinkerpop.pageRank.propertyName', 'pr']);
    expect(steps('g.V().shortestPath().with(ShortestPath.maxDistance, 3)')[2]).toEqual(['with', '~tinkerpop.shortestPath.maxDistance', 3]);
    expect(steps('g.V().connectedComponent().with(ConnectedComponent.propertyName, "c")')[2]).toEqual([
      'with',
      '~tinkerpop.connectedComponent.propertyName',
      'c',
    ]);
    expect(steps('g.V().valueMap().with(WithOptions.tokens, WithOptions.all)')[2]).toEqual(['with', '~tinkerpop.valueMap.tokens', 15]);
    expect(() => parseGremlin('g.V().with(WithOptions.everything)')).toThrow(/unknown WithOptions.everything; expected one of tokens/);
  });

  it('literals: numbers with suffixes, strings with escapes, lists, maps, sets, dates', () => {
    expectSame(
      'g.inject(1, 2L, 3.5d, 4f, -5, 0x1F, 010, 1_000, 1e3, 2.5m, 7b, 8s, 9n, NaN, Infinity, -Infinity, true, false, null)',
      g.inject(1, 2, 3.5, 4, -5, 31, 8, 1000, 1000, 2.5, 7, 8, 9, Number.NaN, Infinity, -Infinity, true, false, null),
    );
    expectSame(String.raw`g.inject("a\"b", 'c\'d', "tab\there", 'uni\u0041', "")`, g.inject('a"b', "c'd", 'tab\there', 'uniA', ''));
    expectSame(
      'g.inject([1, [2, "x"]], [a: 1, "b": 2, (T.id): 3, label: "l", 4: [5]], {1, 2})',
      g.inject(
        [1, [2, 'x']],
        new Map<unknown, unknown>([['a', 1], ['b', 2], [t.id, 3], [t.label, 'l'], [4, [5]]]),
        new Set([1, 2]),
      ),
    );
    expectSame("g.inject(datetime('2023-08-02T00:00:00Z'))", g.inject(new Date(Date.UTC(2023, 7, 2))));
    const big = parseGremlin('g.inject(9223372036854775807L, 12345678901234567890n)') as unknown as { stepInstructions: unknown[][] };
    expect(big.stepInstructions[0]).toEqual(['inject', 9223372036854775807n, 12345678901234567890n]);
  });

  it('variables are taken from parameters', () => {
    expectSame('g.V(vid1).has("name", xx1).limit(n)', g.V(1).has('name', 'marko').limit(2), { vid1: 1, xx1: 'marko', n: 2 });
  });

  it('mergeV/mergeE with maps and cardinality values', () => {
    expectSame(
      'g.mergeV([name: "a"]).property(single("x")).property(Cardinality.list("y"))',
      g.mergeV(new Map([['name', 'a']])).property(DriverCardinalityValue.single('x')).property(DriverCardinalityValue.list('y')),
    );
    expectSame('g.V().mergeE(null).option(Merge.outV, [name: "b"])', g.V().mergeE(null).option(process.merge!.outV, new Map([['name', 'b']])));
  });

  it('source methods: withSideEffect, withStrategies, with, withoutStrategies', () => {
    expectSame('g.withSideEffect("a", [1, 2]).V()', g.withSideEffect('a', [1, 2]).V());
    expectSame('g.with("evaluationTimeout", 500L).V()', g.with_('evaluationTimeout', 500).V());
    const parsed = parseGremlin('g.withStrategies(new SubgraphStrategy(vertices: __.hasLabel("person"), checkAdjacentVertices: false), ReadOnlyStrategy).V()');
    const [, subgraph, readOnly] = (parsed as unknown as { sourceInstructions: unknown[][] }).sourceInstructions[0]!;
    expect(subgraph).toMatchObject({
      fqcn: 'org.apache.tinkerpop.gremlin.process.traversal.strategy.decoration.SubgraphStrategy',
      configuration: { checkAdjacentVertices: false },
    });
    expect((subgraph as { configuration: { vertices: gremlin.process.Bytecode } }).configuration.vertices).toBeInstanceOf(gremlin.process.Bytecode);
    expect(readOnly).toMatchObject({ fqcn: expect.stringContaining('ReadOnlyStrategy') });
  });

  it('terminal methods: iterate adds none() like the driver, next(n) is kept', () => {
    const iterated = parseGremlinQuery('g.addV("x").iterate()');
    expect(normalize(iterated.bytecode)).toEqual(normalize(g.addV('x').none().getBytecode()));
    expect(iterated.terminal).toEqual({ name: 'iterate', args: [] });
    expect(parseGremlinQuery('g.V().next(2)').terminal).toEqual({ name: 'next', args: [2] });
    expect(parseGremlinQuery('g.V().toList();').terminal?.name).toBe('toList');
  });

  it('multi-line text with comments and trailing dots', () => {
    expectSame('g.V().\n  out("knows"). // friends\n  values("name")', g.V().out('knows').values('name'));
  });
});

describe('parseGremlin errors', () => {
  const cases: Array<[string, RegExp]> = [
    ['g.V().out(', /line 1, column 11: expected a value, found the end of the query/],
    ['g.V().has("a", foo)', /undefined variable 'foo'/],
    ['g.V()\n  .out("a"))', /line 2, column 12: expected '.' followed by a step/],
    ['g.V().has("a", P.bogus(1))', /unknown predicate P.bogus/],
    ['g.V().order().by(Order.up)', /unknown Order.up; expected one of asc, desc/],
    ['x.V()', /expected a traversal starting with g/],
    ['g.V().has("a", "unterminated)', /unterminated string literal/],
    ['g.V().has("a", g.V())', /cannot be used inside an argument/],
    ['g.withStrategies(NoSuchStrategy).V()', /unknown traversal strategy 'NoSuchStrategy'/],
    ['g.inject(datetime("yesterday"))', /cannot read 'yesterday'/],
    ['g.V().out(#)', /unexpected character '#'/],
    ['g.V().outt("knows")', /line 1, column 7: unknown step 'outt'; did you mean 'out'\?/],
    ['g.V().where(__.valuess("age"))', /unknown step 'valuess'; did you mean 'values'\?/],
    ['g.V().zzzzzzzz()', /unknown step 'zzzzzzzz'$/],
    ['g.V().toList().count()', /nothing may follow the terminal method toList\(\)/],
    ['g.V().where(out().next())', /next\(\) ends a traversal/],
  ];
  for (const [text, message] of cases) {
    it(`rejects ${JSON.stringify(text)}`, () => {
      let caught: unknown;
      try {
        parseGremlin(text);
      } catch (error) {
        caught = error;
      }
      expect(caught).toBeInstanceOf(Error);
      expect((caught as Error).name).toBe('GremlinSyntaxError');
      expect((caught as Error).message).toMatch(message);
    });
  }
});

describe('evaluateGremlin', () => {
  function createModernGraph(): PropertyGraph {
    const graph = new PropertyGraph({ defaultCardinality: 'list', idGenerator: 'number' });
    const people: Array<[number, string, string, number | string]> = [
      [1, 'person', 'marko', 29],
      [2, 'person', 'vadas', 27],
      [3, 'software', 'lop', 'java'],
      [4, 'person', 'josh', 32],
    ];
    for (const [id, label, name, extra] of people) {
      const v = graph.addVertex(id, label);
      graph.setVertexProperty(v, 'name', name);
      graph.setVertexProperty(v, typeof extra === 'number' ? 'age' : 'lang', extra);
    }
    graph.addEdge(7, 'knows', graph.getVertex(1)!, graph.getVertex(2)!);
    graph.addEdge(8, 'knows', graph.getVertex(1)!, graph.getVertex(4)!);
    graph.addEdge(9, 'created', graph.getVertex(1)!, graph.getVertex(3)!);
    return graph;
  }

  it('runs text with parameters and terminal methods', async () => {
    const graph = createModernGraph();
    expect(await evaluateGremlin(graph, "g.V().has('person','name','marko').out('knows').values('name').order()")).toEqual(['josh', 'vadas']);
    expect(await evaluateGremlin(graph, 'g.V(vid).out().count()', { parameters: { vid: 1 } })).toEqual([3]);
    expect(await evaluateGremlin(graph, 'g.V().values("age").order().by(desc).next()')).toEqual([32]);
    expect(await evaluateGremlin(graph, 'g.V().values("age").order().next(2)')).toEqual([27, 29]);
    expect(await evaluateGremlin(graph, 'g.V().has("name", "nobody").hasNext()')).toEqual([false]);
    expect(await evaluateGremlin(graph, 'g.V().hasLabel("person").values("age").is(gt(28)).fold()')).toEqual([[29, 32]]);
    const [vertex] = await evaluateGremlin(graph, 'g.V(3)');
    expect(vertex).toBeInstanceOf(gremlin.structure.Vertex);
  });

  it('writes with iterate() and reports errors by name', async () => {
    const graph = createModernGraph();
    expect(await evaluateGremlin(graph, "g.addV('person').property('name', 'peter').iterate()")).toEqual([]);
    expect(await evaluateGremlin(graph, "g.V().has('name', 'peter').count()")).toEqual([1]);
    await expect(evaluateGremlin(graph, 'g.V().out(')).rejects.toMatchObject({ name: 'GremlinSyntaxError' });
    // A script of several queries (line breaks or `;`) runs them in order and answers the last.
    expect(await evaluateGremlin(graph, "g.addV('person').property('name', 'ann').next()\ng.V().has('name', 'ann').count();")).toEqual([1]);
    expect(parseGremlinQueries('g.V(); g.E()\n g.inject(1)').map((q) => (q.bytecode as unknown as { stepInstructions: unknown[][] }).stepInstructions[0]![0])).toEqual(['V', 'E', 'inject']);
    expect(() => parseGremlin('g.V() g.E()')).toThrow(/line 1, column 7: expected the end of the query/);
  });
});

describe('parseGremlin on damaged text', () => {
  // Every truncation and one-character change of realistic queries either parses or fails with a
  // GremlinSyntaxError — never a TypeError or a JavaScript SyntaxError from deep inside.
  const samples = [
    'g.withStrategies(new SubgraphStrategy(vertices: __.has("name", P.within("josh", "lop")))).V(vid).local(__.bothE().limit(1))',
    'g.V().has("age", gt(29).and(lt(35)).negate()).project("a").by(values("name")).order().by(desc).toList()',
    'g.mergeV([(T.label): "person", name: "marko", id: 1, 3: 1.5d]).option(Merge.onCreate, [:]).iterate()',
    "g.inject(datetime('2023-08-02T00:00:00Z'), 1..3, {1, 2}, [a: [b: 'c\\'d']], -Infinity, 0x1F, 2.5e3f).dateAdd(hour, -1L)",
  ];
  it('fails only with GremlinSyntaxError', () => {
    const unexpected: string[] = [];
    for (const sample of samples) {
      const variants: string[] = [];
      for (let i = 0; i <= sample.length; i++) variants.push(sample.slice(0, i));
      for (let i = 0; i < sample.length; i++) for (const c of '()[],.:\'"0-8') variants.push(sample.slice(0, i) + c + sample.slice(i + 1));
      for (const variant of variants) {
        try {
          parseGremlinQueries(variant, { vid: 4 });
        } catch (error) {
          if ((error as Error).name !== 'GremlinSyntaxError') unexpected.push(`${variant}: ${(error as Error).name}: ${(error as Error).message}`);
        }
      }
    }
    expect(unexpected).toEqual([]);
  });
});
