import type { IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { WebSocketServer } from 'ws';
import { afterEach, describe, expect, it } from 'vitest';
import { createNeptuneRemoteConnection } from '../src/graph/neptune-connection.js';
import { expectedGremlinAuthorization, TEST_SIGV4_CREDENTIALS } from './support/expected-sigv4.js';
import { signNeptuneRequest } from '../src/graph/neptune-sigv4.js';

const credentials = TEST_SIGV4_CREDENTIALS;

const servers: WebSocketServer[] = [];
afterEach(async () => {
  // Clients first: a test that failed before closing its connection would keep close() waiting.
  for (const s of servers.splice(0)) {
    for (const client of s.clients) client.terminate();
    await new Promise<void>((resolve) => s.close(() => resolve()));
  }
});

describe('SigV4 for Neptune (service neptune-db)', () => {
  it('signs the /gremlin upgrade with fixed credentials and a fixed clock', async () => {
    const host = 'db.cluster-abc.us-east-1.neptune.amazonaws.com';
    const headers = await signNeptuneRequest({ host, port: 8182, region: 'us-east-1', credentials, now: () => new Date('2026-01-02T03:04:05Z') });
    expect(headers).toEqual({
      host: `${host}:8182`,
      'x-amz-date': '20260102T030405Z',
      'x-amz-security-token': credentials.sessionToken,
      authorization: expectedGremlinAuthorization(`${host}:8182`, '20260102T030405Z', 'us-east-1', credentials.sessionToken),
    });
    // Long-term keys: no token header, and it is not signed.
    const plain = await signNeptuneRequest({
      host,
      port: 8182,
      region: 'eu-west-1',
      credentials: { accessKeyId: credentials.accessKeyId, secretAccessKey: credentials.secretAccessKey },
      now: () => new Date('2026-01-02T03:04:05Z'),
    });
    expect(plain['x-amz-security-token']).toBeUndefined();
    expect(plain.authorization).toBe(expectedGremlinAuthorization(`${host}:8182`, '20260102T030405Z', 'eu-west-1'));
  });

  it('sends the signed headers on the WebSocket upgrade, and signs again on reconnect', async () => {
    const upgrades: IncomingHttpHeaders[] = [];
    const server = new WebSocketServer({ host: '127.0.0.1', port: 0 });
    servers.push(server);
    await new Promise<void>((resolve) => server.once('listening', () => resolve()));
    server.on('connection', (_socket, request) => upgrades.push(request.headers));
    const port = (server.address() as AddressInfo).port;

    let clock = Date.parse('2026-01-02T03:04:05Z');
    let providerCalls = 0;
    const remote = createNeptuneRemoteConnection({
      url: `ws://127.0.0.1:${port}/gremlin`,
      host: '127.0.0.1',
      port,
      region: 'us-east-1',
      iamAuth: true,
      credentials: async () => {
        providerCalls++;
        return credentials;
      },
      now: () => new Date(clock),
    });
    await remote.open();
    expect(upgrades).toHaveLength(1);
    expect(upgrades[0]!['x-amz-date']).toBe('20260102T030405Z');
    expect(upgrades[0]!['x-amz-security-token']).toBe(credentials.sessionToken);
    expect(upgrades[0]!.authorization).toBe(expectedGremlinAuthorization(`127.0.0.1:${port}`, '20260102T030405Z', 'us-east-1', credentials.sessionToken));

    // The server drops the connection; five minutes later the driver reconnects with a fresh signature.
    const closed = new Promise<void>((resolve) => remote.addListener('close', () => resolve()));
    for (const client of server.clients) client.terminate();
    await closed;
    clock += 5 * 60_000;
    await remote.open();
    expect(upgrades).toHaveLength(2);
    expect(upgrades[1]!['x-amz-date']).toBe('20260102T030905Z');
    expect(upgrades[1]!.authorization).toBe(expectedGremlinAuthorization(`127.0.0.1:${port}`, '20260102T030905Z', 'us-east-1', credentials.sessionToken));
    expect(providerCalls).toBe(2);
    await remote.close();
  });

  it('sends no signature when IAM auth is off', async () => {
    const upgrades: IncomingHttpHeaders[] = [];
    const server = new WebSocketServer({ host: '127.0.0.1', port: 0 });
    servers.push(server);
    await new Promise<void>((resolve) => server.once('listening', () => resolve()));
    server.on('connection', (_socket, request) => upgrades.push(request.headers));
    const port = (server.address() as AddressInfo).port;
    const remote = createNeptuneRemoteConnection({ url: `ws://127.0.0.1:${port}/gremlin`, host: '127.0.0.1', port, region: 'us-east-1', iamAuth: false });
    await remote.open();
    expect(upgrades[0]!.authorization).toBeUndefined();
    await remote.close();
  });
});
