import { existsSync } from 'node:fs';
import { stat } from 'node:fs/promises';
import { join } from 'node:path';
import { DATASETS, GROUND_TRUTH_NAME, datasetFileName, type DatasetName } from '../datagen/dataset-schema.js';
import { InvalidInputError, kitMessage } from '../errors.js';
import { groundTruthKey, newBatchId, sourceKey } from './dataset-layout.js';
import type { ObjectStore, TransferProgress } from './object-store.js';

export interface UploadDatasetsOptions {
  /** Folder `idgraph generate` wrote to. */
  dir: string;
  /** Upload the `_data_inc` files into a new incremental batch folder. */
  incremental?: boolean;
  /** Batch id (`YYYYMMDD_HHmmss`) for an incremental upload; default: now, UTC. */
  batch?: string;
  /** Datasets to upload; default all four (`DATASETS` of the generator). */
  datasets?: readonly DatasetName[];
  /** Byte progress of each file. */
  onProgress?: (progress: TransferProgress & { dataset: string }) => void;
}

export interface UploadedObject {
  dataset: string;
  file: string;
  key: string;
  bytes: number;
}

export interface UploadReport {
  /** Incremental batch id, when incremental. */
  batch?: string;
  objects: UploadedObject[];
  /** Key of the uploaded ground-truth file, when the generator wrote one. */
  groundTruthKey?: string;
  totalBytes: number;
}

/**
 * Uploads what `idgraph generate` wrote to the dataset layout of the original PoC:
 * `datasets/sources/initial/<dataset>/<file>` or `.../incremental/<dataset>/<batch>/<file>`, and
 * the ground truth (if present) to `datasets/ground-truth/...`. Every file is checked before
 * the first byte is sent, so a missing one uploads nothing.
 */
export async function uploadDatasets(store: ObjectStore, options: UploadDatasetsOptions): Promise<UploadReport> {
  const incremental = options.incremental ?? false;
  const batch = incremental ? (options.batch ?? newBatchId()) : undefined;
  const datasets = options.datasets ?? DATASETS;

  const planned: UploadedObject[] = [];
  const missing: string[] = [];
  for (const dataset of datasets) {
    const file = datasetFileName(dataset, incremental);
    const path = join(options.dir, file);
    if (!existsSync(path)) {
      missing.push(file);
      continue;
    }
    planned.push({ dataset, file, key: sourceKey(dataset, file, batch), bytes: (await stat(path)).size });
  }
  if (missing.length > 0) {
    throw new InvalidInputError(
      kitMessage(store.name, `upload: ${options.dir} lacks ${missing.join(', ')} (run "idgraph generate${incremental ? ' --incremental 1' : ''}" first)`),
    );
  }
  for (const object of planned) {
    if (object.bytes === 0) {
      throw new InvalidInputError(kitMessage(store.name, `upload: ${join(options.dir, object.file)} is empty`));
    }
  }

  for (const object of planned) {
    await store.putFile(object.key, join(options.dir, object.file), {
      onProgress: (p) => options.onProgress?.({ ...p, dataset: object.dataset }),
    });
  }

  const report: UploadReport = { batch, objects: planned, totalBytes: planned.reduce((n, o) => n + o.bytes, 0) };
  const truthFile = datasetFileName(GROUND_TRUTH_NAME, incremental);
  const truthPath = join(options.dir, truthFile);
  if (existsSync(truthPath)) {
    report.groundTruthKey = groundTruthKey(truthFile, batch);
    await store.putFile(report.groundTruthKey, truthPath);
  }
  return report;
}
