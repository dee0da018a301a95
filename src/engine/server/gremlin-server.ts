/**
 * A Gremlin-Server-compatible WebSocket endpoint for the embedded engine, so that any Gremlin
 * client — the `gremlin` driver's DriverRemoteConnection and Client, graph-notebook's `%%gremlin`,
 * the Gremlin console — can query a local PropertyGraph. It speaks the protocol of Gremlin Server
 * 3.7 (https://tinkerpop.apache.org/docs/3.7.3/dev/provider/#_graph_driver_provider_requirements):
 * each frame is `{mime length byte}{mime type}{request}`; requests in GraphBinary 1.0, GraphSON
 * 3.0 or 2.0; ops `bytecode` (processor `traversal`) and `eval` (Gremlin text, read by the kit's parser);
 * results in batches — 206 partial content, then 200 (or 204 when there is nothing) — and errors
 * as 597 (evaluation), 598 (timeout), 499/498 (bad request) or 500 with a message. The same port
 * answers Gremlin Server's HTTP endpoint (http-endpoint.ts). No authentication is asked for.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import gremlin from 'gremlin';
import { WebSocketServer, type WebSocket } from 'ws';
import { executeToDriver } from '../execute.js';
import type { PropertyGraph } from '../property-graph.js';
import { evaluateGremlin } from '../parser/evaluate-gremlin.js';
import { peekGraphBinaryRequestId, readGraphBinaryRequest, writeGraphBinaryResponse } from './graphbinary-messages.js';
import { peekGraphSonRequestId, readGraphSonRequest, writeGraphSonResponse } from './graphson-messages.js';
import { handleHttpRequest } from './http-endpoint.js';
import {
  GRAPHBINARY_MIME_TYPE,
  GRAPHSON2_MIME_TYPE,
  GRAPHSON3_MIME_TYPE,
  StatusCode,
  type GremlinRequest,
  type GremlinResponse,
} from './gremlin-messages.js';

export interface GremlinServerOptions {
  /** The graph every request reads and writes. */
  graph: PropertyGraph;
  /** Interface to listen on; 127.0.0.1 by default so the graph is not exposed to the network. */
  host?: string;
  /** Port; 0 (the default) picks a free one, see the returned `port`. */
  port?: number;
  /** Default evaluation timeout of a request in milliseconds (a request's `evaluationTimeout` overrides it). */
  evaluationTimeoutMs?: number;
  /** Results per response message (Gremlin Server's `resultIterationBatchSize`, default 64). */
  batchSize?: number;
  /**
   * Sees every HTTP request first (e.g. another API on the same port, or an authorization check):
   * resolves to the request the Gremlin HTTP endpoint should answer (the same one, or a replay of
   * a body it has read), or to undefined when it answered the request itself.
   */
  beforeHttpRequest?: (request: IncomingMessage, response: ServerResponse) => Promise<IncomingMessage | undefined>;
  /**
   * Decides whether a WebSocket upgrade may proceed: undefined to accept it, or the HTTP answer
   * to refuse it with.
   */
  authorizeUpgrade?: (request: IncomingMessage) => Promise<{ status: number; headers?: Record<string, string>; body: string } | undefined>;
  /** Largest WebSocket message accepted, in bytes (ws's default: 100 MiB); larger ones close the connection (1009). */
  maxFrameBytes?: number;
}

export interface GremlinServerHandle {
  /** `ws://host:port/gremlin`, ready for `new DriverRemoteConnection(url)`. */
  url: string;
  /** `http://host:port/gremlin`: Gremlin Server's HTTP endpoint (POST `{"gremlin": "..."}`). */
  httpUrl: string;
  port: number;
  /** Closes every connection and stops listening. */
  close(): Promise<void>;
}

interface Codec {
  read(payload: Buffer): GremlinRequest;
  peekRequestId(payload: Buffer): string | undefined;
  write(response: GremlinResponse): Buffer | string;
}

const CODECS: Record<string, Codec> = {
  [GRAPHBINARY_MIME_TYPE]: {
    read: readGraphBinaryRequest,
    peekRequestId: peekGraphBinaryRequestId,
    write: writeGraphBinaryResponse,
  },
  [GRAPHSON3_MIME_TYPE]: {
    read: (payload) => readGraphSonRequest(payload.toString('utf8')),
    peekRequestId: (payload) => peekGraphSonRequestId(payload.toString('utf8')),
    write: writeGraphSonResponse,
  },
};
CODECS[GRAPHSON2_MIME_TYPE] = {
  read: (payload) => readGraphSonRequest(payload.toString('utf8'), 2),
  peekRequestId: (payload) => peekGraphSonRequestId(payload.toString('utf8')),
  write: (response) => writeGraphSonResponse(response, 2),
};
// Gremlin Server accepts the untyped GraphSON mime type as GraphSON 3 too.
CODECS['application/json'] = CODECS[GRAPHSON3_MIME_TYPE]!;

/** Starts the endpoint; resolves once it listens. */
export async function startGremlinServer(options: GremlinServerOptions): Promise<GremlinServerHandle> {
  const host = options.host ?? '127.0.0.1';
  // One port for both protocols, as Gremlin Server: WebSocket upgrades, and plain HTTP requests.
  const httpServer = createServer((request, response) => {
    const answer = async (): Promise<void> => {
      const forGremlin = options.beforeHttpRequest ? await options.beforeHttpRequest(request, response) : request;
      if (forGremlin) await handleHttpRequest(forGremlin, response, options.graph, options.evaluationTimeoutMs);
    };
    answer().catch(() => {
      if (!response.headersSent) response.writeHead(500);
      response.end();
    });
  });
  await new Promise<void>((resolve, reject) => {
    httpServer.once('listening', resolve);
    httpServer.once('error', reject);
    httpServer.listen(options.port ?? 0, host);
  });
  // Attached once listening: the WebSocket server re-emits the HTTP server's errors as its own,
  // and a failed listen (port in use) must reject above rather than throw from an emitter.
  const { authorizeUpgrade } = options;
  const server = new WebSocketServer({
    server: httpServer,
    ...(options.maxFrameBytes !== undefined ? { maxPayload: options.maxFrameBytes } : {}),
    ...(authorizeUpgrade
      ? {
          verifyClient: (info: { req: IncomingMessage }, accept: (ok: boolean, status?: number, message?: string, headers?: Record<string, string>) => void) => {
            authorizeUpgrade(info.req).then(
              (refusal) => (refusal ? accept(false, refusal.status, refusal.body, refusal.headers) : accept(true)),
              () => accept(false, 500, 'authorization check failed'),
            );
          },
        }
      : {}),
  });
  server.on('error', () => undefined);
  server.on('connection', (socket) => {
    let queue: Promise<void> = Promise.resolve();
    socket.on('message', (data: Buffer | ArrayBuffer | Buffer[]) => {
      const frame = Buffer.isBuffer(data) ? data : Array.isArray(data) ? Buffer.concat(data) : Buffer.from(data);
      // Requests on one connection are answered in order, each after the previous one finished.
      queue = queue.then(() => handleFrame(socket, frame, options)).catch(() => undefined);
    });
    // A broken client must never bring the server down.
    socket.on('error', () => socket.terminate());
  });
  const port = (httpServer.address() as AddressInfo).port;
  const authority = `${host.includes(':') ? `[${host}]` : host}:${port}`;
  return {
    url: `ws://${authority}/gremlin`,
    httpUrl: `http://${authority}/gremlin`,
    port,
    close: () =>
      new Promise<void>((resolve, reject) => {
        for (const client of server.clients) client.terminate();
        server.close();
        httpServer.closeAllConnections();
        httpServer.close((error) => (error ? reject(error) : resolve()));
      }),
  };
}

async function handleFrame(socket: WebSocket, frame: Buffer, options: GremlinServerOptions): Promise<void> {
  const mimeLength = frame[0] ?? 0;
  const mimeType = frame.subarray(1, 1 + mimeLength).toString('utf8');
  const codec = CODECS[mimeType];
  if (!codec) {
    // Without a known serializer there is no way to frame an answer the client could read; Gremlin
    // Server answers in its default serializer, GraphBinary.
    send(socket, CODECS[GRAPHBINARY_MIME_TYPE]!, {
      requestId: undefined,
      status: { code: StatusCode.malformedRequest, message: `unsupported mime type "${mimeType}"` },
    });
    return;
  }
  const payload = frame.subarray(1 + mimeLength);
  let request: GremlinRequest;
  try {
    request = codec.read(payload);
  } catch (error) {
    send(socket, codec, {
      requestId: codec.peekRequestId(payload),
      status: { code: StatusCode.malformedRequest, message: `malformed request: ${(error as Error).message}` },
    });
    return;
  }
  const respond = (response: Omit<GremlinResponse, 'requestId'>): void => send(socket, codec, { requestId: request.requestId, ...response });
  try {
    const results = await runRequest(request, options);
    if (results === undefined) return;
    const batchSize = Math.max(1, Number(request.args.batchSize ?? options.batchSize ?? 64));
    if (results.length === 0) {
      respond({ status: { code: StatusCode.noContent }, data: [] });
      return;
    }
    for (let start = 0; start < results.length; start += batchSize) {
      const last = start + batchSize >= results.length;
      respond({
        status: { code: last ? StatusCode.success : StatusCode.partialContent },
        data: results.slice(start, start + batchSize),
      });
    }
  } catch (error) {
    respond({ status: describeError(error), data: null });
  }
}

/** Runs one request; resolves to the result list (undefined when nothing is to be answered). */
async function runRequest(request: GremlinRequest, options: GremlinServerOptions): Promise<unknown[] | undefined> {
  const timeout = request.args.evaluationTimeout ?? request.args.scriptEvaluationTimeout ?? options.evaluationTimeoutMs;
  const evaluationOptions = timeout === undefined ? {} : { evaluationTimeoutMs: Number(timeout) };
  switch (request.op) {
    case 'bytecode': {
      const bytecode = request.args.gremlin;
      if (!(bytecode instanceof gremlin.process.Bytecode)) {
        throw new RequestError(StatusCode.invalidRequestArguments, 'the bytecode op needs a gremlin argument of type Bytecode');
      }
      // `g.with('evaluationTimeout', ms)` travels as an OptionsStrategy; Gremlin Server honours it.
      const requested = readOptionsTimeout(bytecode);
      const bytecodeOptions = requested === undefined ? evaluationOptions : { evaluationTimeoutMs: requested };
      // Bytecode requests are answered with traversers (object and bulk), as Gremlin Server does.
      return executeToDriver(options.graph, bytecode as unknown as Parameters<typeof executeToDriver>[1], bytecodeOptions);
    }
    case 'eval': {
      const script = request.args.gremlin;
      if (typeof script !== 'string') throw new RequestError(StatusCode.invalidRequestArguments, 'the eval op needs a gremlin argument of type String');
      return evaluateGremlin(options.graph, script, { ...evaluationOptions, parameters: readBindings(request.args.bindings) });
    }
    case 'close':
    case 'authentication':
      return [];
    default:
      throw new RequestError(StatusCode.invalidRequestArguments, `unsupported op "${request.op}" (supported: bytecode, eval)`);
  }
}

/** The evaluation timeout an OptionsStrategy in the bytecode's source instructions asks for. */
function readOptionsTimeout(bytecode: gremlin.process.Bytecode): number | undefined {
  const { sourceInstructions } = bytecode as unknown as { sourceInstructions: unknown[][] };
  for (const [name, ...args] of sourceInstructions) {
    if (name !== 'withStrategies') continue;
    for (const strategy of args as Array<{ fqcn?: string; configuration?: Record<string, unknown> }>) {
      if (!strategy?.fqcn?.endsWith('.OptionsStrategy')) continue;
      const timeout = strategy.configuration?.evaluationTimeout ?? strategy.configuration?.scriptEvaluationTimeout;
      if (timeout !== undefined && Number(timeout) > 0) return Number(timeout);
    }
  }
  return undefined;
}

function readBindings(bindings: unknown): Record<string, unknown> {
  if (bindings instanceof Map) return Object.fromEntries([...bindings.entries()].map(([k, v]) => [String(k), v]));
  if (bindings !== null && typeof bindings === 'object') return bindings as Record<string, unknown>;
  return {};
}

class RequestError extends Error {
  constructor(
    readonly code: number,
    message: string,
  ) {
    super(message);
    this.name = 'RequestError';
  }
}

function describeError(error: unknown): GremlinResponse['status'] {
  const name = error instanceof Error ? error.name : 'Error';
  const message = error instanceof Error ? error.message : String(error);
  const attributes = { exceptions: [name] };
  if (error instanceof RequestError) return { code: error.code, message, attributes };
  if (name === 'DeadlineExceededError') return { code: StatusCode.serverTimeout, message, attributes };
  // The kit's own errors say what was wrong with the traversal: an evaluation error, as Gremlin
  // Server reports a failing script or traversal. Anything else is unexpected: a server error.
  if (error instanceof Error && /Error$/.test(name) && name !== 'Error' && name !== 'TypeError' && name !== 'RangeError') {
    return { code: StatusCode.scriptEvaluationError, message, attributes };
  }
  return { code: StatusCode.serverError, message, attributes };
}

function send(socket: WebSocket, codec: Codec, response: GremlinResponse): void {
  if (socket.readyState !== socket.OPEN) return;
  let encoded: Buffer | string;
  try {
    encoded = codec.write(response);
  } catch (error) {
    encoded = codec.write({
      requestId: response.requestId,
      status: { code: StatusCode.serializationError, message: `cannot serialize the result: ${(error as Error).message}` },
      data: null,
    });
  }
  socket.send(encoded, { binary: typeof encoded !== 'string' });
}
