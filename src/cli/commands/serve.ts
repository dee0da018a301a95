import { join } from 'node:path';
import { defaultProvider } from '@aws-sdk/credential-provider-node';
import { loadConfig } from '../../config/index.js';
import type { KitConfig } from '../../config/kit-config.js';
import { DEFAULT_EVALUATION_TIMEOUT_MS, DEFAULT_MAX_TRAVERSAL_STEPS } from '../../engine/server/index.js';
import { DEFAULT_MAX_BODY_BYTES } from '../../engine/server/http-endpoint.js';
import { InvalidInputError, kitMessage } from '../../errors.js';
import { openLocalGraph } from '../../graph/local-graph-store.js';
import { startLocalS3Server } from '../../lake/local-s3-server.js';
import { startNeptuneEndpoint } from '../../neptune-endpoint/index.js';
import type { CliCommand, CliIo } from '../cli-command.js';
import { waitForStopSignal } from '../wait-for-stop-signal.js';

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
    ...(options.maxBodyBytes !== undefined ? { maxBodyBytes: options.maxBodyBytes } : {}),
    ...(options.maxTraversalSteps !== undefined ? { maxTraversalSteps: options.maxTraversalSteps } : {}),
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
  // Evaluation is time-sliced, so the stop arrives while a query runs: running evaluations end at
  // their next slice, then the graph is saved. (A traversal that writes runs at once, never
  // sliced, so the stop waits for it and never saves half of it.)
  io.stderr('idgraph serve: stopping\n');
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
  if (values['iam-auth']) options.iamAuth = true;
  const s3Endpoint = values['s3-endpoint'] as string | undefined;
  if (s3Endpoint !== undefined) {
    if (!/^https?:\/\/[^/]+/.test(s3Endpoint)) {
      throw new InvalidInputError(kitMessage('cli', `serve: --s3-endpoint must be an http:// or https:// URL, got "${s3Endpoint}"`));
    }
    options.s3Endpoint = s3Endpoint;
  }
  return options;
}

export const serveCommand: CliCommand = {
  name: 'serve',
  summary: 'serve the local graph on a Gremlin-Server-compatible WebSocket endpoint',
  usage: `Usage: idgraph serve [--port 8182] [--host 127.0.0.1] [--timeout-ms N] [--max-body-bytes N]
                    [--max-traversal-steps N] [--iam-auth] [--s3-endpoint URL]

Serves the persisted local graph (IDGRAPH_DATA_DIR/graph) over Gremlin Server's WebSocket protocol
(GraphBinary and GraphSON 3; bytecode and Gremlin text), so the gremlin driver's
DriverRemoteConnection, graph-notebook's %%gremlin or the Gremlin console can query it; the same
port answers HTTP (POST {"gremlin": "..."} to http://host:port/gremlin). Prints the WebSocket URL
(ws://host:port/gremlin) on stdout. Runs until Ctrl-C; changes made by clients are then saved.
The same port answers Neptune's HTTP API as the neptunedata SDK and graph-notebook's magics call
it: GET /status, POST|GET|DELETE /loader (bulk loads of s3:// Gremlin CSV, queued one after
another), POST /system (fast reset), /gremlin/status.

  --port            port to listen on (default 8182; 0 picks a free port)
  --host            interface to listen on (default 127.0.0.1: not reachable from other machines)
  --timeout-ms      evaluation timeout of a request in milliseconds, parsing included
                    (default ${DEFAULT_EVALUATION_TIMEOUT_MS}, Neptune's default; 0: none); answered with status 598
  --max-body-bytes  largest HTTP request body (default ${DEFAULT_MAX_BODY_BYTES}); a larger one is answered 413
  --max-traversal-steps  largest traversal, child traversals included (default ${DEFAULT_MAX_TRAVERSAL_STEPS}; 0: none)
  --iam-auth        require a SigV4 signature (service neptune-db, region AWS_REGION) on every request
                    and WebSocket upgrade, by the AWS default chain's credentials (AWS_ACCESS_KEY_ID ...)
  --s3-endpoint     S3-compatible endpoint loads read from, with the AWS default chain's credentials
                    (default: the embedded S3 over IDGRAPH_DATA_DIR/s3)

Ctrl-C (SIGINT) or SIGTERM stops running queries, saves the graph and exits. A SIGKILL saves
nothing: the changes made since the server started are lost, the last saved graph stays intact.
`,
  options: { port: { type: 'string' }, host: { type: 'string' }, 'timeout-ms': { type: 'string' }, 'max-body-bytes': { type: 'string' }, 'max-traversal-steps': { type: 'string' }, 'iam-auth': { type: 'boolean' }, 's3-endpoint': { type: 'string' } },
  async run(invocation, io) {
    const config = loadConfig();
    return serveLocalGraph(config, { ...readServeOptions(invocation.values), region: config.region }, io, waitForStopSignal());
  },
};
