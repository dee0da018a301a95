/**
 * Counts and sums past 2^53 are exact 64-bit integers (bulks too), fail clearly past a Long's
 * range, and travel exactly in GraphSON (g:Int64 as exact JSON digits) and GraphBinary (the
 * engine's bigint reaches the JS driver as a bigint).
 */
import gremlin from 'gremlin';
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { evaluateGremlin } from '../src/engine/parser/index.js';
import { PropertyGraph } from '../src/engine/property-graph.js';
import { startGremlinServer, type GremlinServerHandle } from '../src/engine/server/index.js';

/** 12 vertices, one edge between every two: both() leads from each to the 11 others. */
function createCompleteGraph(size = 12): PropertyGraph {
  const graph = new PropertyGraph();
  for (let i = 0; i < size; i++) graph.addVertex(`v${i}`, 'N');
  for (let i = 0; i < size; i++) for (let j = i + 1; j < size; j++) graph.addEdge(`e${i}-${j}`, 'link', graph.getVertex(`v${i}`)!, graph.getVertex(`v${j}`)!);
  return graph;
}

/** 12 * 11^17: walks of 17 steps; not a double (its odd part is above 2^53). */
const WALKS_17 = 12n * 11n ** 17n;

describe('64-bit counts', () => {
  const graph = createCompleteGraph();
  let server: GremlinServerHandle;
  beforeAll(async () => {
    server = await startGremlinServer({ graph });
  });
  afterAll(async () => {
    await server.close();
  });

  it('counts and sums exactly past 2^53', async () => {
    expect(Number(WALKS_17)).not.toBe(Number.MAX_SAFE_INTEGER);
    expect(BigInt(Number(WALKS_17))).not.toBe(WALKS_17); // a double cannot hold it
    expect(await evaluateGremlin(graph, 'g.V().repeat(both()).times(17).count()')).toEqual([WALKS_17]);
    expect(await evaluateGremlin(graph, 'g.V().repeat(both()).times(16).constant(3).sum()')).toEqual([36n * 11n ** 16n]);
    expect(await evaluateGremlin(graph, 'g.V().repeat(both()).times(16).groupCount().by(label)')).toEqual([new Map([['N', 12n * 11n ** 16n]])]);
    // Below 2^53 they stay numbers.
    expect(await evaluateGremlin(graph, 'g.V().repeat(both()).times(3).count()')).toEqual([12 * 11 ** 3]);
  });

  it('fails clearly past the range of a Long instead of wrapping around', async () => {
    await expect(evaluateGremlin(graph, 'g.V().repeat(both()).times(18).count()')).rejects.toMatchObject({
      name: 'InvalidInputError',
      message: expect.stringMatching(/beyond the range of a 64-bit Long/),
    });
  });

  it('writes g:Int64 with exact digits in GraphSON', async () => {
    const socket = await new Promise<WebSocket>((resolve, reject) => {
      const s = new WebSocket(server.url);
      s.once('open', () => resolve(s));
      s.once('error', reject);
    });
    try {
      const text = await new Promise<string>((resolve) => {
        socket.once('message', (data: Buffer) => resolve(data.toString('utf8')));
        const mime = 'application/vnd.gremlin-v3.0+json';
        const message = JSON.stringify({ requestId: randomUUID(), op: 'eval', processor: '', args: { gremlin: 'g.V().repeat(both()).times(17).count()' } });
        socket.send(Buffer.concat([Buffer.from([mime.length]), Buffer.from(mime), Buffer.from(message)]));
      });
      expect(text).toContain(`{"@type":"g:Int64","@value":${WALKS_17}}`);
    } finally {
      socket.close();
    }
  });

  it('reaches the JS driver exactly over GraphBinary (as a BigInteger: the driver reads a Long past 2^53 as a double)', async () => {
    const client = new gremlin.driver.Client(server.url, { traversalSource: 'g', mimeType: 'application/vnd.graphbinary-v1.0' });
    try {
      expect((await client.submit('g.V().repeat(both()).times(17).count()')).toArray()).toEqual([WALKS_17]);
      expect((await client.submit('g.V().repeat(both()).times(3).count()')).toArray()).toEqual([12 * 11 ** 3]);
    } finally {
      await client.close();
    }
  });
});
