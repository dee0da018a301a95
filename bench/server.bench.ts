/**
 * `npm run bench server`: the Gremlin server (`idgraph serve`'s endpoint) under concurrent load.
 *
 * Small identity queries (`g.V(id).out().values('name')`: a user's linked identifiers) over
 * WebSocket with the gremlin driver's Client (GraphBinary), from 1, 8 and 64 concurrent clients
 * each sending one query after the other for SERVER_BENCH_SECONDS (default 3) seconds; printed:
 * queries/s and p50/p99 latency — first with the server otherwise idle, then while one more
 * client runs a long query (`g.V().repeat(both().simplePath()).times(8).count()`, minutes of
 * work) that the time-sliced evaluator interleaves with the small ones.
 *
 * Clients and server share this process (loopback), so the figures include the driver's own work
 * per request; the graph is SERVER_BENCH_USERS (default 20,000) users with three identifiers each.
 */
import { cpus, loadavg } from 'node:os';
import gremlin from 'gremlin';
import { PropertyGraph } from '../src/engine/index.js';
import { startGremlinServer } from '../src/engine/server/index.js';

const users = Number(process.env.SERVER_BENCH_USERS ?? 20_000);
const seconds = Number(process.env.SERVER_BENCH_SECONDS ?? 3);
const LONG_QUERY = 'g.V().repeat(both().simplePath()).times(8).count()';

/** The machine the figures come from (CPU model, cores, load average at the start). */
function describeMachine(): string {
  const cores = cpus();
  return `${cores[0]?.model ?? 'unknown CPU'}, ${cores.length} cores, load average ${loadavg()
    .map((l) => l.toFixed(2))
    .join(' ')}, Node ${process.version}`;
}

/** Users, each linked to an email, a phone and a device; every tenth device shared with the next user. */
function createIdentityGraph(count: number): PropertyGraph {
  const graph = new PropertyGraph();
  for (let i = 0; i < count; i++) {
    const user = graph.addVertex(`user-${i}`, 'User');
    for (const [kind, key] of [
      ['Email', 'email'],
      ['Phone', 'phone'],
      ['Device', 'device'],
    ] as const) {
      const id = kind === 'Device' && i % 10 === 1 ? `device-${i - 1}` : `${key}-${i}`;
      let target = graph.getVertex(id);
      if (!target) {
        target = graph.addVertex(id, kind);
        graph.setVertexProperty(target, 'name', id);
      }
      graph.addEdge(`${id}-of-${i}`, 'has', user, target);
    }
  }
  return graph;
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((sorted.length * p) / 100))] ?? NaN;
}

async function measure(url: string, concurrency: number): Promise<{ rate: number; p50: number; p99: number; count: number }> {
  const clients = Array.from({ length: concurrency }, () => new gremlin.driver.Client(url, { traversalSource: 'g', mimeType: 'application/vnd.graphbinary-v1.0' }));
  await Promise.all(clients.map((c) => c.open()));
  const latencies: number[] = [];
  const end = performance.now() + seconds * 1000;
  const started = performance.now();
  await Promise.all(
    clients.map(async (client, k) => {
      for (let i = k; performance.now() < end; i += concurrency) {
        const t0 = performance.now();
        await client.submit('g.V(uid).out().values("name")', { uid: `user-${(i * 7919) % users}` });
        latencies.push(performance.now() - t0);
      }
    }),
  );
  const elapsed = (performance.now() - started) / 1000;
  await Promise.all(clients.map((c) => c.close()));
  latencies.sort((a, b) => a - b);
  return { rate: latencies.length / elapsed, p50: percentile(latencies, 50), p99: percentile(latencies, 99), count: latencies.length };
}

console.log(`machine: ${describeMachine()}`);
const graph = createIdentityGraph(users);
console.log(`graph: ${graph.vertexCount} vertices, ${graph.edgeCount} edges; ${seconds} s per row`);
const server = await startGremlinServer({ graph });
// Warm-up: the first queries compile the code paths.
await measure(server.url, 8);
for (const withLong of [false, true]) {
  let long: InstanceType<typeof gremlin.driver.Client> | undefined;
  if (withLong) {
    long = new gremlin.driver.Client(server.url, { traversalSource: 'g' });
    void long.submit(LONG_QUERY).catch(() => undefined);
    while (server.running === 0) await new Promise((resolve) => setTimeout(resolve, 10));
  }
  for (const concurrency of [1, 8, 64]) {
    const r = await measure(server.url, concurrency);
    console.log(
      `${withLong ? 'with a long query ' : 'idle server       '} ${String(concurrency).padStart(2)} clients: ${Math.round(r.rate).toLocaleString('en-US').padStart(7)} queries/s, p50 ${r.p50.toFixed(2)} ms, p99 ${r.p99.toFixed(2)} ms (${r.count} queries)`,
    );
  }
  if (long) {
    await long.close();
    while (server.running > 0) await new Promise((resolve) => setTimeout(resolve, 10));
  }
}
await server.close();
