import { describe, expect, it } from 'vitest';
import { PropertyGraph } from '../src/engine/property-graph.js';
import { loadGremlinCsvFiles, type CsvFileSource } from '../src/loader/gremlin-csv-load.js';

/** A source streaming `text` in chunks of `chunkBytes` (records are cut across chunks). */
function source(uri: string, text: string, chunkBytes = 1000): CsvFileSource {
  const bytes = Buffer.from(text);
  return {
    uri,
    open: async () =>
      (async function* () {
        for (let i = 0; i < bytes.length; i += chunkBytes) yield bytes.subarray(i, i + chunkBytes);
      })(),
  };
}

/** Every edge as `id: from -> to (label)`, sorted: what two loads must agree on. */
function edgeList(graph: PropertyGraph): string[] {
  return [...graph.edges()].map((e) => `${e.id}: ${e.outV.id} -> ${e.inV.id} (${e.label})`).sort();
}

describe('loader finds edge ends the same whether the edge file is sorted by them or not', () => {
  // Vertices in id order, with another vertex kind between them and a gap (v500 missing, so the
  // "next vertex" guess must fail over to a lookup), as the ETL writes them.
  const ids = Array.from({ length: 1000 }, (_, i) => i).filter((i) => i !== 500);
  const vertices = '~id,~label\n' + ids.map((i) => `v${String(i).padStart(4, '0')},V`).join('\n') + '\n';
  const others = '~id,~label\n' + ids.map((i) => `w${i},W`).join('\n') + '\n';
  const v = (i: number) => `v${String(i).padStart(4, '0')}`;
  // Each vertex's edges together (some vertices have several, some none), ends in order then
  // shuffled; one edge names the missing v0500.
  const rows: string[] = [];
  for (const i of ids) {
    for (let k = 0; k < i % 3; k++) rows.push(`e${i}-${k},${v(i)},${k === 1 ? `w${(i * 7) % 1000 === 500 ? 1 : (i * 7) % 1000}` : v((i * 13 + k) % 1000 === 500 ? 0 : (i * 13 + k) % 1000)},E`);
  }
  rows.push(`dangling,${v(499)},${v(500)},E`);
  const shuffled = rows.map((row, i) => ({ row, key: Math.imul(i + 1, 2654435761) >>> 0 })).sort((a, b) => a.key - b.key).map((r) => r.row);
  const edgesFile = (list: string[]) => '~id,~from,~to,~label\n' + list.join('\n') + '\n';

  it('loads the same edges, and reports the same missing end, from either order', async () => {
    const results = [];
    for (const list of [rows, shuffled]) {
      const graph = new PropertyGraph();
      const status = await loadGremlinCsvFiles(graph, [source('v.csv', vertices), source('w.csv', others), source('e.csv', edgesFile(list))], {
        uri: 'mem',
        loadId: 'x',
        failOnError: false,
      });
      results.push({ graph, status });
    }
    const [sorted, random] = results;
    expect(sorted!.status.overallStatus.insertErrors).toBe(1);
    expect(random!.status.overallStatus.insertErrors).toBe(1);
    expect(sorted!.status.errors.errorLogs[0]!.errorMessage).toContain("'v0500'");
    expect(sorted!.graph.edgeCount).toBe(rows.length - 1);
    expect(edgeList(sorted!.graph)).toEqual(edgeList(random!.graph));
    // And each edge ends where its record says.
    const byId = new Map(rows.map((r) => r.split(',')).map(([id, from, to]) => [id!, `${from} -> ${to}`]));
    for (const e of sorted!.graph.edges()) expect(`${e.outV.id} -> ${e.inV.id}`).toBe(byId.get(String(e.id)));
  });
});
