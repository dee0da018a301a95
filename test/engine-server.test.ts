/**
 * The Gremlin-Server-compatible endpoint: the same traversal gives the same result through
 * LocalConnection, through the WebSocket endpoint with the driver's DriverRemoteConnection (in
 * GraphBinary and in GraphSON 3), and as text (eval op and evaluateGremlin); errors come back with
 * Gremlin Server's status codes and the server keeps serving.
 */
import gremlin from 'gremlin';
import { createRequire } from 'node:module';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { LocalConnection } from '../src/engine/local-connection.js';
import { driverStrategyClasses } from '../src/engine/parser/driver-internals.js';
import { evaluateGremlin } from '../src/engine/parser/index.js';
import { PropertyGraph } from '../src/engine/property-graph.js';
import { startGremlinServer, type GremlinServerHandle } from '../src/engine/server/index.js';

const { traversal } = gremlin.process;
const { graphBinaryReader } = createRequire(import.meta.url)('gremlin/lib/structure/io/binary/GraphBinary.js') as {
  graphBinaryReader: { readResponse(buffer: Buffer): unknown };
};
const { P, statics: __, order, t } = gremlin.process;
const { DriverRemoteConnection, Client } = gremlin.driver;

function createModernGraph(): PropertyGraph {
  const graph = new PropertyGraph({ defaultCardinality: 'list', idGenerator: 'number' });
  const vertices: Array<[number, string, string, string, unknown]> = [
    [1, 'person', 'marko', 'age', 29],
    [2, 'person', 'vadas', 'age', 27],
    [3, 'software', 'lop', 'lang', 'java'],
    [4, 'person', 'josh', 'age', 32],
    [5, 'software', 'ripple', 'lang', 'java'],
    [6, 'person', 'peter', 'age', 35],
  ];
  for (const [id, label, name, key, value] of vertices) {
    const v = graph.addVertex(id, label);
    graph.setVertexProperty(v, 'name', name);
    graph.setVertexProperty(v, key, value);
  }
  const edges: Array<[number, string, number, number, number]> = [
    [7, 'knows', 1, 2, 0.5],
    [8, 'knows', 1, 4, 1.0],
    [9, 'created', 1, 3, 0.4],
    [10, 'created', 4, 5, 1.0],
    [11, 'created', 4, 3, 0.4],
    [12, 'created', 6, 3, 0.2],
  ];
  for (const [id, label, from, to, weight] of edges) {
    const e = graph.addEdge(id, label, graph.getVertex(from)!, graph.getVertex(to)!);
    graph.setEdgeProperty(e, 'weight', weight);
  }
  return graph;
}

/** A comparable rendering of driver values: elements by kind and id, maps by entries. */
function canonical(value: unknown): unknown {
  if (value instanceof gremlin.structure.Vertex) return `v[${String((value as unknown as { id: unknown }).id)}]`;
  if (value instanceof gremlin.structure.Edge) return `e[${String((value as unknown as { id: unknown }).id)}]`;
  if (value instanceof gremlin.structure.VertexProperty) {
    const vp = value as unknown as { label: string; value: unknown };
    return `vp[${vp.label}->${String(canonical(vp.value))}]`;
  }
  if (value instanceof gremlin.structure.Path) return { path: (value as unknown as { objects: unknown[] }).objects.map(canonical) };
  if (value instanceof Map) return { map: [...value.entries()].map(([k, v]) => [canonical(k), canonical(v)]) };
  if (value instanceof Set) return [...value].map(canonical);
  if (Array.isArray(value)) return value.map(canonical);
  if (value instanceof gremlin.process.EnumValue) return `enum:${String(value)}`;
  return value;
}

const CASES: Array<{ text: string; build: (g: gremlin.process.GraphTraversalSource) => gremlin.process.GraphTraversal }> = [
  { text: "g.V().has('person','name','marko').out('knows').values('name').order()", build: (g) => g.V().has('person', 'name', 'marko').out('knows').values('name').order() },
  { text: 'g.V().hasLabel("person").order().by("age", desc).valueMap("name", "age")', build: (g) => g.V().hasLabel('person').order().by('age', order.desc).valueMap('name', 'age') },
  { text: 'g.V(1).outE("created").inV().path()', build: (g) => g.V(1).outE('created').inV().path() },
  { text: 'g.V().group().by(label).by(count())', build: (g) => g.V().group().by(t.label).by(__.count()) },
  { text: 'g.E().has("weight", gt(0.45)).order().by(id)', build: (g) => g.E().has('weight', P.gt(0.45)).order().by(t.id) },
  { text: 'g.V(4).properties("name")', build: (g) => g.V(4).properties('name') },
  { text: 'g.V().values("age").sum()', build: (g) => g.V().values('age').sum() },
  { text: 'g.V().repeat(out()).times(2).values("name").fold()', build: (g) => g.V().repeat(__.out()).times(2).values('name').fold() },
];

describe('Gremlin server endpoint', () => {
  let server: GremlinServerHandle;
  const graph = createModernGraph();

  beforeAll(async () => {
    server = await startGremlinServer({ graph, batchSize: 2 });
  });
  afterAll(async () => {
    await server.close();
  });

  it('listens on 127.0.0.1 with a ws:// URL', () => {
    expect(server.url).toMatch(/^ws:\/\/127\.0\.0\.1:\d+\/gremlin$/);
    expect(server.port).toBeGreaterThan(0);
  });

  for (const mimeType of ['application/vnd.graphbinary-v1.0', 'application/vnd.gremlin-v3.0+json']) {
    it(`gives the same results as LocalConnection and as text (${mimeType})`, async () => {
      const local = traversal().withRemote(new LocalConnection(graph));
      const connection = new DriverRemoteConnection(server.url, { mimeType });
      const client = new Client(server.url, { mimeType, traversalSource: 'g' });
      try {
        const remote = traversal().withRemote(connection);
        for (const { text, build } of CASES) {
          const expected = canonical(await build(local).toList());
          expect(canonical(await build(remote).toList()), `bytecode: ${text}`).toEqual(expected);
          expect(canonical(await evaluateGremlin(graph, text)), `evaluateGremlin: ${text}`).toEqual(expected);
          const viaEval = await client.submit(text);
          expect(canonical(viaEval.toArray()), `eval: ${text}`).toEqual(expected);
        }
        // Bindings travel with eval requests, as Gremlin Server's script parameters.
        const bound = await client.submit('g.V(vid).values("name")', { vid: 6 });
        expect(bound.toArray()).toEqual(['peter']);
      } finally {
        await connection.close();
        await client.close();
      }
    });
  }

  for (const mimeType of ['application/vnd.graphbinary-v1.0', 'application/vnd.gremlin-v3.0+json']) {
    it(`carries typed values both ways (${mimeType})`, async () => {
      const connection = new DriverRemoteConnection(server.url, { mimeType });
      try {
        const g = traversal().withRemote(connection);
        const date = new Date(Date.UTC(2024, 0, 2, 3, 4, 5));
        const values = [date, 1.5, 3_000_000_000, -7, true, 'text', null, [1, 'a'], new Map<unknown, unknown>([['k', 1], [2, 'v']])];
        const results = await g.inject(...values).toList();
        expect(canonical(results)).toEqual(canonical(values));
        expect(await g.inject(Number.NaN, Number.POSITIVE_INFINITY).toList()).toEqual([Number.NaN, Number.POSITIVE_INFINITY]);
        expect(await g.V().has('age', P.within([27, 29])).values('name').order().toList()).toEqual(['marko', 'vadas']);
        expect(await g.V().has('name', gremlin.process.TextP.startingWith('jo')).count().toList()).toEqual([1]);
      } finally {
        await connection.close();
      }
    });
  }

  it('answers Gremlin text over HTTP (POST and GET) as GraphSON 3', async () => {
    const post = await fetch(server.httpUrl, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ gremlin: 'g.V(vid).out("knows").values("name").order()', bindings: { vid: 1 } }),
    });
    expect(post.status).toBe(200);
    const body = (await post.json()) as { status: { code: number }; result: { data: unknown } };
    expect(body.status.code).toBe(200);
    expect(new gremlin.structure.io.GraphSONReader().read(body.result.data)).toEqual(['josh', 'vadas']);
    const get = await fetch(`${server.httpUrl}?gremlin=${encodeURIComponent('g.V().count()')}`);
    expect(new gremlin.structure.io.GraphSONReader().read(((await get.json()) as { result: { data: unknown } }).result.data)).toEqual([6]);
    const bad = await fetch(server.httpUrl, { method: 'POST', body: JSON.stringify({ gremlin: 'g.V(' }) });
    expect(bad.status).toBe(500);
    expect(await bad.json()).toMatchObject({ 'Exception-Class': 'GremlinSyntaxError' });
    expect((await fetch(server.httpUrl, { method: 'POST', body: 'not json' })).status).toBe(400);
  });

  it('answers malformed frames without falling over', async () => {
    const socket = new WebSocket(server.url);
    await new Promise((resolve, reject) => {
      socket.once('open', resolve);
      socket.once('error', reject);
    });
    const replies: Buffer[] = [];
    socket.on('message', (data: Buffer) => replies.push(data));
    const mime = (type: string): Buffer => Buffer.concat([Buffer.from([type.length]), Buffer.from(type)]);
    socket.send(Buffer.alloc(0));
    socket.send(Buffer.concat([mime('application/x-unknown'), Buffer.from('hello')]));
    socket.send(Buffer.concat([mime('application/vnd.graphbinary-v1.0'), Buffer.from([0x81, 1, 2, 3])]));
    socket.send(Buffer.concat([mime('application/vnd.gremlin-v3.0+json'), Buffer.from('{"requestId": "not json')]));
    while (replies.length < 4) await new Promise((resolve) => setTimeout(resolve, 10));
    socket.close();
    const reader = new gremlin.structure.io.GraphSONReader() as unknown as { readResponse(buffer: Buffer): unknown };
    const binary = replies.slice(0, 3).map((reply) => graphBinaryReader.readResponse(reply) as { status: { code: number } });
    expect(binary.map((r) => r.status.code)).toEqual([498, 498, 498]);
    expect((reader.readResponse(replies[3]!) as { status: { code: number } }).status.code).toBe(498);
    // The server still serves.
    const client = new Client(server.url, { traversalSource: 'g' });
    expect((await client.submit('g.V().count()')).toArray()).toEqual([6]);
    await client.close();
  });

  it('speaks GraphSON 2.0 too (collections as plain JSON)', async () => {
    const mimeType = 'application/vnd.gremlin-v2.0+json';
    const connection = new DriverRemoteConnection(server.url, { mimeType });
    const client = new Client(server.url, { mimeType, traversalSource: 'g' });
    try {
      const g = traversal().withRemote(connection);
      expect(await g.V(1).out('knows').values('name').order().toList()).toEqual(['josh', 'vadas']);
      expect(canonical(await g.V(1).outE('created').inV().path().toList())).toEqual([{ path: ['v[1]', 'e[9]', 'v[3]'] }]);
      expect(await g.V().has('age', P.gt(30)).values('age').fold().toList()).toEqual([[32, 35]]);
      expect(await g.V(1).valueMap('name').toList()).toEqual([{ name: ['marko'] }]);
      expect((await client.submit('g.V().hasLabel(kind).count()', { kind: 'software' })).toArray()).toEqual([2]);
    } finally {
      await connection.close();
      await client.close();
    }
  });

  it('writes through the endpoint and reads the change locally', async () => {
    const connection = new DriverRemoteConnection(server.url);
    try {
      const g = traversal().withRemote(connection);
      await g.addV('person').property(t.id, 100).property('name', 'stephen').iterate();
      expect(graph.getVertex(100)).toBeDefined();
      expect(await g.V(100).values('name').toList()).toEqual(['stephen']);
      await g.V(100).drop().iterate();
      expect(graph.getVertex(100)).toBeUndefined();
    } finally {
      await connection.close();
    }
  });

  for (const mimeType of ['application/vnd.graphbinary-v1.0', 'application/vnd.gremlin-v3.0+json']) {
    it(`reads strategies and refuses lambdas sent by the driver (${mimeType})`, async () => {
      const connection = new DriverRemoteConnection(server.url, { mimeType });
      try {
        const g = traversal().withRemote(connection);
        const ReadOnlyStrategy = driverStrategyClasses.ReadOnlyStrategy!;
        const readOnly = await g
          .withStrategies(new ReadOnlyStrategy() as unknown as gremlin.process.TraversalStrategy)
          .addV('person')
          .toList()
          .catch((error: unknown) => error);
        expect(readOnly).toMatchObject({ statusCode: 597 });
        expect(String((readOnly as Error).message)).toMatch(/not read only/);
        const lambda = await g
          .V()
          .filter((() => 'it.get().value("age") > 30') as never)
          .toList()
          .catch((error: unknown) => error);
        expect(lambda).toMatchObject({ statusCode: 597 });
        expect(String((lambda as Error).message)).toMatch(/lambda/i);
        expect(graph.vertexCount).toBe(6);
      } finally {
        await connection.close();
      }
    });
  }

  it('answers errors with status codes and keeps serving', async () => {
    const client = new Client(server.url, { traversalSource: 'g' });
    try {
      const syntax = await client.submit('g.V().out(').then(
        () => undefined,
        (error: unknown) => error,
      );
      expect(syntax).toMatchObject({ statusCode: 597 });
      expect(String((syntax as Error).message)).toMatch(/line 1, column 11/);
      const unsupported = await client.submit('g.V().fooBar()').catch((error: unknown) => error);
      expect(unsupported).toMatchObject({ statusCode: 597 });
      const slow = await client
        .submit('g.V().repeat(both()).times(12).path().count()', {}, { evaluationTimeout: 1 } as never)
        .catch((error: unknown) => error);
      expect(slow).toMatchObject({ statusCode: 598 });
      const connection = new DriverRemoteConnection(server.url);
      try {
        const slowBytecode = await traversal()
          .withRemote(connection)
          .with_('evaluationTimeout', 1)
          .V()
          .repeat(__.both())
          .times(12)
          .path()
          .count()
          .toList()
          .catch((error: unknown) => error);
        expect(slowBytecode).toMatchObject({ statusCode: 598 });
      } finally {
        await connection.close();
      }
      const after = await client.submit('g.V().count()');
      expect(after.toArray()).toEqual([6]);
    } finally {
      await client.close();
    }
  });
});
