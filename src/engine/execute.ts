/**
 * Runs `gremlin` driver bytecode against a PropertyGraph: applies the source instructions
 * (`withSideEffect`, `withSack`, `withBulk`, `withStrategies`, `with`), compiles the steps and
 * drains the pipeline into driver `Traverser`s (object + bulk), honouring an evaluation timeout.
 */
import gremlin from 'gremlin';
import { DeadlineExceededError, InvalidInputError, KitError, OperationFailedError, kitMessage } from '../errors.js';
import type { BytecodeLike, ExecutionContext, Instruction, Pipeline, StepCompiler } from './compiler.js';
import { Compiler, DeadlineError, ENGINE, PAUSE, ROOT, bytecodeOf, countSteps, isTraversalArg, stepError } from './compiler.js';
import type { PropertyGraph } from './property-graph.js';
import { enumName, rejectLambda } from './step-helpers.js';
import { branchSteps } from './steps-branch.js';
import { filterSteps } from './steps-filter.js';
import { graphSteps } from './steps-graph.js';
import { mapSteps } from './steps-map.js';
import { mutationSteps } from './steps-mutation.js';
import { reduceSteps } from './steps-reduce.js';
import { selectSteps } from './steps-select.js';
import { textSteps } from './steps-text.js';
import { mathSteps } from './steps-math.js';
import { matchSteps } from './steps-match.js';
import { callSteps } from './steps-call.js';
import { toDriverValue } from './to-driver-value.js';
import { Traverser, type Bulk } from './traverser.js';
import { applyStrategies, installStrategies, strategySteps } from './strategies.js';

/** Options of one evaluation. */
export interface ExecuteOptions {
  /** Abort with DeadlineExceededError after this many milliseconds (default: no limit). */
  evaluationTimeoutMs?: number;
  /**
   * Abort with DeadlineExceededError at this time (ms since epoch): a server sets it when the
   * request arrives, so that parsing and compiling count against the timeout as well.
   */
  deadline?: number;
  /**
   * Time-slice the evaluation: yield to the event loop after every slice of this many
   * milliseconds, so that one long traversal does not hold up the other clients of a server.
   * Only the asynchronous entry points (executeBytecode, executeToDriver) slice. A traversal
   * with a mutating step is never sliced: it runs to its end (or its timeout) at once, so no
   * other request sees it half done.
   */
  timeSliceMs?: number;
  /** Stops a sliced evaluation at its next pause (the client went away or cancelled). */
  signal?: AbortSignal;
  /** Refuse traversals of more steps than this (child traversals included); no limit when undefined. */
  maxSteps?: number;
}

/** A result traverser as the driver represents it: the object and how many times it counts. */
export interface ResultTraverser {
  object: unknown;
  /** A number, or a bigint beyond 2^53. */
  bulk: Bulk;
}

/** Every step the interpreter knows, by bytecode name. */
export const STEP_TABLE: Record<string, StepCompiler> = {
  ...graphSteps,
  ...filterSteps,
  ...mapSteps,
  ...selectSteps,
  ...reduceSteps,
  ...branchSteps,
  ...mutationSteps,
  ...textSteps,
  ...mathSteps,
  ...matchSteps,
  ...callSteps,
  ...strategySteps,
};

const MUTATING = new Set(['addV', 'addE', 'property', 'drop', 'mergeV', 'mergeE']);

/** Copies a sack seed so each traverser gets its own mutable value. */
function copySeed(seed: unknown): () => unknown {
  if (Array.isArray(seed)) return () => [...seed];
  if (seed instanceof Map) return () => new Map(seed);
  return () => seed;
}

/** Builds the execution context from the bytecode's source instructions. */
export function createContext(graph: PropertyGraph, bytecode: BytecodeLike, options: ExecuteOptions = {}, sliced = false): ExecutionContext {
  const timeoutDeadline = options.evaluationTimeoutMs !== undefined && options.evaluationTimeoutMs > 0 ? Date.now() + options.evaluationTimeoutMs : Infinity;
  const ctx: ExecutionContext = {
    graph,
    sideEffects: new Map(),
    sideEffectReducers: new Map(),
    trackPath: Compiler.needsPath(bytecode.stepInstructions),
    bulk: true,
    deadline: Math.min(timeoutDeadline, options.deadline ?? Infinity),
    config: new Map(),
    strategies: [],
    ticks: 0,
    sliced,
    sliceEnd: Infinity,
    clockMask: sliced && options.timeSliceMs === 0 ? 0 : 15,
  };
  for (const ins of bytecode.sourceInstructions) {
    const [name, ...args] = ins as [string, ...unknown[]];
    switch (name) {
      case 'withSideEffect': {
        rejectLambda('withSideEffect', args[1]);
        const v = args[1];
        ctx.sideEffects.set(String(args[0]), Array.isArray(v) ? [...v] : v instanceof Map ? new Map(v) : v);
        if (args.length > 2) ctx.sideEffectReducers.set(String(args[0]), args[2]);
        break;
      }
      case 'withSack':
        rejectLambda('withSack', args[0]);
        ctx.sackInit = copySeed(args[0]);
        if (args.length > 1) {
          rejectLambda('withSack', args[1]);
          ctx.sackMerge = args[args.length - 1];
        }
        break;
      case 'withBulk':
        ctx.bulk = args[0] !== false;
        break;
      case 'withPath':
        ctx.trackPath = true;
        break;
      case 'with': {
        const key = String(args[0]);
        ctx.config.set(key, args.length > 1 ? args[1] : true);
        if (key === 'evaluationTimeout' || key === 'scriptEvaluationTimeout') {
          const ms = Number(args[1]);
          if (ms > 0) ctx.deadline = Math.min(ctx.deadline, Date.now() + ms);
        }
        break;
      }
      case 'withStrategies':
        for (const s of args) {
          const strategy = s as { fqcn?: string; configuration?: Record<string, unknown> | Map<string, unknown> };
          const fqcn = String(strategy.fqcn ?? (s as { constructor?: { name?: string } }).constructor?.name ?? '');
          const simple = fqcn.slice(fqcn.lastIndexOf('.') + 1);
          const config = strategy.configuration instanceof Map ? strategy.configuration : new Map(Object.entries(strategy.configuration ?? {}));
          ctx.strategies.push({ name: simple, config });
        }
        break;
      case 'withoutStrategies':
        break;
      case 'withComputer':
        stepError('withComputer', 'GraphComputer (OLAP) traversals are not supported by the embedded engine');
        break;
      default:
        stepError(name, 'unsupported source step');
    }
  }
  return ctx;
}

/** A compiled traversal, ready to run. */
interface Plan {
  ctx: ExecutionContext;
  pipeline: Pipeline;
  root: Traverser;
  /** The name of the last step (`none()` discards every result). */
  last: unknown;
}

function planBytecode(graph: PropertyGraph, bytecode: BytecodeLike, options: ExecuteOptions, sliced: boolean): Plan {
  if (options.maxSteps !== undefined) {
    const steps = countSteps(bytecode.stepInstructions);
    if (steps > options.maxSteps) {
      throw new InvalidInputError(kitMessage(ENGINE, `the traversal has ${steps} steps, more than the ${options.maxSteps} this server accepts (its maxTraversalSteps option)`));
    }
  }
  const ctx = createContext(graph, bytecode, options, sliced);
  const instructions = applyStrategies(ctx, bytecode.stepInstructions);
  if (ctx.strategies.some((s) => s.name === 'ReadOnlyStrategy') && instructions.some((i) => MUTATING.has(i[0] as string))) {
    throw new InvalidInputError(kitMessage(ENGINE, 'The provided traversal has a mutating step and thus is not read only'));
  }
  if (ctx.strategies.length > 0) {
    // Filter traversals of the strategies see the whole graph: compile them in a context without strategies.
    const plain = new Compiler({ ...ctx, strategies: [], trackPath: true }, STEP_TABLE);
    installStrategies(ctx, (arg) => plain.child(arg));
  }
  const pipeline = new Compiler(ctx, STEP_TABLE).compile(instructions);
  // Compiling counts against the timeout too (a traversal of many steps takes a while).
  if (Date.now() > ctx.deadline) throw new DeadlineError(kitMessage(ENGINE, 'evaluation exceeded the timeout'));
  const root = new Traverser(ROOT, 1, null, null, ctx.sackInit?.());
  return { ctx, pipeline, root, last: instructions[instructions.length - 1]?.[0] };
}

function collect(plan: Plan, t: Traverser, out: ResultTraverser[]): void {
  if (t.obj === ROOT || plan.last === 'none') return;
  out.push({ object: t.obj, bulk: plan.ctx.bulk ? t.bulk : 1 });
}

/** Compiles and runs bytecode synchronously; returns result traversers with engine values. */
export function runBytecode(graph: PropertyGraph, bytecode: BytecodeLike, options: ExecuteOptions = {}): ResultTraverser[] {
  try {
    const plan = planBytecode(graph, bytecode, options, false);
    const out: ResultTraverser[] = [];
    for (const t of plan.pipeline.run([plan.root])) collect(plan, t, out);
    return out;
  } catch (error) {
    throw normalizeError(error);
  }
}

/** Time slice of a sliced evaluation when the caller does not choose one. */
export const DEFAULT_TIME_SLICE_MS = 4;

/**
 * Compiles and runs bytecode in time slices (see `PAUSE` in compiler.ts): between slices the
 * event loop runs — other requests, I/O, signals — and `options.signal` can stop the evaluation.
 */
export async function runBytecodeSliced(graph: PropertyGraph, bytecode: BytecodeLike, options: ExecuteOptions = {}): Promise<ResultTraverser[]> {
  const sliceMs = options.timeSliceMs ?? DEFAULT_TIME_SLICE_MS;
  try {
    throwIfStopped(options.signal);
    const plan = planBytecode(graph, bytecode, options, !containsStep(bytecode.stepInstructions, MUTATING));
    const { ctx } = plan;
    const out: ResultTraverser[] = [];
    const iterator = plan.pipeline.runPausing([plan.root])[Symbol.iterator]();
    try {
      if (ctx.sliced) ctx.sliceEnd = Date.now() + sliceMs;
      for (let step = iterator.next(); !step.done; step = iterator.next()) {
        if (step.value !== PAUSE) {
          collect(plan, step.value, out);
          continue;
        }
        await yieldToEventLoop();
        throwIfStopped(options.signal);
        ctx.sliceEnd = Date.now() + sliceMs;
      }
    } finally {
      // Closes the suspended generators of a stopped evaluation (their finally blocks run).
      iterator.return?.();
    }
    return out;
  } catch (error) {
    throw normalizeError(error);
  }
}

/** Resolves after the event loop has handled pending I/O (setImmediate runs after the poll phase). */
function yieldToEventLoop(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

function throwIfStopped(signal: AbortSignal | undefined): void {
  if (signal?.aborted) {
    const reason = signal.reason instanceof Error ? signal.reason.message : 'the request was cancelled';
    throw new OperationFailedError(kitMessage(ENGINE, `evaluation stopped: ${reason}`));
  }
}

/** True when a step of `names` occurs in the instructions or in any child traversal. */
function containsStep(instructions: readonly Instruction[], names: ReadonlySet<string>): boolean {
  const inArgument = (a: unknown): boolean => {
    if (isTraversalArg(a)) return containsStep(bytecodeOf(a).stepInstructions, names);
    if (Array.isArray(a)) return a.some(inArgument);
    if (a instanceof Map) return [...a.values()].some(inArgument);
    return false;
  };
  return instructions.some((ins) => names.has(ins[0] as string) || ins.slice(1).some(inArgument));
}

function normalizeError(error: unknown): Error {
  if (error instanceof DeadlineError) return new DeadlineExceededError(error.message, { cause: error });
  if (error instanceof KitError) return error;
  if (error instanceof RangeError && /call stack/i.test(error.message)) {
    return new InvalidInputError(kitMessage(ENGINE, 'the traversal recursed too deeply (an unbounded repeat()?)'), { cause: error });
  }
  const message = error instanceof Error ? error.message : String(error);
  return new InvalidInputError(kitMessage(ENGINE, message), { cause: error });
}

/**
 * Executes driver bytecode (`process.Bytecode`, or anything with source/step instructions)
 * and resolves to driver `Traverser`s whose objects are still engine values; see
 * `toDriverValue` (or `executeToDriver`) for the driver's structure values.
 */
export async function executeBytecode(graph: PropertyGraph, bytecode: BytecodeLike, options: ExecuteOptions = {}): Promise<InstanceType<typeof gremlin.process.Traverser>[]> {
  return (await run(graph, bytecode, options)).map((r) => new gremlin.process.Traverser(r.object, r.bulk as number));
}

/** Like executeBytecode, with objects converted to driver structure values. */
export async function executeToDriver(graph: PropertyGraph, bytecode: BytecodeLike, options: ExecuteOptions = {}): Promise<InstanceType<typeof gremlin.process.Traverser>[]> {
  return (await run(graph, bytecode, options)).map((r) => new gremlin.process.Traverser(toDriverValue(r.object, graph), r.bulk as number));
}

/** Sliced when the options ask for it, else at once. */
async function run(graph: PropertyGraph, bytecode: BytecodeLike, options: ExecuteOptions): Promise<ResultTraverser[]> {
  return options.timeSliceMs !== undefined || options.signal !== undefined ? runBytecodeSliced(graph, bytecode, options) : runBytecode(graph, bytecode, options);
}

export { enumName, toDriverValue };
