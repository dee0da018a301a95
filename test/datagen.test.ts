import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { formatCsvRow, parseCsv } from '../src/csv/index.js';
import {
  DATASETS,
  DATASET_COLUMNS,
  GENERATE_MANIFEST_FILE,
  GROUND_TRUTH_COLUMNS,
  countSessions,
  datasetFileName,
  generateDatasets,
  readGroundTruth,
  type DatasetName,
  type GenerateDebugReport,
  type GroundTruth,
} from '../src/datagen/index.js';

const RECORDS = 4_000;
const UNIQUENESS = 30;
const SEED = 20_240_601;
const REFERENCE = Date.parse('2026-01-01T00:00:00Z') / 1000;
const TEN_YEARS = 3_653 * 86_400;

type Row = Record<string, string>;

interface Batch {
  dir: string;
  report: GenerateDebugReport;
  texts: Record<DatasetName | 'ground_truth', string>;
  rows: Record<DatasetName, Row[]>;
  truth: GroundTruth;
}

function parseRows(text: string, columns: readonly string[]): Row[] {
  const records = parseCsv(text);
  expect(records[0]!.fields).toEqual(columns);
  return records.slice(1).map(({ fields, line }) => {
    if (fields.length !== columns.length) throw new Error(`line ${line}: ${fields.length} fields`);
    return Object.fromEntries(columns.map((column, i) => [column, fields[i]!]));
  });
}

async function generateBatch(dir: string, incremental: boolean, seed = SEED): Promise<Batch> {
  const report = await generateDatasets({ records: RECORDS, uniqueness: UNIQUENESS, incremental, seed, outDir: dir });
  const texts = {} as Batch['texts'];
  const rows = {} as Batch['rows'];
  for (const key of [...DATASETS, 'ground_truth'] as const) {
    texts[key] = readFileSync(join(dir, datasetFileName(key, incremental)), 'utf8');
  }
  for (const dataset of DATASETS) rows[dataset] = parseRows(texts[dataset], DATASET_COLUMNS[dataset]);
  const truth = await readGroundTruth(join(dir, datasetFileName('ground_truth', incremental)));
  return { dir, report, texts, rows, truth };
}

function countBy<T>(values: T[]): Map<T, number> {
  const counts = new Map<T, number>();
  for (const value of values) counts.set(value, (counts.get(value) ?? 0) + 1);
  return counts;
}

function expectUnique(values: string[], what: string): void {
  const duplicates = [...countBy(values)].filter(([, n]) => n > 1).map(([v]) => v);
  expect(duplicates, `duplicate ${what}`).toEqual([]);
}

function epochSeconds(text: string): number {
  return Date.parse(text.length === 10 ? `${text}T00:00:00Z` : text) / 1000;
}

let root: string;
let full: Batch;
let inc: Batch;

beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), 'datagen-test-'));
  full = await generateBatch(join(root, 'a'), false);
  inc = await generateBatch(join(root, 'a'), true);
});

afterAll(() => rmSync(root, { recursive: true, force: true }));

describe('generateDatasets: files and format', () => {
  it('writes the four datasets and the ground truth under the original file names, with the exact headers', () => {
    expect(readdirSync(full.dir).sort()).toEqual(
      [
        ...DATASETS.map((d) => `${d}_data_full.csv`),
        ...DATASETS.map((d) => `${d}_data_inc.csv`),
        'ground_truth_data_full.csv',
        'ground_truth_data_inc.csv',
        GENERATE_MANIFEST_FILE,
      ].sort(),
    );
    for (const dataset of DATASETS) {
      expect(full.texts[dataset].split('\n', 1)[0]).toBe(DATASET_COLUMNS[dataset].join(','));
    }
    expect(full.texts.ground_truth.split('\n', 1)[0]).toBe(GROUND_TRUTH_COLUMNS.join(','));
    expect(DATASET_COLUMNS.clickstream).toContain('user-agent');
  });

  it('reports every file with its rows and bytes', () => {
    for (const file of full.report.files) {
      const text = file.dataset === 'ground_truth' ? full.texts.ground_truth : full.texts[file.dataset];
      expect(file.bytes).toBe(Buffer.byteLength(text));
      expect(file.rows).toBe(parseCsv(text).length - 1);
    }
    expect(full.report.elapsedMs).toBeGreaterThan(0);
    expect(full.report.seed).toBe(SEED);
    expect(full.report.referenceDate).toBe('2026-01-01T00:00:00.000Z');
  });

  it('has the original row counts per N records', () => {
    const { web, app } = countSessions(RECORDS);
    expect(full.rows.first_party).toHaveLength(RECORDS);
    expect(full.rows.transactional).toHaveLength(RECORDS);
    expect(full.rows.cookie).toHaveLength(RECORDS / 4);
    expect(full.rows.clickstream).toHaveLength((3 * RECORDS) / 4);
    expect(web + app).toBe((3 * RECORDS) / 4);
  });

  it('uses minimal RFC 4180 quoting: re-serialising the parsed rows gives back the same bytes', () => {
    for (const key of [...DATASETS, 'ground_truth'] as const) {
      const text = full.texts[key];
      expect(parseCsv(text).map((r) => formatCsvRow(r.fields)).join(''), key).toBe(text);
    }
    // Some addresses hold a comma (quoted field), and browser user agents do too.
    expect(full.rows.first_party.some((r) => r.street_address!.includes(','))).toBe(true);
    expect(full.texts.first_party).toMatch(/,"\d+ [^"]+, [^"]+",/);
    expect(full.rows.clickstream.some((r) => r['user-agent']!.includes(','))).toBe(true);
  });

  it('keeps postcodes as five-digit strings, leading zeros included', () => {
    const postcodes = full.rows.first_party.map((r) => r.postcode!);
    expect(postcodes.every((p) => /^\d{5}$/.test(p))).toBe(true);
    expect(postcodes.some((p) => p.startsWith('0'))).toBe(true);
  });
});

describe('generateDatasets: linkage', () => {
  it('keeps user names, e-mails, external ids, purchase, session and cookie ids unique', () => {
    expectUnique(full.rows.first_party.map((r) => r.user_name!), 'user_name');
    expectUnique(full.rows.first_party.map((r) => r.email!), 'email');
    expectUnique(full.rows.first_party.map((r) => r.external_id!), 'external_id');
    expectUnique(full.rows.transactional.map((r) => r.purchase_id!), 'purchase_id');
    expectUnique(full.rows.clickstream.map((r) => r.session_id!), 'session_id');
    expectUnique(full.rows.cookie.map((r) => r.cookie_id!), 'cookie_id');
    expectUnique(full.rows.cookie.filter((r) => r.conversion_id !== '').map((r) => r.conversion_id!), 'conversion_id');
  });

  it('links every user_name to a first-party user and every customer_id to an e-mail or external id', () => {
    const users = new Set(full.rows.first_party.map((r) => r.user_name!));
    const customers = new Set(full.rows.first_party.flatMap((r) => [r.email!, r.external_id!]));
    const named = [...full.rows.cookie, ...full.rows.clickstream].map((r) => r.user_name!).filter((u) => u !== '');
    expect(named.length).toBeGreaterThan(0);
    expect(named.filter((u) => !users.has(u))).toEqual([]);
    expect(full.rows.transactional.filter((r) => !customers.has(r.customer_id!))).toEqual([]);
    // Both kinds of customer id occur.
    expect(full.rows.transactional.some((r) => r.customer_id!.includes('@'))).toBe(true);
    expect(full.rows.transactional.some((r) => !r.customer_id!.includes('@'))).toBe(true);
    // Anonymous sessions exist too.
    expect(full.rows.clickstream.some((r) => r.user_name === '')).toBe(true);
  });

  it('pairs each web session with exactly one cookie row of the same duration, user and last action', () => {
    const cookiesBySession = countBy(full.rows.cookie.map((r) => r.session_id!));
    const cookieOf = new Map(full.rows.cookie.map((r) => [r.session_id!, r]));
    const web = full.rows.clickstream.filter((r) => r.client_platform === 'web');
    expect(web).toHaveLength(full.rows.cookie.length);
    for (const session of web) {
      expect(cookiesBySession.get(session.session_id!)).toBe(1);
      const cookie = cookieOf.get(session.session_id!)!;
      expect(cookie.session_duration_sec).toBe(session.session_duration_sec);
      expect(cookie.user_name).toBe(session.user_name);
      expect(cookie.last_action).toBe(session.end_event);
      expect(cookie.conversion_id !== '').toBe(cookie.last_action === 'purchase');
      expect(session.device_id).toBe('');
      expect(session.app_id).toBe('');
    }
  });

  it('gives every app session a device id and an app id', () => {
    const app = full.rows.clickstream.filter((r) => r.client_platform !== 'web');
    expect(app.length).toBe(countSessions(RECORDS).app);
    for (const session of app) {
      expect(['ios', 'android']).toContain(session.client_platform);
      expect(session.device_id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
      expect(session.app_id).not.toBe('');
    }
  });

  it('draws IPs and device ids from pools of --uniqueness percent of --records', () => {
    const pool = (RECORDS * UNIQUENESS) / 100;
    const ips = new Set(full.rows.clickstream.map((r) => r.client_ip!));
    const devices = new Set(full.rows.clickstream.filter((r) => r.device_id !== '').map((r) => r.device_id!));
    expect(devices.size).toBe(pool);
    expect(ips.size).toBe(pool);
    expect([...ips].every((ip) => /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.test(ip))).toBe(true);
  });

  it('computes start = end − duration and keeps every date within ten years before the reference date', () => {
    for (const session of full.rows.clickstream) {
      const start = epochSeconds(session.start_timestamp!);
      const end = epochSeconds(session.end_timestamp!);
      expect(end - start).toBe(Number(session.session_duration_sec));
      expect(start).toBeGreaterThanOrEqual(REFERENCE - TEN_YEARS);
      expect(end).toBeLessThanOrEqual(REFERENCE);
      expect(Number(session.events)).toBeGreaterThanOrEqual(1);
    }
    for (const purchase of full.rows.transactional) {
      const date = epochSeconds(purchase.purchased_date!);
      expect(date).toBeGreaterThanOrEqual(REFERENCE - TEN_YEARS);
      expect(date).toBeLessThan(REFERENCE);
      expect(Number(purchase.reward_points)).toBeGreaterThan(0);
    }
  });

  it('keeps profiles consistent: loyalty level follows points, adults only, one country per city, one category per product', () => {
    const levels: [number, string][] = [[10_000, 'Platinum'], [5_000, 'Gold'], [1_000, 'Silver'], [0, 'Bronze']];
    for (const user of full.rows.first_party) {
      const points = Number(user.loyalty_points);
      expect(user.loyalty_level).toBe(levels.find(([min]) => points >= min)![1]);
      const age = (REFERENCE - epochSeconds(user.birthday!)) / (365.25 * 86_400);
      expect(age).toBeGreaterThanOrEqual(18);
      expect(age).toBeLessThanOrEqual(91);
    }
    const countryOf = new Map<string, Set<string>>();
    for (const user of full.rows.first_party) countryOf.set(user.city!, (countryOf.get(user.city!) ?? new Set()).add(user.country!));
    expect([...countryOf.values()].every((countries) => countries.size === 1)).toBe(true);
    const categoryOf = new Map<string, Set<string>>();
    for (const p of full.rows.transactional) categoryOf.set(p.product_name!, (categoryOf.get(p.product_name!) ?? new Set()).add(p.product_category!));
    expect([...categoryOf.values()].every((categories) => categories.size === 1)).toBe(true);
  });
});

describe('generateDatasets: ground truth', () => {
  it('names the person and household behind every session, cookie, device and user', () => {
    const users = new Set(full.rows.first_party.map((r) => r.user_name!));
    expect(full.truth.users.size).toBe(RECORDS);
    for (const user of users) expect(full.truth.households.has(full.truth.users.get(user)!.householdId)).toBe(true);
    for (const session of full.rows.clickstream) {
      const owner = full.truth.sessions.get(session.session_id!);
      expect(owner, session.session_id).toBeDefined();
      expect(users.has(owner!.userName)).toBe(true);
      expect(owner!.householdId).toBe(full.truth.users.get(owner!.userName)!.householdId);
      if (session.user_name !== '') expect(owner!.userName).toBe(session.user_name);
      if (session.device_id !== '') expect(full.truth.devices.get(session.device_id!)!.userName).toBe(owner!.userName);
    }
    expect(full.truth.sessions.size).toBe(full.rows.clickstream.length);
    for (const cookie of full.rows.cookie) {
      const owner = full.truth.cookies.get(cookie.cookie_id!);
      expect(owner).toEqual(full.truth.sessions.get(cookie.session_id!));
    }
    expect(full.truth.households.size).toBe(full.report.population.households);
  });

  it('makes households resolvable: a session is seen at its own household home IP or at a network that is nobody’s home', () => {
    const homeIps = new Map<string, string>([...full.truth.households].map(([id, h]) => [id, h.homeIp]));
    const allHomes = new Set(homeIps.values());
    let atHome = 0;
    for (const session of full.rows.clickstream) {
      const owner = full.truth.sessions.get(session.session_id!)!;
      if (session.client_ip === homeIps.get(owner.householdId)) atHome++;
      else expect(allHomes.has(session.client_ip!)).toBe(false);
    }
    expect(atHome / full.rows.clickstream.length).toBeGreaterThan(0.6);
    // Households have several members, who share the home IP.
    const sizes = countBy([...full.truth.users.values()].map((u) => u.householdId));
    expect(Math.max(...sizes.values())).toBeGreaterThan(1);
  });

  it('rejects a malformed ground-truth file, naming file, line and field', async () => {
    const path = join(root, 'bad_ground_truth.csv');
    writeFileSync(path, `${GROUND_TRUTH_COLUMNS.join(',')}\nhousehold,hh-1,,hh-1,1.2.3.4\nplanet,x,u,hh-1,\n`);
    const error = await readGroundTruth(path).catch((e: unknown) => e as Error);
    expect(error).toBeInstanceOf(Error);
    expect((error as Error).name).toBe('InvalidInputError');
    expect((error as Error).message).toContain(`${path}:3`);
    expect((error as Error).message).toContain('entity_type');
    const missing = await readGroundTruth(join(root, 'nope.csv')).catch((e: unknown) => e as Error);
    expect((missing as Error).name).toBe('InvalidInputError');
  });
});

describe('generateDatasets: incremental batch', () => {
  it('updates returning users of the initial batch and adds new ones', () => {
    const initial = new Map(full.rows.first_party.map((r) => [r.user_name!, r]));
    const returning = inc.rows.first_party.filter((r) => initial.has(r.user_name!));
    const added = inc.rows.first_party.filter((r) => !initial.has(r.user_name!));
    expect(inc.rows.first_party).toHaveLength(RECORDS);
    expect(returning).toHaveLength(Math.round(RECORDS * 0.3));
    expect(added).toHaveLength(RECORDS - returning.length);
    expectUnique(inc.rows.first_party.map((r) => r.user_name!), 'incremental user_name');
    let phoneChanges = 0;
    let levelChanges = 0;
    for (const now of returning) {
      const before = initial.get(now.user_name!)!;
      for (const column of ['email', 'external_id', 'street_address', 'postcode', 'city', 'country', 'birthday']) {
        expect(now[column], column).toBe(before[column]);
      }
      expect(Number(now.loyalty_points)).toBeGreaterThan(Number(before.loyalty_points));
      if (now.phone_number !== before.phone_number) phoneChanges++;
      if (now.loyalty_level !== before.loyalty_level) levelChanges++;
    }
    expect(phoneChanges).toBeGreaterThan(0);
    expect(levelChanges).toBeGreaterThan(0);
    const initialEmails = new Set(full.rows.first_party.map((r) => r.email!));
    expect(added.some((r) => initialEmails.has(r.email!))).toBe(false);
  });

  it('adds new sessions and purchases (no id reused) by both returning and new people', () => {
    const fullSessions = new Set(full.rows.clickstream.map((r) => r.session_id!));
    const fullPurchases = new Set(full.rows.transactional.map((r) => r.purchase_id!));
    const fullCookies = new Set(full.rows.cookie.map((r) => r.cookie_id!));
    expect(inc.rows.clickstream.filter((r) => fullSessions.has(r.session_id!))).toEqual([]);
    expect(inc.rows.transactional.filter((r) => fullPurchases.has(r.purchase_id!))).toEqual([]);
    expect(inc.rows.cookie.filter((r) => fullCookies.has(r.cookie_id!))).toEqual([]);

    const knownUsers = new Set([...full.rows.first_party, ...inc.rows.first_party].map((r) => r.user_name!));
    const knownCustomers = new Set([...full.rows.first_party, ...inc.rows.first_party].flatMap((r) => [r.email!, r.external_id!]));
    const named = [...inc.rows.cookie, ...inc.rows.clickstream].map((r) => r.user_name!).filter((u) => u !== '');
    expect(named.filter((u) => !knownUsers.has(u))).toEqual([]);
    expect(inc.rows.transactional.filter((r) => !knownCustomers.has(r.customer_id!))).toEqual([]);

    const initialUsers = new Set(full.rows.first_party.map((r) => r.user_name!));
    const owners = [...inc.truth.sessions.values()].map((o) => o.userName);
    expect(owners.some((u) => initialUsers.has(u))).toBe(true);
    expect(owners.some((u) => !initialUsers.has(u))).toBe(true);
    // Returning people's known devices show up again.
    const fullDevices = new Set(full.rows.clickstream.map((r) => r.device_id!).filter((d) => d !== ''));
    expect(inc.rows.clickstream.some((r) => fullDevices.has(r.device_id!))).toBe(true);
  });

  it('has a ground truth that, read with the initial one, covers every identifier of the batch', async () => {
    const both = await readGroundTruth([
      join(full.dir, datasetFileName('ground_truth', false)),
      join(inc.dir, datasetFileName('ground_truth', true)),
    ]);
    for (const session of inc.rows.clickstream) {
      const owner = both.sessions.get(session.session_id!)!;
      expect(both.users.get(owner.userName)!.householdId).toBe(owner.householdId);
      expect(both.households.has(owner.householdId)).toBe(true);
      if (session.device_id !== '') expect(both.devices.get(session.device_id!)!.userName).toBe(owner.userName);
    }
    for (const user of inc.rows.first_party) expect(both.users.has(user.user_name!)).toBe(true);
  });
});

describe('generateDatasets: incremental batch from the full batch\'s manifest', () => {
  it('takes seed, size and uniqueness of the last full batch in the folder when no seed is given', async () => {
    const dir = join(root, 'manifest');
    const first = await generateDatasets({ records: 600, uniqueness: 40, incremental: false, outDir: dir });
    const update = await generateDatasets({ records: 300, uniqueness: 30, incremental: true, outDir: dir });
    expect(update.seed).toBe(first.seed);
    expect(update.referenceDate).toBe(first.referenceDate);
    expect(update.base).toEqual({ records: 600, uniqueness: 40 });
    const read = (name: DatasetName, incremental: boolean) =>
      parseRows(readFileSync(join(dir, datasetFileName(name, incremental)), 'utf8'), DATASET_COLUMNS[name]);
    const initial = new Map(read('first_party', false).map((r) => [r.user_name!, r]));
    const updated = read('first_party', true);
    const returning = updated.filter((r) => initial.has(r.user_name!));
    expect(returning).toHaveLength(90);
    for (const row of returning) expect(row.email).toBe(initial.get(row.user_name!)!.email);
    for (const row of returning) expect(row.birthday).toBe(initial.get(row.user_name!)!.birthday);
    const sessions = new Set(read('clickstream', false).map((r) => r.session_id!));
    expect(read('clickstream', true).filter((r) => sessions.has(r.session_id!))).toEqual([]);
    const purchases = new Set(read('transactional', false).map((r) => r.purchase_id!));
    expect(read('transactional', true).filter((r) => purchases.has(r.purchase_id!))).toEqual([]);
  });

  it('refuses an incremental batch with neither a seed nor a full batch in the folder, writing nothing', async () => {
    const dir = join(root, 'no-manifest');
    const error = await generateDatasets({ records: 100, uniqueness: 30, incremental: true, outDir: dir }).catch((e: unknown) => e as Error);
    expect((error as Error).name).toBe('InvalidInputError');
    expect((error as Error).message).toContain('--seed');
    expect(readdirSync(root)).not.toContain('no-manifest');
  });
});

describe('generateDatasets: determinism and atomic writes', () => {
  it('writes byte-identical files for the same seed and options, different ones for another seed', async () => {
    const again = await generateBatch(join(root, 'b'), false);
    for (const key of [...DATASETS, 'ground_truth'] as const) expect(again.texts[key] === full.texts[key], key).toBe(true);
    const other = await generateDatasets({ records: 200, uniqueness: UNIQUENESS, incremental: false, seed: SEED + 1, outDir: join(root, 'c') });
    const same = await generateDatasets({ records: 200, uniqueness: UNIQUENESS, incremental: false, seed: SEED, outDir: join(root, 'd') });
    expect(readFileSync(other.files[0]!.path, 'utf8')).not.toBe(readFileSync(same.files[0]!.path, 'utf8'));
  });

  it('leaves no temporary files, and a failed run leaves the previous files untouched and no half file', async () => {
    expect(readdirSync(full.dir).filter((f) => f.endsWith('.tmp'))).toEqual([]);
    const before = readdirSync(full.dir).sort();
    const firstParty = readFileSync(join(full.dir, 'first_party_data_full.csv'), 'utf8');
    const failure = new Error('stop here');
    const error = await generateDatasets({
      records: 500,
      uniqueness: 50,
      incremental: false,
      seed: 1,
      outDir: full.dir,
      onProgress: () => {
        throw failure;
      },
    }).catch((e: unknown) => e);
    expect(error).toBe(failure);
    expect(readdirSync(full.dir).sort()).toEqual(before);
    expect(readFileSync(join(full.dir, 'first_party_data_full.csv'), 'utf8')).toBe(firstParty);
  });

  it('rejects bad options with InvalidInputError naming the flag and range, writing nothing', async () => {
    const out = join(root, 'never');
    const cases: [Partial<Parameters<typeof generateDatasets>[0]>, string][] = [
      [{ records: 0 }, '--records'],
      [{ records: -5 }, '--records'],
      [{ records: 1.5 }, '--records'],
      [{ uniqueness: 0 }, '--uniqueness'],
      [{ uniqueness: 101 }, '--uniqueness'],
      [{ seed: -1 }, '--seed'],
    ];
    for (const [override, flag] of cases) {
      const error = await generateDatasets({ records: 10, uniqueness: 30, incremental: false, outDir: out, ...override }).catch((e: unknown) => e as Error);
      expect((error as Error).name, flag).toBe('InvalidInputError');
      expect((error as Error).message).toContain(flag);
    }
    expect(readdirSync(root)).not.toContain('never');
  });
});

describe('generateDatasets: sizes and uniqueness at the edges', () => {
  const cases: [number, number][] = [
    [1, 30],
    [2, 30],
    [7, 1],
    [1_000, 1],
    [1_000, 100],
  ];
  for (const [records, uniqueness] of cases) {
    it(`--records ${records} --uniqueness ${uniqueness}: full and incremental batches stay linked and within the pools`, async () => {
      const dir = join(root, `edge-${records}-${uniqueness}`);
      const rows = {} as Record<'full' | 'inc', Record<DatasetName, Row[]>>;
      for (const incremental of [false, true]) {
        await generateDatasets({ records, uniqueness, incremental, seed: 5, outDir: dir });
        const batch = {} as Record<DatasetName, Row[]>;
        for (const dataset of DATASETS) {
          batch[dataset] = parseRows(readFileSync(join(dir, datasetFileName(dataset, incremental)), 'utf8'), DATASET_COLUMNS[dataset]);
        }
        rows[incremental ? 'inc' : 'full'] = batch;
      }
      const { web, app } = countSessions(records);
      const pool = Math.max(1, Math.round((records * uniqueness) / 100));
      for (const batch of [rows.full, rows.inc]) {
        expect(batch.first_party).toHaveLength(records);
        expect(batch.transactional).toHaveLength(records);
        expect(batch.cookie).toHaveLength(web);
        expect(batch.clickstream).toHaveLength(web + app);
      }
      const fullIps = new Set(rows.full.clickstream.map((r) => r.client_ip!));
      const fullDevices = new Set(rows.full.clickstream.map((r) => r.device_id!).filter((d) => d !== ''));
      expect(fullIps.size).toBeLessThanOrEqual(pool);
      expect(fullDevices.size).toBe(Math.min(pool, app));
      const users = new Set([...rows.full.first_party, ...rows.inc.first_party].map((r) => r.user_name!));
      const customers = new Set([...rows.full.first_party, ...rows.inc.first_party].flatMap((r) => [r.email!, r.external_id!]));
      for (const batch of [rows.full, rows.inc]) {
        const named = [...batch.cookie, ...batch.clickstream].map((r) => r.user_name!).filter((u) => u !== '');
        expect(named.filter((u) => !users.has(u))).toEqual([]);
        expect(batch.transactional.filter((r) => !customers.has(r.customer_id!))).toEqual([]);
      }
    });
  }
});
