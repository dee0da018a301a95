/**
 * `connectGraph(config)`: the one way notebooks reach the graph, whatever the mode — a gremlin
 * `GraphTraversalSource` plus `query(text)` for Gremlin strings.
 *
 * - local: the persisted local graph through the embedded engine's `LocalConnection` (the
 *   driver's RemoteConnection seam), and the engine's parser for text.
 * - aws: a `DriverRemoteConnection` to `wss://<host>:<port>/gremlin`, SigV4-signed when IAM
 *   auth is on (credentials from the default provider chain), and neptunedata
 *   `ExecuteGremlinQuery` for text.
 */
import { ExecuteGremlinQueryCommand, type NeptunedataClient } from '@aws-sdk/client-neptunedata';
import { defaultProvider } from '@aws-sdk/credential-provider-node';
import type { AwsCredentialIdentity, AwsCredentialIdentityProvider } from '@smithy/types';
import gremlin from 'gremlin';
import type { KitConfig } from '../config/kit-config.js';
import { OperationFailedError, kitMessage } from '../errors.js';
import { LocalConnection } from '../engine/local-connection.js';
import { evaluateGremlin } from '../engine/parser/evaluate-gremlin.js';
import { openLocalGraph, type LocalGraphStore } from './local-graph-store.js';
import { createNeptuneRemoteConnection } from './neptune-connection.js';
import { createNeptunedataClient, requireNeptuneEndpoint } from './neptune-endpoint.js';

export interface GraphConnection {
  readonly mode: 'local' | 'aws';
  /** The traversal source: `await conn.g.V().hasLabel('User').count().next()`. */
  readonly g: gremlin.process.GraphTraversalSource;
  /** Runs a Gremlin string and returns its results as driver values (Vertex, Edge, Path, Map, numbers ...). */
  query(text: string): Promise<unknown[]>;
  /** Closes the connection; local mode saves the graph first if traversals changed it. */
  close(): Promise<void>;
  /** local mode: the persisted graph behind the connection (re-read when another process saved a newer one). */
  readonly graphStore?: LocalGraphStore;
}

export interface ConnectGraphDeps {
  /** local: an already open graph store (default: `openLocalGraph(config)`). */
  graphStore?: LocalGraphStore;
  /** local: abort a traversal after this many milliseconds. */
  evaluationTimeoutMs?: number;
  /** aws: credentials or a provider (default: `defaultProvider()`, which includes instance-role credentials). */
  credentials?: AwsCredentialIdentity | AwsCredentialIdentityProvider;
  /** aws: the neptunedata client for `query` (default: `createNeptunedataClient(config)`). */
  neptuneClient?: NeptunedataClient;
  /** aws: the WebSocket URL (default `wss://<host>:<port>/gremlin`). */
  url?: string;
}

/** Typed GraphSON 3, which the driver's reader turns into the same values a traversal returns. */
const GRAPHSON3 = 'application/vnd.gremlin-v3.0+json';

/**
 * The local connection behind `g`: runs on the graph of the store, and before each traversal
 * re-reads the snapshot if another process (a notebook that loaded, `idgraph load`) replaced it
 * since — unless this connection has writes of its own not saved yet, which win until `close()`.
 */
class LocalGraphConnection extends gremlin.driver.RemoteConnection {
  private inner: LocalConnection;
  savedVersion: number;

  constructor(
    public store: LocalGraphStore,
    private readonly config: KitConfig,
    private readonly evaluationTimeoutMs?: number,
  ) {
    super('local:', {});
    this.inner = new LocalConnection(store.graph, { evaluationTimeoutMs });
    this.savedVersion = store.graph.version;
  }

  private async refresh(): Promise<void> {
    if (this.store.graph.version !== this.savedVersion || !this.store.isStale()) return;
    this.store = await openLocalGraph(this.config);
    this.inner = new LocalConnection(this.store.graph, { evaluationTimeoutMs: this.evaluationTimeoutMs });
    this.savedVersion = this.store.graph.version;
  }

  override async submit(bytecode: unknown): Promise<InstanceType<typeof gremlin.driver.RemoteTraversal>> {
    await this.refresh();
    return this.inner.submit(bytecode);
  }

  /** Gremlin text as Neptune's string API takes it: terminal methods (`next()`) and scripts of several queries. */
  async evaluate(text: string): Promise<unknown[]> {
    await this.refresh();
    return evaluateGremlin(this.store.graph, text, this.evaluationTimeoutMs === undefined ? {} : { evaluationTimeoutMs: this.evaluationTimeoutMs });
  }

  override async open(): Promise<void> {}

  override async close(): Promise<void> {
    if (this.store.graph.version !== this.savedVersion) {
      await this.store.save();
      this.savedVersion = this.store.graph.version;
    }
    await this.inner.close();
  }
}

async function connectLocal(config: KitConfig, deps: ConnectGraphDeps): Promise<GraphConnection> {
  const connection = new LocalGraphConnection(deps.graphStore ?? (await openLocalGraph(config)), config, deps.evaluationTimeoutMs);
  const g = gremlin.process.AnonymousTraversalSource.traversal().withRemote(connection);
  return {
    mode: 'local',
    g,
    get graphStore() {
      return connection.store;
    },
    query: (text: string) => connection.evaluate(text),
    async close(): Promise<void> {
      await connection.close();
    },
  };
}

async function connectNeptune(config: KitConfig, deps: ConnectGraphDeps): Promise<GraphConnection> {
  const endpoint = requireNeptuneEndpoint(config);
  const remote = createNeptuneRemoteConnection({
    url: deps.url ?? `wss://${endpoint.host}:${endpoint.port}/gremlin`,
    host: endpoint.host,
    port: endpoint.port,
    region: endpoint.region,
    iamAuth: endpoint.iamAuth,
    credentials: endpoint.iamAuth ? (deps.credentials ?? defaultProvider()) : undefined,
  });
  const g = gremlin.process.AnonymousTraversalSource.traversal().withRemote(remote);
  let client = deps.neptuneClient;
  const reader = new gremlin.structure.io.GraphSONReader();
  return {
    mode: 'aws',
    g,
    async query(text: string): Promise<unknown[]> {
      client ??= createNeptunedataClient(config);
      let output;
      try {
        output = await client.send(new ExecuteGremlinQueryCommand({ gremlinQuery: text, serializer: GRAPHSON3 }));
      } catch (cause) {
        throw new OperationFailedError(kitMessage('neptune', `Gremlin query failed: ${(cause as Error).message}`), { cause });
      }
      const data = (output.result as { data?: unknown } | undefined)?.data;
      if (data === undefined) return [];
      const value = reader.read(data);
      return Array.isArray(value) ? value : [value];
    },
    async close(): Promise<void> {
      await remote.close();
      if (!deps.neptuneClient) client?.destroy();
    },
  };
}

/** Connects to the graph of the configured mode. */
export async function connectGraph(config: KitConfig, deps: ConnectGraphDeps = {}): Promise<GraphConnection> {
  return config.mode === 'aws' ? connectNeptune(config, deps) : connectLocal(config, deps);
}
