/**
 * The Gremlin server under hostile load (loopback only, bounded counts and times): a long query
 * does not hold up the small ones, a client that goes away stops its evaluation, timeouts are
 * answered with Gremlin Server's status, oversized HTTP bodies get a 413, and requests are
 * checked as Gremlin Server checks them (processor, request id).
 */
import { randomUUID } from 'node:crypto';
import { request as httpRequest } from 'node:http';
import gremlin from 'gremlin';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { PropertyGraph } from '../src/engine/property-graph.js';
import { DEFAULT_EVALUATION_TIMEOUT_MS, startGremlinServer, type GremlinServerHandle } from '../src/engine/server/index.js';

const { Client } = gremlin.driver;

/** The query of the issue: on a graph of 3,000 vertices it runs for minutes. */
const LONG_QUERY = 'g.V().repeat(both().simplePath()).times(8).count()';

/** 3,000 vertices, each linked to three others picked by a fixed pseudo-random sequence. */
function createMeshGraph(size = 3000): PropertyGraph {
  const graph = new PropertyGraph();
  for (let i = 0; i < size; i++) graph.setVertexProperty(graph.addVertex(`u${i}`, 'User'), 'name', `user ${i}`);
  let seed = 12345;
  const next = (): number => (seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) % size;
  for (let i = 0; i < size; i++) {
    for (let k = 0; k < 3; k++) graph.addEdge(`e${i}-${k}`, 'linked', graph.getVertex(`u${i}`)!, graph.getVertex(`u${next()}`)!);
  }
  return graph;
}

/** Rejects when `promise` takes longer than `ms` (so a frozen server fails the test instead of hanging it). */
function within<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  return Promise.race([promise, new Promise<T>((_, reject) => setTimeout(() => reject(new Error(`${what}: no answer within ${ms} ms`)), ms))]);
}

async function waitUntil(test: () => boolean, ms: number, what: string): Promise<void> {
  const end = Date.now() + ms;
  while (!test()) {
    if (Date.now() > end) throw new Error(`${what}: not within ${ms} ms`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

/** POSTs `body` to the HTTP endpoint; resolves to the status and body, or rejects on a reset. */
function post(url: string, body: string | Buffer): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(url, { method: 'POST', headers: { 'Content-Type': 'application/json' } }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(body);
  });
}

/** Sends one GraphSON 3 request frame on a raw WebSocket; resolves to the parsed answers until a final status. */
function sendRaw(url: string, message: Record<string, unknown>): Promise<Array<{ requestId: unknown; status: { code: number; message?: string } }>> {
  return new Promise((resolve, reject) => {
    const socket = new WebSocket(url);
    const answers: Array<{ requestId: unknown; status: { code: number; message?: string } }> = [];
    socket.on('open', () => {
      const mime = 'application/vnd.gremlin-v3.0+json';
      socket.send(Buffer.concat([Buffer.from([mime.length]), Buffer.from(mime), Buffer.from(JSON.stringify(message))]));
    });
    socket.on('message', (data: Buffer) => {
      const answer = JSON.parse(data.toString('utf8')) as (typeof answers)[number];
      answers.push(answer);
      if (answer.status.code !== 206) {
        socket.close();
        resolve(answers);
      }
    });
    socket.on('error', reject);
  });
}

const GRAPHSON3 = 'application/vnd.gremlin-v3.0+json';

function openSocket(url: string): Promise<WebSocket> {
  return new Promise((resolve, reject) => {
    const socket = new WebSocket(url);
    socket.once('open', () => resolve(socket));
    socket.once('error', reject);
  });
}

/** Sends an eval request as a GraphSON 3 frame; resolves to the (single) answer. */
function ask(socket: WebSocket, gremlinText: string): Promise<{ status: { code: number }; result: { data: { '@value': unknown[] } } }> {
  return new Promise((resolve) => {
    socket.once('message', (data: Buffer) => resolve(JSON.parse(data.toString('utf8')) as never));
    const message = JSON.stringify({ requestId: randomUUID(), op: 'eval', processor: '', args: { gremlin: gremlinText } });
    socket.send(Buffer.concat([Buffer.from([GRAPHSON3.length]), Buffer.from(GRAPHSON3), Buffer.from(message)]));
  });
}

describe('Gremlin server under load', () => {
  let server: GremlinServerHandle;
  const graph = createMeshGraph();

  beforeAll(async () => {
    server = await startGremlinServer({ graph });
  });
  afterAll(async () => {
    await server.close();
  });

  it('answers 100 small queries within 100 ms each while a long query runs, and a disconnect stops the long one', { timeout: 60_000 }, async () => {
    // Raw sockets rather than 100 driver clients: the clients share this process (and its event
    // loop) with the server, and the driver's own work per request would be measured too.
    const small = await Promise.all(Array.from({ length: 100 }, () => openSocket(server.url)));
    const long = new Client(server.url, { traversalSource: 'g' });
    try {
      const round = (): Promise<number[]> =>
        within(
          Promise.all(
            small.map(async (socket, i) => {
              const started = performance.now();
              const answer = await ask(socket, `g.V('u${i}').values('name')`);
              expect(answer.result.data['@value']).toEqual([`user ${i}`]);
              return performance.now() - started;
            }),
          ),
          10_000,
          'the small queries',
        );
      await round(); // warm-up: the first round compiles the code paths
      // Bounded even where the server cannot stop it by itself (so a regression fails, not hangs).
      const running = long.submit(LONG_QUERY, {}, { evaluationTimeout: 30_000 } as never).catch((error: unknown) => error);
      await waitUntil(() => server.running === 1, 5_000, 'the long query to start');
      await new Promise((resolve) => setTimeout(resolve, 300));
      expect(server.running).toBe(1);

      const latencies = (await round()).sort((a, b) => a - b);
      expect(latencies[latencies.length - 1], `latencies p50 ${latencies[50]!.toFixed(1)} ms, max ${latencies[99]!.toFixed(1)} ms`).toBeLessThan(100);
      expect(server.running).toBe(1);

      // The client goes away: its evaluation stops, and its CPU is free again.
      await long.close();
      await waitUntil(() => server.running === 0, 5_000, 'the long query to stop');
      const before = process.cpuUsage();
      const wallStart = performance.now();
      await new Promise((resolve) => setTimeout(resolve, 500));
      const cpu = process.cpuUsage(before);
      const cpuMs = (cpu.user + cpu.system) / 1000;
      expect(cpuMs, `CPU ${cpuMs.toFixed(0)} ms in ${(performance.now() - wallStart).toFixed(0)} ms`).toBeLessThan(250);
      void running;
    } finally {
      for (const socket of small) socket.close();
      await long.close().catch(() => undefined);
    }
  });

  it('answers a quick query on the same connection while a long one runs there', { timeout: 30_000 }, async () => {
    const client = new Client(server.url, { traversalSource: 'g' });
    try {
      const running = client.submit(LONG_QUERY, {}, { evaluationTimeout: 2_000 } as never).catch((error: unknown) => error);
      await waitUntil(() => server.running === 1, 5_000, 'the long query to start');
      const started = performance.now();
      const quick = await within(client.submit('g.V("u1").values("name")'), 1_500, 'the quick query');
      expect(quick.toArray()).toEqual(['user 1']);
      expect(performance.now() - started).toBeLessThan(1_000);
      // The long one ends at its timeout with Gremlin Server's timeout status.
      const error = (await within(running, 10_000, 'the long query')) as { statusCode?: number };
      expect(error.statusCode).toBe(598);
    } finally {
      await client.close();
    }
  });

  it('has a default timeout, as Neptune (120 s), and answers timeouts over HTTP as Neptune does', { timeout: 30_000 }, async () => {
    expect(DEFAULT_EVALUATION_TIMEOUT_MS).toBe(120_000);
    const strict = await startGremlinServer({ graph, evaluationTimeoutMs: 300 });
    try {
      const started = Date.now();
      const answer = await within(post(strict.httpUrl, JSON.stringify({ gremlin: LONG_QUERY })), 10_000, 'HTTP timeout');
      expect(answer.status).toBe(500);
      expect(JSON.parse(answer.body)).toMatchObject({ code: 'TimeLimitExceededException', 'Exception-Class': 'DeadlineExceededError' });
      expect(Date.now() - started).toBeLessThan(5_000);
      const [ws] = await within(sendRaw(strict.url, { requestId: '5bd4c1a4-1b8e-4d6a-9f3e-1c2d3e4f5a6b', op: 'eval', processor: '', args: { gremlin: LONG_QUERY } }), 10_000, 'WebSocket timeout');
      expect(ws!.status.code).toBe(598);
    } finally {
      await strict.close();
    }
  });

  it('stops an HTTP evaluation when its client disconnects', { timeout: 30_000 }, async () => {
    const req = httpRequest(server.httpUrl, { method: 'POST', headers: { 'Content-Type': 'application/json' } });
    req.on('error', () => undefined);
    req.end(JSON.stringify({ gremlin: LONG_QUERY }));
    await waitUntil(() => server.running === 1, 5_000, 'the HTTP query to start');
    req.destroy();
    await waitUntil(() => server.running === 0, 5_000, 'the HTTP query to stop');
  });

  it('answers an oversized HTTP body with 413 and a message (the limit is an option)', { timeout: 30_000 }, async () => {
    for (const size of [1.5 * 1024 * 1024, 20 * 1024 * 1024]) {
      const body = JSON.stringify({ gremlin: `g.inject('${'x'.repeat(size)}').count()` });
      const answer = await within(post(server.httpUrl, body), 20_000, `a ${size}-byte body`);
      expect(answer.status).toBe(413);
      expect(JSON.parse(answer.body).message).toMatch(/larger than 1048576 bytes/);
    }
    const roomy = await startGremlinServer({ graph, maxBodyBytes: 4 * 1024 * 1024 });
    try {
      const body = JSON.stringify({ gremlin: `g.inject('${'x'.repeat(1.5 * 1024 * 1024)}').count()` });
      const answer = await post(roomy.httpUrl, body);
      expect(answer.status).toBe(200);
      const small = await startGremlinServer({ graph, maxBodyBytes: 100 });
      try {
        const refused = await post(small.httpUrl, JSON.stringify({ gremlin: `g.V().has('name', '${'y'.repeat(200)}')` }));
        expect(refused.status).toBe(413);
      } finally {
        await small.close();
      }
    } finally {
      await roomy.close();
    }
    // The server still serves.
    expect((await post(server.httpUrl, JSON.stringify({ gremlin: 'g.V().count()' }))).status).toBe(200);
  });

  it('refuses an unknown processor, or an op its processor does not answer, with 499, as Gremlin Server', async () => {
    const requestId = '1d6d02bd-8e56-421d-9438-3bd6d0079ff1';
    const [unknown] = await sendRaw(server.url, { requestId, op: 'eval', processor: 'nonsense', args: { gremlin: 'g.V().count()' } });
    expect(unknown).toMatchObject({ requestId, status: { code: 499 } });
    expect(unknown!.status.message).toMatch(/Invalid OpProcessor requested \[nonsense\]/);
    const [session] = await sendRaw(server.url, { requestId, op: 'eval', processor: 'session', args: { gremlin: 'g.V().count()', session: 'x' } });
    expect(session!.status.code).toBe(499);
    const [mismatch] = await sendRaw(server.url, { requestId, op: 'bytecode', processor: '', args: { gremlin: 'g.V().count()' } });
    expect(mismatch!.status.code).toBe(499);
    const [ok] = await sendRaw(server.url, { requestId, op: 'eval', processor: '', args: { gremlin: 'g.V().count()' } });
    expect(ok!.status.code).toBe(200);
  });

  it('gives a request without a requestId a fresh UUID, as Gremlin Server does', async () => {
    const [answer] = await sendRaw(server.url, { op: 'eval', processor: '', args: { gremlin: 'g.V().count()' } });
    expect(answer!.status.code).toBe(200);
    const id = typeof answer!.requestId === 'object' && answer!.requestId !== null ? (answer!.requestId as { '@value': string })['@value'] : answer!.requestId;
    expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
  });
});
