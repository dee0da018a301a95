/**
 * `npm run bench gremlin-text`: figures of the Gremlin text parser and the WebSocket endpoint.
 *
 * - parse rate: every traversal text of TinkerPop's feature suite (../shared/conformance), parsed
 *   repeatedly (queries/s and MB of text/s),
 * - round-trip latency (p50/p99) of a one-hop lookup through the Gremlin-Server-compatible endpoint:
 *   bytecode with the driver's DriverRemoteConnection (GraphBinary), and Gremlin text (eval op).
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import gremlin from 'gremlin';
import { PropertyGraph } from '../src/engine/property-graph.js';
import { parseGremlin } from '../src/engine/parser/index.js';
import { startGremlinServer } from '../src/engine/server/index.js';
import { parseFeature } from '../test/conformance/gherkin-reader.js';
import { listFeatureFiles } from '../test/conformance/scenario-runner.js';
import { printMachine } from './machine.js';

const featuresDir = resolve(process.cwd(), '..', 'shared', 'conformance', 'tinkerpop', 'features');

// Each text with its scenario's parameters bound to a stand-in value (the parser only needs a value).
const texts: Array<{ text: string; parameters: Record<string, unknown> }> = [];
for (const file of listFeatureFiles(featuresDir)) {
  for (const scenario of parseFeature(readFileSync(file, 'utf8'), file).scenarios) {
    const parameters: Record<string, unknown> = {};
    for (const step of scenario.steps) {
      const name = /^using the parameter (\w+)/.exec(step.text)?.[1];
      if (name) parameters[name] = 1;
      if (step.text === 'the traversal of' && step.docString) texts.push({ text: step.docString, parameters });
    }
  }
}
const parsable = texts.filter(({ text, parameters }) => {
  try {
    parseGremlin(text, parameters);
    return true;
  } catch {
    return false;
  }
});
const bytes = parsable.reduce((sum, { text }) => sum + Buffer.byteLength(text), 0);
const rounds = 20;
const parseStart = process.hrtime.bigint();
for (let round = 0; round < rounds; round++) for (const { text, parameters } of parsable) parseGremlin(text, parameters);
const parseSeconds = Number(process.hrtime.bigint() - parseStart) / 1e9;
console.log(`parse: ${parsable.length}/${texts.length} suite traversals parse`);
console.log(`parse rate: ${Math.round((parsable.length * rounds) / parseSeconds).toLocaleString('en-US')} queries/s, ${((bytes * rounds) / parseSeconds / 1e6).toFixed(1)} MB/s`);

// A small graph: the endpoint's cost, not the engine's, is what this measures.
const graph = new PropertyGraph({ defaultCardinality: 'set' });
for (let i = 0; i < 1000; i++) {
  const user = graph.addVertex(`user-${i}`, 'User');
  graph.setVertexProperty(user, 'name', `user ${i}`);
  const email = graph.addVertex(`email-${i}`, 'Email');
  graph.setVertexProperty(email, 'address', `user${i}@example.com`);
  graph.addEdge(`has-${i}`, 'hasEmail', user, email);
}
const server = await startGremlinServer({ graph });
const connection = new gremlin.driver.DriverRemoteConnection(server.url);
const client = new gremlin.driver.Client(server.url, { traversalSource: 'g' });
const g = gremlin.process.traversal().withRemote(connection);

async function measure(label: string, run: (i: number) => Promise<unknown>): Promise<void> {
  for (let i = 0; i < 200; i++) await run(i);
  const samples: number[] = [];
  for (let i = 0; i < 2000; i++) {
    const start = process.hrtime.bigint();
    await run(i % 1000);
    samples.push(Number(process.hrtime.bigint() - start) / 1e6);
  }
  samples.sort((a, b) => a - b);
  const p = (q: number): string => samples[Math.floor(q * (samples.length - 1))]!.toFixed(3);
  console.log(`${label}: p50 ${p(0.5)} ms, p99 ${p(0.99)} ms (${samples.length} requests)`);
}

await measure('endpoint bytecode (GraphBinary) g.V(id).out("hasEmail").values("address")', (i) =>
  g.V(`user-${i}`).out('hasEmail').values('address').toList(),
);
await measure('endpoint text (eval) same lookup', (i) => client.submit(`g.V('user-${i}').out('hasEmail').values('address')`));
await connection.close();
await client.close();
await server.close();
printMachine();
