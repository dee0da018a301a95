import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { HeadBucketCommand, S3Client } from '@aws-sdk/client-s3';
import { GetEngineStatusCommand, NeptunedataClient } from '@aws-sdk/client-neptunedata';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { formatDemoSummary, runDemo, type DemoResult } from '../src/cli/commands/demo.js';
import { runCli } from '../src/cli/run-cli.js';
import { createKit } from '../src/kit.js';

const work = mkdtempSync(join(tmpdir(), 'idgraph-kit-test-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

describe('the offline demo (createKit end to end, 300 records)', () => {
  const dataDir = join(work, 'demo');
  const progress: string[] = [];
  let result: DemoResult;

  beforeAll(async () => {
    result = await runDemo({ dataDir, records: 300, seed: 7, log: (line) => progress.push(line) });
  }, 180_000);

  it('runs every step with progress and a timing each', () => {
    expect(result.timings.map((t) => t.step)).toEqual(['generate', 'upload', 'provision', 'crawl', 'fix schemas', 'transform', 'load', 'query']);
    expect(progress.filter((l) => / done in /.test(l))).toHaveLength(8);
    expect(progress[0]).toBe('[1/8] generate ...');
  });

  it('builds the graph of the generated people', () => {
    expect(result.vertices.User).toBe(300);
    expect(result.vertices.Email).toBe(300);
    expect(Object.keys(result.vertices)).toHaveLength(16);
    expect(result.edges.hasEmail).toBe(300);
    expect(result.edges.loggedAs).toBeGreaterThan(0);
  });

  it('scores every stitching rule against the ground truth', () => {
    expect(result.rules.map((r) => r.rule)).toEqual(['shared-device', 'shared-ip', 'shared-user-agent', 'all rules, in order']);
    for (const r of result.rules) {
      expect(r.anonymousSessions).toBeGreaterThan(0);
      expect(r.correct).toBeLessThanOrEqual(r.linked);
      expect(r.precision).toBeGreaterThanOrEqual(0);
      expect(r.precision).toBeLessThanOrEqual(1);
    }
    // A phone belongs to one person: the device rule is never wrong on generated data.
    expect(result.rules[0].precision).toBe(1);
    expect(result.rules[0].linked).toBeGreaterThan(0);
  });

  it('writes an HTML report with the pictures and prints a summary', () => {
    const html = readFileSync(result.reportPath, 'utf8');
    expect(result.reportPath).toBe(join(dataDir, 'report.html'));
    expect(html.match(/<svg /g)?.length).toBe(3); // vertices, edges, neighbourhood
    expect(html).toContain('Session stitching');
    expect(html).toContain(`Identity neighbourhood of ${result.exampleUser}`);
    const summary = formatDemoSummary(result);
    expect(summary).toMatch(/User\s+300/);
    expect(summary).toMatch(/shared-device\s+\d+\s+\d+\s+1\s/);
    expect(summary).toContain(`report: ${result.reportPath}`);
  });

  it('lets a kit on the same data dir check, preview, query and clean up', async () => {
    const lines: string[] = [];
    const kit = await createKit({ mode: 'local', dataDir }, { show: { display: null, write: (t) => lines.push(t) } });
    try {
      const checks = await kit.preflight();
      expect(checks.map((c) => [c.check, c.ok])).toEqual([
        ['configuration', true],
        ['object store', true],
        ['graph', true],
        ['TinkerPop driver', true],
      ]);
      expect(checks[2].detail).toMatch(/embedded engine: [\d,]+ vertices/);
      const rows = await kit.preview('first_party', { rows: 2 });
      expect(rows).toHaveLength(2);
      expect(Object.keys(rows[0]).slice(0, 3)).toEqual(['user_name', 'email', 'phone_number']);
      const queries = await kit.queries();
      expect(await queries.countDuplicates()).toEqual({
        vertices: 0,
        edges: 0,
        singleValued: { hasPhone: 0, hasPostCodeAddress: 0, hasCityAddress: 0, hasLoyaltyLevel: 0 },
      });
      const truth = await kit.groundTruth();
      expect(truth.users.size).toBe(300);
      const cleaned = await kit.cleanup();
      expect(cleaned.emptiedPrefixes['datasets/']).toBeGreaterThan(0);
      expect(existsSync(join(dataDir, 'graph'))).toBe(false);
      expect(existsSync(join(dataDir, 's3'))).toBe(false);
      await expect(kit.groundTruth()).rejects.toMatchObject({ name: 'NotFoundError' });
    } finally {
      await kit.close();
    }
  }, 120_000);
});

describe('demo input checks', () => {
  it('refuses to wipe a folder it did not create', async () => {
    const dir = join(work, 'not-a-demo');
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'precious.txt'), 'keep me');
    await expect(runDemo({ dataDir: dir, records: 10, log: () => {} })).rejects.toMatchObject({ name: 'InvalidInputError' });
    expect(readFileSync(join(dir, 'precious.txt'), 'utf8')).toBe('keep me');
  });

  it('rejects a bad --records with exit code 2 naming the flag', async () => {
    const err: string[] = [];
    const code = await runCli(['demo', '--records', 'lots'], { stdout: () => {}, stderr: (t) => err.push(t), isTty: false });
    expect(code).toBe(2);
    expect(err.join('')).toContain('--records');
  });
});

describe('the same kit in aws mode (S3 and Neptune data API mocked)', () => {
  it('runs the preflight against the aws services, reporting each check', async () => {
    const s3 = mockClient(S3Client); // every S3Client, including the one the kit creates
    // client-neptunedata 3.403 carries its own, older @smithy/types, which aws-sdk-client-mock's
    // typings reject: the runtime seam is the same, so the test casts at the boundary.
    /* eslint-disable @typescript-eslint/no-explicit-any */
    const neptune = mockClient(NeptunedataClient as any);
    s3.on(HeadBucketCommand).resolves({});
    neptune.on(GetEngineStatusCommand as any).resolves({ status: 'healthy', dbEngineVersion: '1.3.2.0' } as any);
    const kit = await createKit(
      // Port 9 on loopback refuses connections at once: the graph check must report, not hang.
      { mode: 'aws', dataDir: join(work, 'aws'), bucket: 'kit-bucket', neptune: { host: '127.0.0.1', port: 9, iamAuth: false } },
      { show: { display: null, write: () => {} } },
    );
    try {
      const checks = await kit.preflight();
      expect(checks.map((c) => [c.check, c.ok])).toEqual([
        ['configuration', true],
        ['object store', true],
        ['Neptune engine status', true],
        ['graph', false],
        ['TinkerPop driver', true],
      ]);
      expect(checks[1].detail).toBe('s3://kit-bucket (s3)');
      expect(checks[2].detail).toBe('healthy, engine 1.3.2.0');
      expect(s3.commandCalls(HeadBucketCommand)[0].args[0].input).toEqual({ Bucket: 'kit-bucket' });
    } finally {
      await kit.close();
      s3.restore();
      neptune.restore();
    }
  }, 60_000);
});
