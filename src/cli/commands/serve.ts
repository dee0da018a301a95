import { loadConfig } from '../../config/index.js';
import type { KitConfig } from '../../config/kit-config.js';
import { startGremlinServer } from '../../engine/server/index.js';
import { InvalidInputError, kitMessage } from '../../errors.js';
import { openLocalGraph } from '../../graph/local-graph-store.js';
import type { CliCommand, CliIo } from '../cli-command.js';

/** Options of `idgraph serve`. */
export interface ServeOptions {
  host: string;
  port: number;
  evaluationTimeoutMs?: number;
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

function parsePort(text: string | undefined, flag: string, fallback: number): number {
  if (text === undefined) return fallback;
  const value = Number(text);
  if (!Number.isInteger(value) || value < 0 || value > 65535) {
    throw new InvalidInputError(kitMessage('cli', `serve: ${flag} must be an integer from 0 to 65535, got "${text}"`));
  }
  return value;
}

export const serveCommand: CliCommand = {
  name: 'serve',
  summary: 'serve the local graph on a Gremlin-Server-compatible WebSocket endpoint',
  usage: `Usage: idgraph serve [--port 8182] [--host 127.0.0.1] [--timeout-ms N]

Serves the persisted local graph (IDGRAPH_DATA_DIR/graph) over Gremlin Server's WebSocket protocol
(GraphBinary and GraphSON 3; bytecode and Gremlin text), so the gremlin driver's
DriverRemoteConnection, graph-notebook's %%gremlin or the Gremlin console can query it; the same
port answers HTTP (POST {"gremlin": "..."} to http://host:port/gremlin). Prints the WebSocket URL
(ws://host:port/gremlin) on stdout. Runs until Ctrl-C; changes made by clients are then saved.

  --port        port to listen on (default 8182; 0 picks a free port)
  --host        interface to listen on (default 127.0.0.1: not reachable from other machines)
  --timeout-ms  evaluation timeout of a request in milliseconds (default: none)
`,
  options: { port: { type: 'string' }, host: { type: 'string' }, 'timeout-ms': { type: 'string' } },
  async run(invocation, io) {
    const port = parsePort(invocation.values.port as string | undefined, '--port', 8182);
    const timeoutText = invocation.values['timeout-ms'] as string | undefined;
    const timeout = timeoutText === undefined ? undefined : Number(timeoutText);
    if (timeout !== undefined && (!Number.isInteger(timeout) || timeout <= 0)) {
      throw new InvalidInputError(kitMessage('cli', `serve: --timeout-ms must be a positive integer, got "${timeoutText}"`));
    }
    return serveLocalGraph(
      loadConfig(),
      { host: (invocation.values.host as string | undefined) ?? '127.0.0.1', port, ...(timeout !== undefined ? { evaluationTimeoutMs: timeout } : {}) },
      io,
      waitForSignal(),
    );
  },
};
