import { createHash } from 'node:crypto';
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseCsv } from '../src/csv/csv-parser.js';
import { sourceKey } from '../src/lake/dataset-layout.js';
import { GRAPH_MODEL, formatTransformReport, runLocalTransform } from '../src/etl/index.js';
import { FIXTURES, makeSourceTable, readTree, startGoldenEtlTestKit, uploadSourceFolder, type EtlTestKit } from './fixtures/etl/etl-test-kit.js';

const PREFIX = 'datasets/graph/initial/';

async function readExpected(): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  for (const kind of ['vertices', 'edges']) {
    for (const file of (await readdir(join(FIXTURES, 'expected', kind))).sort()) {
      out[`${kind}/${file}`] = await readFile(join(FIXTURES, 'expected', kind, file), 'utf8');
    }
  }
  return out;
}

describe('runLocalTransform on the hand-written golden dataset', () => {
  let kit: EtlTestKit;
  beforeAll(async () => {
    kit = await startGoldenEtlTestKit();
  });
  afterAll(async () => kit?.close());

  it('writes exactly the expected vertex and edge files', async () => {
    const report = await runLocalTransform({ store: kit.store, catalog: kit.catalog });
    const expected = await readExpected();
    const written = await readTree(kit.store, PREFIX);
    expect(Object.keys(written).sort()).toEqual(Object.keys(expected).sort());
    for (const key of Object.keys(expected)) expect(written[key], key).toBe(expected[key]);

    // Pair edge ids are 96 bits of md5(`<label>:<from>-><to>`) in base64, recomputed here independently.
    for (const [key, text] of Object.entries(written)) {
      if (!key.startsWith('edges/') || key === 'edges/hasPurchased.csv') continue;
      for (const { fields } of parseCsv(text).slice(1)) {
        const digest = createHash('md5').update(`${fields[3]}:${fields[1]}->${fields[2]}`).digest();
        expect(fields[0]).toBe(digest.subarray(0, 12).toString('base64'));
      }
    }

    // The report counts what is in the files; vertices come before edges (load order).
    for (const file of report.files) {
      const rows = parseCsv(written[file.key.slice(PREFIX.length)]!).length - 1;
      expect(file.rows, file.key).toBe(rows);
    }
    const kinds = report.files.map((f) => f.kind);
    expect(kinds.lastIndexOf('vertices')).toBeLessThan(kinds.indexOf('edges'));
    expect(report.sources.map((s) => [s.dataset, s.rows])).toEqual([
      ['first_party', 5],
      ['cookie', 3],
      ['clickstream', 3],
      ['transactional', 5],
    ]);
    const table = formatTransformReport(report);
    expect(table).toMatch(/vertex\s+User\s+4\s+datasets\/graph\/initial\/vertices\/User\.csv/);
    expect(table).toMatch(/edge\s+hasPurchased\s+4\s/);
  });

  it('gives byte-identical files on a second run and deletes files it no longer produces', async () => {
    const first = await readTree(kit.store, PREFIX);
    await kit.store.putObject(`${PREFIX}edges/oldLabel.csv`, '~id,~from,~to,~label\n');
    await kit.store.putObject(`${PREFIX}notes.txt`, 'not ours');
    const report = await runLocalTransform({ store: kit.store, catalog: kit.catalog });
    expect(report.deletedKeys).toEqual([`${PREFIX}edges/oldLabel.csv`]);
    const second = await readTree(kit.store, PREFIX);
    expect(second['notes.txt']).toBe('not ours');
    delete second['notes.txt'];
    expect(second).toEqual(first);
    await kit.store.deleteObjects(`${PREFIX}notes.txt`);
  });
});

describe('runLocalTransform on a hand-written incremental batch', () => {
  let kit: EtlTestKit;
  let scratch: string;
  beforeAll(async () => {
    kit = await startGoldenEtlTestKit();
    scratch = await mkdtemp(join(tmpdir(), 'idgraph-etl-inc-'));
  });
  afterAll(async () => {
    await kit?.close();
    if (scratch) await rm(scratch, { recursive: true, force: true });
  });

  it('reuses ids and finds customers of earlier loads, writing under the batch prefix', async () => {
    const batch = join(scratch, 'batch');
    await mkdir(batch);
    // bob22 returns with a new address; alice buys again without a first-party row in the batch.
    const firstParty = (await readFile(join(FIXTURES, 'sources', 'first_party.csv'), 'utf8')).split('\n')[0];
    await writeFile(join(batch, 'first_party.csv'), `${firstParty}\nbob22,bob@example.com,,EXT-0002,1 New Rd,30302,Georgia,Georgia,1985-12-31,50,silver\n`);
    await writeFile(join(batch, 'transactional.csv'), 'purchase_id,product_name,purchased_date,product_category,customer_id,reward_points\np-100,Desk Lamp,2024-04-01,Home,alice@example.com,10\np-101,Tea,2024-04-02,Kitchen,nobody@example.com,1\n');
    await writeFile(join(batch, 'cookie.csv'), 'cookie_id,session_id,last_action,user_name,conversion_id,session_duration_sec\n');
    const clickstream = (await readFile(join(FIXTURES, 'sources', 'clickstream.csv'), 'utf8')).split('\n')[0];
    await writeFile(join(batch, 'clickstream.csv'), `${clickstream}\ns-400,10.0.0.9,mobile,,,app-7,dev-42,dave9,2,2024-04-03T09:00:00Z,app_open,2024-04-03T09:01:00Z,exit,60,\n`);
    await uploadSourceFolder(kit.store, batch, '20260201_000000');

    const initial = await runLocalTransform({ store: kit.store, catalog: kit.catalog });
    const report = await runLocalTransform({ store: kit.store, catalog: kit.catalog, batch: '20260201_000000' });
    expect(report.prefix).toBe('datasets/graph/incremental/20260201_000000/');
    const before = await readTree(kit.store, initial.prefix);
    const after = await readTree(kit.store, report.prefix);
    expect(after['vertices/User.csv']).toBe('~id,~label,address:String(single),birthday:Date(single)\nuser:bob22,User,1 New Rd,1985-12-31\nuser:dave9,User,,\n');
    expect(after['vertices/DeviceID.csv']).toBe('~id,~label\ndevice:dev-42,DeviceID\n');
    // An edge already loaded keeps its id, so loading the batch updates it.
    const idOf = (text: string, to: string) => parseCsv(text).find((r) => r.fields[2] === to)?.fields[0];
    expect(idOf(after['edges/hasEmail.csv']!, 'email:bob@example.com')).toBe(idOf(before['edges/hasEmail.csv']!, 'email:bob@example.com'));
    expect(after['edges/hasPurchased.csv']).toBe(
      '~id,~from,~to,~label,purchase_id:String,purchased_date:Date,reward_points:Long\n' +
        'hasPurchased:p-100,email:alice@example.com,product:Desk Lamp,hasPurchased,p-100,2024-04-01,10\n',
    );
    expect(report.files.find((f) => f.label === 'hasCookie')!.rows).toBe(0);
    expect(after['edges/hasCookie.csv']).toBe('~id,~from,~to,~label\n');
  });
});

describe('runLocalTransform on bad input', () => {
  let kit: EtlTestKit;
  let before: Record<string, string>;
  let scratch: string;
  beforeAll(async () => {
    kit = await startGoldenEtlTestKit();
    scratch = await mkdtemp(join(tmpdir(), 'idgraph-etl-bad-'));
    await runLocalTransform({ store: kit.store, catalog: kit.catalog });
    before = await readTree(kit.store, PREFIX);
  });
  afterAll(async () => {
    await kit?.close();
    if (scratch) await rm(scratch, { recursive: true, force: true });
  });

  async function expectUnchangedAfter(run: () => Promise<unknown>, name: string, pattern: RegExp) {
    const error = await run().then(
      () => undefined,
      (e: unknown) => e as Error,
    );
    expect(error?.name).toBe(name);
    expect(error?.message).toMatch(pattern);
    expect(await readTree(kit.store, PREFIX)).toEqual(before);
  }

  async function replaceSource(dataset: string, text: string) {
    const path = join(scratch, `${dataset}.csv`);
    await writeFile(path, text);
    await kit.store.putFile(sourceKey(dataset, `${dataset}_data_full.csv`), path);
  }

  it('names the table and the column when the table lacks a declared column', async () => {
    const table = makeSourceTable(kit.store.bucket, 'cookie');
    table.StorageDescriptor.Columns = table.StorageDescriptor.Columns.filter((c) => c.Name !== 'conversion_id');
    await kit.catalog.updateTable(table);
    try {
      await expectUnchangedAfter(
        () => runLocalTransform({ store: kit.store, catalog: kit.catalog }),
        'InvalidInputError',
        /table poc_identity_graph_cookie \(s3:\/\/etl-test\/datasets\/sources\/initial\/cookie\/\) has no column "conversion_id"/,
      );
    } finally {
      await kit.catalog.updateTable(makeSourceTable(kit.store.bucket, 'cookie'));
    }
  });

  it('says the header is missing when the catalog table still has col0, col1, ...', async () => {
    const table = makeSourceTable(kit.store.bucket, 'transactional');
    table.StorageDescriptor.Columns = table.StorageDescriptor.Columns.map((c, i) => ({ Name: `col${i}`, Type: 'string' }));
    delete table.Parameters!['skip.header.line.count'];
    await kit.catalog.updateTable(table);
    try {
      await expectUnchangedAfter(
        () => runLocalTransform({ store: kit.store, catalog: kit.catalog }),
        'InvalidInputError',
        /table poc_identity_graph_transactional .* has no header: its columns are col0, col1, col2, \.\.\./,
      );
    } finally {
      await kit.catalog.updateTable(makeSourceTable(kit.store.bucket, 'transactional'));
    }
  });

  it('refuses a table that skips no header line while its files start with one', async () => {
    const table = makeSourceTable(kit.store.bucket, 'transactional');
    delete table.Parameters!['skip.header.line.count'];
    await kit.catalog.updateTable(table);
    try {
      await expectUnchangedAfter(
        () => runLocalTransform({ store: kit.store, catalog: kit.catalog }),
        'InvalidInputError',
        /table poc_identity_graph_transactional: s3:\/\/etl-test\/datasets\/sources\/initial\/transactional\/transactional_data_full\.csv line 1 is a header row/,
      );
    } finally {
      await kit.catalog.updateTable(makeSourceTable(kit.store.bucket, 'transactional'));
    }
  });

  it('names file, line and column of a value that does not parse', async () => {
    const good = await readFile(join(FIXTURES, 'sources', 'first_party.csv'), 'utf8');
    await replaceSource('first_party', good + 'erin5,erin@example.com,,,,,,,31/02/1999,,\n');
    try {
      await expectUnchangedAfter(
        () => runLocalTransform({ store: kit.store, catalog: kit.catalog }),
        'InvalidInputError',
        /table poc_identity_graph_first_party: s3:\/\/etl-test\/datasets\/sources\/initial\/first_party\/first_party_data_full\.csv line 7, column "birthday", does not parse: Could not convert string "31\/02\/1999"/,
      );
    } finally {
      await replaceSource('first_party', good);
    }
  });

  it('names file and line of a record that breaks the CSV rules', async () => {
    const good = await readFile(join(FIXTURES, 'sources', 'cookie.csv'), 'utf8');
    await replaceSource('cookie', good + 'ck-9,s-1,"unterminated,x,,1\n');
    try {
      await expectUnchangedAfter(
        () => runLocalTransform({ store: kit.store, catalog: kit.catalog }),
        'InvalidInputError',
        /table poc_identity_graph_cookie: s3:\/\/etl-test\/datasets\/sources\/initial\/cookie\/cookie_data_full\.csv line 5, does not parse: .*unterminated quote/,
      );
      await replaceSource('cookie', good + 'ck-9,s-1,x,,,1,extra\n');
      await expectUnchangedAfter(
        () => runLocalTransform({ store: kit.store, catalog: kit.catalog }),
        'InvalidInputError',
        /cookie_data_full\.csv line 5, does not parse: Expected Number of Columns: 6 Found: 7/,
      );
    } finally {
      await replaceSource('cookie', good);
    }
  });

  it('names the column when a file header disagrees with the table', async () => {
    const good = await readFile(join(FIXTURES, 'sources', 'transactional.csv'), 'utf8');
    await replaceSource('transactional', good.replace('product_name', 'product'));
    try {
      await expectUnchangedAfter(
        () => runLocalTransform({ store: kit.store, catalog: kit.catalog }),
        'InvalidInputError',
        /transactional_data_full\.csv line 1, column 2 "product_name" \(found "product"\)/,
      );
    } finally {
      await replaceSource('transactional', good);
    }
  });

  it('leaves the target prefix untouched when a statement fails half-way', async () => {
    // A model whose Email vertices carry the email itself as a Long: the cast fails at run time.
    const model = structuredClone(GRAPH_MODEL);
    model.vertices.find((v) => v.label === 'Email')!.sources[0]!.properties.push({ name: 'n', column: 'email', type: 'Long' });
    await expectUnchangedAfter(
      () => runLocalTransform({ store: kit.store, catalog: kit.catalog, model, concurrency: 2 }),
      'OperationFailedError',
      /\[kit\] \[etl\] writing vertices\/Email\.csv failed: Conversion Error/,
    );
  });

  it('accepts a file that starts with a UTF-8 byte-order mark', async () => {
    const good = await readFile(join(FIXTURES, 'sources', 'cookie.csv'), 'utf8');
    await replaceSource('cookie', '\uFEFF' + good);
    try {
      await runLocalTransform({ store: kit.store, catalog: kit.catalog });
      expect(await readTree(kit.store, PREFIX)).toEqual(before);
    } finally {
      await replaceSource('cookie', good);
    }
  });

  it('reports a missing catalog table as NotFoundError', async () => {
    const saved = kit.catalog.tables.get('poc_identity_graph_clickstream')!;
    kit.catalog.tables.delete('poc_identity_graph_clickstream');
    try {
      await expectUnchangedAfter(() => runLocalTransform({ store: kit.store, catalog: kit.catalog }), 'NotFoundError', /poc_identity_graph_clickstream/);
    } finally {
      kit.catalog.tables.set(saved.Name, saved);
    }
  });
});

describe('runLocalTransform into an empty prefix', () => {
  let kit: EtlTestKit;
  beforeAll(async () => {
    kit = await startGoldenEtlTestKit();
  });
  afterAll(async () => kit?.close());

  it('uploads files while later statements run, and deletes them again when a later statement fails', async () => {
    // The last statement (usedUserAgent) casts the user agent to a Long: it fails at run time,
    // after every earlier file has been handed to the store.
    const model = structuredClone(GRAPH_MODEL);
    model.edges.find((e) => e.label === 'usedUserAgent')!.properties.push({ name: 'n', column: 'user-agent', type: 'Long' });
    const put: string[] = [];
    const store = { ...kit.store, putFile: (key: string, path: string) => (put.push(key), kit.store.putFile(key, path)) };
    const error = await runLocalTransform({ store, catalog: kit.catalog, model, concurrency: 1 }).then(
      () => undefined,
      (e: unknown) => e as Error,
    );
    expect(error?.name).toBe('OperationFailedError');
    expect(error?.message).toMatch(/writing edges\/usedUserAgent\.csv failed: Conversion Error/);
    expect(put).toContain(`${PREFIX}vertices/User.csv`);
    expect(put).toContain(`${PREFIX}edges/lastSeenAtDomain.csv`);
    expect(put).not.toContain(`${PREFIX}edges/usedUserAgent.csv`);
    expect(await kit.store.listObjects(PREFIX)).toEqual([]);

    // The same run without the failing property fills the prefix.
    await runLocalTransform({ store: kit.store, catalog: kit.catalog, concurrency: 1 });
    expect(Object.keys(await readTree(kit.store, PREFIX))).toContain('edges/usedUserAgent.csv');
  });
});
