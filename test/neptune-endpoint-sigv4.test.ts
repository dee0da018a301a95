/**
 * The server-side SigV4 check against the AWS SDK's own signer (@smithy/signature-v4): every
 * request it signs verifies, and any change to what was signed, a wrong key, an old date or
 * another service's scope is refused. (botocore's signer is exercised by the Python clients' test.)
 */
import { Sha256 } from '@aws-crypto/sha256-js';
import { SignatureV4 } from '@smithy/signature-v4';
import { describe, expect, it } from 'vitest';
import { verifySignature, type SignedRequest } from '../src/neptune-endpoint/sigv4-verifier.js';

const credentials = { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY' };
const signingDate = new Date('2026-12-07T12:00:00Z');
const now = () => signingDate.getTime() + 30_000;

interface Plain {
  method: string;
  path: string;
  query?: Record<string, string>;
  headers?: Record<string, string>;
  body?: string;
}

/** Signs as the SDK does, and returns the request as the server receives it (escaped URL, lower-case headers). */
async function sign(request: Plain, options: { service?: string; region?: string; sessionToken?: string; date?: Date } = {}): Promise<SignedRequest> {
  const signer = new SignatureV4({
    service: options.service ?? 'neptune-db',
    region: options.region ?? 'us-east-1',
    credentials: { ...credentials, ...(options.sessionToken ? { sessionToken: options.sessionToken } : {}) },
    sha256: Sha256,
  });
  const signed = await signer.sign(
    { method: request.method, protocol: 'https:', hostname: 'db.example', port: 8182, path: request.path, query: request.query ?? {}, headers: { host: 'db.example:8182', ...request.headers }, body: request.body },
    { signingDate: options.date ?? signingDate },
  );
  const query = new URLSearchParams(request.query ?? {}).toString().replace(/\+/g, '%20');
  const headers: Record<string, string> = {};
  for (const [k, v] of Object.entries(signed.headers)) headers[k.toLowerCase()] = String(v);
  return { method: request.method, url: `${request.path}${query ? `?${query}` : ''}`, headers, body: Buffer.from(request.body ?? '') };
}

const options = { credentials: [credentials], service: 'neptune-db', region: 'us-east-1', now };

describe('SigV4 verification (server side) against @smithy/signature-v4', () => {
  it.each<[string, Plain]>([
    ['a WebSocket upgrade', { method: 'GET', path: '/gremlin' }],
    ['a query string, unordered, with characters to escape', { method: 'GET', path: '/loader/a1b2', query: { page: '2', errors: 'true', details: 'True', x: 'a b/c~*' } }],
    ['a JSON body', { method: 'POST', path: '/loader', headers: { 'content-type': 'application/json' }, body: '{"source":"s3://b/p","format":"csv"}' }],
    ['a path segment that is escaped on the wire', { method: 'DELETE', path: '/loader/id%20with%20space' }],
  ])('accepts %s', async (_, request) => {
    expect(verifySignature(await sign(request), options)).toEqual({ ok: true, accessKeyId: 'AKIDEXAMPLE' });
  });

  it('refuses a changed body, path, query or signed header', async () => {
    const base = await sign({ method: 'POST', path: '/system', query: { a: '1' }, headers: { 'content-type': 'application/json' }, body: '{"action":"initiateDatabaseReset"}' });
    expect(verifySignature(base, options).ok).toBe(true);
    for (const changed of [
      { ...base, body: Buffer.from('{"action":"performDatabaseReset"}') },
      { ...base, url: '/loader?a=1' },
      { ...base, url: '/system?a=2' },
      { ...base, method: 'PUT' },
      { ...base, headers: { ...base.headers, host: 'other:8182' } },
    ]) {
      expect(verifySignature(changed, options)).toMatchObject({ ok: false, reason: 'mismatch' });
    }
  });

  it('refuses a missing signature, an unknown key, a wrong secret, another service or region, and a date more than 5 minutes off', async () => {
    const request = await sign({ method: 'GET', path: '/status' });
    const { authorization: _, ...unsigned } = request.headers;
    expect(verifySignature({ ...request, headers: unsigned }, options)).toMatchObject({ ok: false, reason: 'missing', message: 'Missing Authentication Token' });
    expect(verifySignature(request, { ...options, credentials: [{ accessKeyId: 'OTHER', secretAccessKey: 'x' }] })).toMatchObject({ ok: false, reason: 'unknown-key' });
    expect(verifySignature(request, { ...options, credentials: [{ ...credentials, secretAccessKey: 'wrong' }] })).toMatchObject({ ok: false, reason: 'mismatch' });
    expect(verifySignature(await sign({ method: 'GET', path: '/status' }, { service: 's3' }), options)).toMatchObject({ ok: false, reason: 'scope' });
    expect(verifySignature(await sign({ method: 'GET', path: '/status' }, { region: 'eu-west-1' }), options)).toMatchObject({ ok: false, reason: 'scope' });
    const old = await sign({ method: 'GET', path: '/status' }, { date: new Date(signingDate.getTime() - 6 * 60_000) });
    expect(verifySignature(old, options)).toMatchObject({ ok: false, reason: 'expired' });
    const fourMinutes = await sign({ method: 'GET', path: '/status' }, { date: new Date(signingDate.getTime() - 4 * 60_000) });
    expect(verifySignature(fourMinutes, options).ok).toBe(true);
    expect(verifySignature({ ...request, headers: { ...request.headers, authorization: 'Basic abc' } }, options)).toMatchObject({ ok: false, reason: 'malformed' });
  });

  it('requires the session token of temporary credentials', async () => {
    const withToken = { ...options, credentials: [{ ...credentials, sessionToken: 'TOKEN' }] };
    expect(verifySignature(await sign({ method: 'GET', path: '/status' }, { sessionToken: 'TOKEN' }), withToken).ok).toBe(true);
    expect(verifySignature(await sign({ method: 'GET', path: '/status' }, { sessionToken: 'OTHER' }), withToken)).toMatchObject({ ok: false, reason: 'unknown-key' });
    expect(verifySignature(await sign({ method: 'GET', path: '/status' }), withToken)).toMatchObject({ ok: false, reason: 'unknown-key' });
  });
});
