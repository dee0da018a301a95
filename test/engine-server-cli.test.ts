/**
 * `idgraph serve`: serves the persisted local graph to the gremlin driver, and saves what clients
 * changed when it stops.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import gremlin from 'gremlin';
import { afterEach, describe, expect, it } from 'vitest';
import { serveLocalGraph, serveCommand } from '../src/cli/commands/serve.js';
import { runCli } from '../src/cli/run-cli.js';
import { openLocalGraph } from '../src/graph/local-graph-store.js';

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function captureIo(): { io: Parameters<typeof serveLocalGraph>[2]; out: string[]; err: string[] } {
  const out: string[] = [];
  const err: string[] = [];
  return { io: { stdout: (t) => out.push(t), stderr: (t) => err.push(t), isTty: false }, out, err };
}

describe('idgraph serve', () => {
  it('serves the local graph and saves client changes on shutdown', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'idgraph-serve-'));
    dirs.push(dataDir);
    const store = await openLocalGraph({ dataDir });
    const user = store.graph.addVertex('u1', 'User');
    store.graph.setVertexProperty(user, 'email', 'a@example.com');
    await store.save();

    const { io, out } = captureIo();
    let stop!: () => void;
    const running = serveLocalGraph({ dataDir }, { host: '127.0.0.1', port: 0 }, io, new Promise<void>((resolve) => (stop = resolve)));
    while (out.length === 0) await new Promise((resolve) => setTimeout(resolve, 10));
    const url = out[0]!.trim();
    expect(url).toMatch(/^ws:\/\/127\.0\.0\.1:\d+\/gremlin$/);

    const connection = new gremlin.driver.DriverRemoteConnection(url);
    const g = gremlin.process.traversal().withRemote(connection);
    expect(await g.V('u1').values('email').toList()).toEqual(['a@example.com']);
    await g.addV('Email').property(gremlin.process.t.id, 'e1').iterate();
    await connection.close();
    stop();
    expect(await running).toBe(0);

    const reopened = await openLocalGraph({ dataDir });
    expect(reopened.graph.getVertex('e1')).toBeDefined();
    expect(reopened.graph.vertexCount).toBe(2);
  });

  it('stops on SIGTERM or SIGINT while a long query runs, and saves the change made just before', { timeout: 60_000 }, async () => {
    for (const signal of ['SIGTERM', 'SIGINT'] as const) {
      const dataDir = mkdtempSync(join(tmpdir(), 'idgraph-serve-'));
      dirs.push(dataDir);
      const store = await openLocalGraph({ dataDir });
      for (let i = 0; i < 2000; i++) store.graph.addVertex(`u${i}`, 'User');
      for (let i = 0; i < 2000; i++) {
        for (let k = 1; k <= 3; k++) store.graph.addEdge(`e${i}-${k}`, 'linked', store.graph.getVertex(`u${i}`)!, store.graph.getVertex(`u${(i * 7 + k * 13) % 2000}`)!);
      }
      await store.save();

      const main = join(import.meta.dirname, '..', 'src', 'cli', 'main.ts');
      const child = spawn(process.execPath, ['--import', 'tsx', main, 'serve', '--port', '0'], { env: { ...process.env, IDGRAPH_DATA_DIR: dataDir }, stdio: ['ignore', 'pipe', 'pipe'] });
      let stderr = '';
      child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
      const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
      try {
        const url = await new Promise<string>((resolve, reject) => {
          let out = '';
          child.stdout.on('data', (chunk: Buffer) => {
            out += chunk.toString();
            if (out.includes('\n')) resolve(out.trim());
          });
          child.once('exit', () => reject(new Error(`serve exited early: ${stderr}`)));
        });
        const client = new gremlin.driver.Client(url, { traversalSource: 'g' });
        await client.submit("g.V('u1').drop()");
        const long = client.submit('g.V().repeat(both().simplePath()).times(8).count()').catch((error: unknown) => error);
        await new Promise((resolve) => setTimeout(resolve, 500));
        const sent = Date.now();
        child.kill(signal);
        const code = await Promise.race([exited, new Promise<string>((resolve) => setTimeout(() => resolve('still running'), 15_000))]);
        expect(code, stderr).toBe(0);
        expect(Date.now() - sent).toBeLessThan(15_000);
        await long;
        await client.close().catch(() => undefined);
      } finally {
        if (child.exitCode === null) child.kill('SIGKILL');
      }
      const reopened = await openLocalGraph({ dataDir });
      expect(reopened.graph.getVertex('u1'), signal).toBeUndefined();
      expect(reopened.graph.vertexCount).toBe(1999);
    }
  });

  it('says so when the port is taken', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'idgraph-serve-'));
    dirs.push(dataDir);
    const blocker = createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    const port = (blocker.address() as AddressInfo).port;
    try {
      const { io } = captureIo();
      await expect(serveLocalGraph({ dataDir }, { host: '127.0.0.1', port }, io, Promise.resolve())).rejects.toMatchObject({
        name: 'InvalidInputError',
        message: expect.stringMatching(/is in use; choose another with --port/),
      });
    } finally {
      blocker.close();
    }
  });

  it('rejects a bad port with a usage error', async () => {
    const { io, err } = captureIo();
    expect(await runCli(['serve', '--port', '99999'], io, [serveCommand])).toBe(2);
    expect(err.join('')).toMatch(/--port must be an integer from 0 to 65535/);
  });
});
