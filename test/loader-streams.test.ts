import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { defaultConfig } from '../src/config/kit-config.js';
import { createObjectStore } from '../src/lake/create-object-store.js';
import { listObjectSources } from '../src/loader/embedded-bulk-loader.js';
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

  it('past 32 files, reads each header on its own request and opens the next file while one loads', async () => {
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
  it('finds ends that repeat and ends that do not alike, and still reports a missing end', async () => {
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

describe('files from the embedded S3', () => {
  it('loads 32 files (each kept open from its header read) and 60 (each opened twice: more than the 50 connections the S3 client opens) without waiting forever', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'idgraph-loader-streams-'));
    const store = await createObjectStore({ ...defaultConfig(dataDir), bucket: 'streams' });
    try {
      // Each file spans several reads, so that a kept stream really holds its connection.
      const text = (i: number) => '~id,~label,p\n' + Array.from({ length: 4000 }, (_, k) => `f${i}v${k},V,${'x'.repeat(40)}`).join('\n') + '\n';
      for (let i = 0; i < 60; i++) await store.putObject(`${i < 32 ? 'a' : 'b'}/f${String(i).padStart(2, '0')}.csv`, text(i));
      for (const [prefix, files] of [['a/', 32], ['', 60]] as const) {
        const graph = new PropertyGraph();
        const status = await loadGremlinCsvFiles(graph, await listObjectSources(store, prefix), { uri: prefix, loadId: 'x' });
        expect(status.overallStatus.status).toBe('LOAD_COMPLETED');
        expect(graph.vertexCount).toBe(files * 4000);
      }
    } finally {
      await store.close();
      rmSync(dataDir, { recursive: true, force: true });
    }
  }, 60_000);
});
