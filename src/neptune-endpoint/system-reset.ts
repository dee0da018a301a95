/**
 * Neptune's fast reset (`POST /system`, https://docs.aws.amazon.com/neptune/latest/userguide/manage-console-fast-reset.html):
 * `initiateDatabaseReset` hands out a token, `performDatabaseReset` with that token deletes
 * every vertex and edge. A token is good for one reset within an hour. The emptied graph is
 * saved at once, so a reset is never half done on disk.
 */
import { randomUUID } from 'node:crypto';
import type { LocalGraphStore } from '../graph/local-graph-store.js';
import type { LoaderJobQueue } from './loader-jobs.js';
import { badRequest, invalidParameter } from './neptune-error.js';
import { readString } from './neptune-parameters.js';

const TOKEN_LIFETIME_MS = 3600_000;

export class SystemReset {
  private readonly tokens = new Map<string, number>();

  constructor(
    private readonly graphStore: LocalGraphStore,
    private readonly loads: LoaderJobQueue,
    private readonly now: () => number = Date.now,
  ) {}

  async handle(parameters: Record<string, unknown>): Promise<unknown> {
    const action = readString(parameters, 'action', true);
    if (action === 'initiateDatabaseReset') {
      const token = randomUUID();
      this.tokens.set(token, this.now() + TOKEN_LIFETIME_MS);
      return { status: '200 OK', payload: { token } };
    }
    if (action === 'performDatabaseReset') {
      const token = readString(parameters, 'token', true);
      const expires = this.tokens.get(token);
      if (expires === undefined || expires < this.now()) throw invalidParameter('token: not a token from initiateDatabaseReset, or it expired (one hour)');
      if (this.loads.busy) throw badRequest('Database reset refused: a bulk load is queued or running; wait for it or cancel it (DELETE /loader/{loadId})');
      if (this.graphStore.isStale()) throw badRequest(`Database reset refused: ${this.graphStore.path} was replaced by another process; restart idgraph serve`);
      this.tokens.delete(token);
      this.graphStore.graph.clear();
      await this.graphStore.save();
      return { status: '200 OK' };
    }
    throw invalidParameter(`action: expected initiateDatabaseReset or performDatabaseReset, got ${JSON.stringify(action)}`);
  }
}
