/**
 * `evaluateGremlin`: Gremlin text in, results out — parse, execute on the embedded engine, convert
 * to driver structure values — as Gremlin Server (and Neptune's string API) answer a script: a
 * list of results, the traversal iterated to the end unless the text ends with a terminal method
 * that says otherwise (`next()`, `next(n)`, `hasNext()`, `iterate()`, `toSet()`...).
 */
import { DeadlineExceededError, kitMessage } from '../../errors.js';
import { executeToDriver, type ExecuteOptions } from '../execute.js';
import type { PropertyGraph } from '../property-graph.js';
import { parseGremlinQueries, type ParsedGremlin, type TerminalMethod } from './gremlin-parser.js';

export interface EvaluateGremlinOptions extends Pick<ExecuteOptions, 'timeSliceMs' | 'signal' | 'deadline' | 'maxSteps'> {
  /** Values of variables used in the text (Gremlin Server's `bindings`). */
  parameters?: Record<string, unknown>;
  /** Abort after this many milliseconds with DeadlineExceededError; parsing counts too. */
  evaluationTimeoutMs?: number;
}

/**
 * Parses and runs Gremlin text against `graph`; resolves to the results as a list. Text holding
 * several queries (separated by `;` or line breaks) runs them in order and answers with the last
 * one's results, as Gremlin Server answers a script.
 */
export async function evaluateGremlin(graph: PropertyGraph, text: string, options: EvaluateGremlinOptions = {}): Promise<unknown[]> {
  const deadline = Math.min(options.deadline ?? Infinity, options.evaluationTimeoutMs !== undefined && options.evaluationTimeoutMs > 0 ? Date.now() + options.evaluationTimeoutMs : Infinity);
  const queries = parseGremlinQueries(text, options.parameters ?? {});
  if (Date.now() > deadline) throw new DeadlineExceededError(kitMessage('engine', 'evaluation exceeded the timeout (while parsing the text)'));
  let results: unknown[] = [];
  for (const query of queries) results = await runParsedQuery(graph, query, { ...options, deadline });
  return results;
}

async function runParsedQuery(graph: PropertyGraph, { bytecode, terminal }: ParsedGremlin, options: EvaluateGremlinOptions & { deadline: number }): Promise<unknown[]> {
  const executeOptions: ExecuteOptions = { deadline: options.deadline };
  if (options.timeSliceMs !== undefined) executeOptions.timeSliceMs = options.timeSliceMs;
  if (options.signal !== undefined) executeOptions.signal = options.signal;
  if (options.maxSteps !== undefined) executeOptions.maxSteps = options.maxSteps;
  const traversers = (await executeToDriver(graph, bytecode as unknown as Parameters<typeof executeToDriver>[1], executeOptions)) as unknown as Array<{ object: unknown; bulk: number }>;
  const results: unknown[] = [];
  for (const traverser of traversers) {
    for (let i = 0; i < Number(traverser.bulk); i++) results.push(traverser.object);
  }
  return applyTerminal(results, terminal);
}

/** Shapes the full result list as the text's terminal method asks. */
function applyTerminal(results: unknown[], terminal: TerminalMethod | undefined): unknown[] {
  switch (terminal?.name) {
    case undefined:
    case 'toList':
    case 'toBulkSet':
    case 'explain':
      return results;
    case 'iterate':
      return [];
    case 'next':
    case 'tryNext':
      return results.slice(0, terminal.args.length > 0 ? Number(terminal.args[0]) : 1);
    case 'hasNext':
      return [results.length > 0];
    case 'toSet': {
      const seen = new Set<string>();
      return results.filter((value) => {
        const key = typeof value === 'object' && value !== null ? JSON.stringify(value, (_k, v: unknown) => (typeof v === 'bigint' ? String(v) : v instanceof Map ? [...v] : v)) : `${typeof value}:${String(value)}`;
        if (seen.has(key)) return false;
        seen.add(key);
        return true;
      });
    }
    default:
      return results;
  }
}
