/**
 * Parsing and compiling grow linearly with the number of steps (they were quadratic: every step
 * kept a copy of the rest of the traversal), and a server refuses traversals beyond its size
 * bound with a clear error. Timings are compared as ratios between N and 4N steps, best of three,
 * with a wide margin (linear: about 4, quadratic: about 16), not against wall-clock thresholds.
 */
import { describe, expect, it } from 'vitest';
import { Compiler } from '../src/engine/compiler.js';
import { STEP_TABLE, createContext } from '../src/engine/execute.js';
import { evaluateGremlin } from '../src/engine/parser/index.js';
import { parseGremlinQueries } from '../src/engine/parser/gremlin-parser.js';
import { PropertyGraph } from '../src/engine/property-graph.js';
import { startGremlinServer } from '../src/engine/server/index.js';

function bestOf3(work: () => void): number {
  let best = Infinity;
  for (let i = 0; i < 3; i++) {
    const started = performance.now();
    work();
    best = Math.min(best, performance.now() - started);
  }
  return best;
}

describe('traversal size', () => {
  it('parses and compiles in time linear in the number of steps', () => {
    const graph = new PropertyGraph();
    const parseAndCompile = (steps: number) => {
      const text = 'g.V().limit(10)' + ".hasLabel('User')".repeat(steps);
      return () => {
        const [query] = parseGremlinQueries(text, {});
        const bytecode = query!.bytecode as unknown as Parameters<typeof createContext>[1];
        new Compiler(createContext(graph, bytecode), STEP_TABLE).compile(bytecode.stepInstructions);
      };
    };
    parseAndCompile(2_000)(); // warm-up
    const small = bestOf3(parseAndCompile(10_000));
    const large = bestOf3(parseAndCompile(40_000));
    expect(large / small, `10,000 steps ${small.toFixed(1)} ms, 40,000 steps ${large.toFixed(1)} ms`).toBeLessThan(9);
  });

  it('runs the issue traversal of 80,000 identity() steps', async () => {
    const graph = new PropertyGraph();
    for (let i = 0; i < 20; i++) graph.addVertex(`u${i}`, 'User');
    expect(await evaluateGremlin(graph, 'g.V().limit(10)' + '.identity()'.repeat(80_000) + '.count()')).toEqual([10]);
  });

  it('refuses a traversal larger than the server accepts, naming the bound', async () => {
    const graph = new PropertyGraph();
    const server = await startGremlinServer({ graph, maxTraversalSteps: 100 });
    try {
      const response = await fetch(server.httpUrl, { method: 'POST', body: JSON.stringify({ gremlin: 'g.V()' + '.out()'.repeat(150) }) });
      expect(response.status).toBe(500);
      const body = (await response.json()) as { message: string };
      expect(body.message).toMatch(/the traversal has 151 steps, more than the 100 this server accepts/);
      const fine = await fetch(server.httpUrl, { method: 'POST', body: JSON.stringify({ gremlin: 'g.V()' + '.out()'.repeat(50) + '.count()' }) });
      expect(fine.status).toBe(200);
    } finally {
      await server.close();
    }
  });
});
