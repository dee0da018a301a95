/**
 * Branch steps: `repeat` (with `times/until/emit` before or after it, and named loops), `union`,
 * `coalesce`, `choose`, `branch`/`option`, `optional`, `local`, `map`, `flatMap`
 * (https://tinkerpop.apache.org/docs/3.7.3/reference/#repeat-step).
 */
import type { Compiler, Pipeline, StepCompiler } from './compiler.js';
import { PAUSE, checkDeadline, isTraversalArg, passesPause, stepError } from './compiler.js';
import type { PredicateLike } from './predicates.js';
import { isPredicate, passes } from './predicates.js';
import type { Maybe } from './step-helpers.js';
import { NONE, enumName, firstResult, hasResult, isEnum, rejectLambda } from './step-helpers.js';
import type { LoopFrame } from './traverser.js';
import { Traverser, addBulk } from './traverser.js';
import { hashKey, valuesEqual } from './values.js';

/** A loop condition: a traversal that must yield something, a predicate, or a loop count. */
type LoopTest = (t: Traverser) => boolean;

function loopTest(arg: unknown, c: Compiler, step: string): LoopTest {
  rejectLambda(step, arg);
  if (arg === undefined) return () => true;
  if (isPredicate(arg)) return (t) => passes(arg, t.obj);
  if (isTraversalArg(arg)) {
    const p = c.child(arg);
    return (t) => hasResult(p, t);
  }
  return stepError(step, `unsupported argument ${String(arg)}`);
}

const compileRepeat: StepCompiler = (args, mods, c) => {
  const name = typeof args[0] === 'string' ? args[0] : null;
  const body = c.child(name === null ? args[0] : args[1]);
  let untilPre: LoopTest | undefined;
  let untilPost: LoopTest | undefined;
  let emitPre: LoopTest | undefined;
  let emitPost: LoopTest | undefined;
  for (const m of mods.loop) {
    if (m.name === 'times') {
      const n = Number(m.args[0]);
      const test: LoopTest = (t) => (t.loops?.count ?? 0) >= n;
      if (m.pre) untilPre = test;
      else untilPost = test;
    } else if (m.name === 'until') {
      if (m.pre) untilPre = loopTest(m.args[0], c, 'until');
      else untilPost = loopTest(m.args[0], c, 'until');
    } else {
      if (m.pre) emitPre = loopTest(m.args[0], c, 'emit');
      else emitPost = loopTest(m.args[0], c, 'emit');
    }
  }
  const ctx = c.ctx;
  const pop = (t: Traverser): Traverser => t.withLoops(t.loops?.prev ?? null);
  const increment = (t: Traverser): Traverser => {
    const f = t.loops!;
    return t.withLoops({ name: f.name, count: f.count + 1, prev: f.prev });
  };
  function* iterate(t: Traverser): Generator<Traverser> {
    if (checkDeadline(ctx)) yield PAUSE;
    if (untilPre && untilPre(t)) {
      yield pop(t);
      return;
    }
    if (emitPre && emitPre(t)) yield pop(t);
    for (const r0 of body.runPausing([t])) {
      if (r0 === PAUSE) {
        yield r0;
        continue;
      }
      const r = increment(r0);
      if (untilPost && untilPost(r)) {
        yield pop(r);
        continue;
      }
      if (emitPost && emitPost(r)) yield pop(r);
      yield* iterate(r);
    }
  }
  if (ctx.trackPath) {
    // Paths are tracked: depth-first, one traverser at a time, keeping each path.
    return passesPause(function* (input) {
      for (const t of input) {
        if (t === PAUSE) {
          yield t;
          continue;
        }
        const frame: LoopFrame = { name, count: 0, prev: t.loops };
        yield* iterate(t.withLoops(frame));
      }
    });
  }
  // No paths: breadth-first, one loop at a time, merging equal traversers into one with a bulk
  // (TinkerPop's bulking), so repeat(out()).times(8).count() costs per distinct vertex, not per path.
  return passesPause(function* (input) {
    let level: Traverser[] = [];
    for (const t of input) {
      if (t === PAUSE) yield t;
      else level.push(t.withLoops({ name, count: 0, prev: t.loops }));
    }
    while (level.length > 0) {
      if (checkDeadline(ctx)) yield PAUSE;
      const active: Traverser[] = [];
      for (const t of level) {
        if (untilPre && untilPre(t)) {
          yield pop(t);
          continue;
        }
        if (emitPre && emitPre(t)) yield pop(t);
        active.push(t);
      }
      const merged = new Map<string, Traverser>();
      const next: Traverser[] = [];
      for (const r0 of body.runPausing(active)) {
        if (r0 === PAUSE) {
          yield r0;
          continue;
        }
        const r = increment(r0);
        if (untilPost && untilPost(r)) {
          yield pop(r);
          continue;
        }
        if (emitPost && emitPost(r)) yield pop(r);
        if (r.sack !== undefined) {
          next.push(r);
          continue;
        }
        const key = hashKey(r.obj) + loopKey(r.loops);
        const found = merged.get(key);
        if (found) found.bulk = addBulk(found.bulk, r.bulk);
        else {
          const copy = r.withBulk(r.bulk);
          merged.set(key, copy);
          next.push(copy);
        }
      }
      level = next;
    }
  });
};

function loopKey(frame: LoopFrame | null): string {
  let key = '';
  for (let f = frame; f; f = f.prev) key += '|' + (f.name ?? '') + ':' + f.count;
  return key;
}

/**
 * union(): every branch gets every incoming traverser. Branches with a barrier at their top level
 * (count(), fold() ...) see all traversers at once — one count for the lot, as TinkerPop's global
 * children do; other branches run per traverser, keeping results next to their input.
 */
const compileUnion: StepCompiler = (args, _mods, c) => {
  const branches = args.map((a) => c.child(a));
  const global = needsGlobalRun(branches);
  if (global) {
    return function* (input) {
      const all = [...input];
      for (const b of branches) yield* b.run(all);
    };
  }
  return function* (input) {
    for (const t of input) for (const b of branches) yield* b.runFrom(t);
  };
};

const compileCoalesce: StepCompiler = (args, _mods, c) => {
  const branches = args.map((a) => c.child(a));
  return function* (input) {
    for (const t of input) {
      for (const b of branches) {
        let any = false;
        for (const r of b.runFrom(t)) {
          any = true;
          yield r;
        }
        if (any) break;
      }
    }
  };
};

/** The option()s of choose()/branch(): key → branch, with Pick.none and Pick.any. */
interface Options {
  keyed: { key: unknown; test?: PredicateLike | Pipeline; branch: Pipeline }[];
  none?: Pipeline;
  any?: Pipeline;
}

function compileOptions(mods: unknown[][], c: Compiler, step: string): Options {
  const options: Options = { keyed: [] };
  for (const [key, branch] of mods) {
    const p = c.child(branch);
    if (isEnum(key, 'Pick', 'none')) options.none = p;
    else if (isEnum(key, 'Pick', 'any')) options.any = p;
    else if (isPredicate(key)) options.keyed.push({ key, test: key, branch: p });
    else if (isTraversalArg(key)) options.keyed.push({ key, test: c.child(key), branch: p });
    else {
      rejectLambda(step, key);
      options.keyed.push({ key, branch: p });
    }
  }
  return options;
}

function pickBranches(options: Options, choice: Maybe<unknown>, t: Traverser): Pipeline[] {
  const picked: Pipeline[] = [];
  for (const o of options.keyed) {
    if (o.test === undefined) {
      if (choice !== NONE && valuesEqual(o.key, choice)) picked.push(o.branch);
    } else if (isPredicate(o.test)) {
      if (choice !== NONE && passes(o.test, choice)) picked.push(o.branch);
    } else if (hasResult(o.test as Pipeline, choice === NONE ? t : t.withObject(choice))) picked.push(o.branch);
  }
  if (options.any) picked.push(options.any);
  if (picked.length === 0 || (picked.length === 1 && picked[0] === options.any)) {
    if (options.none) picked.unshift(options.none);
  }
  return picked;
}

const BARRIER_STEPS = new Set(['count', 'sum', 'min', 'max', 'mean', 'fold', 'group', 'groupCount', 'order', 'dedup', 'aggregate', 'cap', 'barrier', 'tail', 'sample', 'range', 'limit', 'skip', 'tree']);

/** True when a branch has a barrier at its top level: then it must see all its traversers at once. */
function needsGlobalRun(branches: Pipeline[]): boolean {
  return branches.some((b) => b.instructions.some((i) => BARRIER_STEPS.has(i[0] as string) && !isEnum(i[1], 'Scope', 'local')));
}

function allBranches(options: Options): Pipeline[] {
  return [...options.keyed.map((o) => o.branch), ...(options.none ? [options.none] : []), ...(options.any ? [options.any] : [])];
}

/** Runs option branches over all their traversers together (TinkerPop's global children). */
function* runGlobally(input: Iterable<Traverser>, options: Options, pick: (t: Traverser) => Pipeline[]): Generator<Traverser, void, undefined> {
  const assigned = new Map<Pipeline, Traverser[]>();
  for (const t of input) {
    for (const b of pick(t)) {
      const list = assigned.get(b);
      if (list) list.push(t);
      else assigned.set(b, [t]);
    }
  }
  for (const b of allBranches(options)) {
    const list = assigned.get(b);
    if (list) yield* b.run(list);
  }
}

const compileChoose: StepCompiler = (args, mods, c) => {
  const [cond, whenTrue, whenFalse] = args;
  rejectLambda('choose', cond);
  if (args.length >= 2 || isPredicate(cond)) {
    const test: (t: Traverser) => boolean = isPredicate(cond) ? (t) => passes(cond, t.obj) : ((p) => (t: Traverser) => hasResult(p, t))(c.child(cond));
    const yes = whenTrue === undefined ? undefined : c.child(whenTrue);
    const no = whenFalse === undefined ? undefined : c.child(whenFalse);
    return function* (input) {
      for (const t of input) {
        const branch = test(t) ? yes : no;
        if (branch) yield* branch.runFrom(t);
        else yield t;
      }
    };
  }
  const chooser = c.child(cond);
  const options = compileOptions(mods.option, c, 'choose');
  if (needsGlobalRun(allBranches(options))) return (input) => runGlobally(input, options, (t) => pickBranches(options, firstResult(chooser, t), t));
  return function* (input) {
    for (const t of input) {
      const choice = firstResult(chooser, t);
      // With no matching option and no Pick.none, the traverser goes nowhere.
      for (const b of pickBranches(options, choice, t)) yield* b.runFrom(t);
    }
  };
};

const compileBranch: StepCompiler = (args, mods, c) => {
  rejectLambda('branch', args[0]);
  const chooser = c.child(args[0]);
  const options = compileOptions(mods.option, c, 'branch');
  // branch() sends the traverser down every option matching any of the chooser's results.
  const pick = (t: Traverser): Pipeline[] => {
    const choices = [...chooser.runFrom(t)].map((r) => r.obj);
    const seen = new Set<Pipeline>();
    const picked: Pipeline[] = [];
    for (const ch of choices.length > 0 ? choices : [NONE]) {
      for (const b of pickBranches(options, ch, t)) {
        if (!seen.has(b)) {
          seen.add(b);
          picked.push(b);
        }
      }
    }
    return picked;
  };
  if (needsGlobalRun(allBranches(options))) return (input) => runGlobally(input, options, pick);
  return function* (input) {
    for (const t of input) for (const b of pick(t)) yield* b.runFrom(t);
  };
};

const compileOptional: StepCompiler = (args, _mods, c) => {
  const p = c.child(args[0]);
  return function* (input) {
    for (const t of input) {
      let any = false;
      for (const r of p.runFrom(t)) {
        any = true;
        yield r;
      }
      if (!any) yield t;
    }
  };
};

const compileLocal: StepCompiler = (args, _mods, c) => {
  const p = c.child(args[0]);
  return function* (input) {
    for (const t of input) yield* p.runFrom(t);
  };
};

const compileFlatMap: StepCompiler = (args, _mods, c) => {
  rejectLambda('flatMap', args[0]);
  const p = c.child(args[0]);
  return function* (input) {
    for (const t of input) for (const r of p.runFrom(t)) yield t.split(r.obj, c.ctx.trackPath);
  };
};

const compileMap: StepCompiler = (args, _mods, c) => {
  rejectLambda('map', args[0]);
  const p = c.child(args[0]);
  return function* (input) {
    for (const t of input) {
      const v = firstResult(p, t);
      if (v !== NONE) yield t.split(v, c.ctx.trackPath);
    }
  };
};

export const branchSteps: Record<string, StepCompiler> = {
  repeat: compileRepeat,
  union: compileUnion,
  coalesce: compileCoalesce,
  choose: compileChoose,
  branch: compileBranch,
  optional: compileOptional,
  local: compileLocal,
  flatMap: compileFlatMap,
  map: compileMap,
};

export { enumName, hashKey };
