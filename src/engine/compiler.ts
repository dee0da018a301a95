/**
 * Compiles Gremlin bytecode (the `gremlin` driver's `Bytecode`: `[name, ...args]` instructions)
 * into a pipeline of lazy stages — each stage maps an iterable of traversers to another — so
 * `limit()` on a large graph stops pulling early. Modulators (`by`, `option`, `with`, `from`,
 * `to`, and `times`/`until`/`emit` around `repeat`) are gathered onto the step they modulate, as
 * TinkerPop's `GraphTraversal` does (https://tinkerpop.apache.org/docs/3.7.3/reference/#graph-traversal-steps).
 */
import { InvalidInputError, kitMessage } from '../errors.js';
import type { PropertyGraph } from './property-graph.js';
import { Traverser } from './traverser.js';

/** The engine's error backend tag: messages read `[kit] [engine] ...`. */
export const ENGINE = 'engine';

/** Raises an error naming the step and the reason. */
export function stepError(step: string, reason: string, cause?: unknown): never {
  throw new InvalidInputError(kitMessage(ENGINE, `${step}(): ${reason}`), { cause });
}

/** One bytecode instruction: the step name, then its arguments. */
export type Instruction = readonly unknown[];

/** Bytecode as the driver builds it. */
export interface BytecodeLike {
  sourceInstructions: Instruction[];
  stepInstructions: Instruction[];
}

/** A stage of the pipeline: traversers in, traversers out, lazily. */
export type Stage = (input: Iterable<Traverser>) => Iterable<Traverser>;

/** The modulators following a step in the bytecode. */
export interface Modulators {
  by: unknown[][];
  option: unknown[][];
  with: unknown[][];
  from?: unknown[];
  to?: unknown[];
  /** For repeat: `times`/`until`/`emit` before (`pre`) or after the step. */
  loop: { name: string; args: unknown[]; pre: boolean }[];
  /** Step labels (`as`) that follow the step directly. */
  labels: string[];
  /**
   * For addV/addE: the `property(key, value)` steps (no cardinality, no meta-properties) right
   * after it, folded into it as TinkerPop folds them (GraphTraversal.property): they are set when
   * the element is made, their traversals evaluated against the traverser that entered the step.
   */
  properties: unknown[][];
  /**
   * The instructions after this step and its modulators (for index selection by `V()`): a
   * function, so that compiling does not copy the rest of the traversal for every step (which made
   * compiling quadratic in the number of steps).
   */
  following: () => readonly Instruction[];
}

/** Execution context shared by a traversal and all its children. */
export interface ExecutionContext {
  readonly graph: PropertyGraph;
  readonly sideEffects: Map<string, unknown>;
  /** Reducers of `withSideEffect(key, value, operator)`. */
  readonly sideEffectReducers: Map<string, unknown>;
  /** True when some step needs paths (path, select, simplePath ...); otherwise paths are not kept. */
  trackPath: boolean;
  /** Initial sack value (from `withSack`), a function so mutable seeds are copied per traverser. */
  sackInit?: () => unknown;
  /** The merge operator of `withSack(value, operator)` (used by barriers merging traversers). */
  sackMerge?: unknown;
  /** `withBulk(false)`: each traverser counts once. */
  bulk: boolean;
  /** Absolute deadline in ms since epoch, or Infinity. */
  deadline: number;
  /** Source configuration (`with(key, value)`) and strategies. */
  readonly config: Map<string, unknown>;
  readonly strategies: { name: string; config: Map<string, unknown> }[];
  /** Counts calls, to read the clock only every so often. */
  ticks: number;
  /**
   * True when the evaluation is time-sliced (see `PAUSE`): steps may then emit pauses, and
   * pipelines strip them before every stage that does not pass them on.
   */
  readonly sliced: boolean;
  /** When the current time slice ends (ms since epoch); Infinity when not sliced. */
  sliceEnd: number;
  /**
   * `checkDeadline` reads the clock when `ticks & clockMask` is 0: every 16 calls (15: a call can stand for a good deal of work, a path check of a deep repeat for instance), or at
   * every call (0) for a zero time slice, which pauses at every chance (how tests check that
   * every step passes pauses on correctly).
   */
  clockMask: number;
}

/**
 * Throws when the evaluation timeout has passed; returns true when the time slice is used up and
 * the caller should yield `PAUSE`. Cheap enough to call per element: the clock is read every 16 calls.
 */
export function checkDeadline(ctx: ExecutionContext): boolean {
  if ((++ctx.ticks & ctx.clockMask) !== 0 || (ctx.deadline === Infinity && ctx.sliceEnd === Infinity)) return false;
  const now = Date.now();
  if (now > ctx.deadline) {
    throw new DeadlineError(kitMessage(ENGINE, `evaluation exceeded the timeout`));
  }
  return now >= ctx.sliceEnd;
}

/**
 * The pause marker of a time-sliced evaluation. The pipeline is a chain of synchronous generators,
 * and a generator can suspend only at its own `yield`: so a step that finds its slice used up
 * (`checkDeadline` returns true) yields `PAUSE` instead of a result, every stage between it and the
 * root passes it on unchanged, and the evaluator (execute.ts) lets the event loop run before it
 * pulls again — which resumes every generator exactly where it stopped. A stage that does not pass
 * pauses on (most per-element steps: they are short) gets its input with the pauses removed, so no
 * step ever mistakes the marker for a traverser; a pause removed there only means no yield then.
 */
export const PAUSE: Traverser = new Traverser(Symbol('pause'), 0, null, null, undefined);

/** Marks a stage as passing `PAUSE` on from its input (and perhaps emitting its own). */
export function passesPause(stage: Stage): Stage {
  (stage as { passesPause?: boolean }).passesPause = true;
  return stage;
}

function* withoutPauses(input: Iterable<Traverser>): Iterable<Traverser> {
  for (const t of input) if (t !== PAUSE) yield t;
}

/** The evaluation timeout passed (Gremlin Server reports it the same way, with a timeout status). */
export class DeadlineError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'DeadlineExceededError';
  }
}

/** A compiled traversal: run it from any starts. */
export class Pipeline {
  constructor(
    readonly stages: Stage[],
    readonly instructions: readonly Instruction[],
    /** True in a time-sliced evaluation: stages may emit `PAUSE`. */
    readonly sliced = false,
  ) {}

  /** Runs from the starts; the results never hold `PAUSE`. */
  run(starts: Iterable<Traverser>): Iterable<Traverser> {
    const it = this.runPausing(starts);
    return this.sliced ? withoutPauses(it) : it;
  }

  /** Runs from the starts; in a sliced evaluation the results may hold `PAUSE`, to pass on. */
  runPausing(starts: Iterable<Traverser>): Iterable<Traverser> {
    let it = starts;
    for (const stage of this.stages) it = stage(this.sliced && !(stage as { passesPause?: boolean }).passesPause ? withoutPauses(it) : it);
    return it;
  }

  /** Runs from one traverser. */
  runFrom(t: Traverser): Iterable<Traverser> {
    return this.run([t]);
  }

  /** True when the pipeline has no steps (`__.identity()`-like). */
  get isEmpty(): boolean {
    return this.stages.length === 0;
  }
}

/** Compiles one step with its modulators. */
export type StepCompiler = (args: unknown[], mods: Modulators, c: Compiler) => Stage;

/** Counts the steps of a traversal, its child traversals included. */
export function countSteps(instructions: readonly Instruction[]): number {
  let count = instructions.length;
  const inArgument = (a: unknown): void => {
    if (isTraversalArg(a)) count += countSteps(bytecodeOf(a).stepInstructions);
    else if (Array.isArray(a)) a.forEach(inArgument);
    else if (a instanceof Map) for (const x of a.values()) inArgument(x);
  };
  for (const ins of instructions) for (let k = 1; k < ins.length; k++) inArgument(ins[k]);
  return count;
}

/** Marks the traverser that starts a root traversal (before `V()`, `inject()` ...). */
export const ROOT: unique symbol = Symbol('root');

/** True for an argument that is a child traversal (an anonymous `GraphTraversal` or `Bytecode`). */
export function isTraversalArg(x: unknown): boolean {
  if (x === null || typeof x !== 'object') return false;
  const o = x as { getBytecode?: unknown; stepInstructions?: unknown };
  return typeof o.getBytecode === 'function' || Array.isArray(o.stepInstructions);
}

/** The bytecode of a child traversal argument. */
export function bytecodeOf(x: unknown): BytecodeLike {
  const o = x as { getBytecode?: () => BytecodeLike };
  return typeof o.getBytecode === 'function' ? o.getBytecode() : (x as BytecodeLike);
}

const ALWAYS_MODULATORS = new Set(['by', 'option', 'with', 'from', 'read', 'write']);
const LOOP_MODULATORS = new Set(['times', 'until', 'emit']);
/** Steps whose presence means traversers must carry paths. */
const PATH_STEPS = new Set(['path', 'simplePath', 'cyclicPath', 'select', 'where', 'match', 'tree', 'as', 'dedup', 'math', 'project', 'addE', 'otherV', 'format']);

/** True for a driver `Cardinality` token (property(single, k, v) is not folded into addV). */
function isCardinalityToken(x: unknown): boolean {
  return x !== null && typeof x === 'object' && (x as { typeName?: unknown }).typeName === 'Cardinality';
}

/** True when the step is a `to(Direction, labels...)` vertex step rather than the `to()` modulator. */
function isToStep(args: readonly unknown[]): boolean {
  const first = args[0] as { typeName?: string } | undefined;
  return first !== undefined && first !== null && typeof first === 'object' && first.typeName === 'Direction';
}

const START_STEPS = new Set(['V', 'E', 'inject', 'addV', 'addE', 'mergeV', 'mergeE', 'union', 'call', 'io']);

/**
 * Infix `a.or().b` / `a.and().b` (no arguments) become `or(a, b)` / `and(a, b)`, as TinkerPop's
 * ConnectiveStrategy does: the left side reaches back to the start step, the right side runs to
 * the end, and `or` binds looser than `and`.
 */
function rewriteConnectives(instructions: readonly Instruction[]): readonly Instruction[] {
  for (const marker of ['or', 'and']) {
    const at = instructions.findIndex((ins) => ins[0] === marker && ins.length === 1);
    if (at < 0) continue;
    let leftStart = 0;
    if (instructions.length > 0 && START_STEPS.has(instructions[0]![0] as string)) {
      leftStart = 1;
      while (leftStart < at && ['as', 'by', 'with', 'option', 'from', 'to'].includes(instructions[leftStart]![0] as string)) leftStart++;
    }
    const left = instructions.slice(leftStart, at);
    const right = instructions.slice(at + 1);
    const asBytecode = (steps: readonly Instruction[]): BytecodeLike => ({ sourceInstructions: [], stepInstructions: [...rewriteConnectives(steps)] });
    return [...instructions.slice(0, leftStart), [marker, asBytecode(left), asBytecode(right)]];
  }
  return instructions;
}

/** `addE(x).property(...).from(a).to(b)`: from()/to() modulate addE() across property() steps, as TinkerPop folds them. */
function foldAddEdgeModulators(instructions: readonly Instruction[]): readonly Instruction[] {
  if (!instructions.some((i) => i[0] === 'addE')) return instructions;
  const out: Instruction[] = [];
  for (let i = 0; i < instructions.length; i++) {
    const ins = instructions[i]!;
    out.push(ins);
    if (ins[0] !== 'addE') continue;
    const moved: Instruction[] = [];
    const kept: Instruction[] = [];
    let j = i + 1;
    for (; j < instructions.length; j++) {
      const n = instructions[j]![0];
      if (n === 'from' || (n === 'to' && !isToStep(instructions[j]!.slice(1)))) moved.push(instructions[j]!);
      else if (n === 'property' || n === 'as') kept.push(instructions[j]!);
      else break;
    }
    out.push(...moved, ...kept);
    i = j - 1;
  }
  return out;
}

/** Turns bytecode into pipelines, with a table of step compilers. */
export class Compiler {
  constructor(
    readonly ctx: ExecutionContext,
    private readonly table: Record<string, StepCompiler>,
  ) {}

  /** True when any instruction (in children too) needs paths. */
  static needsPath(instructions: readonly Instruction[]): boolean {
    for (const ins of instructions) {
      if (PATH_STEPS.has(ins[0] as string)) return true;
      for (const a of ins.slice(1)) {
        if (isTraversalArg(a) && Compiler.needsPath(bytecodeOf(a).stepInstructions)) return true;
        if (Array.isArray(a)) for (const x of a) if (isTraversalArg(x) && Compiler.needsPath(bytecodeOf(x).stepInstructions)) return true;
        if (a instanceof Map) for (const x of a.values()) if (isTraversalArg(x) && Compiler.needsPath(bytecodeOf(x).stepInstructions)) return true;
      }
    }
    return false;
  }

  private readonly children = new WeakMap<object, Pipeline>();

  /** Compiles a child traversal argument (once: pipelines are reusable, their state lives in each run). */
  child(arg: unknown): Pipeline {
    const cached = this.children.get(arg as object);
    if (cached) return cached;
    const p = this.compile(bytecodeOf(arg).stepInstructions);
    this.children.set(arg as object, p);
    return p;
  }

  compile(original: readonly Instruction[]): Pipeline {
    const instructions = foldAddEdgeModulators(rewriteConnectives(original));
    const stages: Stage[] = [];
    let pending: Modulators['loop'] = [];
    let i = 0;
    while (i < instructions.length) {
      const ins = instructions[i]!;
      const name = ins[0] as string;
      const args = ins.slice(1);
      if (LOOP_MODULATORS.has(name)) {
        // times/until/emit before a repeat(): checked before each iteration (while-do).
        pending.push({ name, args, pre: true });
        i++;
        continue;
      }
      const mods: Modulators = { by: [], option: [], with: [], loop: pending, labels: [], following: () => [], properties: [] };
      pending = [];
      let j = i + 1;
      for (; j < instructions.length; j++) {
        const m = instructions[j]!;
        const mName = m[0] as string;
        const mArgs = m.slice(1);
        if (mName === 'by') mods.by.push(mArgs);
        else if (mName === 'option') mods.option.push(mArgs);
        else if (mName === 'with') mods.with.push(mArgs);
        else if (mName === 'from') mods.from = mArgs;
        else if (mName === 'to' && !isToStep(mArgs)) mods.to = mArgs;
        else if ((name === 'addV' || name === 'addE') && mName === 'property' && mArgs.length === 2 && !isCardinalityToken(mArgs[0])) mods.properties.push(mArgs);
        else if (ALWAYS_MODULATORS.has(mName)) continue;
        else if (name === 'repeat' && LOOP_MODULATORS.has(mName)) mods.loop.push({ name: mName, args: mArgs, pre: false });
        else break;
      }
      const stepName = name === 'to' && isToStep(args) ? 'toDirection' : name;
      const rest = j;
      mods.following = () => instructions.slice(rest);
      i = j;
      // IdentityRemovalStrategy: identity() does nothing, unless a step label names it.
      if (name === 'identity' && args.length === 0 && instructions[j]?.[0] !== 'as') continue;
      const compileStep = this.table[stepName];
      if (!compileStep) stepError(name, `unsupported step`);
      stages.push(compileStep(args, mods, this));
    }
    if (pending.length > 0) stepError(pending[0]!.name, 'must modulate a repeat() step');
    return new Pipeline(stages, instructions, this.ctx.sliced);
  }
}
