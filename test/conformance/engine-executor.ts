/** Runs bytecode with the embedded engine for the conformance runner. */
import { executeToDriver } from '../../src/engine/execute.js';
import type { BytecodeExecutor } from './scenario-runner.js';

/** Runs bytecode with the embedded engine; results are driver values, bulk expanded. */
export const executeWithEngine: BytecodeExecutor = async (graph, bytecode, options) => {
  const traversers = (await executeToDriver(graph, bytecode as unknown as Parameters<typeof executeToDriver>[1], options)) as unknown as Array<{
    object: unknown;
    bulk: number;
  }>;
  const results: unknown[] = [];
  for (const traverser of traversers) {
    for (let i = 0; i < Number(traverser.bulk); i++) results.push(traverser.object);
  }
  return results;
};
