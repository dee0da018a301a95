import { loadConfig } from '../../config/index.js';
import type { KitConfig } from '../../config/kit-config.js';
import { join } from 'node:path';
import { defaultProvider } from '@aws-sdk/credential-provider-node';
import { InvalidInputError, kitMessage } from '../../errors.js';
import { openLocalGraph } from '../../graph/local-graph-store.js';
import { startLocalS3Server } from '../../lake/local-s3-server.js';
import { startNeptuneEndpoint } from '../../neptune-endpoint/index.js';
import type { CliCommand, CliIo } from '../cli-command.js';

/** Options of `idgraph serve`. */
export interface ServeOptions {
  host: string;
  port: number;
  evaluationTimeoutMs?: number;
  /** Require SigV4 (service neptune-db) on every request, signed by the credentials of the AWS default chain. */
  iamAuth?: boolean;
  /** S3-compatible endpoint loads read from (credentials from the AWS default chain); default: the embedded S3 over <data dir>/s3. */
  s3Endpoint?: string;
  /** Region of the signature scope (default us-east-1). */
  region?: string;
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
  const iamCredentials = options.iamAuth ? await resolveIamCredentials() : undefined;
  const embeddedS3 = options.s3Endpoint ? undefined : await startLocalS3Server({ directory: join(config.dataDir, 's3') });
  const server = await startNeptuneEndpoint({
    graphStore: store,
    host: options.host,
    port: options.port,
    ...(options.evaluationTimeoutMs !== undefined ? { evaluationTimeoutMs: options.evaluationTimeoutMs } : {}),
    s3: embeddedS3 ? { endpoint: embeddedS3.endpoint } : { endpoint: options.s3Endpoint!, credentials: defaultProvider() },
    ...(iamCredentials ? { iamAuth: { credentials: [iamCredentials] } } : {}),
    ...(options.region !== undefined ? { region: options.region } : {}),
  }).catch(async (error: unknown) => {
    await embeddedS3?.close();
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
  io.stderr(`idgraph serve: Neptune API at ${server.endpoint} (/status, /loader, /system, /gremlin/status)${iamCredentials ? ', SigV4 (neptune-db) required' : ''}; loads read s3:// from ${embeddedS3?.endpoint ?? options.s3Endpoint}\n`);
  await shutdown;
  await server.close();
  await embeddedS3?.close();
  if (graph.version === versionAtStart) return 0;
  if (store.isStale()) {
    io.stderr(`idgraph serve: ${store.path} was replaced by another process; changes made through the server were not saved\n`);
    return 1;
  }
  const bytes = await store.save();
  io.stderr(`idgraph serve: saved the changed graph (${bytes} bytes)\n`);
  return 0;
}

/** The credentials of the AWS default chain (environment, shared files, ...), which signed requests must use. */
async function resolveIamCredentials(): Promise<{ accessKeyId: string; secretAccessKey: string; sessionToken?: string }> {
  try {
    const c = await defaultProvider()();
    return { accessKeyId: c.accessKeyId, secretAccessKey: c.secretAccessKey, ...(c.sessionToken ? { sessionToken: c.sessionToken } : {}) };
  } catch (cause) {
    throw new InvalidInputError(kitMessage('cli', 'serve: --iam-auth needs credentials to check signatures against: set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY (or AWS_PROFILE)'), { cause });
  }
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
  usage: `Usage: idgraph serve [--port 8182] [--host 127.0.0.1] [--timeout-ms N] [--iam-auth] [--s3-endpoint URL]

Serves the persisted local graph (IDGRAPH_DATA_DIR/graph) over Gremlin Server's WebSocket protocol
(GraphBinary and GraphSON 3; bytecode and Gremlin text), so the gremlin driver's
DriverRemoteConnection, graph-notebook's %%gremlin or the Gremlin console can query it; the same
port answers HTTP (POST {"gremlin": "..."} to http://host:port/gremlin). Prints the WebSocket URL
(ws://host:port/gremlin) on stdout. Runs until Ctrl-C; changes made by clients are then saved.
The same port answers Neptune's HTTP API as the neptunedata SDK and graph-notebook's magics call
it: GET /status, POST|GET|DELETE /loader (bulk loads of s3:// Gremlin CSV, queued one after
another), POST /system (fast reset), /gremlin/status.

  --port        port to listen on (default 8182; 0 picks a free port)
  --host        interface to listen on (default 127.0.0.1: not reachable from other machines)
  --timeout-ms  evaluation timeout of a request in milliseconds (default: none)
  --iam-auth    require a SigV4 signature (service neptune-db, region AWS_REGION) on every request
                and WebSocket upgrade, by the AWS default chain's credentials (AWS_ACCESS_KEY_ID ...)
  --s3-endpoint S3-compatible endpoint loads read from, with the AWS default chain's credentials
                (default: the embedded S3 over IDGRAPH_DATA_DIR/s3)
`,
  options: {
    port: { type: 'string' },
    host: { type: 'string' },
    'timeout-ms': { type: 'string' },
    'iam-auth': { type: 'boolean' },
    's3-endpoint': { type: 'string' },
  },
  async run(invocation, io) {
    const port = parsePort(invocation.values.port as string | undefined, '--port', 8182);
    const timeoutText = invocation.values['timeout-ms'] as string | undefined;
    const timeout = timeoutText === undefined ? undefined : Number(timeoutText);
    if (timeout !== undefined && (!Number.isInteger(timeout) || timeout <= 0)) {
      throw new InvalidInputError(kitMessage('cli', `serve: --timeout-ms must be a positive integer, got "${timeoutText}"`));
    }
    const config = loadConfig();
    const s3Endpoint = invocation.values['s3-endpoint'] as string | undefined;
    if (s3Endpoint !== undefined && !/^https?:\/\/[^/]+/.test(s3Endpoint)) {
      throw new InvalidInputError(kitMessage('cli', `serve: --s3-endpoint must be an http:// or https:// URL, got "${s3Endpoint}"`));
    }
    return serveLocalGraph(
      config,
      {
        host: (invocation.values.host as string | undefined) ?? '127.0.0.1',
        port,
        ...(timeout !== undefined ? { evaluationTimeoutMs: timeout } : {}),
        ...(invocation.values['iam-auth'] ? { iamAuth: true } : {}),
        ...(s3Endpoint !== undefined ? { s3Endpoint } : {}),
        region: config.region,
      },
      io,
      waitForSignal(),
    );
  },
};
