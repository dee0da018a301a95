import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { PropertyGraph } from '../src/engine/property-graph.js';
import { listDirectorySources } from '../src/loader/embedded-bulk-loader.js';
import { loadGremlinCsvFiles } from '../src/loader/gremlin-csv-load.js';
import { formatLoadStatus, type LoadOptions } from '../src/loader/load-status.js';

const corpus = join(import.meta.dirname, 'fixtures', 'loader');

async function loadFixture(name: string, options: Omit<LoadOptions, 'prefix'> = {}, graph = new PropertyGraph({ defaultCardinality: 'set' })) {
  const sources = await listDirectorySources(join(corpus, name));
  const status = await loadGremlinCsvFiles(graph, sources, { uri: name, loadId: 'test-load', now: () => 0, ...options });
  return { graph, status };
}

/** A graph's full content as plain data, for "unchanged" comparisons. */
function dumpGraph(graph: PropertyGraph) {
  return {
    vertices: [...graph.vertices()].map((v) => [v.id, graph.vertexLabel(v), graph.vertexProperties(v).map((p) => [p.key, p.value])]),
    edges: [...graph.edges()].map((e) => [e.id, e.label, e.outV.id, e.inV.id, graph.edgeProperties(e)]),
  };
}

function props(graph: PropertyGraph, id: string): Record<string, unknown[]> {
  const out: Record<string, unknown[]> = {};
  for (const p of graph.vertexProperties(graph.getVertex(id)!)) (out[p.key] ??= []).push(p.value);
  return out;
}

function codes(status: Awaited<ReturnType<typeof loadFixture>>['status']) {
  return status.errors.errorLogs.map((e) => [e.errorCode, e.fileName.split('/').slice(-2).join('/'), e.recordNum]);
}

describe('embedded loader: Neptune Gremlin CSV rules on the corpus', () => {
  it('loads the valid files: typed values, arrays, multi-labels, quoting, CRLF, UTF-8, vertices before edges', async () => {
    const { graph, status } = await loadFixture('valid');
    expect(status.overallStatus).toMatchObject({
      status: 'LOAD_COMPLETED',
      totalRecords: 9,
      totalDuplicates: 1,
      parsingErrors: 0,
      datatypeMismatchErrors: 0,
      insertErrors: 0,
    });
    expect(status.errors.errorLogs).toEqual([]);
    // Edge files are listed first alphabetically, yet loaded after the vertex files.
    expect(status.feeds!.map((f) => f.fullUri.split('/').slice(-2).join('/'))).toEqual([
      'vertices/city.csv',
      'vertices/person.csv',
      'edges/lives-in.csv',
    ]);
    expect(graph.vertexCount).toBe(5);
    expect(graph.edgeCount).toBe(3);

    const p1 = graph.getVertex('p1')!;
    expect(graph.vertexLabels(p1)).toEqual(['Person', 'Customer']);
    expect(graph.vertexLabel(p1)).toBe('Person::Customer');
    expect(props(graph, 'p1')).toEqual({
      name: ['Doe, Jane'],
      age: [42],
      birthday: [new Date(Date.UTC(1983, 3, 5))],
      score: [1.5],
      active: [true],
      nick: ['Jay', 'JD'],
      tags: ['a', 'c'], // the repeated p1 record added a value (set cardinality)
      rank: [7],
      note: ['line one\nline two'],
    });
    expect(props(graph, 'p2')).toEqual({
      name: ['Zoë Ünïcode'],
      age: [7],
      birthday: [new Date(Date.UTC(2001, 11, 31, 23, 59, 59))],
      score: [-2000],
      active: [false],
      nick: ['semi;colon', 'plain'],
      tags: ['b'],
      rank: [8],
    });
    // Empty cells are no property at all.
    expect(props(graph, 'p3')).toEqual({ note: ['say "hi"'] });
    expect(props(graph, 'c2')).toEqual({
      name: ['Paris'],
      founded: [new Date(Date.UTC(250, 0, 1, 0, 0, 0, 500) - 3_600_000)],
      population: [2100000],
    });
    expect(props(graph, 'c1').founded).toEqual([new Date(Date.UTC(1732, 1, 12, 10, 30))]);

    const e1 = graph.getEdge('e1')!;
    expect([e1.label, e1.outV.id, e1.inV.id]).toEqual(['livesIn', 'p1', 'c1']);
    expect(graph.edgeProperties(e1)).toEqual([
      { key: 'since', value: new Date(Date.UTC(2010, 0, 1)) },
      { key: 'weight', value: 0.5 },
    ]);
    expect(graph.edgeProperties(graph.getEdge('e2')!)).toEqual([]);
    expect(graph.getEdge('e3')!.label).toBe('edge'); // empty ~label: TinkerPop's default
  });

  it('re-running the same load adds nothing and reports every record as a duplicate', async () => {
    const first = await loadFixture('valid');
    const before = dumpGraph(first.graph);
    const again = await loadFixture('valid', {}, first.graph);
    expect(again.status.overallStatus).toMatchObject({ status: 'LOAD_COMPLETED', totalRecords: 9, totalDuplicates: 9 });
    expect(dumpGraph(first.graph)).toEqual(before);
  });

  it('rejects a file whose header has no ~id, and still loads the other files', async () => {
    const { graph, status } = await loadFixture('bad-header', { failOnError: false });
    expect(codes(status)).toEqual([['PARSING_ERROR', 'vertices/a.csv', 0]]);
    expect(status.errors.errorLogs[0]!.errorMessage).toContain('~id');
    expect(status.overallStatus).toMatchObject({ status: 'LOAD_COMPLETED_WITH_ERRS', parsingErrors: 1, totalRecords: 1 });
    expect(status.failedFeeds.map((f) => f.status)).toEqual(['LOAD_COMPLETED_WITH_ERRS']);
    expect([...graph.vertices()].map((v) => v.id)).toEqual(['ok1']);
  });

  it('rejects an unknown type name, naming the column', async () => {
    const { graph, status } = await loadFixture('unknown-type', { failOnError: false });
    expect(codes(status)).toEqual([['PARSING_ERROR', 'unknown-type/v.csv', 0]]);
    expect(status.errors.errorLogs[0]!.errorMessage).toMatch(/column 3 "age:Integer".*unknown type "Integer"/);
    expect(graph.vertexCount).toBe(0);
  });

  it('reports values of the wrong type as datatype mismatches and keeps the good records', async () => {
    const { graph, status } = await loadFixture('wrong-type', { failOnError: false });
    expect(codes(status)).toEqual([
      ['DATATYPE_MISMATCH', 'wrong-type/v.csv', 2],
      ['DATATYPE_MISMATCH', 'wrong-type/v.csv', 3],
      ['DATATYPE_MISMATCH', 'wrong-type/v.csv', 4],
    ]);
    expect(status.errors.errorLogs[0]!.errorMessage).toBe('line 3, field "age:Int": "twelve" is not a Int');
    expect(status.overallStatus).toMatchObject({ totalRecords: 5, datatypeMismatchErrors: 3, status: 'LOAD_COMPLETED_WITH_ERRS' });
    expect([...graph.vertices()].map((v) => v.id)).toEqual(['w1', 'w5']);
    expect(props(graph, 'w5')).toEqual({ age: [15] });
  });

  it('reports a record with more columns than the header', async () => {
    const { graph, status } = await loadFixture('extra-columns', { failOnError: false });
    expect(codes(status)).toEqual([['PARSING_ERROR', 'extra-columns/v.csv', 2]]);
    expect(status.errors.errorLogs[0]!.errorMessage).toBe('line 3: 4 fields, the header has 3');
    expect([...graph.vertices()].map((v) => v.id)).toEqual(['x1', 'x3']);
  });

  it('reports an unterminated quote once, loading the records before it', async () => {
    const { graph, status } = await loadFixture('unterminated-quote', { failOnError: false });
    expect(codes(status)).toEqual([['PARSING_ERROR', 'unterminated-quote/v.csv', 2]]);
    expect(status.errors.errorLogs[0]!.errorMessage).toMatch(/line 3: unterminated/);
    expect([...graph.vertices()].map((v) => v.id)).toEqual(['q1']);
  });

  it('recovers after a stray quote in the middle of a file', async () => {
    const { graph, status } = await loadFixture('stray-quote', { failOnError: false });
    expect(codes(status)).toEqual([['PARSING_ERROR', 'stray-quote/v.csv', 2]]);
    expect(status.overallStatus.totalRecords).toBe(3);
    expect([...graph.vertices()].map((v) => v.id)).toEqual(['s1', 's3']);
  });

  it('reports edges whose vertices are missing as Neptune does', async () => {
    const { graph, status } = await loadFixture('dangling-edge', { failOnError: false });
    expect(codes(status)).toEqual([
      ['FROM_OR_TO_VERTEX_ARE_MISSING', 'edges/e.csv', 2],
      ['FROM_OR_TO_VERTEX_ARE_MISSING', 'edges/e.csv', 3],
    ]);
    expect(status.errors.errorLogs[0]!.errorMessage).toBe("Either from vertex, 'd1', or to vertex, 'nobody', is not present.");
    expect(status.overallStatus).toMatchObject({ insertErrors: 2, totalRecords: 5 });
    expect([...graph.edges()].map((e) => e.id)).toEqual(['de1']);
    expect(graph.vertexCount).toBe(2); // no vertex was invented for the dangling ends
  });

  it('counts a repeated edge id as a duplicate, and refuses one that names other vertices or another value', async () => {
    const { graph, status } = await loadFixture('duplicate-edge-id', { failOnError: false });
    expect(status.overallStatus).toMatchObject({ totalRecords: 7, totalDuplicates: 1, insertErrors: 2 });
    expect(codes(status)).toEqual([
      ['EDGE_ID_CONFLICT', 'edges/e.csv', 3],
      ['CARDINALITY_VIOLATION', 'edges/e.csv', 4],
    ]);
    expect(graph.edgeCount).toBe(1);
    const e = graph.getEdge('ke1')!;
    expect([e.outV.id, e.inV.id]).toEqual(['k1', 'k2']);
    expect(graph.edgeProperties(e)).toEqual([{ key: 'w', value: 1 }]);
  });

  it('replaces edge values with updateSingleCardinalityProperties', async () => {
    const { graph, status } = await loadFixture('duplicate-edge-id', { failOnError: false, updateSingleCardinalityProperties: true });
    expect(codes(status)).toEqual([['EDGE_ID_CONFLICT', 'edges/e.csv', 3]]);
    expect(graph.edgeProperties(graph.getEdge('ke1')!)).toEqual([{ key: 'w', value: 2 }]);
  });

  it('rejects an array type on an edge file', async () => {
    const { graph, status } = await loadFixture('array-on-edge', { failOnError: false });
    expect(codes(status)).toEqual([['PARSING_ERROR', 'edges/e.csv', 0]]);
    expect(status.errors.errorLogs[0]!.errorMessage).toContain('array types are not allowed on edge properties');
    expect(graph.vertexCount).toBe(2);
    expect(graph.edgeCount).toBe(0);
  });

  it('refuses a new value for a single-cardinality vertex property, unchanged graph, unless told to replace', async () => {
    const rejected = await loadFixture('single-clash', { failOnError: false });
    expect(codes(rejected.status)).toEqual([['CARDINALITY_VIOLATION', 'single-clash/v2.csv', 1]]);
    expect(props(rejected.graph, 'sc1')).toEqual({ level: ['gold'] }); // "extra" of the rejected record not added

    const replaced = await loadFixture('single-clash', { failOnError: false, updateSingleCardinalityProperties: true });
    expect(replaced.status.errors.errorLogs).toEqual([]);
    expect(props(replaced.graph, 'sc1')).toEqual({ level: ['silver'], extra: ['kept-only-if-accepted'] });
  });

  it('stops at the first error with failOnError (LOAD_FAILED), leaving later files unstarted', async () => {
    const { graph, status } = await loadFixture('dangling-edge', { failOnError: true });
    expect(status.overallStatus.status).toBe('LOAD_FAILED');
    expect(codes(status)).toEqual([['FROM_OR_TO_VERTEX_ARE_MISSING', 'edges/e.csv', 2]]);
    expect(graph.edgeCount).toBe(1);

    const header = await loadFixture('bad-header', { failOnError: true });
    expect(header.status.overallStatus.status).toBe('LOAD_FAILED');
    expect(header.status.feeds!.map((f) => f.status)).toEqual(['LOAD_FAILED', 'LOAD_NOT_STARTED']);
    expect(header.graph.vertexCount).toBe(0);
  });

  it('loads bytes that are not UTF-8 as UTF-8 anyway (replacement characters), as Neptune does, and skips a BOM', async () => {
    const { graph, status } = await loadFixture('not-utf8');
    expect(status.overallStatus).toMatchObject({ status: 'LOAD_COMPLETED', totalRecords: 3 });
    expect(props(graph, 'l1')).toEqual({ name: ['Jos\uFFFD'] });
    expect(props(graph, 'l2')).toEqual({ name: ['ok'] });
    expect(props(graph, 'b1')).toEqual({ name: ['with BOM'] });
  });

  it('reads gzip-compressed files (.gz), as Neptune does', async () => {
    const { graph, status } = await loadFixture('gzip');
    expect(status.overallStatus).toMatchObject({ status: 'LOAD_COMPLETED', totalRecords: 3 });
    expect(props(graph, 'z2')).toEqual({ name: ['a, b'] });
    expect(graph.getEdge('ze1')!.outV.id).toBe('z1');
  });

  it('fails on the first error by default, as Neptune (failOnError defaults to TRUE)', async () => {
    const { graph, status } = await loadFixture('wrong-type');
    expect(status.overallStatus).toMatchObject({ status: 'LOAD_FAILED', datatypeMismatchErrors: 1, totalRecords: 2 });
    expect([...graph.vertices()].map((v) => v.id)).toEqual(['w1']);
  });

  it('skips blank lines, also before a header (an edge file is still recognised and loaded last)', async () => {
    const { graph, status } = await loadFixture('blank-lines');
    expect(status.overallStatus).toMatchObject({ status: 'LOAD_COMPLETED', totalRecords: 3 });
    expect(status.feeds!.map((f) => f.fullUri.split('/').at(-1))).toEqual(['b-vertices.csv', 'a-edges.csv']);
    expect(graph.getEdge('be1')!.inV.id).toBe('bv2');
  });

  it('formats per-file counts and the error log as a table', async () => {
    const { status } = await loadFixture('dangling-edge', { failOnError: false });
    const text = formatLoadStatus(status);
    expect(text).toContain('LOAD_COMPLETED_WITH_ERRS');
    expect(text).toMatch(/edges\/e\.csv\s+LOAD_COMPLETED_WITH_ERRS\s+3\s+0\s+0\s+0\s+2/);
    expect(text).toMatch(/edges\/e\.csv\s+3\s+FROM_OR_TO_VERTEX_ARE_MISSING\s+Either from vertex, 'ghost'/);
  });
});
