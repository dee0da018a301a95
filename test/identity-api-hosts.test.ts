/**
 * The identity API's two hosts and its failure paths: the Lambda handler invoked with API
 * Gateway HTTP API (payload 2.0) event fixtures, the local HTTP server on loopback, 503 when the
 * graph does not answer, and Neptune's write conflicts retried.
 */
import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import gremlin from 'gremlin';
import { createNeptuneRemoteConnection } from '../src/graph/neptune-connection.js';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { LocalConnection, PropertyGraph } from '../src/engine/index.js';
import {
  createLambdaHandler,
  DEFAULT_RULE_PRECISION,
  retryOnWriteConflict,
  startIdentityApiServer,
  upsertStoreVisit,
  type ApiContext,
  type HttpApiEventV2,
  type IdentityApiServer,
} from '../src/identity-api/index.js';

const fixture = (name: string) => JSON.parse(readFileSync(new URL(`./fixtures/identity-api/${name}`, import.meta.url), 'utf8')) as HttpApiEventV2;

function localContext(graph = new PropertyGraph(), logs: Record<string, unknown>[] = []): ApiContext {
  const g = gremlin.process.AnonymousTraversalSource.traversal().withRemote(new LocalConnection(graph));
  return { writer: g, reader: g, precision: DEFAULT_RULE_PRECISION, log: (entry) => logs.push(entry) };
}

/** A loopback port nothing listens on: bound, then released. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

describe('Lambda handler (API Gateway HTTP API payload 2.0)', () => {
  it('answers the fixture events: a base64 POST, a GET with query parameters, a repeated parameter', async () => {
    const logs: Record<string, unknown>[] = [];
    const context = localContext(new PropertyGraph(), logs);
    const handler = createLambdaHandler(async () => context);
    const posted = await handler(fixture('post-store-visit.json'));
    expect(posted).toMatchObject({ statusCode: 200, isBase64Encoded: false, headers: { 'content-type': 'application/json; charset=utf-8', 'x-request-id': 'Ef1aBjRSoAMEbxw=' } });
    expect(JSON.parse(posted.body)).toMatchObject({ requestId: 'Ef1aBjRSoAMEbxw=', session: 'session:lambda-1' });
    const mapped = await handler(fixture('get-map-user.json'));
    expect(mapped.statusCode).toBe(200);
    expect(JSON.parse(mapped.body)).toMatchObject({ requestId: 'Ef1aDhNJoAMEbzA=', users: [{ user: 'dana', rule: 'shared-device', confidence: 1, evidence: [['device:D-LAMBDA', 'session:lambda-1', 'user:dana']] }] });
    // API Gateway joins the values of a repeated parameter with a comma: refused, not read as a user "dana,erin".
    const repeated = await handler(fixture('get-customer-view-repeated.json'));
    expect(repeated.statusCode).toBe(400);
    expect(JSON.parse(repeated.body)).toMatchObject({ error: 'RequestInputError', field: 'user (repeated)' });
    expect(logs.map((l) => [l.requestId, l.status])).toEqual([
      ['Ef1aBjRSoAMEbxw=', 200],
      ['Ef1aDhNJoAMEbzA=', 200],
      ['Ef1aFhQmoAMEb1w=', 400],
    ]);
  });

  it('answers 503 with the request id when Neptune cannot be reached', async () => {
    const port = await closedPort();
    // The connection the Lambda functions use (the `ws` socket on every Node.js version).
    const remote = createNeptuneRemoteConnection({ url: `ws://127.0.0.1:${port}/gremlin`, host: '127.0.0.1', port, region: 'us-east-1', iamAuth: false });
    const g = gremlin.process.AnonymousTraversalSource.traversal().withRemote(remote);
    const logs: Record<string, unknown>[] = [];
    const handler = createLambdaHandler(async () => ({ writer: g, reader: g, precision: DEFAULT_RULE_PRECISION, log: (e) => logs.push(e) }));
    try {
      for (const name of ['get-map-user.json', 'post-store-visit.json']) {
        const answer = await handler(fixture(name));
        expect(answer.statusCode).toBe(503);
        expect(answer.headers['retry-after']).toBe('1');
        expect(JSON.parse(answer.body)).toMatchObject({ error: 'GraphUnavailableError', requestId: fixture(name).requestContext.requestId });
      }
      expect(logs.filter((l) => l.level === 'error').map((l) => l.requestId)).toEqual(['Ef1aDhNJoAMEbzA=', 'Ef1aBjRSoAMEbxw=']);
    } finally {
      await remote.close().catch(() => {});
    }
  });
});

describe('local HTTP server', () => {
  let server: IdentityApiServer;
  let graph: PropertyGraph;
  beforeEach(async () => {
    graph = new PropertyGraph();
    server = await startIdentityApiServer({ ...localContext(graph), port: 0 });
  });
  afterEach(async () => server.close());

  it('serves the endpoints on 127.0.0.1 with JSON in and out and x-request-id', async () => {
    expect(server.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    const posted = await fetch(`${server.url}/store-visit`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-request-id': 'req-1' },
      body: JSON.stringify({ session_id: 'h1', cookie_id: 'hc1', user_name: 'hana' }),
    });
    expect(posted.status).toBe(200);
    expect(posted.headers.get('x-request-id')).toBe('req-1');
    expect(await posted.json()).toMatchObject({ requestId: 'req-1', session: 'session:h1' });
    const mapped = await fetch(`${server.url}/map-user?cookie=hc1`);
    expect(await mapped.json()).toMatchObject({ users: [{ user: 'hana', rule: 'login' }] });
    const generated = await fetch(`${server.url}/customer-view?user=hana`);
    expect(generated.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
    const repeated = await fetch(`${server.url}/map-user?session=h1&session=h2`);
    expect(repeated.status).toBe(400);
    const big = await fetch(`${server.url}/store-visit`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: 'x'.repeat(200_000) });
    expect(big.status).toBe(400);
    expect(await big.json()).toMatchObject({ field: '(body)' });
    expect(graph.vertexCount).toBe(3);
  });

  it('50 concurrent overlapping posts over HTTP leave one vertex per id and one edge per pair', async () => {
    const posts = Array.from({ length: 50 }, (_, i) =>
      fetch(`${server.url}/store-visit`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ session_id: `p${i % 7}`, cookie_id: `pc${i % 7}`, client_ip: '198.51.100.1', device_id: `pd${i % 4}`, user_name: `pu${i % 3}` }),
      }).then((r) => r.status),
    );
    expect(await Promise.all(posts)).toEqual(Array(50).fill(200));
    const g = gremlin.process.AnonymousTraversalSource.traversal().withRemote(new LocalConnection(graph));
    const { countDuplicates } = await import('../src/queries/index.js');
    expect(await countDuplicates(g)).toEqual({ vertices: 0, edges: 0, singleValued: { hasPhone: 0, hasLoyaltyLevel: 0, hasPostCodeAddress: 0, hasCityAddress: 0 } });
    // 7 sessions, 7 cookies, 1 IP, 4 devices, 3 users.
    expect(graph.vertexCount).toBe(22);
  });
});

describe('write conflicts (Neptune)', () => {
  /** The embedded engine behind a connection that answers the first `failures` submits as Neptune does under a conflict. */
  class ConflictingConnection extends LocalConnection {
    submits = 0;
    constructor(graph: PropertyGraph, private failures: number, private readonly message: string) {
      super(graph);
    }
    override async submit(bytecode: unknown) {
      this.submits++;
      if (this.failures-- > 0) throw new Error(this.message);
      return super.submit(bytecode);
    }
  }

  it('a store visit that meets ConcurrentModificationException is run again and then matches', async () => {
    const graph = new PropertyGraph();
    const connection = new ConflictingConnection(graph, 2, 'Server error: {"code":"ConcurrentModificationException","detailedMessage":"Failed to complete Insert operation for a VertexProperty due to conflicting concurrent operations. Please retry. 0 transactions are currently rolling back."} (500)');
    const g = gremlin.process.AnonymousTraversalSource.traversal().withRemote(connection);
    const result = await upsertStoreVisit(g, { session_id: 'c1', device_id: 'D' });
    expect(result.attempts).toBe(3);
    expect(graph.vertexCount).toBe(2);
    expect(graph.edgeCount).toBe(1);
  });

  it('other errors are not retried, and retries stop after the last attempt', async () => {
    let calls = 0;
    await expect(retryOnWriteConflict(async () => { calls++; throw new Error('MalformedQueryException'); })).rejects.toThrow('MalformedQueryException');
    expect(calls).toBe(1);
    calls = 0;
    await expect(retryOnWriteConflict(async () => { calls++; throw new Error('ConstraintViolationException'); }, { attempts: 3, baseDelayMs: 1 })).rejects.toThrow('ConstraintViolation');
    expect(calls).toBe(3);
  });
});

describe('openIdentityApi (the notebook client)', () => {
  it('aws mode: calls IdentityApiUrl with SigV4-signed requests for execute-api', async () => {
    const seen: { method?: string; url?: string; headers: Record<string, string | string[] | undefined>; body: string }[] = [];
    const { createServer: createHttpServer } = await import('node:http');
    const server = createHttpServer((req, res) => {
      let body = '';
      req.on('data', (c) => (body += c));
      req.on('end', () => {
        seen.push({ method: req.method, url: req.url, headers: req.headers, body });
        res.writeHead(200, { 'content-type': 'application/json', 'x-request-id': 'gw-1' });
        res.end(JSON.stringify({ requestId: 'gw-1', users: [] }));
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as { port: number };
    const { openIdentityApi } = await import('../src/identity-api/index.js');
    const { loadConfig } = await import('../src/config/kit-config.js');
    const config = loadConfig({ mode: 'aws', region: 'eu-west-1', stackOutputs: { IdentityApiUrl: `http://127.0.0.1:${port}/` } }, {});
    const kit = { config, graph: () => Promise.reject(new Error('not used in aws mode')), groundTruth: () => Promise.reject(new Error('not used')) };
    try {
      const api = await openIdentityApi(kit, { credentials: { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'secret', sessionToken: 'token' } });
      expect(api.mode).toBe('aws');
      const answer = await api.mapUser({ device: 'D 1' });
      expect(answer).toMatchObject({ status: 200, requestId: 'gw-1' });
      await api.storeVisit({ session_id: 's1' });
      expect(seen.map((s) => [s.method, s.url])).toEqual([['GET', '/map-user?device=D+1'], ['POST', '/store-visit']]);
      for (const request of seen) {
        expect(request.headers.authorization).toMatch(/^AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE\/\d{8}\/eu-west-1\/execute-api\/aws4_request, SignedHeaders=[a-z0-9;-]*host[a-z0-9;-]*, Signature=[0-9a-f]{64}$/);
        expect(request.headers['x-amz-security-token']).toBe('token');
      }
      expect(seen[1]!.headers['x-amz-content-sha256']).toMatch(/^[0-9a-f]{64}$/);
      expect(JSON.parse(seen[1]!.body)).toEqual({ session_id: 's1' });
      await api.close();
    } finally {
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  });
});
