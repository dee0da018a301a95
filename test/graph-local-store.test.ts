import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync, truncateSync, writeFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { PropertyGraph } from '../src/engine/property-graph.js';
import { openLocalGraph, SNAPSHOT_FILE_NAME } from '../src/graph/local-graph-store.js';

const dirs: string[] = [];
function tempDataDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'idgraph-store-'));
  dirs.push(dir);
  return dir;
}
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

function fillGraph(graph: PropertyGraph): void {
  const a = graph.addVertex('user:ann', 'User');
  const b = graph.addVertex('email:ann@example.com', ['Email', 'Contact']);
  const c = graph.addVertex('n:1', 'Thing');
  graph.setVertexProperty(a, 'name', 'Ann Ünïcode');
  graph.setVertexProperty(a, 'tags', 'x');
  graph.setVertexProperty(a, 'tags', 'y');
  graph.setVertexProperty(a, 'birthday', new Date(Date.UTC(1990, 4, 6)));
  graph.setVertexProperty(a, 'points', 123456789012);
  graph.setVertexProperty(a, 'ratio', -0.25);
  graph.setVertexProperty(a, 'neg', -7);
  graph.setVertexProperty(a, 'active', false);
  graph.setVertexProperty(a, 'list', [1, 'two', true]);
  graph.setVertexProperty(b, 'since', 'x', 'set', { source: 'crm', weight: 2 });
  graph.setVertexProperty(c, 'huge', 2 ** 60);
  graph.setVertexProperty(c, 'nan', Number.NaN);
  const e = graph.addEdge('hasEmail:user:ann:email:ann@example.com', 'hasEmail', a, b);
  graph.setEdgeProperty(e, 'since', new Date(Date.UTC(2020, 0, 1)));
  graph.setEdgeProperty(e, 'weight', 0.5);
  graph.addEdge('self', 'knows', a, a);
}

function dump(graph: PropertyGraph) {
  return {
    vertices: [...graph.vertices()].map((v) => [v.id, graph.vertexLabels(v), graph.vertexProperties(v)]),
    edges: [...graph.edges()].map((e) => [e.id, e.label, e.outV.id, e.inV.id, graph.edgeProperties(e)]),
  };
}

describe('openLocalGraph: the persisted local graph', () => {
  it('starts empty, saves, and a fresh open sees the same elements, labels, properties and meta-properties', async () => {
    const config = { dataDir: tempDataDir() };
    const store = await openLocalGraph(config);
    expect(store.graph.vertexCount).toBe(0);
    expect(store.graph.defaultCardinality).toBe('set');
    fillGraph(store.graph);
    const bytes = await store.save();
    expect(bytes).toBe(statSync(store.path).size);

    const reopened = await openLocalGraph(config);
    expect(reopened.graph).not.toBe(store.graph);
    expect(dump(reopened.graph)).toEqual(dump(store.graph));
    expect(reopened.graph.vertexCount).toBe(3);
    expect(reopened.graph.edgeCount).toBe(2);
    const b = reopened.graph.getVertex('email:ann@example.com')!;
    expect(reopened.graph.vertexLabel(b)).toBe('Email::Contact');
    expect(reopened.graph.vertexProperties(b)[0]!.meta).toEqual({ source: 'crm', weight: 2 });
    // Indexes work on the reopened graph (label index, adjacency).
    expect([...reopened.graph.verticesWithLabel('Contact')].map((v) => v.id)).toEqual(['email:ann@example.com']);
    expect(reopened.graph.getVertex('user:ann')!.outE!.map((e) => e.id)).toEqual(['hasEmail:user:ann:email:ann@example.com', 'self']);
  });

  it('notices when another process replaced the snapshot', async () => {
    const config = { dataDir: tempDataDir() };
    const reader = await openLocalGraph(config);
    expect(reader.isStale()).toBe(false);
    const writer = await openLocalGraph(config);
    writer.graph.addVertex('v', 'V');
    await writer.save();
    expect(reader.isStale()).toBe(true);
    expect(writer.isStale()).toBe(false);
    // Saving the stale copy would drop the writer's vertex: refused unless forced.
    reader.graph.addVertex('r', 'R');
    const refused = await reader.save().catch((e: Error) => e);
    expect((refused as Error).name).toBe('OperationFailedError');
    expect((await openLocalGraph(config)).graph.getVertex('v')).toBeDefined();
    await reader.save({ force: true });
    expect((await openLocalGraph(config)).graph.getVertex('v')).toBeUndefined();
  });

  it('a save that dies half-way leaves the previous snapshot in place and openable', async () => {
    const config = { dataDir: tempDataDir() };
    const store = await openLocalGraph(config);
    fillGraph(store.graph);
    await store.save();
    const before = dump(store.graph);
    // Make the next snapshot span several blocks, then fail after the first one reaches disk.
    for (let i = 0; i < 40_000; i++) store.graph.setVertexProperty(store.graph.addVertex(`bulk:${i}`, 'Bulk'), 'text', `value number ${i} `.repeat(3));
    await expect(
      store.save({
        onBlock: () => {
          throw new Error('simulated crash');
        },
      }),
    ).rejects.toThrow('simulated crash');
    const reopened = await openLocalGraph(config);
    expect(dump(reopened.graph)).toEqual(before);

    // A crashed process leaves its temporary file behind: the next open ignores and removes it.
    const leftover = join(config.dataDir, 'graph', `${SNAPSHOT_FILE_NAME}.tmp-999999999`);
    writeFileSync(leftover, 'IDGRAPH1 half a snapshot');
    const again = await openLocalGraph(config);
    expect(dump(again.graph)).toEqual(before);
    expect(readdirSync(join(config.dataDir, 'graph'))).toEqual([SNAPSHOT_FILE_NAME]);
  });

  it('a process killed (SIGKILL) in the middle of a save leaves a snapshot that opens, holding one of the saved states', async () => {
    const dataDir = tempDataDir();
    const storeModule = join(import.meta.dirname, '..', 'src', 'graph', 'local-graph-store.ts');
    // The child grows the graph by 20,000 vertices per round and saves after each round.
    const code = `
      const { openLocalGraph } = await import(${JSON.stringify(storeModule)});
      const store = await openLocalGraph({ dataDir: process.env.CRASH_DATA_DIR });
      for (let round = 0; ; round++) {
        for (let i = 0; i < 20000; i++) {
          const v = store.graph.addVertex('v:' + round + ':' + i, 'Thing');
          store.graph.setVertexProperty(v, 'text', 'some text for round ' + round);
        }
        await store.save();
        process.stdout.write('saved ' + store.graph.vertexCount + '\\n');
      }`;
    const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', code], {
      env: { ...process.env, CRASH_DATA_DIR: dataDir },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    const saved: number[] = [];
    child.stdout.on('data', (chunk: Buffer) => saved.push(...[...chunk.toString().matchAll(/saved (\d+)/g)].map((m) => Number(m[1]))));
    const graphDir = join(dataDir, 'graph');
    const caughtMidSave = await new Promise<boolean>((resolve) => {
      const started = Date.now();
      const timer = setInterval(() => {
        let names: string[] = [];
        try {
          names = readdirSync(graphDir);
        } catch {
          // not created yet
        }
        const midSave = saved.length >= 2 && names.some((n) => n.includes('.tmp-'));
        if (midSave || Date.now() - started > 45_000) {
          clearInterval(timer);
          child.kill('SIGKILL');
          resolve(midSave);
        }
      }, 2);
    });
    await new Promise((resolve) => child.once('exit', resolve));
    expect(caughtMidSave).toBe(true);
    const reopened = await openLocalGraph({ dataDir });
    expect(saved).toContain(reopened.graph.vertexCount);
    expect(readdirSync(graphDir)).toEqual([SNAPSHOT_FILE_NAME]); // the dead process's temp file is gone
  });

  it('refuses a truncated or foreign snapshot with an error naming the file', async () => {
    const config = { dataDir: tempDataDir() };
    const store = await openLocalGraph(config);
    fillGraph(store.graph);
    await store.save();
    truncateSync(store.path, statSync(store.path).size - 3);
    const truncated = await openLocalGraph(config).catch((e: Error) => e);
    expect((truncated as Error).name).toBe('InvalidInputError');
    expect((truncated as Error).message).toContain(store.path);

    writeFileSync(store.path, 'not a snapshot at all');
    const foreign = await openLocalGraph(config).catch((e: Error) => e);
    expect((foreign as Error).name).toBe('InvalidInputError');
    expect((foreign as Error).message).toMatch(/not a graph snapshot/);
  });
});
