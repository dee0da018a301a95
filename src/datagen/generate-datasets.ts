import { randomBytes } from 'node:crypto';
import { access, constants, mkdir, open, stat } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { InvalidInputError, kitMessage } from '../errors.js';
import { AtomicFileWriter } from './atomic-file-writer.js';
import {
  DATASET_COLUMNS,
  DATASETS,
  GROUND_TRUTH_COLUMNS,
  GROUND_TRUTH_NAME,
  datasetFileName,
  type DatasetName,
} from './dataset-schema.js';
import {
  DEFAULT_REFERENCE_DATE,
  validateGenerateOptions,
  type GenerateOptions,
  type GenerateReport,
  type GeneratedFile,
} from './generate-options.js';
import { writeIsoDate, writeIsoTimestamp, writeUuid } from './identifiers.js';
import { readGenerateManifest, writeGenerateManifest } from './generate-manifest.js';
import { Population, SECONDS_PER_DAY, planPopulation } from './population.js';
import { Sfc32 } from './random.js';
import { buildValuePools, type ValuePools } from './value-pools.js';

type FileKey = DatasetName | typeof GROUND_TRUTH_NAME;

/** Salts of the per-row identifiers (writeUuid uses salt..salt+3). */
const ID_SALT = { session: 0x300, cookie: 0x310, conversion: 0x320, purchase: 0x330 } as const;

/** PRNG stream per pass, so each file's rows do not depend on the other passes' draws. */
const STREAM = { transactional: 2, sessions: 3, incrementalOffset: 10 } as const;

/** Full batch: dates within the last ten years; incremental batch: within the last 30 days. */
const FULL_WINDOW_DAYS = 3_652;
const INCREMENTAL_WINDOW_DAYS = 30;
/** Longest possible session (40 events × 59 s + 29 s) is below this margin, so start stays inside the window. */
const SESSION_MARGIN_SECONDS = 7_200;

const WEB_LOGGED_IN = 0.6;
const APP_LOGGED_IN = 0.85;
const WEB_AT_HOME = 0.85;
const APP_AT_HOME = 0.6;
const SECOND_BROWSER = 0.15;

const WEB_START_EVENTS = ['page_view', 'landing', 'search', 'campaign_click'];
const APP_START_EVENTS = ['app_open', 'screen_view', 'push_open'];
/** Weighted by repetition: browsing is common, purchases are not. */
const END_EVENTS = [
  ...Array<string>(4).fill('page_view'),
  ...Array<string>(4).fill('product_view'),
  'search',
  'search',
  'add_to_cart',
  'add_to_cart',
  'checkout',
  'purchase',
  'purchase',
  'logout',
];

/** Samples (first data lines) kept per file when `debug` is on. */
const DEBUG_SAMPLE_ROWS = 3;

export interface GenerateDebugReport extends GenerateReport {
  /** With `debug`: the first data lines of each file. */
  samples?: Partial<Record<FileKey, string[]>>;
}

/**
 * Generates the four source datasets (DESIGN §5) and the ground-truth file into
 * `options.outDir`, streaming rows to temporary files that are renamed into place only when all
 * of them are complete. Throws InvalidInputError (nothing written) for bad options or an
 * unwritable folder.
 */
export async function generateDatasets(options: GenerateOptions): Promise<GenerateDebugReport> {
  const started = performance.now();
  validateGenerateOptions(options);
  const outDir = resolve(options.outDir);
  // An incremental batch must see the people of the initial batch: same seed, size, uniqueness.
  const manifest = options.incremental ? await readGenerateManifest(outDir) : undefined;
  const initial = manifest && (options.seed === undefined || options.seed === manifest.seed) ? manifest : undefined;
  if (options.incremental && options.seed === undefined && !initial) {
    throw new InvalidInputError(
      kitMessage('datagen', `--incremental 1 needs the initial batch: pass its --seed and --records, or generate the full batch into ${outDir} first`),
    );
  }
  const seed = options.seed ?? initial?.seed ?? randomBytes(4).readUInt32BE(0);
  const referenceDate =
    options.referenceDate ??
    (initial ? new Date(initial.referenceDate) : options.seed !== undefined ? DEFAULT_REFERENCE_DATE : new Date(Math.floor(Date.now() / 1000) * 1000));
  const base =
    options.incremental && options.base
      ? options.base
      : options.incremental && initial
        ? { records: initial.records, uniqueness: initial.uniqueness }
        : { records: options.records, uniqueness: options.uniqueness };
  await prepareOutputFolder(outDir);

  const pools = buildValuePools(seed);
  const plan = planPopulation(seed, base, options);
  const population = new Population(plan, pools);
  const keys: FileKey[] = [...DATASETS, GROUND_TRUTH_NAME];
  const writers = new Map<FileKey, AtomicFileWriter>();
  try {
    for (const key of keys) {
      writers.set(key, await AtomicFileWriter.create(join(outDir, datasetFileName(key, options.incremental))));
    }
    const context: PassContext = {
      seed,
      options,
      population,
      pools,
      writers: writers as Map<FileKey, AtomicFileWriter>,
      windowEndSeconds: Math.floor(referenceDate.getTime() / 1000),
      windowDays: options.incremental ? INCREMENTAL_WINDOW_DAYS : FULL_WINDOW_DAYS,
    };
    for (const key of keys) {
      const header = key === GROUND_TRUTH_NAME ? GROUND_TRUTH_COLUMNS : DATASET_COLUMNS[key];
      writers.get(key)!.append(header.join(',') + '\n');
    }
    await writeFirstParty(context);
    await writeTransactional(context);
    await writeSessions(context);
    // Finish every file before renaming any, so a failure (e.g. disk full) replaces nothing.
    for (const writer of writers.values()) await writer.finish();
    for (const writer of writers.values()) await writer.commit();
    if (!options.incremental) {
      await writeGenerateManifest(outDir, {
        seed,
        records: options.records,
        uniqueness: options.uniqueness,
        referenceDate: referenceDate.toISOString(),
      });
    }
  } catch (error) {
    await Promise.all([...writers.values()].map((writer) => writer.abort()));
    throw error;
  }

  const files: GeneratedFile[] = keys.map((key) => {
    const writer = writers.get(key)!;
    return { dataset: key, path: writer.path, rows: writer.rows, bytes: writer.bytes };
  });
  return {
    files,
    elapsedMs: performance.now() - started,
    seed,
    referenceDate: referenceDate.toISOString(),
    records: options.records,
    uniqueness: options.uniqueness,
    incremental: options.incremental,
    base,
    population: {
      persons: population.totalPersons,
      households: plan.households + plan.newHouseholds,
      ipPool: plan.ipPool + plan.newIpPool,
      devices: plan.devices + plan.newDevices,
      returningPersons: plan.returningPersons,
      newPersons: plan.newPersons,
    },
    ...(options.debug ? { samples: await collectSamples(files) } : {}),
  };
}

/** Creates the folder and checks that it is writable, before anything is written. */
async function prepareOutputFolder(outDir: string): Promise<void> {
  try {
    await mkdir(outDir, { recursive: true });
    if (!(await stat(outDir)).isDirectory()) throw new Error('not a folder');
    await access(outDir, constants.W_OK);
  } catch (cause) {
    const reason = (cause as NodeJS.ErrnoException).code ?? (cause as Error).message;
    throw new InvalidInputError(kitMessage('datagen', `--out must be a writable folder, ${outDir} is not (${reason})`), {
      cause,
    });
  }
}

interface PassContext {
  seed: number;
  options: GenerateOptions;
  population: Population;
  pools: ValuePools;
  writers: Map<FileKey, AtomicFileWriter>;
  windowEndSeconds: number;
  windowDays: number;
}

function reportProgress(context: PassContext, dataset: string, rows: number, totalRows: number): void {
  context.options.onProgress?.({ dataset, rows, totalRows });
}

/**
 * With `debug`, keeps the first rows of each file: read back from the file's start once the
 * run is over (see collectSamples), so the hot loops stay free of debug work.
 */
/**
 * Ends a ground-truth row after its entity id: `,<user_name>,<household_id>,` (home_ip stays empty:
 * only household rows carry it). One place for the layout that user, device, cookie and session
 * rows share; written field by field like every row here (no per-row strings).
 */
function writeTruthTail(truth: AtomicFileWriter, population: Population, person: number, household: number): void {
  truth.comma();
  population.writeUserName(truth, person, household);
  truth.comma();
  population.writeHouseholdId(truth, household);
  truth.comma();
  truth.endRow();
}

async function collectSamples(files: GeneratedFile[]): Promise<Partial<Record<FileKey, string[]>>> {
  const samples: Partial<Record<FileKey, string[]>> = {};
  for (const file of files) {
    const handle = await open(file.path, 'r');
    try {
      const head = Buffer.alloc(16 << 10);
      const { bytesRead } = await handle.read(head, 0, head.length, 0);
      samples[file.dataset] = head.subarray(0, bytesRead).toString('utf8').split('\n').slice(1, 1 + DEBUG_SAMPLE_ROWS);
    } finally {
      await handle.close();
    }
  }
  return samples;
}

/**
 * first_party: in a full batch every person once; in an incremental batch the returning people
 * (updated loyalty, sometimes a new phone) spread evenly among the new people. Ground truth:
 * households and users first seen in this batch.
 */
async function writeFirstParty(context: PassContext): Promise<void> {
  const { population, options } = context;
  const plan = population.plan;
  const out = context.writers.get('first_party')!;
  const truth = context.writers.get(GROUND_TRUTH_NAME)!;

  const firstHousehold = options.incremental ? plan.households : 0;
  const lastHousehold = options.incremental ? plan.households + plan.newHouseholds : plan.households;
  for (let household = firstHousehold; household < lastHousehold; household++) {
    if (truth.needsFlush()) await truth.flush();
    truth.text('household,');
    population.writeHouseholdId(truth, household);
    truth.text(',,');
    population.writeHouseholdId(truth, household);
    truth.comma();
    population.writeIp(truth, population.homeIpIndex(household));
    truth.endRow();
  }

  const total = options.records;
  const returning = plan.returningPersons;
  let returningSeen = 0;
  let newSeen = 0;
  for (let row = 0; row < total; row++) {
    if (out.needsFlush()) {
      await out.flush();
      reportProgress(context, 'first_party', row, total);
    }
    if (truth.needsFlush()) await truth.flush();
    // Row `row` is a returning person when the running share of returning rows steps up here.
    const isReturning = Math.floor(((row + 1) * returning) / total) > Math.floor((row * returning) / total);
    const person = isReturning
      ? population.returningPerson(returningSeen++)
      : (options.incremental ? plan.basePersons : 0) + newSeen++;
    population.writeFirstPartyRow(out, person, isReturning);
    if (!isReturning) {
      const household = population.householdOf(person);
      truth.text('user,');
      population.writeUserName(truth, person, household);
      writeTruthTail(truth, population, person, household);
    }
  }
  reportProgress(context, 'first_party', total, total);
}

/** transactional: N purchases by people of the whole population, each under their e-mail or external id. */
async function writeTransactional(context: PassContext): Promise<void> {
  const { population, options, pools, seed } = context;
  const out = context.writers.get('transactional')!;
  const rng = new Sfc32(seed, STREAM.transactional + (options.incremental ? STREAM.incrementalOffset : 0));
  const total = options.records;
  // Incremental purchase indexes follow the initial batch's, so purchase ids never collide.
  const firstPurchase = options.incremental ? population.plan.basePersons : 0;
  const windowSeconds = context.windowDays * SECONDS_PER_DAY;
  const windowStart = context.windowEndSeconds - windowSeconds;
  const persons = population.totalPersons;
  const products = pools.products;
  for (let row = 0; row < total; row++) {
    if (out.needsFlush()) {
      await out.flush();
      reportProgress(context, 'transactional', row, total);
    }
    const person = rng.nextInt(persons);
    const byEmail = (rng.nextUint32() & 1) === 1;
    const product = products[rng.nextInt(products.length)]!;
    const purchasedAt = windowStart + rng.nextInt(windowSeconds);
    writeUuid(out, seed, firstPurchase + row, ID_SALT.purchase);
    out.comma();
    out.text(product.name);
    out.comma();
    writeIsoDate(out, purchasedAt);
    out.comma();
    out.text(product.category);
    out.comma();
    if (byEmail) population.writeEmail(out, person);
    else population.writeExternalId(out, person);
    out.comma();
    out.int(1 + rng.nextInt(500));
    out.endRow();
  }
  reportProgress(context, 'transactional', total, total);
}

/** Session counts per N records, as in the original generator: N/4 web (with a cookie), N/2 app. */
export function countSessions(records: number): { web: number; app: number } {
  return { web: Math.round(records / 4), app: Math.round(records / 2) };
}

/**
 * cookie + clickstream: sessions come from people. A web session is one person's browser (their
 * cookie row shares the session id and duration); an app session is one of the person's
 * devices. Most sessions are seen at the household's home IP, the rest at an "away" network.
 * Anonymous sessions (empty user_name) still belong to a person, named in the ground truth.
 */
async function writeSessions(context: PassContext): Promise<void> {
  const { population, options, pools, seed } = context;
  const plan = population.plan;
  const cookieOut = context.writers.get('cookie')!;
  const clickOut = context.writers.get('clickstream')!;
  const truth = context.writers.get(GROUND_TRUTH_NAME)!;
  const rng = new Sfc32(seed, STREAM.sessions + (options.incremental ? STREAM.incrementalOffset : 0));

  // Devices first seen in this batch, with their owners.
  const firstDevice = options.incremental ? plan.devices : 0;
  const lastDevice = options.incremental ? plan.devices + plan.newDevices : plan.devices;
  for (let device = firstDevice; device < lastDevice; device++) {
    if (truth.needsFlush()) await truth.flush();
    const owner = population.deviceOwner(device);
    const household = population.householdOf(owner);
    truth.text('device,');
    population.writeDeviceId(truth, device);
    writeTruthTail(truth, population, owner, household);
  }

  const { web, app } = countSessions(options.records);
  const total = web + app;
  const base = countSessions(plan.basePersons);
  const firstSession = options.incremental ? base.web + base.app : 0;
  const firstCookie = options.incremental ? base.web : 0;
  const windowSeconds = context.windowDays * SECONDS_PER_DAY;
  const windowStart = context.windowEndSeconds - windowSeconds;
  const persons = population.totalPersons;
  const devices = population.totalDevices;
  const { brandDomains, urlPaths, appIds } = pools;
  let webSeen = 0;
  let appSeen = 0;
  let awaySeen = 0;

  for (let s = 0; s < total; s++) {
    if (clickOut.needsFlush()) {
      await clickOut.flush();
      reportProgress(context, 'clickstream', s, total);
    }
    if (cookieOut.needsFlush()) {
      await cookieOut.flush();
      reportProgress(context, 'cookie', webSeen, web);
    }
    if (truth.needsFlush()) await truth.flush();

    const isWeb = Math.floor(((s + 1) * web) / total) > Math.floor((s * web) / total);
    let person: number;
    let device = -1;
    let mustBeHome = false;
    if (isWeb) {
      person = rng.nextInt(persons);
    } else if (!options.incremental && appSeen < plan.devices) {
      // In a full batch the first app sessions visit every device once, and the first of those
      // every household at home (device h belongs to household h's founder), so the distinct
      // device ids and IPs are exactly the pools (given enough sessions), as the flag promises.
      device = appSeen++;
      person = population.deviceOwner(device);
      mustBeHome = device < plan.households;
    } else {
      device = rng.nextInt(devices);
      person = population.deviceOwner(device);
      appSeen++;
    }
    const household = population.householdOf(person);
    const loggedIn = rng.chance(isWeb ? WEB_LOGGED_IN : APP_LOGGED_IN);
    const atHome = rng.chance(isWeb ? WEB_AT_HOME : APP_AT_HOME) || mustBeHome;
    // Away networks are visited in turn, so each is seen once there are enough away sessions.
    const awayIndex = atHome ? -1 : population.awayIpIndex(awaySeen++);
    const ipIndex = awayIndex === -1 ? population.homeIpIndex(household) : awayIndex;

    const events = 1 + rng.nextInt(40);
    const duration = events * (5 + rng.nextInt(55)) + rng.nextInt(30);
    const end = windowStart + SESSION_MARGIN_SECONDS + rng.nextInt(windowSeconds - SESSION_MARGIN_SECONDS);
    const start = end - duration;
    const startEvent = isWeb ? WEB_START_EVENTS[rng.nextInt(WEB_START_EVENTS.length)]! : APP_START_EVENTS[rng.nextInt(APP_START_EVENTS.length)]!;
    const endEvent = events === 1 ? startEvent : END_EVENTS[rng.nextInt(END_EVENTS.length)]!;
    const domain = brandDomains[rng.nextInt(brandDomains.length)]!;
    const path = urlPaths[rng.nextInt(urlPaths.length)]!;
    const sessionIndex = firstSession + s;

    let userAgent = '';
    if (isWeb) {
      userAgent = population.browserUserAgent(person, rng.chance(SECOND_BROWSER));
      const cookieIndex = firstCookie + webSeen++;
      writeUuid(cookieOut, seed, cookieIndex, ID_SALT.cookie);
      cookieOut.comma();
      writeUuid(cookieOut, seed, sessionIndex, ID_SALT.session);
      cookieOut.comma();
      cookieOut.text(endEvent);
      cookieOut.comma();
      if (loggedIn) population.writeUserName(cookieOut, person, household);
      cookieOut.comma();
      if (endEvent === 'purchase') writeUuid(cookieOut, seed, cookieIndex, ID_SALT.conversion);
      cookieOut.comma();
      cookieOut.int(duration);
      cookieOut.endRow();

      truth.text('cookie,');
      writeUuid(truth, seed, cookieIndex, ID_SALT.cookie);
      writeTruthTail(truth, population, person, household);
    }

    writeUuid(clickOut, seed, sessionIndex, ID_SALT.session);
    clickOut.comma();
    population.writeIp(clickOut, ipIndex);
    clickOut.comma();
    const platform = isWeb ? 'web' : population.devicePlatform(device);
    clickOut.text(platform);
    clickOut.comma();
    clickOut.text('https://');
    clickOut.text(domain);
    clickOut.text(path);
    clickOut.comma();
    clickOut.text(domain);
    clickOut.comma();
    if (!isWeb) clickOut.text(platform === 'ios' ? appIds.ios : appIds.android);
    clickOut.comma();
    if (!isWeb) population.writeDeviceId(clickOut, device);
    clickOut.comma();
    if (loggedIn) population.writeUserName(clickOut, person, household);
    clickOut.comma();
    clickOut.int(events);
    clickOut.comma();
    writeIsoTimestamp(clickOut, start);
    clickOut.comma();
    clickOut.text(startEvent);
    clickOut.comma();
    writeIsoTimestamp(clickOut, end);
    clickOut.comma();
    clickOut.text(endEvent);
    clickOut.comma();
    clickOut.int(duration);
    clickOut.comma();
    if (isWeb) clickOut.text(userAgent);
    else population.writeDeviceUserAgent(clickOut, device);
    clickOut.endRow();

    // Ground truth: the person behind the session, logged in or not.
    truth.text('session,');
    writeUuid(truth, seed, sessionIndex, ID_SALT.session);
    writeTruthTail(truth, population, person, household);
  }
  reportProgress(context, 'cookie', web, web);
  reportProgress(context, 'clickstream', total, total);
}
