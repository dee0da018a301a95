/**
 * A small HTTP server on 127.0.0.1 that answers Neptune's administrative endpoints as documented,
 * for the requests the kit sends through @aws-sdk/client-neptunedata:
 * - GET /status → the engine status document
 *   (https://docs.aws.amazon.com/neptune/latest/userguide/access-graph-status.html)
 * - POST /system, action=initiateDatabaseReset → {"status":"200 OK","payload":{"token":"..."}};
 *   action=performDatabaseReset&token=... → {"status":"200 OK"}, a wrong or reused token → 400
 *   (https://docs.aws.amazon.com/neptune/latest/userguide/manage-console-fast-reset.html; the body
 *   may be JSON or a form, as graph-notebook's neptune/client.py sends it)
 * During a reset /status answers `recovery` for `recoveryPolls` requests, then `healthy`.
 */
import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server } from 'node:http';

export interface FakeNeptune {
  endpoint: string;
  /** Every request, as `METHOD /path action` (action only for /system). */
  requests: string[];
  /** Completed resets. */
  resets: number;
  /** Whether every /system request carried a SigV4 Authorization header for neptune-db. */
  signed: boolean;
  close(): Promise<void>;
}

export async function startFakeNeptune(options: { recoveryPolls?: number; engineVersion?: string } = {}): Promise<FakeNeptune> {
  let token: string | undefined;
  let recovering = 0;
  const state: FakeNeptune = { endpoint: '', requests: [], resets: 0, signed: true, close: async () => {} };
  const readBody = (req: IncomingMessage) =>
    new Promise<string>((resolve) => {
      let body = '';
      req.on('data', (chunk: Buffer) => (body += chunk.toString()));
      req.on('end', () => resolve(body));
    });
  const server: Server = createServer(async (req, res) => {
    const send = (status: number, body: unknown) => {
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(JSON.stringify(body));
    };
    const url = new URL(req.url ?? '/', 'http://localhost');
    if (req.method === 'GET' && url.pathname === '/status') {
      state.requests.push('GET /status');
      const status = recovering > 0 ? 'recovery' : 'healthy';
      if (recovering > 0) recovering--;
      return send(200, {
        status,
        startTime: 'Mon Dec 07 15:00:00 UTC 2026',
        dbEngineVersion: options.engineVersion ?? '1.3.2.1.R1',
        role: 'writer',
        dfeQueryEngine: 'viaQueryHint',
        gremlin: { version: 'tinkerpop-3.7.1' },
        sparql: { version: 'sparql-1.1' },
        opencypher: { version: 'Neptune-9.0.20190305-1.0' },
        labMode: {},
        features: {},
        settings: { clusterQueryTimeoutInMs: '120000' },
      });
    }
    if (req.method === 'POST' && url.pathname === '/system') {
      const raw = await readBody(req);
      const auth = String(req.headers.authorization ?? '');
      if (!/^AWS4-HMAC-SHA256 Credential=[^/]+\/\d{8}\/[a-z0-9-]+\/neptune-db\/aws4_request/.test(auth)) state.signed = false;
      const fields: Record<string, string> = /^\s*\{/.test(raw) ? (JSON.parse(raw) as Record<string, string>) : Object.fromEntries(new URLSearchParams(raw));
      state.requests.push(`POST /system ${fields.action}`);
      if (fields.action === 'initiateDatabaseReset') {
        token = randomUUID();
        return send(200, { status: '200 OK', payload: { token } });
      }
      if (fields.action === 'performDatabaseReset') {
        if (!token || fields.token !== token) {
          return send(400, { code: 'InvalidParameterException', requestId: randomUUID(), detailedMessage: 'The token is not valid or has expired' });
        }
        token = undefined;
        state.resets++;
        recovering = options.recoveryPolls ?? 2;
        return send(200, { status: '200 OK' });
      }
      return send(400, { code: 'InvalidParameterException', requestId: randomUUID(), detailedMessage: `unknown action ${fields.action}` });
    }
    send(404, { code: 'NotFound', detailedMessage: `${req.method} ${url.pathname}` });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  state.endpoint = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
  state.close = () => new Promise((resolve) => server.close(() => resolve()));
  return state;
}
