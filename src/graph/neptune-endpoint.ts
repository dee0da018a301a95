/**
 * The Neptune cluster endpoint of the configuration (from `~/graph_notebook_config.json`, the
 * stack outputs or the environment — `loadConfig` has already merged them) and the neptunedata
 * client for it.
 */
import { NeptunedataClient } from '@aws-sdk/client-neptunedata';
import type { KitConfig, NeptuneEndpoint } from '../config/kit-config.js';
import { InvalidInputError, kitMessage } from '../errors.js';

/** The endpoint, with the region filled in; InvalidInputError when none is configured. */
export function requireNeptuneEndpoint(config: Pick<KitConfig, 'neptune' | 'region' | 'stackOutputs'>): Required<NeptuneEndpoint> {
  let endpoint = config.neptune;
  // Stack outputs of the neptune-core template, when no Workbench file or env var named one.
  const outputs = config.stackOutputs ?? {};
  const host = outputs.NeptuneClusterEndpoint;
  if (!endpoint && host) {
    endpoint = {
      host,
      port: Number(outputs.NeptuneClusterPort ?? 8182),
      iamAuth: (outputs.NeptuneIamAuthEnabled ?? 'true').toLowerCase() === 'true',
    };
  }
  if (!endpoint) {
    throw new InvalidInputError(
      kitMessage('neptune', 'no Neptune endpoint configured (~/graph_notebook_config.json, stack outputs, or NEPTUNE_HOST)'),
    );
  }
  return { ...endpoint, region: endpoint.region ?? config.region };
}

/**
 * A neptunedata client for `https://<host>:<port>` with `maxAttempts: 1`: the loader's
 * StartLoaderJob must never be retried by the SDK (a retry after a lost response would start a
 * second load); the kit's own poller handles waiting.
 */
export function createNeptunedataClient(config: Pick<KitConfig, 'neptune' | 'region' | 'stackOutputs'>): NeptunedataClient {
  const endpoint = requireNeptuneEndpoint(config);
  return new NeptunedataClient({ endpoint: `https://${endpoint.host}:${endpoint.port}`, region: endpoint.region, maxAttempts: 1 });
}
