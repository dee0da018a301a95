import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defaultConfig } from '../src/config/kit-config.js';
import { DATASETS, datasetFileName } from '../src/datagen/dataset-schema.js';
import {
  checkBatchId,
  createObjectStore,
  graphPrefix,
  groundTruthKey,
  newBatchId,
  parseS3Uri,
  sourceKey,
  sourcePrefix,
  uploadDatasets,
  type ObjectStore,
} from '../src/lake/index.js';

describe('dataset layout (as the original PoC)', () => {
  it('names initial and incremental keys', () => {
    expect(sourceKey('cookie', 'cookie_data_full.csv')).toBe('datasets/sources/initial/cookie/cookie_data_full.csv');
    expect(sourceKey('cookie', 'cookie_data_inc.csv', '20240102_030405')).toBe(
      'datasets/sources/incremental/cookie/20240102_030405/cookie_data_inc.csv',
    );
    expect(sourcePrefix('clickstream')).toBe('datasets/sources/initial/clickstream/');
    expect(graphPrefix()).toBe('datasets/graph/initial/');
    expect(graphPrefix('20240102_030405')).toBe('datasets/graph/incremental/20240102_030405/');
    expect(groundTruthKey('ground_truth_data_full.csv')).toBe('datasets/ground-truth/initial/ground_truth_data_full.csv');
    expect(parseS3Uri('s3://b/datasets/x/')).toEqual({ bucket: 'b', key: 'datasets/x/' });
  });

  it('makes batch ids from UTC time, YYYYMMDD_HHmmss', () => {
    expect(newBatchId(new Date('2024-03-09T07:05:01.999Z'))).toBe('20240309_070501');
    expect(newBatchId(new Date('2023-12-31T23:59:59+05:00'))).toBe('20231231_185959');
    expect(checkBatchId(newBatchId())).toMatch(/^\d{8}_\d{6}$/);
  });

  it('rejects bad batch ids and path segments', () => {
    for (const bad of ['2024-01-01', '20240101_1200', '../x']) {
      expect(() => graphPrefix(bad)).toThrow(expect.objectContaining({ name: 'InvalidInputError' }));
    }
    expect(() => sourceKey('a/b', 'f.csv')).toThrow(expect.objectContaining({ name: 'InvalidInputError' }));
    expect(() => sourceKey('cookie', '..')).toThrow(expect.objectContaining({ name: 'InvalidInputError' }));
    expect(() => parseS3Uri('http://x/y')).toThrow(expect.objectContaining({ name: 'InvalidInputError' }));
  });
});

describe('uploadDatasets', () => {
  let dataDir: string;
  let store: ObjectStore;
  let generated: string;

  const writeFiles = (dir: string, incremental: boolean, skip: string[] = []) => {
    for (const dataset of DATASETS) {
      if (skip.includes(dataset)) continue;
      writeFileSync(join(dir, datasetFileName(dataset, incremental)), `h1,h2\n${dataset},${incremental ? 2 : 1}\n`);
    }
  };

  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'idgraph-upload-'));
    generated = join(dataDir, 'generated');
    const { mkdirSync } = await import('node:fs');
    mkdirSync(generated);
    store = await createObjectStore(defaultConfig(dataDir));
  });
  afterAll(async () => {
    await store?.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('uploads the four initial files (and the ground truth) to the layout, byte for byte', async () => {
    writeFiles(generated, false);
    writeFileSync(join(generated, 'ground_truth_data_full.csv'), 'entity_type,entity_id\nuser,x\n');
    const progress: string[] = [];
    const report = await uploadDatasets(store, { dir: generated, onProgress: (p) => progress.push(p.dataset) });
    expect(report.batch).toBeUndefined();
    expect(report.objects.map((o) => o.key)).toEqual(DATASETS.map((d) => sourceKey(d, `${d}_data_full.csv`)));
    expect(report.groundTruthKey).toBe('datasets/ground-truth/initial/ground_truth_data_full.csv');
    for (const object of report.objects) {
      expect((await store.getObject(object.key)).equals(readFileSync(join(generated, object.file)))).toBe(true);
    }
    expect(new Set(progress)).toEqual(new Set(DATASETS));
    expect(report.totalBytes).toBe(report.objects.reduce((n, o) => n + o.bytes, 0));
    // The ground truth is not under sources/: the crawler never makes a table of it.
    expect((await store.listObjects('datasets/sources/')).some((o) => o.key.includes('ground_truth'))).toBe(false);
  });

  it('uploads an incremental batch under incremental/<dataset>/<batch>/', async () => {
    writeFiles(generated, true);
    const report = await uploadDatasets(store, { dir: generated, incremental: true, batch: '20240105_101500' });
    expect(report.batch).toBe('20240105_101500');
    expect(report.objects[0]!.key).toBe('datasets/sources/incremental/first_party/20240105_101500/first_party_data_inc.csv');
    const fresh = await uploadDatasets(store, { dir: generated, incremental: true });
    expect(fresh.batch).toMatch(/^\d{8}_\d{6}$/);
  });

  it('a missing file uploads nothing and names what is missing', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'idgraph-partial-'));
    try {
      writeFiles(dir, true, ['cookie']);
      const before = await store.listObjects('');
      const error = await uploadDatasets(store, { dir, incremental: true, batch: '20240106_000000' }).catch((e: Error) => e);
      expect((error as Error).name).toBe('InvalidInputError');
      expect((error as Error).message).toContain('cookie_data_inc.csv');
      expect(await store.listObjects('')).toEqual(before);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('an empty file uploads nothing and names the file', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'idgraph-empty-'));
    try {
      writeFiles(dir, false);
      writeFileSync(join(dir, 'transactional_data_full.csv'), '');
      const before = (await store.listObjects('')).map((o) => [o.key, o.size]);
      const error = await uploadDatasets(store, { dir }).catch((e: Error) => e);
      expect((error as Error).name).toBe('InvalidInputError');
      expect((error as Error).message).toContain(join(dir, 'transactional_data_full.csv'));
      expect((await store.listObjects('')).map((o) => [o.key, o.size])).toEqual(before);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
