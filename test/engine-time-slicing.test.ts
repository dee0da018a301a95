/**
 * Time-sliced evaluation: a long traversal gives way to the event loop between slices, stops when
 * its signal fires, and gives the same results as an evaluation at once — checked over the whole
 * TinkerPop suite with a zero slice, which pauses at every chance, so a step that mistook the
 * pause marker for a traverser would fail scenarios.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { executeToDriver } from '../src/engine/execute.js';
import { evaluateGremlin } from '../src/engine/parser/index.js';
import { PropertyGraph } from '../src/engine/property-graph.js';
import { DEFAULT_FEATURES_DIR } from './conformance/run-conformance.js';
import { runConformance, type BytecodeExecutor } from './conformance/scenario-runner.js';

const floor = JSON.parse(readFileSync(join(import.meta.dirname, 'conformance', 'floor.json'), 'utf8')) as { passed: number };

function createChainGraph(size: number): PropertyGraph {
  const graph = new PropertyGraph();
  for (let i = 0; i < size; i++) graph.addVertex(`v${i}`, 'N');
  for (let i = 0; i < size; i++) {
    for (let k = 1; k <= 3; k++) graph.addEdge(`e${i}-${k}`, 'next', graph.getVertex(`v${i}`)!, graph.getVertex(`v${(i * 7 + k * 13) % size}`)!);
  }
  return graph;
}

describe('time-sliced evaluation', () => {
  it('lets timers run while a long traversal evaluates, and stops it on its signal', { timeout: 30_000 }, async () => {
    const graph = createChainGraph(3000);
    const controller = new AbortController();
    let timerRuns = 0;
    const timer = setInterval(() => {
      timerRuns++;
      if (timerRuns === 5) controller.abort(new Error('the client disconnected'));
    }, 5);
    try {
      const outcome = await evaluateGremlin(graph, 'g.V().repeat(both().simplePath()).times(8).count()', { timeSliceMs: 4, signal: controller.signal }).catch((error: unknown) => error);
      expect(outcome).toMatchObject({ name: 'OperationFailedError', message: expect.stringMatching(/evaluation stopped: the client disconnected/) });
      expect(timerRuns).toBe(5);
    } finally {
      clearInterval(timer);
    }
  });

  it('gives the same results sliced as at once', async () => {
    const graph = createChainGraph(200);
    for (const text of ['g.V().repeat(out()).times(3).count()', 'g.V().out().out().dedup().count()', 'g.V().repeat(both().simplePath()).times(3).path().count()', "g.V().has(label, 'N').limit(7).values('missing').fold()"]) {
      const atOnce = await evaluateGremlin(graph, text);
      expect(await evaluateGremlin(graph, text, { timeSliceMs: 0 }), text).toEqual(atOnce);
    }
  });

  it('passes the TinkerPop suite as well when it pauses at every chance', { timeout: 600_000 }, async () => {
    const execute: BytecodeExecutor = async (graph, bytecode, options) => {
      const traversers = (await executeToDriver(graph, bytecode as never, { ...options, timeSliceMs: 0 })) as unknown as Array<{ object: unknown; bulk: number }>;
      return traversers.flatMap((t) => Array.from({ length: Number(t.bulk) }, () => t.object));
    };
    const report = await runConformance({ featuresDir: DEFAULT_FEATURES_DIR, dataDir: join(DEFAULT_FEATURES_DIR, '..', 'data'), execute, timeoutMs: 10_000 });
    expect(report.passed).toBeGreaterThanOrEqual(floor.passed);
  });
});
