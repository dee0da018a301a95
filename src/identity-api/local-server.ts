/**
 * The API over HTTP on this machine (`idgraph api`): node:http in front of routeRequest, the
 * same function the Lambda functions call. Listens on 127.0.0.1 unless told otherwise.
 */
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { ApiContext, ApiRequest } from './api-types.js';
import { MAX_BODY_BYTES, routeRequest } from './route-request.js';

export interface IdentityApiServerOptions extends ApiContext {
  host?: string;
  /** 0 picks a free port. */
  port?: number;
}

export interface IdentityApiServer {
  readonly url: string;
  readonly port: number;
  close(): Promise<void>;
}

/** Reads the body, stopping at one byte over the limit (routeRequest then answers 413-worthy 400). */
async function readBody(request: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY_BYTES + 1) {
      request.resume();
      break;
    }
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
}

function toApiRequest(request: IncomingMessage, body: string): ApiRequest | { duplicate: string } {
  const url = new URL(request.url ?? '/', 'http://localhost');
  const query: Record<string, string> = {};
  for (const [key, value] of url.searchParams) {
    if (key in query) return { duplicate: key };
    query[key] = value;
  }
  const headers: Record<string, string> = {};
  for (const [key, value] of Object.entries(request.headers)) if (typeof value === 'string') headers[key] = value;
  return { method: request.method ?? 'GET', path: url.pathname, query, headers, body };
}

export async function startIdentityApiServer(options: IdentityApiServerOptions): Promise<IdentityApiServer> {
  const server: Server = createServer((request, response) => {
    void (async () => {
      const body = request.method === 'GET' || request.method === 'HEAD' ? '' : await readBody(request);
      const parsed = toApiRequest(request, body);
      const apiRequest: ApiRequest =
        'duplicate' in parsed
          ? // A repeated parameter is refused by the schema check, with its name.
            { method: request.method ?? 'GET', path: new URL(request.url ?? '/', 'http://localhost').pathname, query: { [`${parsed.duplicate} (repeated)`]: '' }, headers: {} }
          : parsed;
      const answer = await routeRequest(apiRequest, options);
      response.writeHead(answer.statusCode, answer.headers);
      response.end(answer.body);
    })().catch((error: unknown) => {
      response.writeHead(500, { 'content-type': 'application/json' });
      response.end(JSON.stringify({ error: 'InternalError', message: (error as Error).message }));
    });
  });
  // Keep-alive connections from load balancers and benchmarks: longer than their idle timeouts.
  server.keepAliveTimeout = 65_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, options.host ?? '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port, address } = server.address() as AddressInfo;
  const host = address.includes(':') ? `[${address}]` : address;
  return {
    url: `http://${host}:${port}`,
    port,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeAllConnections();
      }),
  };
}
