import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { PropertyGraph } from '../src/engine/property-graph.js';
import { loadGremlinCsvFiles, type CsvFileSource } from '../src/loader/gremlin-csv-load.js';

/** A source whose every opened stream is recorded, to see which were read and which closed. */
function trackedSource(uri: string, text: string) {
  const streams: Readable[] = [];
  const source: CsvFileSource = {
    uri,
    open: async () => {
      const stream = Readable.from([Buffer.from(text)]);
      streams.push(stream);
      return stream;
    },
  };
  return { source, streams };
}

describe('loader streams', () => {
  it('opens each file once, and closes the files it did not reach when the load stops on an error', async () => {
    const bad = trackedSource('a.csv', '~id,~label,age:Int\nv1,V,1\nv2,V,not-a-number\n');
    const next = trackedSource('b.csv', '~id,~label\nv3,V\n');
    const last = trackedSource('c.csv', '~id,~label\nv4,V\n');
    const graph = new PropertyGraph();
    const status = await loadGremlinCsvFiles(graph, [bad.source, next.source, last.source], { uri: 'mem', loadId: 'x', failOnError: true });
    expect(status.overallStatus.status).toBe('LOAD_FAILED');
    expect(graph.vertexCount).toBe(1);
    // Each file is opened once: its header is read from the stream the load goes on with. The
    // files the load never reached are closed unread.
    expect([bad.streams.length, next.streams.length, last.streams.length]).toEqual([1, 1, 1]);
    await new Promise((resolve) => setImmediate(resolve));
    expect(next.streams[0]!.destroyed).toBe(true);
    expect(last.streams[0]!.destroyed).toBe(true);
    expect(status.feeds?.map((f) => f.status)).toEqual(['LOAD_FAILED', 'LOAD_NOT_STARTED', 'LOAD_NOT_STARTED']);
  });

  it('past 64 files, reads each header on its own request and opens the next file while one loads', async () => {
    const files = Array.from({ length: 70 }, (_, i) => trackedSource(`f${String(i).padStart(2, '0')}.csv`, `~id,~label\nv${i},V\n`));
    const graph = new PropertyGraph();
    const status = await loadGremlinCsvFiles(graph, files.map((f) => f.source), { uri: 'mem', loadId: 'x' });
    expect(status.overallStatus.status).toBe('LOAD_COMPLETED');
    expect(graph.vertexCount).toBe(70);
    expect(files.every((f) => f.streams.length === 2)).toBe(true);
  });

  it('reads every file in order when nothing fails', async () => {
    const files = ['x', 'y', 'z'].map((n, i) => trackedSource(`${n}.csv`, `~id,~label\n${n}${i},V\n`));
    const graph = new PropertyGraph();
    const status = await loadGremlinCsvFiles(graph, files.map((f) => f.source), { uri: 'mem', loadId: 'x' });
    expect(status.overallStatus.status).toBe('LOAD_COMPLETED');
    expect([...graph.vertices()].map((v) => v.id)).toEqual(['x0', 'y1', 'z2']);
  });
});

describe('edge ends', () => {
  it('finds repeated ends (remembered) and distinct ones (looked up) alike, and still reports a missing end', async () => {
    const vertices = '~id,~label\n' + Array.from({ length: 3000 }, (_, i) => `u${i},U`).join('\n') + '\nhubA,H\nhubB,H\n';
    // 3000 edges to two hubs (the "to" side repeats), from 3000 distinct users (the "from" side does not).
    const rows = Array.from({ length: 3000 }, (_, i) => `e${i},u${i},hub${i % 2 ? 'A' : 'B'},to`);
    rows.splice(2500, 0, 'bad,u1,hubC,to');
    const edges = '~id,~from,~to,~label\n' + rows.join('\n') + '\n';
    const graph = new PropertyGraph();
    const status = await loadGremlinCsvFiles(graph, [trackedSource('v.csv', vertices).source, trackedSource('e.csv', edges).source], { uri: 'mem', loadId: 'x', failOnError: false });
    expect(graph.edgeCount).toBe(3000);
    expect(graph.getVertex('hubA')!.inE!.length).toBe(1500);
    expect(graph.getEdge('e2999')!.outV.id).toBe('u2999');
    expect(status.errors.errorLogs).toEqual([expect.objectContaining({ errorCode: 'FROM_OR_TO_VERTEX_ARE_MISSING', recordNum: 2501 })]);
  });
});
