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
import type { Duplex } from 'node:stream';
import gremlin from 'gremlin';
import { WebSocketServer, type WebSocket } from 'ws';
import { executeToDriver, type ExecuteOptions } from '../execute.js';
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

/**
 * Default evaluation timeout: 120 s, Neptune's default `neptune_query_timeout`
 * (https://docs.aws.amazon.com/neptune/latest/userguide/parameters.html); Gremlin Server's own
 * `evaluationTimeout` defaults to 30 s.
 */
export const DEFAULT_EVALUATION_TIMEOUT_MS = 120_000;

/** Default bound of a traversal's size, child traversals included: a query, not a program. */
export const DEFAULT_MAX_TRAVERSAL_STEPS = 10_000;

export interface GremlinServerOptions {
  /** The graph every request reads and writes. */
  graph: PropertyGraph;
  /** Interface to listen on; 127.0.0.1 by default so the graph is not exposed to the network. */
  host?: string;
  /** Port; 0 (the default) picks a free one, see the returned `port`. */
  port?: number;
  /**
   * Evaluation timeout of a request in milliseconds, parsing and compiling included (default
   * DEFAULT_EVALUATION_TIMEOUT_MS; 0: none). A request's `evaluationTimeout` overrides it.
   */
  evaluationTimeoutMs?: number;
  /** Results per response message (Gremlin Server's `resultIterationBatchSize`, default 64). */
  batchSize?: number;
  /** Refuse traversals of more steps than this (default DEFAULT_MAX_TRAVERSAL_STEPS; 0: no limit). */
  maxTraversalSteps?: number;
  /** Largest HTTP request body in bytes (default 1 MiB); a larger one is answered 413. */
  maxBodyBytes?: number;
  /**
   * Time slice of an evaluation in milliseconds (default 4): a traversal gives way to other
   * requests after each slice, so one long query never holds up the rest.
   */
  timeSliceMs?: number;
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
  /** Number of evaluations running now. */
  readonly running: number;
  /** Stops every running evaluation, closes every connection and stops listening. */
  close(): Promise<void>;
}

/**
 * The server's request handling without a listening socket of its own, so that another
 * `http.Server` (one adding routes, or an authorization check before the upgrade) can hand
 * requests and WebSocket upgrades to it.
 */
export interface GremlinRequestHandlers {
  /** Answers a plain HTTP request (Gremlin Server's HTTP endpoint). */
  handleRequest(request: IncomingMessage, response: ServerResponse): void;
  /** Takes over a WebSocket upgrade request (an http.Server `upgrade` event). */
  handleUpgrade(request: IncomingMessage, socket: Duplex, head: Buffer): void;
  /** Number of evaluations running now. */
  readonly running: number;
  /** Stops every running evaluation and closes every WebSocket connection. */
  close(): void;
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

/** The step limit the options ask for (undefined: none). */
export function maxSteps(options: Pick<GremlinServerOptions, 'maxTraversalSteps'>): number | undefined {
  const limit = options.maxTraversalSteps ?? DEFAULT_MAX_TRAVERSAL_STEPS;
  return limit > 0 ? limit : undefined;
}

/** What a request's evaluation needs besides the request. */
interface RequestContext {
  options: GremlinServerOptions;
  /** When the request arrived (the timeout counts from there). */
  arrived: number;
  signal: AbortSignal;
}

/** Creates the HTTP and WebSocket handlers of a Gremlin server over `options.graph`. */
export function createGremlinRequestHandlers(options: GremlinServerOptions): GremlinRequestHandlers {
  const evaluations = new Set<AbortController>();
  const track = (controller: AbortController): (() => void) => {
    evaluations.add(controller);
    return () => evaluations.delete(controller);
  };
  const timeout = options.evaluationTimeoutMs ?? DEFAULT_EVALUATION_TIMEOUT_MS;
  const { authorizeUpgrade } = options;
  const sockets = new WebSocketServer({
    noServer: true,
    ...(options.maxFrameBytes !== undefined ? { maxPayload: options.maxFrameBytes } : {}),
    // ws consults verifyClient in handleUpgrade too, so a refused upgrade gets the HTTP answer.
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
  sockets.on('error', () => undefined);
  sockets.on('connection', (socket) => {
    // Requests on one connection run side by side, each answered under its own request id, as
    // Gremlin Server answers a sessionless connection: a quick query is not held up by a long one.
    const mine = new Set<AbortController>();
    socket.on('message', (data: Buffer | ArrayBuffer | Buffer[]) => {
      const frame = Buffer.isBuffer(data) ? data : Array.isArray(data) ? Buffer.concat(data) : Buffer.from(data);
      const controller = new AbortController();
      mine.add(controller);
      const untrack = track(controller);
      handleFrame(socket, frame, { options, arrived: Date.now(), signal: controller.signal })
        .catch(() => undefined)
        .finally(() => {
          mine.delete(controller);
          untrack();
        });
    });
    // A client that goes away stops its evaluations.
    socket.on('close', () => {
      for (const controller of mine) controller.abort(new Error('the client disconnected'));
    });
    // A broken client must never bring the server down.
    socket.on('error', () => socket.terminate());
  });
  const answerGremlin = (request: IncomingMessage, response: ServerResponse): Promise<void> =>
    handleHttpRequest(request, response, {
      graph: options.graph,
      evaluationTimeoutMs: timeout,
      track,
      ...(options.maxBodyBytes !== undefined ? { maxBodyBytes: options.maxBodyBytes } : {}),
      ...(options.timeSliceMs !== undefined ? { timeSliceMs: options.timeSliceMs } : {}),
      ...(maxSteps(options) !== undefined ? { maxSteps: maxSteps(options)! } : {}),
    });
  return {
    handleRequest(request, response) {
      const answer = async (): Promise<void> => {
        const forGremlin = options.beforeHttpRequest ? await options.beforeHttpRequest(request, response) : request;
        if (forGremlin) await answerGremlin(forGremlin, response);
      };
      answer().catch(() => {
        if (!response.headersSent) response.writeHead(500);
        response.end();
      });
    },
    handleUpgrade(request, socket, head) {
      socket.on('error', () => socket.destroy());
      sockets.handleUpgrade(request, socket, head, (ws) => sockets.emit('connection', ws, request));
    },
    get running() {
      return evaluations.size;
    },
    close() {
      for (const controller of evaluations) controller.abort(new Error('the server is stopping'));
      for (const client of sockets.clients) client.terminate();
      sockets.close();
    },
  };
}

/** Starts the endpoint; resolves once it listens. */
export async function startGremlinServer(options: GremlinServerOptions): Promise<GremlinServerHandle> {
  const host = options.host ?? '127.0.0.1';
  const handlers = createGremlinRequestHandlers(options);
  // One port for both protocols, as Gremlin Server: WebSocket upgrades, and plain HTTP requests.
  const httpServer = createServer(handlers.handleRequest);
  httpServer.on('upgrade', handlers.handleUpgrade);
  await new Promise<void>((resolve, reject) => {
    httpServer.once('listening', resolve);
    httpServer.once('error', reject);
    httpServer.listen(options.port ?? 0, host);
  });
  httpServer.on('error', () => undefined);
  const port = (httpServer.address() as AddressInfo).port;
  const authority = `${host.includes(':') ? `[${host}]` : host}:${port}`;
  return {
    url: `ws://${authority}/gremlin`,
    httpUrl: `http://${authority}/gremlin`,
    port,
    get running() {
      return handlers.running;
    },
    close: () =>
      new Promise<void>((resolve, reject) => {
        handlers.close();
        httpServer.closeAllConnections();
        httpServer.close((error) => (error ? reject(error) : resolve()));
      }),
  };
}

async function handleFrame(socket: WebSocket, frame: Buffer, context: RequestContext): Promise<void> {
  const { options } = context;
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
    const results = await runRequest(request, context);
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

/** The ops each of Gremlin Server's default processors answers (the standard processor is ''). */
const PROCESSOR_OPS: Record<string, readonly string[]> = { '': ['eval'], traversal: ['bytecode'] };

/** Runs one request; resolves to the result list (undefined when nothing is to be answered). */
async function runRequest(request: GremlinRequest, context: RequestContext): Promise<unknown[] | undefined> {
  const { options } = context;
  if (request.op === 'close' || request.op === 'authentication') return [];
  const ops = PROCESSOR_OPS[request.processor];
  // As Gremlin Server's OpSelectorHandler: an unknown processor, or an op its processor does not
  // know, is refused before anything runs.
  if (!ops) {
    const hint = request.processor === 'session' ? ' (sessions are not supported: send sessionless requests)' : '';
    throw new RequestError(StatusCode.invalidRequestArguments, `Invalid OpProcessor requested [${request.processor}]${hint}`);
  }
  if (!ops.includes(request.op)) {
    throw new RequestError(StatusCode.invalidRequestArguments, `Message with op code [${request.op}] is not recognized by processor [${request.processor}] (supported: eval with processor '', bytecode with processor 'traversal')`);
  }
  const requested = request.args.evaluationTimeout ?? request.args.scriptEvaluationTimeout;
  const timeout = requested !== undefined ? Number(requested) : (options.evaluationTimeoutMs ?? DEFAULT_EVALUATION_TIMEOUT_MS);
  const evaluationOptions = (timeoutMs: number): ExecuteOptions => ({
    signal: context.signal,
    timeSliceMs: options.timeSliceMs ?? 4,
    ...(maxSteps(options) !== undefined ? { maxSteps: maxSteps(options)! } : {}),
    ...(timeoutMs > 0 ? { deadline: context.arrived + timeoutMs } : {}),
  });
  if (request.op === 'bytecode') {
    const bytecode = request.args.gremlin;
    if (!(bytecode instanceof gremlin.process.Bytecode)) {
      throw new RequestError(StatusCode.invalidRequestArguments, 'the bytecode op needs a gremlin argument of type Bytecode');
    }
    // `g.with('evaluationTimeout', ms)` travels as an OptionsStrategy; Gremlin Server honours it.
    const strategyTimeout = readOptionsTimeout(bytecode);
    // Bytecode requests are answered with traversers (object and bulk), as Gremlin Server does.
    return executeToDriver(options.graph, bytecode as unknown as Parameters<typeof executeToDriver>[1], evaluationOptions(strategyTimeout ?? timeout));
  }
  const script = request.args.gremlin;
  if (typeof script !== 'string') throw new RequestError(StatusCode.invalidRequestArguments, 'the eval op needs a gremlin argument of type String');
  return evaluateGremlin(options.graph, script, { ...evaluationOptions(timeout), parameters: readBindings(request.args.bindings) });
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
