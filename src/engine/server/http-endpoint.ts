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

/** Largest request body accepted by default (a query, not a data load). */
export const DEFAULT_MAX_BODY_BYTES = 1024 * 1024;

/**
 * How much of an oversized body is read (and thrown away) after the 413 answer, so that the
 * client, still sending, reads the answer instead of a reset connection; past it the connection
 * is cut.
 */
const MAX_DISCARDED_BYTES = 64 * 1024 * 1024;

/** How the HTTP endpoint evaluates. */
export interface HttpEndpointOptions {
  graph: PropertyGraph;
  /** Evaluation timeout in milliseconds (parsing included); none when undefined. */
  evaluationTimeoutMs?: number;
  /** Largest accepted request body in bytes (default DEFAULT_MAX_BODY_BYTES); larger ones get 413. */
  maxBodyBytes?: number;
  /** Time slice of an evaluation (see ExecuteOptions.timeSliceMs). */
  timeSliceMs?: number;
  /** Refuse traversals of more steps than this. */
  maxSteps?: number;
  /** Registers an evaluation's controller while it runs (the server stops them all on close). */
  track?: (controller: AbortController) => () => void;
}

/** The request body was larger than the limit. */
class BodyTooLargeError extends Error {}

/** Answers one HTTP request. */
export async function handleHttpRequest(request: IncomingMessage, response: ServerResponse, options: HttpEndpointOptions): Promise<void> {
  const arrived = Date.now();
  const maxBodyBytes = options.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES;
  let script: unknown;
  let bindings: unknown;
  try {
    if (request.method === 'GET') {
      const url = new URL(request.url ?? '/', 'http://localhost');
      script = url.searchParams.get('gremlin') ?? undefined;
    } else if (request.method === 'POST') {
      const body = JSON.parse(await readBody(request, maxBodyBytes)) as { gremlin?: unknown; bindings?: unknown };
      script = body?.gremlin;
      bindings = body?.bindings;
    } else {
      sendJson(response, 405, { message: `method ${request.method ?? ''} not allowed: use GET or POST` });
      return;
    }
  } catch (error) {
    if (error instanceof BodyTooLargeError) {
      sendTooLarge(request, response, maxBodyBytes);
      return;
    }
    sendJson(response, 400, { message: `malformed request: ${(error as Error).message}` });
    return;
  }
  if (typeof script !== 'string' || script.trim() === '') {
    sendJson(response, 400, { message: 'no gremlin script supplied' });
    return;
  }
  // A client that goes away stops its evaluation.
  const controller = new AbortController();
  const untrack = options.track?.(controller) ?? (() => undefined);
  const onClose = (): void => {
    if (!response.writableFinished) controller.abort(new Error('the client disconnected'));
  };
  response.on('close', onClose);
  try {
    const parameters = bindings !== null && typeof bindings === 'object' ? (bindings as Record<string, unknown>) : {};
    const results = await evaluateGremlin(options.graph, script, {
      parameters,
      signal: controller.signal,
      ...(options.timeSliceMs !== undefined ? { timeSliceMs: options.timeSliceMs } : {}),
      ...(options.maxSteps !== undefined ? { maxSteps: options.maxSteps } : {}),
      ...(options.evaluationTimeoutMs !== undefined && options.evaluationTimeoutMs > 0 ? { deadline: arrived + options.evaluationTimeoutMs } : {}),
    });
    if (response.destroyed) return;
    response.writeHead(200, { 'Content-Type': 'application/json' });
    response.end(writeGraphSonResponse({ requestId: randomUUID(), status: { code: 200 }, data: results }));
  } catch (error) {
    if (response.destroyed) return;
    const name = error instanceof Error ? error.name : 'Error';
    const message = error instanceof Error ? error.message : String(error);
    // As Gremlin Server: a failed evaluation is a 500 whose body names the error; a timeout also
    // carries Neptune's error code for it.
    const code = name === 'DeadlineExceededError' ? { code: 'TimeLimitExceededException' } : {};
    sendJson(response, 500, { ...code, message, 'Exception-Class': name, exceptions: [name] });
  } finally {
    response.off('close', onClose);
    untrack();
  }
}

/** Reads the body; rejects with BodyTooLargeError past `limit` bytes, leaving the rest unread. */
function readBody(request: IncomingMessage, limit: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const declared = Number(request.headers['content-length']);
    if (Number.isFinite(declared) && declared > limit) {
      reject(new BodyTooLargeError());
      return;
    }
    const chunks: Buffer[] = [];
    let size = 0;
    const onData = (chunk: Buffer): void => {
      size += chunk.length;
      if (size > limit) {
        request.off('data', onData);
        request.off('end', onEnd);
        reject(new BodyTooLargeError());
        return;
      }
      chunks.push(chunk);
    };
    const onEnd = (): void => resolve(Buffer.concat(chunks).toString('utf8'));
    request.on('data', onData);
    request.on('end', onEnd);
    request.on('error', reject);
  });
}

/**
 * Answers 413 and closes the connection. The rest of the body is read and dropped meanwhile (up
 * to MAX_DISCARDED_BYTES): destroying the request while the client still sends resets the
 * connection, and the client never sees the answer.
 */
function sendTooLarge(request: IncomingMessage, response: ServerResponse, limit: number): void {
  let discarded = 0;
  request.on('data', (chunk: Buffer) => {
    discarded += chunk.length;
    if (discarded > MAX_DISCARDED_BYTES) request.destroy();
  });
  request.resume();
  response.shouldKeepAlive = false;
  sendJson(response, 413, { message: `request body larger than ${limit} bytes: send a shorter query (the limit is the server's maxBodyBytes option, idgraph serve --max-body-bytes)` });
}

function sendJson(response: ServerResponse, status: number, body: unknown): void {
  response.writeHead(status, { 'Content-Type': 'application/json' });
  response.end(JSON.stringify(body));
}
