import { describe, expect, it, vi } from 'vitest';
import { PropertyGraph } from '../src/engine/property-graph.js';
import { loadGremlinCsvFiles, type CsvFileSource } from '../src/loader/gremlin-csv-load.js';

/** A source that streams its text in chunks of `chunkBytes` and tells its size. */
function source(uri: string, text: string, chunkBytes: number, withSize = true): CsvFileSource {
  const bytes = Buffer.from(text);
  return {
    uri,
    ...(withSize ? { size: bytes.length } : {}),
    open: async () =>
      (async function* () {
        for (let i = 0; i < bytes.length; i += chunkBytes) yield bytes.subarray(i, i + chunkBytes);
      })(),
  };
}

describe('loader makes room from the file size', () => {
  const vertices = '~id,~label\n' + Array.from({ length: 5000 }, (_, i) => `v${i},V`).join('\n') + '\n';
  const edges = '~id,~from,~to,~label\n' + Array.from({ length: 4000 }, (_, i) => `e${i},v${i},v${i + 1},E`).join('\n') + '\n';

  it('reserves, before loading, about as many elements as the files hold, estimated from each one’s first chunk', async () => {
    const graph = new PropertyGraph();
    const reserve = vi.spyOn(graph, 'reserve');
    const status = await loadGremlinCsvFiles(graph, [source('v.csv', vertices, 4096), source('e.csv', edges, 4096)], { uri: 'mem', loadId: 'x' });
    expect(status.overallStatus.status).toBe('LOAD_COMPLETED');
    expect(graph.vertexCount).toBe(5000);
    expect(graph.edgeCount).toBe(4000);
    expect(reserve).toHaveBeenCalledTimes(1);
    const [vertexRecords, edgeRecords] = reserve.mock.calls[0]!;
    expect(vertexRecords).toBeGreaterThan(4000);
    expect(vertexRecords).toBeLessThan(6500);
    expect(edgeRecords).toBeGreaterThan(3000);
    expect(edgeRecords).toBeLessThan(5500);
  });

  it('reserves nothing when the size is unknown or the file fits in one chunk', async () => {
    const graph = new PropertyGraph();
    const reserve = vi.spyOn(graph, 'reserve');
    await loadGremlinCsvFiles(graph, [source('v.csv', vertices, 4096, false), source('e.csv', edges, 1 << 20)], { uri: 'mem', loadId: 'x' });
    expect(graph.edgeCount).toBe(4000);
    expect(reserve).not.toHaveBeenCalled();
  });
});
