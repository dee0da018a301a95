/**
 * Neptune's administrative HTTP API, through the SDK's neptunedata client: the engine status
 * (GET /status) and the fast reset (POST /system), which drops every vertex, edge and property in
 * one to two minutes where a `g.V().drop()` of a large graph would time out.
 * https://docs.aws.amazon.com/neptune/latest/userguide/access-graph-status.html
 * https://docs.aws.amazon.com/neptune/latest/userguide/manage-console-fast-reset.html
 */
import { ExecuteFastResetCommand, GetEngineStatusCommand, NeptunedataClient } from '@aws-sdk/client-neptunedata';
import type { KitConfig } from '../config/kit-config.js';
import { DeadlineExceededError, OperationFailedError, kitMessage } from '../errors.js';
import { requireNeptuneEndpoint } from '../graph/neptune-endpoint.js';

const NAME = 'neptune';

/**
 * A neptunedata client for the configured cluster, single attempt (a reset must never be sent
 * twice). The SDK's standard endpoint setting AWS_ENDPOINT_URL_NEPTUNEDATA, when set, replaces
 * `https://<host>:<port>` — the way to reach the cluster through an SSH tunnel from a laptop.
 * The SDK release the kit pins for neptunedata predates its own reading of that variable.
 */
export function createNeptuneAdminClient(config: Pick<KitConfig, 'neptune' | 'region' | 'stackOutputs'>, env: NodeJS.ProcessEnv = process.env): NeptunedataClient {
  const endpoint = requireNeptuneEndpoint(config);
  return new NeptunedataClient({ endpoint: env.AWS_ENDPOINT_URL_NEPTUNEDATA || `https://${endpoint.host}:${endpoint.port}`, region: endpoint.region, maxAttempts: 1 });
}

export interface NeptuneEngineStatus {
  /** `healthy`, or `recovery` while the engine starts or replays. */
  status: string;
  dbEngineVersion: string;
  /** `writer` or `reader`: the kit must talk to the writer. */
  role: string;
  /** e.g. `tinkerpop-3.7.1`. */
  gremlinVersion?: string;
}

export async function getNeptuneEngineStatus(client: NeptunedataClient): Promise<NeptuneEngineStatus> {
  try {
    const status = await client.send(new GetEngineStatusCommand({}));
    return {
      status: status.status ?? 'unknown',
      dbEngineVersion: status.dbEngineVersion ?? 'unknown',
      role: status.role ?? 'unknown',
      gremlinVersion: (status.gremlin as { version?: string } | undefined)?.version,
    };
  } catch (cause) {
    throw new OperationFailedError(kitMessage(NAME, `GET /status failed: ${(cause as Error).message}`), { cause });
  }
}

/**
 * Fast reset, in Neptune's two steps: `initiateDatabaseReset` returns a token valid for 60
 * seconds, `performDatabaseReset` with that token starts the reset. Then waits until GET
 * /status answers `healthy` again (the cluster is unavailable while it resets).
 */
export async function resetNeptuneGraph(client: NeptunedataClient, options: { timeoutMs?: number; pollMs?: number; log?: (line: string) => void } = {}): Promise<void> {
  const log = options.log ?? (() => {});
  let token: string | undefined;
  try {
    const initiated = await client.send(new ExecuteFastResetCommand({ action: 'initiateDatabaseReset' }));
    token = initiated.payload?.token;
  } catch (cause) {
    throw new OperationFailedError(kitMessage(NAME, `fast reset: initiateDatabaseReset failed: ${(cause as Error).message}`), { cause });
  }
  if (!token) throw new OperationFailedError(kitMessage(NAME, 'fast reset: initiateDatabaseReset answered without a token'));
  try {
    const performed = await client.send(new ExecuteFastResetCommand({ action: 'performDatabaseReset', token }));
    if (performed.status && !/^200\b/.test(performed.status)) {
      throw new Error(`status ${performed.status}`);
    }
  } catch (cause) {
    throw new OperationFailedError(kitMessage(NAME, `fast reset: performDatabaseReset failed: ${(cause as Error).message}`), { cause });
  }
  log('Neptune fast reset started; waiting for the engine to be healthy again');
  const deadline = Date.now() + (options.timeoutMs ?? 600_000);
  let delay = options.pollMs ?? 5_000;
  for (;;) {
    // While the reset runs, /status may fail to answer: that is part of waiting, not a failure.
    const status = await getNeptuneEngineStatus(client).catch(() => undefined);
    if (status?.status === 'healthy') break;
    if (Date.now() > deadline) throw new DeadlineExceededError(kitMessage(NAME, `fast reset: the engine was not healthy again after ${Math.round((options.timeoutMs ?? 600_000) / 1000)} s (last status ${status?.status ?? 'no answer'})`));
    await new Promise((resolve) => setTimeout(resolve, delay));
    delay = Math.min(delay * 2, 30_000);
  }
  log('Neptune graph reset: the engine is healthy and empty');
}
