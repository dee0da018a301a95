import type { NeptunedataClient } from '@aws-sdk/client-neptunedata';
import type { KitConfig } from '../config/kit-config.js';
import { InvalidInputError, kitMessage } from '../errors.js';
import type { ObjectStore } from '../lake/object-store.js';
import { openLocalGraph, type LocalGraphStore } from '../graph/local-graph-store.js';
import { createNeptunedataClient } from '../graph/neptune-endpoint.js';
import { createEmbeddedBulkLoader } from './embedded-bulk-loader.js';
import type { BulkLoader } from './load-status.js';
import { createNeptuneBulkLoader, type NeptuneBulkLoaderOptions } from './neptune-bulk-loader.js';

export interface BulkLoaderDeps {
  /** local: the object store holding the CSV files (the embedded S3 server's bucket). */
  store?: ObjectStore;
  /** local: the persisted graph; opened from `config.dataDir` when omitted. */
  graphStore?: LocalGraphStore;
  /** aws: a neptunedata client (`createNeptunedataClient(config)` when omitted). */
  neptuneClient?: NeptunedataClient;
  /** aws: poll timing. */
  poll?: NeptuneBulkLoaderOptions['poll'];
}

/** The bulk loader of the configured mode: Neptune's loader (aws) or the embedded one (local). */
export function createBulkLoader(config: KitConfig, deps: BulkLoaderDeps = {}): BulkLoader {
  if (config.mode === 'aws') {
    const loaderRoleArn = config.loaderRoleArn ?? config.stackOutputs.NeptuneLoaderRoleArn;
    if (!loaderRoleArn) {
      throw new InvalidInputError(kitMessage('neptune', 'no loader role: set loaderRoleArn or deploy the iam stack (output NeptuneLoaderRoleArn)'));
    }
    return createNeptuneBulkLoader({
      client: deps.neptuneClient ?? createNeptunedataClient(config),
      bucket: config.bucket,
      loaderRoleArn,
      region: config.region,
      poll: deps.poll,
    });
  }
  if (!deps.store) throw new InvalidInputError(kitMessage('embedded', 'createBulkLoader: local mode needs deps.store (createObjectStore(config))'));
  const store = deps.store;
  if (deps.graphStore) return createEmbeddedBulkLoader({ store, graphStore: deps.graphStore });
  // Open the persisted graph when the first load runs (not at construction), so that a loader
  // made early in a notebook sees what other kernels saved in the meantime.
  return {
    name: 'embedded',
    async load(options) {
      return createEmbeddedBulkLoader({ store, graphStore: await openLocalGraph(config) }).load(options);
    },
  };
}
