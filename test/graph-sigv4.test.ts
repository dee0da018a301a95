import { createHash, createHmac } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { WebSocketServer } from 'ws';
import { afterEach, describe, expect, it } from 'vitest';
import { createNeptuneRemoteConnection } from '../src/graph/neptune-connection.js';
import { signNeptuneRequest } from '../src/graph/neptune-sigv4.js';

const credentials = {
  accessKeyId: 'AKIDEXAMPLE',
  secretAccessKey: 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY',
  sessionToken: 'IQoJb3JpZ2luX2VjEXAMPLETOKEN',
};

/**
 * SigV4 written out from the specification
 * (https://docs.aws.amazon.com/IAM/latest/UserGuide/create-signed-request.html), independently
 * of @smithy/signature-v4, to check the kit's headers against.
 */
function expectedAuthorization(host: string, amzDate: string, region: string, token?: string): string {
  const sha = (s: string) => createHash('sha256').update(s).digest('hex');
  const hmac = (key: Buffer | string, s: string) => createHmac('sha256', key).update(s).digest();
  const day = amzDate.slice(0, 8);
  const headerLines = [`host:${host}`, `x-amz-date:${amzDate}`, ...(token ? [`x-amz-security-token:${token}`] : [])];
  const signedHeaders = headerLines.map((l) => l.slice(0, l.indexOf(':'))).join(';');
  const canonical = ['GET', '/gremlin', '', ...headerLines, '', signedHeaders, sha('')].join('\n');
  const scope = `${day}/${region}/neptune-db/aws4_request`;
  const toSign = ['AWS4-HMAC-SHA256', amzDate, scope, sha(canonical)].join('\n');
  const key = hmac(hmac(hmac(hmac(`AWS4${credentials.secretAccessKey}`, day), region), 'neptune-db'), 'aws4_request');
  const signature = createHmac('sha256', key).update(toSign).digest('hex');
  return `AWS4-HMAC-SHA256 Credential=${credentials.accessKeyId}/${scope}, SignedHeaders=${signedHeaders}, Signature=${signature}`;
}

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
      authorization: expectedAuthorization(`${host}:8182`, '20260102T030405Z', 'us-east-1', credentials.sessionToken),
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
    expect(plain.authorization).toBe(expectedAuthorization(`${host}:8182`, '20260102T030405Z', 'eu-west-1'));
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
    expect(upgrades[0]!.authorization).toBe(expectedAuthorization(`127.0.0.1:${port}`, '20260102T030405Z', 'us-east-1', credentials.sessionToken));

    // The server drops the connection; five minutes later the driver reconnects with a fresh signature.
    const closed = new Promise<void>((resolve) => remote.addListener('close', () => resolve()));
    for (const client of server.clients) client.terminate();
    await closed;
    clock += 5 * 60_000;
    await remote.open();
    expect(upgrades).toHaveLength(2);
    expect(upgrades[1]!['x-amz-date']).toBe('20260102T030905Z');
    expect(upgrades[1]!.authorization).toBe(expectedAuthorization(`127.0.0.1:${port}`, '20260102T030905Z', 'us-east-1', credentials.sessionToken));
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
