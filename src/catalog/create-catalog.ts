import { join } from 'node:path';
import { GlueClient, type GlueClientConfig } from '@aws-sdk/client-glue';
import type { KitConfig } from '../config/kit-config.js';
import type { ObjectStore } from '../lake/object-store.js';
import type { Catalog } from './catalog-types.js';
import { createGlueCatalog } from './glue-catalog.js';
import { createLocalCatalog } from './local-catalog.js';

/** Root of the local file catalog: `<dataDir>/catalog/<database>/<table>.json`. */
export function localCatalogDirectory(config: KitConfig): string {
  return join(config.dataDir, 'catalog');
}

/**
 * The catalog of the configured mode: `aws` → the Glue Data Catalog and the stack's crawler;
 * `local` → the file catalog whose crawler reads the dataset folders through `store`.
 */
export function createCatalog(config: KitConfig, store: ObjectStore, options: { clientConfig?: GlueClientConfig } = {}): Catalog {
  if (config.mode === 'aws') {
    return createGlueCatalog({
      client: new GlueClient({ region: config.region, ...options.clientConfig }),
      database: config.glueDatabase,
      crawlerName: config.crawlerName,
      // The Glue stack's second crawler, over datasets/sources/incremental/ (iam.yaml output).
      incrementalCrawlerName: config.stackOutputs.GlueIncrementalCrawlerName ?? `${config.crawlerName}-incremental`,
      tablePrefix: config.tablePrefix,
    });
  }
  return createLocalCatalog({
    directory: localCatalogDirectory(config),
    store,
    database: config.glueDatabase,
    tablePrefix: config.tablePrefix,
    crawlerName: config.crawlerName,
  });
}
