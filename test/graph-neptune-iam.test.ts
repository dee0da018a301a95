/**
 * IAM-signed Gremlin over WebSocket, end to end on loopback: an "IAM gate" in front of the
 * embedded Gremlin server plays Neptune's part — it checks each upgrade's SigV4 signature (written
 * out from the specification, independently of the kit's signer) against its own clock and
 * refuses the upgrade with 403 otherwise, as Neptune does. The driver is gremlin 3.7.3, whose
 * `Connection` sends no headers when `globalThis.WebSocket` exists (Node.js 22): these tests are
 * what fail there when the kit lets the driver pick its socket.
 */
import gremlin from 'gremlin';
import { createRequire } from 'node:module';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import { connect, type AddressInfo, type Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../src/config/kit-config.js';
import { PropertyGraph } from '../src/engine/property-graph.js';
import { startGremlinServer, type GremlinServerHandle } from '../src/engine/server/index.js';
import { connectGraph } from '../src/graph/connect-graph.js';
import { createNeptuneRemoteConnection } from '../src/graph/neptune-connection.js';
import { expectedGremlinAuthorization, TEST_SIGV4_CREDENTIALS } from './support/expected-sigv4.js';

const { traversal } = gremlin.process;
const driverUtils = createRequire(import.meta.url)('gremlin/lib/utils.js') as { getUserAgent(): Promise<string> };
const region = 'us-east-1';
const credentials = TEST_SIGV4_CREDENTIALS;

function parseAmzDate(amzDate: string): number {
  const m = /^(\d{4})(\d\d)(\d\d)T(\d\d)(\d\d)(\d\d)Z$/.exec(amzDate);
  return m ? Date.UTC(+m[1]!, +m[2]! - 1, +m[3]!, +m[4]!, +m[5]!, +m[6]!) : NaN;
}

/** Neptune's part: a signature is accepted when it is right and dated within 5 minutes of `now`. */
interface IamGate {
  port: number;
  url: string;
  upgrades: IncomingMessage['headers'][];
  refused: number;
  now: number;
  /** Drops every open client connection, as a Neptune failover or idle timeout does. */
  dropAll(): void;
  close(): Promise<void>;
}

async function startIamGate(target: GremlinServerHandle, now: number): Promise<IamGate> {
  const open = new Set<Socket>();
  const server: Server = createServer((_req, res) => res.writeHead(404).end());
  const gate: IamGate = {
    port: 0,
    url: '',
    upgrades: [],
    refused: 0,
    now,
    dropAll: () => {
      for (const socket of open) socket.destroy();
    },
    close: async () => {
      gate.dropAll();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
  server.on('upgrade', (req: IncomingMessage, socket: Socket, head: Buffer) => {
    gate.upgrades.push(req.headers);
    const date = String(req.headers['x-amz-date'] ?? '');
    const token = req.headers['x-amz-security-token'] as string | undefined;
    const valid =
      req.headers.authorization === expectedGremlinAuthorization(String(req.headers.host), date, region, token) &&
      token === credentials.sessionToken &&
      Math.abs(parseAmzDate(date) - gate.now) <= 5 * 60_000;
    if (!valid) {
      gate.refused++;
      socket.end('HTTP/1.1 403 Forbidden\r\nContent-Length: 0\r\nConnection: close\r\n\r\n');
      return;
    }
    const upstream = connect(target.port, '127.0.0.1', () => {
      const lines = [`${req.method} ${req.url} HTTP/1.1`];
      for (let i = 0; i < req.rawHeaders.length; i += 2) lines.push(`${req.rawHeaders[i]}: ${req.rawHeaders[i + 1]}`);
      upstream.write(`${lines.join('\r\n')}\r\n\r\n`);
      if (head.length) upstream.write(head);
      socket.pipe(upstream).pipe(socket);
    });
    open.add(socket);
    const forget = () => {
      open.delete(socket);
      socket.destroy();
      upstream.destroy();
    };
    socket.on('close', forget).on('error', forget);
    upstream.on('close', forget).on('error', forget);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  gate.port = (server.address() as AddressInfo).port;
  gate.url = `ws://127.0.0.1:${gate.port}/gremlin`;
  return gate;
}

const start = Date.parse('2026-01-02T03:04:05Z');
let engine: GremlinServerHandle;
const gates: IamGate[] = [];
async function newGate(): Promise<IamGate> {
  const gate = await startIamGate(engine, start);
  gates.push(gate);
  return gate;
}

beforeAll(async () => {
  const graph = new PropertyGraph({ defaultCardinality: 'single', idGenerator: 'number' });
  graph.setVertexProperty(graph.addVertex('user:ann', 'User'), 'name', 'Ann');
  graph.setVertexProperty(graph.addVertex('user:bob', 'User'), 'name', 'Bob');
  engine = await startGremlinServer({ graph });
});
afterAll(async () => {
  for (const gate of gates.splice(0)) await gate.close();
  await engine.close();
});

describe('IAM-signed Gremlin over WebSocket (a SigV4-checking gate in front of the embedded server)', () => {
  it("the kit's aws graph runs traversals through the gate; the driver alone is refused", async () => {
    const gate = await newGate();
    gate.now = Date.now();
    const webSocketBefore = Object.getOwnPropertyDescriptor(globalThis, 'WebSocket');
    const config = loadConfig({ mode: 'aws', region, neptune: { host: '127.0.0.1', port: gate.port, iamAuth: true } }, {});
    const conn = await connectGraph(config, { url: gate.url, credentials });
    expect(await conn.g.V().hasLabel('User').values('name').order().toList()).toEqual(['Ann', 'Bob']);
    expect(gate.refused).toBe(0);
    expect(gate.upgrades).toHaveLength(1);
    expect(gate.upgrades[0]!['x-amz-security-token']).toBe(credentials.sessionToken);
    // The driver's own User-Agent (navigator.userAgent where there is one: Node.js 22).
    expect(gate.upgrades[0]!['user-agent']).toBe(await driverUtils.getUserAgent());
    // The process's WebSocket (built in on Node.js 22, absent on 20) is left as it was.
    expect(Object.getOwnPropertyDescriptor(globalThis, 'WebSocket')).toEqual(webSocketBefore);
    await conn.close();

    // Without the kit, gremlin's own connection is unsigned: the gate refuses it as Neptune would.
    const plain = new gremlin.driver.DriverRemoteConnection(gate.url);
    await expect(traversal().withRemote(plain).V().count().next()).rejects.toThrow();
    expect(gate.refused).toBe(1);
    await plain.close();
  });

  it('a dropped connection reconnects on the next traversal, signed afresh (new date, credentials asked again)', async () => {
    const gate = await newGate();
    let clock = start;
    let providerCalls = 0;
    const remote = createNeptuneRemoteConnection({
      url: gate.url,
      host: '127.0.0.1',
      port: gate.port,
      region,
      iamAuth: true,
      credentials: async () => {
        providerCalls++;
        return credentials;
      },
      now: () => new Date(clock),
    });
    const g = traversal().withRemote(remote);
    expect(await g.V().count().next()).toEqual({ value: 2, done: false });
    expect(gate.upgrades.map((h) => h['x-amz-date'])).toEqual(['20260102T030405Z']);

    const closed = new Promise<void>((resolve) => remote.addListener('close', () => resolve()));
    gate.dropAll();
    await closed;
    // Ten minutes on, the first signature is stale: only a new one gets through.
    clock += 10 * 60_000;
    gate.now = clock;
    expect(await g.V('user:bob').values('name').toList()).toEqual(['Bob']);
    expect(gate.upgrades.map((h) => h['x-amz-date'])).toEqual(['20260102T030405Z', '20260102T031405Z']);
    expect(gate.refused).toBe(0);
    expect(providerCalls).toBe(2);
    await remote.close();
  });

  it('traversals started together share one signed upgrade', async () => {
    const gate = await newGate();
    const remote = createNeptuneRemoteConnection({ url: gate.url, host: '127.0.0.1', port: gate.port, region, iamAuth: true, credentials, now: () => new Date(start) });
    const g = traversal().withRemote(remote);
    const counts = await Promise.all([g.V().count().next(), g.V().count().next(), g.V('user:ann').values('name').next()]);
    expect(counts.map((c) => c.value)).toEqual([2, 2, 'Ann']);
    expect(gate.upgrades).toHaveLength(1);
    await remote.close();
  });

  it('a signature Neptune refuses (wrong key) fails the traversal with the 403, and the next one retries', async () => {
    const gate = await newGate();
    let secretAccessKey = 'not-the-secret';
    const remote = createNeptuneRemoteConnection({
      url: gate.url,
      host: '127.0.0.1',
      port: gate.port,
      region,
      iamAuth: true,
      credentials: async () => ({ ...credentials, secretAccessKey }),
      now: () => new Date(start),
    });
    const g = traversal().withRemote(remote);
    await expect(g.V().count().next()).rejects.toThrow(/403/);
    expect(gate.refused).toBe(1);
    secretAccessKey = credentials.secretAccessKey;
    expect(await g.V().count().next()).toEqual({ value: 2, done: false });
    expect(gate.upgrades).toHaveLength(2);
    await remote.close();
  });

  it('extra driver headers go on the upgrade with the signature', async () => {
    const gate = await newGate();
    const remote = createNeptuneRemoteConnection({
      url: gate.url,
      host: '127.0.0.1',
      port: gate.port,
      region,
      iamAuth: true,
      credentials,
      now: () => new Date(start),
      driverOptions: { headers: { 'x-request-source': 'idgraph-kit-test' } },
    });
    expect(await traversal().withRemote(remote).V().count().next()).toEqual({ value: 2, done: false });
    expect(gate.upgrades[0]!['x-request-source']).toBe('idgraph-kit-test');
    await remote.close();
  });

  it('refuses to open when the driver does not build its socket within open()\'s first stretch (no unsigned upgrade is trusted)', async () => {
    const gate = await newGate();
    const remote = createNeptuneRemoteConnection({ url: gate.url, host: '127.0.0.1', port: gate.port, region, iamAuth: true, credentials, now: () => new Date(start) });
    // As a driver that awaits something before building its socket: gremlin's own User-Agent step does.
    (remote as unknown as { _client: { _connection: { _enableUserAgentOnConnect: boolean } } })._client._connection._enableUserAgentOnConnect = true;
    const error = await traversal()
      .withRemote(remote)
      .V()
      .count()
      .next()
      .then(
        () => undefined,
        (e: Error) => e,
      );
    expect(error?.name).toBe('DriverSocketError');
    // The driver's late, unsigned attempt reaches the gate and is refused, as Neptune would.
    for (let waited = 0; gate.refused === 0 && waited < 5_000; waited += 20) await new Promise((resolve) => setTimeout(resolve, 20));
    expect(gate.refused).toBe(1);
    expect(gate.upgrades[0]!.authorization).toBeUndefined();
    await remote.close();
  });
});
