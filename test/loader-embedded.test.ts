import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { openLocalGraph } from '../src/graph/local-graph-store.js';
import { listDirectorySources, loadSourcesIntoGraph } from '../src/loader/embedded-bulk-loader.js';
import type { LoadProgress } from '../src/loader/load-status.js';

const corpus = join(import.meta.dirname, 'fixtures', 'loader');
const dataDir = mkdtempSync(join(tmpdir(), 'idgraph-embedded-'));
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

describe('embedded loader into the persisted graph', () => {
  it('saves after a load that changed the graph, reports progress per file, and writes nothing for a load of duplicates', async () => {
    const sources = await listDirectorySources(join(corpus, 'valid'));
    const store = await openLocalGraph({ dataDir });
    const progress: LoadProgress[] = [];
    const first = await loadSourcesIntoGraph(store, sources, 'valid', { onProgress: (p) => progress.push(p) });
    expect(first.overallStatus.status).toBe('LOAD_COMPLETED');
    expect(progress.map((p) => [p.fileName.split('/').slice(-2).join('/'), p.status, p.recordsDone, p.fileRecordsDone])).toEqual([
      ['vertices/city.csv', 'LOAD_COMPLETED', 2, 2],
      ['vertices/person.csv', 'LOAD_COMPLETED', 6, 4],
      ['edges/lives-in.csv', 'LOAD_COMPLETED', 9, 3],
    ]);
    const written = statSync(store.path, { bigint: true }).mtimeNs;
    expect((await openLocalGraph({ dataDir })).graph.vertexCount).toBe(5);

    const again = await loadSourcesIntoGraph(store, sources, 'valid');
    expect(again.overallStatus.totalDuplicates).toBe(9);
    expect(statSync(store.path, { bigint: true }).mtimeNs).toBe(written);
  });

  it('refuses to load into a copy of the graph another process has replaced since', async () => {
    const sources = await listDirectorySources(join(corpus, 'gzip'));
    const stale = await openLocalGraph({ dataDir });
    const other = await openLocalGraph({ dataDir });
    other.graph.addVertex('other', 'Other');
    await other.save();
    const error = await loadSourcesIntoGraph(stale, sources, 'gzip').catch((e: Error) => e);
    expect((error as Error).name).toBe('OperationFailedError');
    expect(stale.graph.getVertex('z1')).toBeUndefined(); // nothing was loaded
  });

  it('names the folder when it cannot be read', async () => {
    const error = await listDirectorySources(join(corpus, 'missing')).catch((e: Error) => e);
    expect((error as Error).name).toBe('NotFoundError');
    expect((error as Error).message).toContain(join(corpus, 'missing'));
  });
});
