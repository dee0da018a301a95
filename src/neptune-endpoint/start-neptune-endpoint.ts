/**
 * A local stand-in for a Neptune cluster endpoint: the Gremlin server (WebSocket and HTTP
 * `/gremlin`) plus Neptune's HTTP API on the same port — `/status`, `/loader`, `/system`,
 * `/gremlin/status` — so that graph-notebook's magics, the neptunedata SDK and gremlin drivers
 * drive it as they drive Neptune. With IAM auth on, every HTTP request and every WebSocket
 * upgrade must carry a SigV4 signature (service `neptune-db`) by one of the given credentials.
 * Loads read `s3://bucket/prefix` from the S3-compatible endpoint it is given.
 */
import { Readable } from 'node:stream';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { randomUUID } from 'node:crypto';
import { S3Client } from '@aws-sdk/client-s3';
import type { AwsCredentialIdentity, AwsCredentialIdentityProvider } from '@smithy/types';
import { startGremlinServer, type GremlinServerHandle } from '../engine/server/gremlin-server.js';
import type { LocalGraphStore } from '../graph/local-graph-store.js';
import { LOCAL_S3_CREDENTIALS } from '../lake/local-s3-server.js';
import type { ObjectStore } from '../lake/object-store.js';
import { checkBucketExists, createS3ObjectStore } from '../lake/s3-object-store.js';
import { LoaderJobQueue } from './loader-jobs.js';
import { cancelLoad, getLoadStatus, listLoads, startLoad, type LoaderAnswer } from './loader-routes.js';
import { NeptuneRequestError, sendJson, sendNeptuneError } from './neptune-error.js';
import { readParameters, readRequestBody } from './request-body.js';
import { verifySignature, type VerifierCredentials } from './sigv4-verifier.js';
import { SystemReset } from './system-reset.js';

export const NEPTUNE_SERVICE = 'neptune-db';

/**
 * The Neptune engine release this endpoint answers as in `/status`: one of the 1.4 line, whose
 * Gremlin is TinkerPop 3.7 like the kit's driver (graph-notebook parses the number).
 */
export const ENGINE_VERSION = '1.4.5.0.R1';
export const GREMLIN_VERSION = 'tinkerpop-3.7.3';

export interface S3EndpointOptions {
  /** `http://127.0.0.1:<port>` of the embedded S3 server, or any S3-compatible endpoint. */
  endpoint: string;
  region?: string;
  /** Default: the embedded server's fixed credentials; a provider (`defaultProvider()`) for a real S3. */
  credentials?: AwsCredentialIdentity | AwsCredentialIdentityProvider;
}

export interface NeptuneEndpointOptions {
  /** The persisted graph served, loaded into and reset. */
  graphStore: LocalGraphStore;
  host?: string;
  port?: number;
  /** Where loads read their `s3://` sources. */
  s3: S3EndpointOptions;
  /** IAM database authentication: requests must be signed by one of these credentials. */
  iamAuth?: { credentials: VerifierCredentials[] };
  /** Region of the signature scope and of `/status` (default us-east-1). */
  region?: string;
  evaluationTimeoutMs?: number;
  /** Largest HTTP request body (default 1 MiB) and WebSocket frame (default 16 MiB). */
  maxBodyBytes?: number;
  maxFrameBytes?: number;
  /** Largest traversal in steps (the Gremlin server's default when omitted; 0: no limit). */
  maxTraversalSteps?: number;
  now?: () => number;
}

export interface NeptuneEndpointHandle extends GremlinServerHandle {
  /** `http://host:port`, the neptunedata client's `endpoint`. */
  endpoint: string;
  loads: LoaderJobQueue;
  close(): Promise<void>;
}

export async function startNeptuneEndpoint(options: NeptuneEndpointOptions): Promise<NeptuneEndpointHandle> {
  const now = options.now ?? Date.now;
  const region = options.region ?? 'us-east-1';
  const maxBodyBytes = options.maxBodyBytes ?? 1024 * 1024;
  const startTime = new Date(now()).toUTCString();
  const s3Client = new S3Client({
    region: options.s3.region ?? region,
    endpoint: options.s3.endpoint,
    forcePathStyle: true,
    credentials: options.s3.credentials ?? LOCAL_S3_CREDENTIALS,
    // s3rver does not decode the aws-chunked bodies the SDK's default checksums produce.
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
  });
  const buckets = new Map<string, ObjectStore>();
  const openBucket = (bucket: string): ObjectStore => {
    let store = buckets.get(bucket);
    if (!store) buckets.set(bucket, (store = createS3ObjectStore({ client: s3Client, bucket, name: 'neptune-endpoint' })));
    return store;
  };
  const checkBucket = async (bucket: string): Promise<void> => {
    try {
      await checkBucketExists(s3Client, bucket, 'neptune-endpoint');
    } catch (error) {
      throw new NeptuneRequestError(400, 'S3Exception', `Failed to start new load: bucket ${bucket} does not exist or cannot be read at ${options.s3.endpoint} (${(error as Error).message})`);
    }
  };
  const loads = new LoaderJobQueue({ openBucket, graphStore: options.graphStore, now });
  const reset = new SystemReset(options.graphStore, loads, now);
  let acceptedHttpQueries = 0;

  const authorize = (request: IncomingMessage, body: Buffer): NeptuneRequestError | undefined => {
    if (!options.iamAuth) return undefined;
    const check = verifySignature(
      { method: request.method ?? 'GET', url: request.url ?? '/', headers: request.headers, body },
      { credentials: options.iamAuth.credentials, service: NEPTUNE_SERVICE, region, now },
    );
    return check.ok ? undefined : new NeptuneRequestError(403, 'AccessDeniedException', check.message);
  };

  const statusDocument = (): unknown => ({
    status: 'healthy',
    startTime,
    dbEngineVersion: ENGINE_VERSION,
    role: 'writer',
    dfeQueryEngine: 'viaQueryHint',
    gremlin: { version: GREMLIN_VERSION },
    sparql: { version: 'sparql-1.1' },
    opencypher: { version: 'Neptune-9.0.20190305-1.0' },
    labMode: { ObjectIndex: 'disabled', ReadWriteConflictDetection: 'enabled' },
    features: {
      SlowQueryLogs: 'disabled',
      ResultCache: { status: 'disabled' },
      IAMAuthentication: options.iamAuth ? 'enabled' : 'disabled',
      Streams: 'disabled',
      AuditLog: 'disabled',
    },
    settings: { clusterQueryTimeoutInMs: String(options.evaluationTimeoutMs ?? 120_000), SlowQueryLogsThreshold: '5000' },
  });

  async function route(request: IncomingMessage, url: URL, body: Buffer): Promise<LoaderAnswer | 'gremlin'> {
    const method = request.method ?? 'GET';
    const path = url.pathname.replace(/\/+$/, '') || '/';
    if (path === '/gremlin') {
      acceptedHttpQueries++;
      return 'gremlin';
    }
    const parameters = (): Record<string, unknown> => readParameters(url, body, request.headers['content-type']);
    if (path === '/status' && method === 'GET') return { httpStatus: 200, body: statusDocument() };
    if (path === '/gremlin/status' && (method === 'GET' || method === 'POST')) {
      parameters();
      // Queries run to completion one at a time per connection; none is ever seen running here.
      return { httpStatus: 200, body: { acceptedQueryCount: acceptedHttpQueries, runningQueryCount: 0, queries: [] } };
    }
    if (path === '/loader') {
      const p = parameters();
      if (method === 'POST') return startLoad(loads, p, checkBucket);
      const loadId = typeof p.loadId === 'string' && p.loadId !== '' ? p.loadId : undefined;
      if (method === 'GET') return loadId ? getLoadStatus(loads, loadId, p) : listLoads(loads, p);
      if (method === 'DELETE' && loadId) return cancelLoad(loads, loadId);
      if (method === 'DELETE') throw new NeptuneRequestError(400, 'MissingParameterException', 'loadId is required');
    }
    const loaderMatch = /^\/loader\/([^/]+)$/.exec(path);
    if (loaderMatch) {
      const loadId = decodeURIComponent(loaderMatch[1]!);
      if (method === 'GET') return getLoadStatus(loads, loadId, parameters());
      if (method === 'DELETE') return cancelLoad(loads, loadId);
    }
    if (path === '/system' && method === 'POST') return { httpStatus: 200, body: await reset.handle(parameters()) };
    if (['/status', '/loader', '/system', '/gremlin/status'].includes(path) || loaderMatch) {
      throw new NeptuneRequestError(405, 'MethodNotAllowedException', `${method} is not allowed on ${path}`);
    }
    throw new NeptuneRequestError(400, 'BadRequestException', `Bad request: no API at ${path} (this endpoint serves /status, /loader, /system, /gremlin, /gremlin/status)`);
  }

  async function beforeHttpRequest(request: IncomingMessage, response: ServerResponse): Promise<IncomingMessage | undefined> {
    try {
      const url = new URL(request.url ?? '/', 'http://localhost');
      const body = await readRequestBody(request, maxBodyBytes);
      const refusal = authorize(request, body);
      if (refusal) throw refusal;
      const answer = await route(request, url, body);
      if (answer === 'gremlin') return replay(request, body);
      sendJson(response, answer.httpStatus, answer.body);
    } catch (error) {
      if (error instanceof NeptuneRequestError) sendNeptuneError(response, error.httpStatus, error.code, error.message);
      else sendNeptuneError(response, 500, 'InternalFailureException', (error as Error).message);
    }
    return undefined;
  }

  let server: GremlinServerHandle;
  try {
    server = await startGremlinServer({
      graph: options.graphStore.graph,
      ...(options.host !== undefined ? { host: options.host } : {}),
      ...(options.port !== undefined ? { port: options.port } : {}),
      ...(options.evaluationTimeoutMs !== undefined ? { evaluationTimeoutMs: options.evaluationTimeoutMs } : {}),
      maxFrameBytes: options.maxFrameBytes ?? 16 * 1024 * 1024,
      maxBodyBytes,
      ...(options.maxTraversalSteps !== undefined ? { maxTraversalSteps: options.maxTraversalSteps } : {}),
      beforeHttpRequest,
      authorizeUpgrade: async (request) => {
        const refusal = authorize(request, Buffer.alloc(0));
        if (!refusal) return undefined;
        return {
          status: refusal.httpStatus,
          headers: { 'Content-Type': 'application/json; charset=UTF-8' },
          body: JSON.stringify({ code: refusal.code, requestId: randomUUID(), detailedMessage: refusal.message }),
        };
      },
    });
  } catch (error) {
    s3Client.destroy();
    throw error;
  }
  return {
    ...server,
    endpoint: server.httpUrl.replace(/\/gremlin$/, ''),
    loads,
    async close() {
      await server.close();
      // A running load finishes and saves before the caller saves or exits.
      await loads.idle();
      s3Client.destroy();
    },
  };
}

/** The request again, its body read already: for the Gremlin HTTP endpoint, which reads it itself. */
function replay(request: IncomingMessage, body: Buffer): IncomingMessage {
  const copy = Readable.from(body.length > 0 ? [body] : []) as unknown as IncomingMessage;
  return Object.assign(copy, { method: request.method, url: request.url, headers: request.headers });
}
