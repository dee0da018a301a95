/**
 * Runs TinkerPop Gherkin scenarios against the embedded engine: builds the scenario's graph,
 * resolves parameters, parses the traversal text, executes it and checks the assertions the way
 * TinkerPop's own runners do (https://tinkerpop.apache.org/docs/3.7.3/dev/developer/#gherkin-tests).
 */
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import gremlin from 'gremlin';
import { PropertyGraph } from '../../src/engine/property-graph.js';
import { parseGremlinQuery } from '../../src/engine/parser/index.js';
import { parseFeature, type GherkinFeature, type GherkinScenario, type GherkinStep } from './gherkin-reader.js';
import { fillToyGraph, parseToyGraph, type ToyGraphData } from './graphson-toy-graph.js';
import { findOrderedMismatch, findUnorderedMismatch, formatValue, resultEquals } from './result-compare.js';
import { LambdaNotationError, parseNotation, type NotationContext } from './value-notation.js';

/** Runs bytecode on a graph and resolves to the results (driver values, bulk expanded). */
export type BytecodeExecutor = (
  graph: PropertyGraph,
  bytecode: gremlin.process.Bytecode,
  options: { evaluationTimeoutMs: number },
) => Promise<unknown[]>;

export interface ConformanceOptions {
  featuresDir: string;
  dataDir: string;
  execute: BytecodeExecutor;
  /** Per-scenario limit; the engine is asked to stop at it and the runner stops waiting. */
  timeoutMs?: number;
  /** Only run scenarios whose feature path or name contains this text. */
  filter?: string;
  /** Skip this many (selected) scenarios first: lets a watchdog resume after a stuck one. */
  skip?: number;
  /** Called before each scenario runs (a watchdog learns which one is running). */
  onStart?: (scenario: { feature: string; scenario: string; line: number }) => void;
  /** Called after each scenario with its outcome. */
  onOutcome?: (outcome: ScenarioOutcome) => void;
}

export type SkipCategory = '@GraphComputerOnly' | 'an unsupported test' | 'lambda';

export interface ScenarioOutcome {
  feature: string;
  scenario: string;
  line: number;
  status: 'passed' | 'failed' | 'skipped';
  /** Why it failed (the first differing value, or the error). */
  reason?: string;
  skipCategory?: SkipCategory;
}

export interface ConformanceReport {
  outcomes: ScenarioOutcome[];
  passed: number;
  failed: number;
  skipped: number;
}

const GRAPH_FILES: Record<string, string> = {
  modern: 'tinkerpop-modern-v3.json',
  crew: 'tinkerpop-crew-v3.json',
  grateful: 'grateful-dead-v3.json',
  sink: 'tinkerpop-sink-v3.json',
  classic: 'tinkerpop-classic-v3.json',
};

/** Lists the `.feature` files under a folder, sorted. */
export function listFeatureFiles(dir: string): string[] {
  const files: string[] = [];
  for (const entry of readdirSync(dir).sort()) {
    const path = join(dir, entry);
    if (statSync(path).isDirectory()) files.push(...listFeatureFiles(path));
    else if (entry.endsWith('.feature')) files.push(path);
  }
  return files;
}

/** Runs every scenario of every feature file and returns the outcomes. */
export async function runConformance(options: ConformanceOptions): Promise<ConformanceReport> {
  const toyGraphs = new Map<string, ToyGraphData>();
  const loadToyGraph = (name: string): ToyGraphData => {
    let data = toyGraphs.get(name);
    if (!data) {
      const file = GRAPH_FILES[name];
      if (!file) throw new Error(`unknown graph "${name}"`);
      data = parseToyGraph(readFileSync(join(options.dataDir, file), 'utf8'), file);
      toyGraphs.set(name, data);
    }
    return data;
  };
  const outcomes: ScenarioOutcome[] = [];
  let skipped = 0;
  for (const path of listFeatureFiles(options.featuresDir)) {
    const featureName = relative(options.featuresDir, path);
    const feature = parseFeature(readFileSync(path, 'utf8'), featureName);
    for (const scenario of feature.scenarios) {
      if (options.filter && !`${featureName} ${scenario.name}`.includes(options.filter)) continue;
      if (skipped < (options.skip ?? 0)) {
        skipped++;
        continue;
      }
      options.onStart?.({ feature: featureName, scenario: scenario.name, line: scenario.line });
      const outcome = await runScenario(feature, scenario, loadToyGraph, options);
      options.onOutcome?.(outcome);
      outcomes.push(outcome);
    }
  }
  return summarizeOutcomes(outcomes);
}

/** Counts outcomes into a report. */
export function summarizeOutcomes(outcomes: ScenarioOutcome[]): ConformanceReport {
  return {
    outcomes,
    passed: outcomes.filter((o) => o.status === 'passed').length,
    failed: outcomes.filter((o) => o.status === 'failed').length,
    skipped: outcomes.filter((o) => o.status === 'skipped').length,
  };
}

/** Why a scenario is outside what the engine (and Neptune) supports, if it is. */
function findSkipCategory(feature: GherkinFeature, scenario: GherkinScenario): SkipCategory | undefined {
  if ([...feature.tags, ...scenario.tags].includes('@GraphComputerOnly')) return '@GraphComputerOnly';
  if (scenario.steps.some((s) => s.text === 'an unsupported test')) return 'an unsupported test';
  const usesLambda = scenario.steps.some(
    (s) => /defined as "c\[/.test(s.text) || (s.docString !== undefined && /\bLambda\./.test(s.docString)),
  );
  if (usesLambda) return 'lambda';
  return undefined;
}

class ScenarioFailure extends Error {}

async function runScenario(
  feature: GherkinFeature,
  scenario: GherkinScenario,
  loadToyGraph: (name: string) => ToyGraphData,
  options: ConformanceOptions,
): Promise<ScenarioOutcome> {
  const base = { feature: feature.file, scenario: scenario.name, line: scenario.line };
  const skipCategory = findSkipCategory(feature, scenario);
  if (skipCategory) return { ...base, status: 'skipped', skipCategory };
  const timeoutMs = options.timeoutMs ?? 10_000;
  try {
    await withTimeout(executeSteps(scenario, loadToyGraph, options.execute, timeoutMs), timeoutMs + 1000, scenario.name);
    return { ...base, status: 'passed' };
  } catch (error) {
    if (error instanceof LambdaNotationError) return { ...base, status: 'skipped', skipCategory: 'lambda' };
    const reason = error instanceof ScenarioFailure ? error.message : `${(error as Error).name}: ${(error as Error).message}`;
    return { ...base, status: 'failed', reason };
  }
}

/** The state of one scenario as its steps run. */
interface ScenarioState {
  graph: PropertyGraph;
  parameters: Map<string, string | ((context: NotationContext) => unknown)>;
  traversalText?: string;
  results?: unknown[];
  error?: unknown;
  /** Vertices and edges by name as they were before the traversal ran (it may drop them). */
  snapshot?: NotationContext;
}

async function executeSteps(
  scenario: GherkinScenario,
  loadToyGraph: (name: string) => ToyGraphData,
  execute: BytecodeExecutor,
  timeoutMs: number,
): Promise<void> {
  const state: ScenarioState = { graph: createGraph(), parameters: new Map() };
  // Parameters are resolved once, against the graph as the traversal under test finds it, and
  // reused by the assertions after it (which may run when the traversal dropped their vertices).
  let resolved: Record<string, unknown> | undefined;
  const resolveParameters = (): Record<string, unknown> => {
    if (resolved) return resolved;
    const context = createNotationContext(state.graph);
    const parameters: Record<string, unknown> = {};
    for (const [name, value] of state.parameters) {
      parameters[name] = typeof value === 'string' ? parseNotation(value, context) : value(context);
    }
    return parameters;
  };
  const run = async (text: string): Promise<unknown[]> => {
    const { bytecode } = parseGremlinQuery(text, resolveParameters());
    return execute(state.graph, bytecode, { evaluationTimeoutMs: timeoutMs });
  };
  for (const step of scenario.steps) {
    const text = step.text;
    let match: RegExpExecArray | null;
    if ((match = /^the (\w+) graph$/.exec(text))) {
      state.graph = createGraph(match[1]);
      // Multi-valued keys in the GraphSON (the crew's locations) keep all their values.
      if (match[1] !== 'empty') fillToyGraph(state.graph, loadToyGraph(match[1]!), 'list');
    } else if (text === 'the graph initializer of') {
      await run(requireDocString(step));
    } else if ((match = /^using the parameter (\w+) defined as "(.*)"$/.exec(text))) {
      state.parameters.set(match[1]!, unescapeStepString(match[2]!));
    } else if ((match = /^using the parameter (\w+) of P\.(\w+)\("(.*)"\)$/.exec(text))) {
      const [, name, predicate, notation] = match as unknown as [string, string, string, string];
      state.parameters.set(name, (context) => {
        const value = parseNotation(unescapeStepString(notation), context);
        return (gremlin.process.P as unknown as Record<string, (v: unknown) => unknown>)[predicate]!(value);
      });
    } else if (text === 'the traversal of') {
      state.traversalText = requireDocString(step);
    } else if (text === 'iterated to list' || text === 'iterated next') {
      if (state.traversalText === undefined) throw new ScenarioFailure('no traversal given before "When"');
      state.snapshot = createNotationContext(state.graph, true);
      resolved = resolveParameters();
      try {
        const results = await run(state.traversalText);
        state.results = text === 'iterated next' ? normalizeNext(results) : results;
      } catch (error) {
        if (error instanceof LambdaNotationError) throw error;
        state.error = error;
      }
    } else if ((match = /^the result should be (unordered|ordered|of|empty)$/.exec(text))) {
      const results = requireResults(state);
      if (match[1] === 'empty') {
        if (results.length > 0) throw new ScenarioFailure(`expected no results, got ${formatValue(results)}`);
        continue;
      }
      const context = expectedContext(state);
      const expected = (step.table ?? []).slice(1).map((row) => parseNotation(row[0] ?? '', context));
      let mismatch: string | undefined;
      if (match[1] === 'unordered') mismatch = findUnorderedMismatch(results, expected);
      else if (match[1] === 'ordered') mismatch = findOrderedMismatch(results, expected);
      else {
        const stray = results.find((r) => !expected.some((e) => resultEquals(r, e)));
        if (stray !== undefined) mismatch = `result ${formatValue(stray)} is none of the expected values`;
      }
      if (mismatch) throw new ScenarioFailure(mismatch);
    } else if ((match = /^the result should have a count of (\d+)$/.exec(text))) {
      const results = requireResults(state);
      if (results.length !== Number(match[1])) {
        throw new ScenarioFailure(`expected ${match[1]} results, got ${results.length}: ${formatValue(results)}`);
      }
    } else if ((match = /^the graph should return (\d+) for count of "(.*)"$/.exec(text))) {
      requireResults(state);
      const countText = unescapeStepString(match[2]!);
      const counted = await run(countText);
      if (counted.length !== Number(match[1])) {
        throw new ScenarioFailure(`${countText} returned ${counted.length} results, expected ${match[1]}`);
      }
    } else if ((match = /^the traversal will raise an error(?: with message containing text of "(.*)")?$/.exec(text))) {
      if (state.error === undefined) {
        throw new ScenarioFailure(`expected an error, got results ${formatValue(state.results)}`);
      }
      const expectedText = match[1] === undefined ? undefined : unescapeStepString(match[1]);
      const message = (state.error as Error).message ?? String(state.error);
      if (expectedText !== undefined && !message.includes(expectedText)) {
        throw new ScenarioFailure(`expected an error containing ${JSON.stringify(expectedText)}, got: ${message}`);
      }
    } else if (text.startsWith('nothing should happen')) {
      continue;
    } else {
      throw new ScenarioFailure(`unsupported step "${step.keyword} ${text}"`);
    }
  }
}

/**
 * The graphs TinkerPop's own runner gives the suite (TinkerWorld.TinkerGraphWorld, gremlin-test
 * 3.7.3): TinkerGraphs with numeric ids whose default cardinality is TinkerGraph's `single`, except
 * the crew graph, built by TinkerFactory.createTheCrew() with `list` (its multi-properties).
 */
function createGraph(name = 'empty'): PropertyGraph {
  return new PropertyGraph({ defaultCardinality: name === 'crew' ? 'list' : 'single', idGenerator: 'number' });
}

function requireDocString(step: GherkinStep): string {
  if (step.docString === undefined) throw new ScenarioFailure(`step "${step.text}" needs a doc string`);
  return step.docString;
}

function requireResults(state: ScenarioState): unknown[] {
  if (state.error !== undefined) {
    const error = state.error as Error;
    throw new ScenarioFailure(`traversal failed: ${error.name}: ${error.message}`);
  }
  if (state.results === undefined) throw new ScenarioFailure('the traversal was not run');
  return state.results;
}

/**
 * As the suite's runners do, `next()` of a list compares its items, of a path its objects, of a
 * map its entries (`the result should have a count of N` counts a group()'s keys).
 */
function normalizeNext(results: unknown[]): unknown[] {
  if (results.length === 0) return [];
  const first = results[0];
  if (Array.isArray(first)) return first;
  if (first instanceof Set) return [...first];
  if (first instanceof Map) return [...first.entries()].map((entry) => new Map([entry]));
  if (first instanceof gremlin.structure.Path) return (first as unknown as { objects: unknown[] }).objects;
  return [first];
}

/** `\"` and `\\` inside a quoted step argument. */
function unescapeStepString(text: string): string {
  return text.replace(/\\(["\\])/g, '$1');
}

/** Names resolve against the graph as it was before the traversal ran, then as it is now. */
function expectedContext(state: ScenarioState): NotationContext {
  const live = createNotationContext(state.graph);
  const before = state.snapshot;
  return {
    vertex: (name) => before?.vertex(name) ?? live.vertex(name),
    edge: (key) => before?.edge(key) ?? live.edge(key),
  };
}

/** Looks vertices up by their `name` property and edges by `outName-label->inName`. */
function createNotationContext(graph: PropertyGraph, eager = false): NotationContext {
  let vertices: Map<string, { id: unknown; label: string }> | undefined;
  let edges: Map<string, ReturnType<NotationContext['edge']>> | undefined;
  const nameOf = (v: ReturnType<PropertyGraph['getVertex']> & object): string | undefined => {
    const property = graph.vertexProperties(v).find((p) => p.key === 'name');
    return property === undefined ? undefined : String(property.value);
  };
  const buildVertices = (): Map<string, { id: unknown; label: string }> => {
    const map = new Map<string, { id: unknown; label: string }>();
    for (const v of graph.vertices()) {
      const name = nameOf(v);
      if (name !== undefined && !map.has(name)) map.set(name, { id: graph.elementId(v), label: graph.vertexLabel(v) });
    }
    return map;
  };
  const buildEdges = (): Map<string, ReturnType<NotationContext['edge']>> => {
    const map = new Map<string, ReturnType<NotationContext['edge']>>();
    for (const e of graph.edges()) {
      const outV = graph.edgeOut(e);
      const inV = graph.edgeIn(e);
      const key = `${nameOf(outV)}-${graph.edgeLabel(e)}->${nameOf(inV)}`;
      if (!map.has(key)) {
        map.set(key, {
          id: graph.elementId(e),
          label: graph.edgeLabel(e),
          outV: { id: graph.elementId(outV), label: graph.vertexLabel(outV) },
          inV: { id: graph.elementId(inV), label: graph.vertexLabel(inV) },
        });
      }
    }
    return map;
  };
  if (eager) {
    vertices = buildVertices();
    edges = buildEdges();
  }
  return {
    vertex: (name) => (vertices ??= buildVertices()).get(name),
    edge: (key) => (edges ??= buildEdges()).get(key),
  };
}

function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new ScenarioFailure(`timed out after ${ms} ms: ${what}`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}
