/**
 * The suite runs on Node.js 20 and on Node.js 22, the Neptune Workbench's runtime (`npm run
 * test:node22`). These tests make sure a run is really on the Node.js it claims: the notebooks'
 * tslab kernel is started on the same Node.js as the tests, and the native DuckDB binding loads.
 */
import { DuckDBInstance } from '@duckdb/node-api';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { checkJupyter, formatFailure, runNotebooks } from './support/notebook-runner.js';

describe('the Node.js the suite runs on', () => {
  it('loads the native DuckDB binding (Node-API: one build serves every Node.js version)', async () => {
    const instance = await DuckDBInstance.create(':memory:');
    const connection = await instance.connect();
    const reader = await connection.runAndReadAll('SELECT 6 * 7 AS answer');
    expect(reader.getRowObjectsJS()).toEqual([{ answer: 42 }]);
    connection.closeSync();
    instance.closeSync();
  });

  const jupyterMissing = checkJupyter();
  const required = process.env.CI === 'true';
  if (jupyterMissing && !required) console.warn(`[node-runtime.test] SKIPPED the tslab kernel check: ${jupyterMissing}`);

  describe.skipIf(Boolean(jupyterMissing) && !required)('the tslab kernel', () => {
    const dir = mkdtempSync(join(tmpdir(), 'idgraph-node-runtime-'));
    afterAll(() => rmSync(dir, { recursive: true, force: true }));

    it('runs on the same Node.js as the tests', { timeout: 120_000 }, async () => {
      const notebook = {
        cells: [{ cell_type: 'code', metadata: {}, execution_count: null, outputs: [], source: ['console.log(`kernel on ${process.version}`);'] }],
        metadata: { kernelspec: { name: 'tslab', display_name: 'TypeScript', language: 'typescript' } },
        nbformat: 4,
        nbformat_minor: 4,
      };
      const file = join(dir, 'node-version.ipynb');
      writeFileSync(file, JSON.stringify(notebook));
      const [result] = await runNotebooks([file], { notebooksDir: dir, cellTimeout: 60 });
      expect(result!.ok, formatFailure(result!)).toBe(true);
      expect(result!.outputs.map((o) => o.text.trim())).toEqual([`kernel on ${process.version}`]);
    });
  });
});
