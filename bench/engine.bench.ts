/**
 * `npm run bench engine`: the embedded Gremlin engine's figures.
 *
 * - load rate into the store (elements/s; target >= 1,000,000),
 * - memory per element ((heapUsed + arrayBuffers) delta after gc / elements: the store keeps its
 *   element data in typed arrays, outside the JS heap; target < 300 bytes),
 * - p50/p99 latency of an identity lookup through the driver and LocalConnection — all
 *   identifiers of one user: email, phone, customer id, the sessions and cookies logged as it,
 *   and their devices and IPs (target p50 < 0.2 ms),
 *
 * on a graph of the identity-graph shape (DESIGN.md §4) built from ENGINE_BENCH_RECORDS generated
 * records (default 1,000,000). The shape is synthesised here, with the generator's proportions
 * (per N records: N users with email/phone/customer id, N purchases, N/4 cookies, 3N/4 sessions,
 * 30 % distinct IPs and devices), rather than read from src/datagen + src/etl output: going
 * through CSV files would measure the CSV pipeline, not the store.
 *
 * The process re-launches itself with a larger heap (the graph of 1,000,000 records has about
 * 16 million elements) and larger young-generation semi-spaces (a bulk load keeps nearly every
 * object it allocates; with the default 16 MB semi-spaces the scavenger copies them over and over).
 */
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import gremlin from 'gremlin';
import { LocalConnection, PropertyGraph } from '../src/engine/index.js';
import { printMachine } from './machine.js';

const records = Number(process.env.ENGINE_BENCH_RECORDS ?? 1_000_000);

if (!process.env.ENGINE_BENCH_CHILD) {
  const result = spawnSync(process.execPath, ['--max-old-space-size=12000', '--max-semi-space-size=64', '--expose-gc', '--import', 'tsx', fileURLToPath(import.meta.url)], {
    stdio: 'inherit',
    env: { ...process.env, ENGINE_BENCH_CHILD: '1' },
  });
  process.exit(result.status ?? 1);
}

/** A small deterministic PRNG (mulberry32), so runs are comparable. */
function createRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function gc(): void {
  const collect = (globalThis as { gc?: () => void }).gc;
  if (collect) {
    collect();
    collect();
  }
}

const SESSION_KEYS = ['events'];
const SESSION_CARDINALITIES: ('single' | 'set' | 'list')[] = ['single'];

/** Builds the identity graph of `n` records; returns the user ids. */
function buildIdentityGraph(graph: PropertyGraph, n: number): string[] {
  const random = createRandom(42);
  const pick = (k: number): number => Math.floor(random() * k);
  const users: number[] = [];
  const userIds: string[] = [];
  const pool = (label: string, prefix: string, size: number): number[] => {
    const out: number[] = [];
    for (let i = 0; i < size; i++) out.push(graph.addVertexRecord(`${prefix}:${i}`, label));
    return out;
  };
  const countries = pool('Country', 'country', 200);
  const cities = pool('City', 'city', 5000);
  cities.forEach((c, i) => graph.addEdgeRecord(`inCountry:${i}`, 'inCountry', c, countries[i % countries.length]!));
  const postcodes = pool('PostCode', 'postcode', 20000);
  const loyalty = pool('LoyaltyLevel', 'loyalty', 4);
  const categories = pool('ProductCategory', 'category', 50);
  const products = pool('Product', 'product', 2000);
  products.forEach((p, i) => graph.addEdgeRecord(`inCategory:${i}`, 'inCategory', p, categories[i % categories.length]!));
  const domains = pool('DomainName', 'domain', 500);
  const agents = pool('UserAgent', 'agent', 300);
  const distinct = Math.max(1, Math.floor((n * 3) / 4 * 0.3));
  const ips = pool('ClientIP', 'ip', distinct);
  const devices = pool('DeviceID', 'device', distinct);
  const emails: number[] = [];
  const customers: number[] = [];
  for (let i = 0; i < n; i++) {
    const id = `user:u${i}`;
    const user = graph.addVertexRecord(id, 'User');
    users.push(user);
    userIds.push(id);
    const email = graph.addVertexRecord(`email:u${i}@example.com`, 'Email');
    const phone = graph.addVertexRecord(`phone:+1555${String(i).padStart(7, '0')}`, 'PhoneNumber');
    const customer = graph.addVertexRecord(`customer:${i}`, 'CustomerID');
    emails.push(email);
    customers.push(customer);
    graph.addEdgeRecord(`hasEmail:${i}`, 'hasEmail', user, email);
    graph.addEdgeRecord(`hasPhone:${i}`, 'hasPhone', user, phone);
    graph.addEdgeRecord(`hasExternalId:${i}`, 'hasExternalId', user, customer);
    graph.addEdgeRecord(`hasPostCode:${i}`, 'hasPostCodeAddress', user, postcodes[pick(postcodes.length)]!);
    graph.addEdgeRecord(`hasCity:${i}`, 'hasCityAddress', user, cities[pick(cities.length)]!);
    graph.setEdgePropertyAt(graph.addEdgeRecord(`hasLoyalty:${i}`, 'hasLoyaltyLevel', user, loyalty[pick(loyalty.length)]!), 'loyalty_points', pick(10000));
  }
  for (let i = 0; i < n; i++) {
    const buyer = random() < 0.5 ? emails[pick(n)]! : customers[pick(n)]!;
    const e = graph.addEdgeRecord(`purchase:${i}`, 'hasPurchased', buyer, products[pick(products.length)]!);
    graph.setEdgePropertyAt(e, 'reward_points', pick(500));
  }
  const sessions = Math.floor((n * 3) / 4);
  const cookies = Math.floor(n / 4);
  for (let i = 0; i < sessions; i++) {
    const session = graph.addVertexRecord(`session:${i}`, 'SessionID');
    // A new vertex's first properties, as the bulk loader sets them (kept packed).
    graph.setNewVertexProperties(graph.vertexAt(session), SESSION_KEYS, [pick(100)], SESSION_CARDINALITIES, 1);
    const user = users[pick(n)]!;
    graph.addEdgeRecord(`session-loggedAs:${i}`, 'loggedAs', session, user);
    graph.addEdgeRecord(`lastSeenAtIP:${i}`, 'lastSeenAtIP', session, ips[pick(ips.length)]!);
    graph.addEdgeRecord(`lastSeenAtDomain:${i}`, 'lastSeenAtDomain', session, domains[pick(domains.length)]!);
    graph.addEdgeRecord(`usedUserAgent:${i}`, 'usedUserAgent', session, agents[pick(agents.length)]!);
    if (i % 3 === 0) graph.addEdgeRecord(`usedDevice:${i}`, 'usedDevice', session, devices[pick(devices.length)]!);
    if (i < cookies) {
      // Web sessions share their session id with a cookie row.
      const cookie = graph.addVertexRecord(`cookie:${i}`, 'Cookie');
      graph.addEdgeRecord(`hasCookie:${i}`, 'hasCookie', session, cookie);
      graph.addEdgeRecord(`cookie-loggedAs:${i}`, 'loggedAs', cookie, user);
    }
  }
  return userIds;
}

/** JS heap plus ArrayBuffer memory (the store's typed arrays live outside the heap). */
function usedMemory(): number {
  const m = process.memoryUsage();
  return m.heapUsed + m.arrayBuffers;
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))]!;
}

async function main(): Promise<void> {
  console.log(`engine bench: identity graph synthesised in the bench (DESIGN.md §4 shape), ${records.toLocaleString('en-US')} records`);
  gc();
  const heapBefore = usedMemory();
  const graph = new PropertyGraph();
  const start = process.hrtime.bigint();
  const cpuStart = process.cpuUsage();
  const userIds = buildIdentityGraph(graph, records);
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  const cpu = process.cpuUsage(cpuStart);
  const cpuSeconds = (cpu.user + cpu.system) / 1e6;
  const elements = graph.vertexCount + graph.edgeCount;
  console.log(`graph: ${graph.vertexCount.toLocaleString('en-US')} vertices, ${graph.edgeCount.toLocaleString('en-US')} edges`);
  // On a shared machine the wall-clock rate depends on the load; the per-CPU-second rate less so.
  console.log(`load rate: ${Math.round(elements / seconds).toLocaleString('en-US')} elements/s wall (${seconds.toFixed(2)} s), ${Math.round(elements / cpuSeconds).toLocaleString('en-US')} elements per CPU-second (target >= 1,000,000; load average ${(await import('node:os')).loadavg()[0]!.toFixed(1)})`);
  gc();
  const heapAfter = usedMemory();
  // The bench's own arrays of user ids are part of the delta; they are small next to the graph.
  console.log(`memory per element: ${Math.round((heapAfter - heapBefore) / elements)} bytes (heapUsed + arrayBuffers delta after gc; target < 300)`);

  const g = gremlin.process.AnonymousTraversalSource.traversal().withRemote(new LocalConnection(graph));
  const __ = gremlin.process.statics;
  const lookup = (userId: string): Promise<unknown[]> =>
    g
      .V(userId)
      .union(
        __.out('hasEmail', 'hasPhone', 'hasExternalId'),
        __.in_('loggedAs').union(__.identity(), __.out('usedDevice', 'lastSeenAtIP')),
      )
      .dedup()
      .id()
      .toList();
  const random = createRandom(7);
  for (let i = 0; i < 500; i++) await lookup(userIds[Math.floor(random() * userIds.length)]!);
  const samples: number[] = [];
  let identifiers = 0;
  for (let i = 0; i < 5000; i++) {
    const id = userIds[Math.floor(random() * userIds.length)]!;
    const t0 = process.hrtime.bigint();
    const ids = await lookup(id);
    samples.push(Number(process.hrtime.bigint() - t0) / 1e6);
    identifiers += ids.length;
  }
  samples.sort((a, b) => a - b);
  console.log(`identity lookup (driver traversal via LocalConnection, ${samples.length} users, ${(identifiers / samples.length).toFixed(1)} identifiers each): p50 ${percentile(samples, 0.5).toFixed(3)} ms, p99 ${percentile(samples, 0.99).toFixed(3)} ms (target p50 < 0.2 ms)`);

  const byValue: number[] = [];
  graph.verticesWithValue('events', 1);
  for (let i = 0; i < 2000; i++) {
    const t0 = process.hrtime.bigint();
    await g.V().has('SessionID', 'events', i % 100).limit(1).id().toList();
    byValue.push(Number(process.hrtime.bigint() - t0) / 1e6);
  }
  byValue.sort((a, b) => a - b);
  console.log(`has(label, key, value) lookup through the value index: p50 ${percentile(byValue, 0.5).toFixed(3)} ms, p99 ${percentile(byValue, 0.99).toFixed(3)} ms`);
}

await main();
printMachine();
