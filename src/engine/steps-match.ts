/**
 * `match()`: declarative pattern matching over step labels
 * (https://tinkerpop.apache.org/docs/3.7.3/reference/#match-step). Each pattern is
 * `as(start)...as(end)` (the end optional: then the pattern is a filter), `not(pattern)`,
 * `and/or(patterns)` or `where(...)`. Solved by backtracking from the bindings of the incoming
 * traverser; each solution is emitted as a map of the pattern labels.
 */
import type { Compiler, Pipeline, StepCompiler } from './compiler.js';
import { bytecodeOf, isTraversalArg, stepError } from './compiler.js';
import { hasResult } from './step-helpers.js';
import type { PathNode } from './traverser.js';
import { Traverser } from './traverser.js';
import { valuesEqual } from './values.js';

type Pattern =
  | { kind: 'traversal'; start: string; end?: string; pipe: Pipeline }
  | { kind: 'not'; child: Pattern }
  | { kind: 'and' | 'or'; children: Pattern[] }
  | { kind: 'where'; pipe: Pipeline };

function compilePattern(arg: unknown, c: Compiler): Pattern {
  if (!isTraversalArg(arg)) stepError('match', `patterns must be traversals, got ${String(arg)}`);
  const instructions = [...bytecodeOf(arg).stepInstructions];
  const first = instructions[0];
  if (instructions.length === 1 && first && (first[0] === 'not' || first[0] === 'and' || first[0] === 'or') && first.slice(1).every(isTraversalArg)) {
    const children = first.slice(1).map((a) => compilePattern(a, c));
    if (first[0] === 'not') return { kind: 'not', child: children[0]! };
    return { kind: first[0] as 'and' | 'or', children };
  }
  if (first && first[0] === 'where') return { kind: 'where', pipe: c.compile(instructions) };
  if (!first || first[0] !== 'as') stepError('match', 'each pattern must start with as(label)');
  instructions.shift();
  let end: string | undefined;
  if (instructions.length > 0 && instructions[instructions.length - 1]![0] === 'as') end = String(instructions.pop()![1]);
  return { kind: 'traversal', start: String(first[1]), end, pipe: c.compile(instructions) };
}

function collectLabels(p: Pattern, out: string[], ends: Set<string>): void {
  const add = (l: string): void => {
    if (!out.includes(l)) out.push(l);
  };
  if (p.kind === 'traversal') {
    add(p.start);
    if (p.end !== undefined) {
      add(p.end);
      ends.add(p.end);
    }
  } else if (p.kind === 'not') collectLabels(p.child, [], new Set());
  else if (p.kind === 'and' || p.kind === 'or') for (const ch of p.children) collectLabels(ch, out, ends);
}

function startOf(p: Pattern): string | undefined {
  if (p.kind === 'traversal') return p.start;
  if (p.kind === 'not') return startOf(p.child);
  if (p.kind === 'and' || p.kind === 'or') return startOf(p.children[0]!);
  return undefined;
}

/** A traverser positioned on a value, with the bindings as labelled path entries (for select/where inside patterns). */
function traverserFor(value: unknown, bindings: Map<string, unknown>, sack: unknown): Traverser {
  let path: PathNode | null = null;
  for (const [label, v] of bindings) path = { obj: v, labels: [label], prev: path };
  path = { obj: value, labels: [], prev: path };
  return new Traverser(value, 1, path, null, sack);
}

function ready(p: Pattern, bindings: Map<string, unknown>): boolean {
  if (p.kind === 'where') return true;
  const s = startOf(p);
  return s !== undefined && bindings.has(s);
}

function* solve(patterns: Pattern[], bindings: Map<string, unknown>, sack: unknown): Generator<Map<string, unknown>> {
  if (patterns.length === 0) {
    yield bindings;
    return;
  }
  // Run a pattern whose start is bound; where() filters wait until nothing else is left.
  let index = patterns.findIndex((p) => p.kind !== 'where' && ready(p, bindings));
  if (index < 0) index = patterns.findIndex((p) => p.kind === 'where');
  if (index < 0) return;
  const p = patterns[index]!;
  const rest = patterns.filter((_, i) => i !== index);
  switch (p.kind) {
    case 'traversal': {
      const start = traverserFor(bindings.get(p.start), bindings, sack);
      if (p.end === undefined) {
        if (hasResult(p.pipe, start)) yield* solve(rest, bindings, sack);
        return;
      }
      if (bindings.has(p.end)) {
        const target = bindings.get(p.end);
        for (const r of p.pipe.runFrom(start)) {
          if (valuesEqual(r.obj, target)) {
            yield* solve(rest, bindings, sack);
            return;
          }
        }
        return;
      }
      for (const r of p.pipe.runFrom(start)) {
        const next = new Map(bindings);
        next.set(p.end, r.obj);
        yield* solve(rest, next, sack);
      }
      return;
    }
    case 'not': {
      for (const _ of solve([p.child], bindings, sack)) return;
      yield* solve(rest, bindings, sack);
      return;
    }
    case 'and':
      yield* solve([...p.children, ...rest], bindings, sack);
      return;
    case 'or': {
      for (const ch of p.children) {
        for (const _ of solve([ch], bindings, sack)) {
          yield* solve(rest, bindings, sack);
          return;
        }
      }
      return;
    }
    default: {
      if (hasResult(p.pipe, new Traverser(new Map(bindings), 1, null, null, sack))) yield* solve(rest, bindings, sack);
    }
  }
}

const compileMatch: StepCompiler = (args, _mods, c) => {
  const patterns = args.map((a) => compilePattern(a, c));
  const labels: string[] = [];
  const ends = new Set<string>();
  for (const p of patterns) collectLabels(p, labels, ends);
  // The incoming object binds the first start label that no pattern produces (MatchStep's start label).
  const starts = patterns.map(startOf).filter((s): s is string => s !== undefined);
  const startLabel = starts.find((s) => !ends.has(s)) ?? starts[0];
  return function* (input) {
    for (const t of input) {
      const bindings = new Map<string, unknown>();
      for (let n = t.path; n; n = n.prev) for (const l of n.labels) if (labels.includes(l) && !bindings.has(l)) bindings.set(l, n.obj);
      if (startLabel !== undefined && !bindings.has(startLabel)) bindings.set(startLabel, t.obj);
      for (const solution of solve(patterns, bindings, t.sack)) {
        const out = new Map<string, unknown>();
        for (const l of labels) if (solution.has(l)) out.set(l, solution.get(l));
        yield t.split(out, c.ctx.trackPath);
      }
    }
  };
};

export const matchSteps: Record<string, StepCompiler> = { match: compileMatch };
