import { randomBytes } from 'node:crypto';
import { access, constants, mkdir, stat } from 'node:fs/promises';
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
import { formatIsoDate, formatIsoTimestamp, formatUuid } from './identifiers.js';
import { Population, SECONDS_PER_DAY, planPopulation } from './population.js';
import { Sfc32 } from './random.js';
import { buildValuePools, type ValuePools } from './value-pools.js';

type FileKey = DatasetName | typeof GROUND_TRUTH_NAME;

/** Salts of the per-row identifiers (formatUuid uses salt..salt+3). */
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
  const seed = options.seed ?? randomBytes(4).readUInt32BE(0);
  const referenceDate =
    options.referenceDate ?? (options.seed !== undefined ? DEFAULT_REFERENCE_DATE : new Date(Math.floor(Date.now() / 1000) * 1000));
  const outDir = resolve(options.outDir);
  await prepareOutputFolder(outDir);

  const pools = buildValuePools(seed);
  const plan = planPopulation(seed, options.records, options.uniqueness, options.incremental);
  const population = new Population(plan, pools, referenceDate);
  const keys: FileKey[] = [...DATASETS, GROUND_TRUTH_NAME];
  const writers = new Map<FileKey, AtomicFileWriter>();
  const samples: Partial<Record<FileKey, string[]>> | undefined = options.debug ? {} : undefined;
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
      samples,
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
    population: {
      persons: population.totalPersons,
      households: plan.households + plan.newHouseholds,
      ipPool: plan.ipPool + plan.newIpPool,
      devices: plan.devices + plan.newDevices,
      returningPersons: plan.returningPersons,
      newPersons: plan.newPersons,
    },
    ...(samples ? { samples } : {}),
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
  samples: Partial<Record<FileKey, string[]>> | undefined;
}

function reportProgress(context: PassContext, dataset: string, rows: number, totalRows: number): void {
  context.options.onProgress?.({ dataset, rows, totalRows });
}

function keepSample(context: PassContext, key: FileKey, line: string): void {
  const samples = context.samples;
  if (!samples) return;
  const list = (samples[key] ??= []);
  if (list.length < DEBUG_SAMPLE_ROWS) list.push(line.slice(0, -1));
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
    const id = population.householdId(household);
    const line = `household,${id},,${id},${population.homeIp(household)}\n`;
    keepSample(context, GROUND_TRUTH_NAME, line);
    if (truth.appendRow(line)) await truth.flush();
  }

  const total = options.records;
  const returning = plan.returningPersons;
  let returningSeen = 0;
  let newSeen = 0;
  for (let row = 0; row < total; row++) {
    // Row `row` is a returning person when the running share of returning rows steps up here.
    const isReturning = Math.floor(((row + 1) * returning) / total) > Math.floor((row * returning) / total);
    const person = isReturning
      ? population.returningPerson(returningSeen++)
      : (options.incremental ? plan.basePersons : 0) + newSeen++;
    const line = population.firstPartyLine(person, isReturning);
    keepSample(context, 'first_party', line);
    if (out.appendRow(line)) {
      await out.flush();
      reportProgress(context, 'first_party', row + 1, total);
    }
    if (!isReturning) {
      const userName = population.userName(person);
      const truthLine = `user,${userName},${userName},${population.householdId(population.householdOf(person))},\n`;
      if (truth.appendRow(truthLine)) await truth.flush();
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
  const firstPurchase = options.incremental ? options.records : 0;
  const windowSeconds = context.windowDays * SECONDS_PER_DAY;
  const windowStart = context.windowEndSeconds - windowSeconds;
  const persons = population.totalPersons;
  const products = pools.products;
  for (let row = 0; row < total; row++) {
    const person = rng.nextInt(persons);
    const customerId = rng.nextUint32() & 1 ? population.email(person) : population.externalId(person);
    const product = products[rng.nextInt(products.length)]!;
    const purchasedDate = formatIsoDate(windowStart + rng.nextInt(windowSeconds));
    const line =
      formatUuid(seed, firstPurchase + row, ID_SALT.purchase) +
      ',' +
      product.name +
      ',' +
      purchasedDate +
      ',' +
      product.category +
      ',' +
      customerId +
      ',' +
      (1 + rng.nextInt(500)) +
      '\n';
    keepSample(context, 'transactional', line);
    if (out.appendRow(line)) {
      await out.flush();
      reportProgress(context, 'transactional', row + 1, total);
    }
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
    const owner = population.deviceOwner(device);
    const line = `device,${population.deviceId(device)},${population.userName(owner)},${population.householdId(population.householdOf(owner))},\n`;
    if (truth.appendRow(line)) await truth.flush();
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
    const userName = population.userName(person);
    const loggedIn = rng.chance(isWeb ? WEB_LOGGED_IN : APP_LOGGED_IN);
    const shownUser = loggedIn ? userName : '';
    const atHome = rng.chance(isWeb ? WEB_AT_HOME : APP_AT_HOME) || mustBeHome;
    // Away networks are visited in turn, so each is seen once there are enough away sessions.
    const awayIndex = atHome ? -1 : population.awayIpIndex(awaySeen++);
    const ip = population.ip(awayIndex === -1 ? population.homeIpIndex(household) : awayIndex);

    const events = 1 + rng.nextInt(40);
    const duration = events * (5 + rng.nextInt(55)) + rng.nextInt(30);
    const end = windowStart + SESSION_MARGIN_SECONDS + rng.nextInt(windowSeconds - SESSION_MARGIN_SECONDS);
    const start = end - duration;
    const startEvent = isWeb ? WEB_START_EVENTS[rng.nextInt(WEB_START_EVENTS.length)]! : APP_START_EVENTS[rng.nextInt(APP_START_EVENTS.length)]!;
    const endEvent = events === 1 ? startEvent : END_EVENTS[rng.nextInt(END_EVENTS.length)]!;
    const domain = brandDomains[rng.nextInt(brandDomains.length)]!;
    const url = `https://${domain}${urlPaths[rng.nextInt(urlPaths.length)]!}`;
    const sessionId = formatUuid(seed, firstSession + s, ID_SALT.session);
    const householdId = population.householdId(household);

    let platform: string;
    let appId = '';
    let deviceId = '';
    let userAgent: string;
    if (isWeb) {
      platform = 'web';
      userAgent = population.browserUserAgent(person, rng.chance(SECOND_BROWSER));
      const cookieIndex = firstCookie + webSeen++;
      const cookieId = formatUuid(seed, cookieIndex, ID_SALT.cookie);
      const conversionId = endEvent === 'purchase' ? formatUuid(seed, cookieIndex, ID_SALT.conversion) : '';
      const cookieLine = `${cookieId},${sessionId},${endEvent},${shownUser},${conversionId},${duration}\n`;
      keepSample(context, 'cookie', cookieLine);
      if (cookieOut.appendRow(cookieLine)) {
        await cookieOut.flush();
        reportProgress(context, 'cookie', webSeen, web);
      }
      if (truth.appendRow(`cookie,${cookieId},${userName},${householdId},\n`)) await truth.flush();
    } else {
      platform = population.devicePlatform(device);
      appId = platform === 'ios' ? appIds.ios : appIds.android;
      deviceId = population.deviceId(device);
      userAgent = population.deviceUserAgent(device);
    }
    const clickLine =
      sessionId +
      ',' +
      ip +
      ',' +
      platform +
      ',' +
      url +
      ',' +
      domain +
      ',' +
      appId +
      ',' +
      deviceId +
      ',' +
      shownUser +
      ',' +
      events +
      ',' +
      formatIsoTimestamp(start) +
      ',' +
      startEvent +
      ',' +
      formatIsoTimestamp(end) +
      ',' +
      endEvent +
      ',' +
      duration +
      ',' +
      userAgent +
      '\n';
    keepSample(context, 'clickstream', clickLine);
    if (clickOut.appendRow(clickLine)) {
      await clickOut.flush();
      reportProgress(context, 'clickstream', s + 1, total);
    }
    if (truth.appendRow(`session,${sessionId},${userName},${householdId},\n`)) await truth.flush();
  }
  reportProgress(context, 'cookie', web, web);
  reportProgress(context, 'clickstream', total, total);
}
