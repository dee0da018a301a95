/**
 * Gremlin Server's HTTP endpoint (https://tinkerpop.apache.org/docs/3.7.3/reference/#connecting-via-http),
 * as Neptune offers it too (`POST https://<endpoint>:8182/gremlin`): `POST` a JSON body
 * `{"gremlin": "g.V().count()", "bindings": {...}}`, or `GET /gremlin?gremlin=...`, and receive the
 * results as a GraphSON 3 response message.
 */
import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { PropertyGraph } from '../property-graph.js';
import { evaluateGremlin } from '../parser/evaluate-gremlin.js';
import { writeGraphSonResponse } from './graphson-messages.js';

/** Largest request body accepted (a query, not a data load). */
const MAX_BODY_BYTES = 1024 * 1024;

/** Answers one HTTP request; `evaluationTimeoutMs` bounds the evaluation. */
export async function handleHttpRequest(
  request: IncomingMessage,
  response: ServerResponse,
  graph: PropertyGraph,
  evaluationTimeoutMs: number | undefined,
): Promise<void> {
  let script: unknown;
  let bindings: unknown;
  try {
    if (request.method === 'GET') {
      const url = new URL(request.url ?? '/', 'http://localhost');
      script = url.searchParams.get('gremlin') ?? undefined;
    } else if (request.method === 'POST') {
      const body = JSON.parse(await readBody(request)) as { gremlin?: unknown; bindings?: unknown };
      script = body.gremlin;
      bindings = body.bindings;
    } else {
      sendJson(response, 405, { message: `method ${request.method ?? ''} not allowed: use GET or POST` });
      return;
    }
  } catch (error) {
    sendJson(response, 400, { message: `malformed request: ${(error as Error).message}` });
    return;
  }
  if (typeof script !== 'string' || script.trim() === '') {
    sendJson(response, 400, { message: 'no gremlin script supplied' });
    return;
  }
  try {
    const parameters = bindings !== null && typeof bindings === 'object' ? (bindings as Record<string, unknown>) : {};
    const results = await evaluateGremlin(graph, script, {
      parameters,
      ...(evaluationTimeoutMs !== undefined ? { evaluationTimeoutMs } : {}),
    });
    response.writeHead(200, { 'Content-Type': 'application/json' });
    response.end(writeGraphSonResponse({ requestId: randomUUID(), status: { code: 200 }, data: results }));
  } catch (error) {
    const name = error instanceof Error ? error.name : 'Error';
    // As Gremlin Server: a failed evaluation is a 500 whose body names the error.
    sendJson(response, 500, { message: error instanceof Error ? error.message : String(error), 'Exception-Class': name, exceptions: [name] });
  }
}

function readBody(request: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    request.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY_BYTES) {
        reject(new Error(`body larger than ${MAX_BODY_BYTES} bytes`));
        request.destroy();
        return;
      }
      chunks.push(chunk);
    });
    request.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    request.on('error', reject);
  });
}

function sendJson(response: ServerResponse, status: number, body: unknown): void {
  response.writeHead(status, { 'Content-Type': 'application/json' });
  response.end(JSON.stringify(body));
}
