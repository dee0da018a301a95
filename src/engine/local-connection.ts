/**
 * `LocalConnection`: a `RemoteConnection` of the `gremlin` driver that runs traversals against
 * the embedded PropertyGraph instead of a server — plugged in at the driver's one seam,
 * `RemoteConnection.submit(bytecode)`, so `traversal().withRemote(new LocalConnection(graph))`
 * runs any traversal written for Neptune unchanged.
 */
import gremlin from 'gremlin';
import type { BytecodeLike } from './compiler.js';
import { runBytecode } from './execute.js';
import type { PropertyGraph } from './property-graph.js';
import { toDriverValue } from './to-driver-value.js';

const { RemoteConnection, RemoteTraversal } = gremlin.driver;

/** Options of a local connection. */
export interface LocalConnectionOptions {
  /** Abort a traversal after this many milliseconds (Gremlin Server's `evaluationTimeout`). */
  evaluationTimeoutMs?: number;
}

export class LocalConnection extends RemoteConnection {
  private open_ = true;

  constructor(
    readonly graph: PropertyGraph,
    readonly localOptions: LocalConnectionOptions = {},
  ) {
    super('local:', {});
  }

  override async open(): Promise<void> {
    this.open_ = true;
  }

  get isOpen(): boolean {
    return this.open_;
  }

  override async submit(bytecode: unknown): Promise<InstanceType<typeof RemoteTraversal>> {
    const results = runBytecode(this.graph, bytecode as BytecodeLike, { evaluationTimeoutMs: this.localOptions.evaluationTimeoutMs });
    const traversers = results.map((r) => new gremlin.process.Traverser(toDriverValue(r.object, this.graph), r.bulk as number));
    return new RemoteTraversal(traversers as never, undefined);
  }

  /** Transactions are not supported by the embedded engine (writes apply at once, as Neptune's auto-commit). */
  createSession(): never {
    throw new Error('[kit] [engine] sessions are not supported by the local connection');
  }

  async commit(): Promise<void> {}

  async rollback(): Promise<void> {}

  override async close(): Promise<void> {
    this.open_ = false;
  }
}
