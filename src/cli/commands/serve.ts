import { loadConfig } from '../../config/index.js';
import type { KitConfig } from '../../config/kit-config.js';
import { DEFAULT_EVALUATION_TIMEOUT_MS, DEFAULT_MAX_TRAVERSAL_STEPS, startGremlinServer } from '../../engine/server/index.js';
import { DEFAULT_MAX_BODY_BYTES } from '../../engine/server/http-endpoint.js';
import { InvalidInputError, kitMessage } from '../../errors.js';
import { openLocalGraph } from '../../graph/local-graph-store.js';
import type { CliCommand, CliIo } from '../cli-command.js';

/** Options of `idgraph serve`. */
export interface ServeOptions {
  host: string;
  port: number;
  /** Evaluation timeout in ms (default DEFAULT_EVALUATION_TIMEOUT_MS, 0: none). */
  evaluationTimeoutMs?: number;
  /** Largest HTTP request body in bytes. */
  maxBodyBytes?: number;
  /** Largest traversal in steps (0: no limit). */
  maxTraversalSteps?: number;
}

/**
 * Serves the kit's persisted local graph over Gremlin Server's WebSocket protocol until `shutdown`
 * resolves; then saves the graph if clients changed it (unless another process replaced the
 * snapshot meanwhile: its data is not overwritten, a warning says so). Resolves to the exit code.
 */
export async function serveLocalGraph(config: Pick<KitConfig, 'dataDir'>, options: ServeOptions, io: CliIo, shutdown: Promise<void>): Promise<number> {
  const store = await openLocalGraph(config);
  const { graph } = store;
  const versionAtStart = graph.version;
  const server = await startGremlinServer({
    graph,
    host: options.host,
    port: options.port,
    ...(options.evaluationTimeoutMs !== undefined ? { evaluationTimeoutMs: options.evaluationTimeoutMs } : {}),
    ...(options.maxBodyBytes !== undefined ? { maxBodyBytes: options.maxBodyBytes } : {}),
    ...(options.maxTraversalSteps !== undefined ? { maxTraversalSteps: options.maxTraversalSteps } : {}),
  }).catch((error: unknown) => {
    const code = (error as { code?: string }).code;
    if (code === 'EADDRINUSE') {
      throw new InvalidInputError(kitMessage('cli', `serve: port ${options.port} on ${options.host} is in use; choose another with --port`), { cause: error });
    }
    if (code === 'EADDRNOTAVAIL' || code === 'ENOTFOUND') {
      throw new InvalidInputError(kitMessage('cli', `serve: cannot listen on host "${options.host}"`), { cause: error });
    }
    throw error;
  });
  io.stderr(`idgraph serve: ${graph.vertexCount} vertices, ${graph.edgeCount} edges from ${store.path}\n`);
  io.stdout(`${server.url}\n`);
  io.stderr(`idgraph serve: connect with new DriverRemoteConnection(url) or %%gremlin; HTTP: POST {"gremlin": "..."} to ${server.httpUrl}; Ctrl-C stops\n`);
  await shutdown;
  // Evaluation is time-sliced, so the stop arrives while a query runs: running evaluations end at
  // their next slice, then the graph is saved. (A traversal that writes runs at once, never
  // sliced, so the stop waits for it and never saves half of it.)
  io.stderr('idgraph serve: stopping\n');
  await server.close();
  if (graph.version === versionAtStart) return 0;
  if (store.isStale()) {
    io.stderr(`idgraph serve: ${store.path} was replaced by another process; changes made through the server were not saved\n`);
    return 1;
  }
  const bytes = await store.save();
  io.stderr(`idgraph serve: saved the changed graph (${bytes} bytes)\n`);
  return 0;
}

function waitForSignal(): Promise<void> {
  return new Promise((resolve) => {
    const stop = (): void => {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      resolve();
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  });
}

/** Reads an integer option within bounds; undefined when the flag is absent. */
function parseInteger(text: string | undefined, flag: string, min: number, max: number): number | undefined {
  if (text === undefined) return undefined;
  const value = Number(text);
  if (text.trim() === '' || !Number.isInteger(value) || value < min || value > max) {
    throw new InvalidInputError(kitMessage('cli', `serve: ${flag} must be an integer from ${min} to ${max}, got "${text}"`));
  }
  return value;
}

/** The flags of `idgraph serve`: [name, what ServeOptions field it sets, bounds]. Add new flags here. */
const INTEGER_FLAGS = [
  ['port', 'port', 0, 65535],
  ['timeout-ms', 'evaluationTimeoutMs', 0, 2 ** 31 - 1],
  ['max-body-bytes', 'maxBodyBytes', 1, 2 ** 31 - 1],
  ['max-traversal-steps', 'maxTraversalSteps', 0, 2 ** 31 - 1],
] as const;

/** Turns parsed command-line values into ServeOptions. */
export function readServeOptions(values: Record<string, unknown>): ServeOptions {
  const options: ServeOptions = { host: (values.host as string | undefined) ?? '127.0.0.1', port: 8182 };
  for (const [flag, field, min, max] of INTEGER_FLAGS) {
    const value = parseInteger(values[flag] as string | undefined, `--${flag}`, min, max);
    if (value !== undefined) options[field] = value;
  }
  return options;
}

export const serveCommand: CliCommand = {
  name: 'serve',
  summary: 'serve the local graph on a Gremlin-Server-compatible WebSocket endpoint',
  usage: `Usage: idgraph serve [--port 8182] [--host 127.0.0.1] [--timeout-ms N] [--max-body-bytes N]
                    [--max-traversal-steps N]

Serves the persisted local graph (IDGRAPH_DATA_DIR/graph) over Gremlin Server's WebSocket protocol
(GraphBinary and GraphSON 3; bytecode and Gremlin text), so the gremlin driver's
DriverRemoteConnection, graph-notebook's %%gremlin or the Gremlin console can query it; the same
port answers HTTP (POST {"gremlin": "..."} to http://host:port/gremlin). Prints the WebSocket URL
(ws://host:port/gremlin) on stdout. Runs until Ctrl-C; changes made by clients are then saved.

  --port            port to listen on (default 8182; 0 picks a free port)
  --host            interface to listen on (default 127.0.0.1: not reachable from other machines)
  --timeout-ms      evaluation timeout of a request in milliseconds, parsing included
                    (default ${DEFAULT_EVALUATION_TIMEOUT_MS}, Neptune's default; 0: none); answered with status 598
  --max-body-bytes  largest HTTP request body (default ${DEFAULT_MAX_BODY_BYTES}); a larger one is answered 413
  --max-traversal-steps  largest traversal, child traversals included (default ${DEFAULT_MAX_TRAVERSAL_STEPS}; 0: none)

Ctrl-C (SIGINT) or SIGTERM stops running queries, saves the graph and exits. A SIGKILL saves
nothing: the changes made since the server started are lost, the last saved graph stays intact.
`,
  options: { port: { type: 'string' }, host: { type: 'string' }, 'timeout-ms': { type: 'string' }, 'max-body-bytes': { type: 'string' }, 'max-traversal-steps': { type: 'string' } },
  async run(invocation, io) {
    return serveLocalGraph(loadConfig(), readServeOptions(invocation.values), io, waitForSignal());
  },
};
