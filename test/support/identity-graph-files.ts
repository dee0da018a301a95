/**
 * The kit's own transformed files for endpoint tests: a small generated batch taken through
 * upload, crawl, schema fix and the local transform, so that the Gremlin CSV the endpoint loads
 * is what `idgraph transform` writes (under datasets/graph/initial/ of the bucket, in the
 * embedded S3 folder of the data directory).
 */
import { join } from 'node:path';
import { createCatalog } from '../../src/catalog/create-catalog.js';
import { fixTableSchemas } from '../../src/catalog/fix-table-schemas.js';
import { loadConfig } from '../../src/config/kit-config.js';
import { generateDatasets } from '../../src/datagen/generate-datasets.js';
import { runLocalTransform, type TransformReport } from '../../src/etl/index.js';
import { createObjectStore } from '../../src/lake/create-object-store.js';
import { uploadDatasets } from '../../src/lake/upload-datasets.js';

export async function writeTransformedFiles(dataDir: string, bucket: string, records = 300): Promise<TransformReport> {
  const config = loadConfig({ dataDir, mode: 'local', bucket }, {});
  const store = await createObjectStore(config);
  try {
    const generated = join(dataDir, 'generated');
    await generateDatasets({ records, uniqueness: 30, incremental: false, seed: 7, outDir: generated });
    await uploadDatasets(store, { dir: generated });
    const catalog = createCatalog(config, store);
    await catalog.crawl();
    await fixTableSchemas(catalog);
    return await runLocalTransform({ store, catalog });
  } finally {
    await store.close();
  }
}
