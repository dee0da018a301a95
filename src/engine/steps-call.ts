/**
 * `call(service, params?, paramTraversal?)` with `with(key, value)` parameters
 * (https://tinkerpop.apache.org/docs/3.7.3/reference/#call-step): the embedded engine offers the
 * services TinkerGraph registers — `--list`, `tinker.search` (text search over property values)
 * and `tinker.degree.centrality` (edge count per vertex, IN by default).
 */
import type { Compiler, StepCompiler } from './compiler.js';
import { ROOT, isTraversalArg, stepError } from './compiler.js';
import { Edge, Vertex, incident } from './property-graph.js';
import { NONE, enumName, firstResult } from './step-helpers.js';
import { PropertyRef, Traverser } from './traverser.js';

const SERVICES = ['tinker.search', 'tinker.degree.centrality'];

function entries(x: unknown): [unknown, unknown][] {
  if (x instanceof Map) return [...x];
  if (x !== null && typeof x === 'object') return Object.entries(x);
  return [];
}

const compileCall: StepCompiler = (args, mods, c) => {
  const service = args[0] === undefined ? '--list' : String(args[0]);
  const rest = args.slice(1);
  const staticParams = rest.filter((a) => !isTraversalArg(a));
  const traversalParams = rest.filter(isTraversalArg).map((a) => c.child(a));
  const withParams = mods.with.map(([k, v]) => [String(k), isTraversalArg(v) ? c.child(v) : v] as const);
  if (service !== '--list' && !SERVICES.includes(service)) stepError('call', `Unknown service: ${service}`);
  const graph = c.ctx.graph;
  const paramsFor = (t: Traverser): Map<string, unknown> => {
    const params = new Map<string, unknown>();
    for (const m of staticParams) for (const [k, v] of entries(m)) params.set(String(k), v);
    for (const p of traversalParams) {
      const r = firstResult(p, t);
      if (r !== NONE) for (const [k, v] of entries(r)) params.set(String(k), v);
    }
    for (const [k, v] of withParams) {
      if (v !== null && typeof v === 'object' && 'runFrom' in v) {
        const r = firstResult(v as never, t);
        if (r !== NONE) params.set(k, r);
      } else params.set(k, v);
    }
    return params;
  };
  return function* (input) {
    for (const t of input) {
      const params = paramsFor(t);
      if (service === '--list') {
        const only = params.get('service');
        for (const s of SERVICES) if (only === undefined || only === s) yield t.split(s, c.ctx.trackPath);
      } else if (service === 'tinker.search') {
        const text = String(params.get('search') ?? '');
        const type = String(params.get('type') ?? 'Vertex');
        if (type === 'Vertex') {
          for (const v of graph.vertices()) for (const p of v.props ?? []) if (typeof p.value === 'string' && p.value.includes(text)) yield t.split(p, c.ctx.trackPath);
        } else if (type === 'Edge') {
          for (const e of graph.edges()) for (const p of graph.edgeProperties(e)) if (typeof p.value === 'string' && p.value.includes(text)) yield t.split(new PropertyRef(p.key, p.value, e), c.ctx.trackPath);
        } else if (type === 'VertexProperty') {
          for (const v of graph.vertices()) for (const p of v.props ?? []) for (const [k, m] of p.meta ?? []) if (typeof m === 'string' && m.includes(text)) yield t.split(new PropertyRef(k, m, p), c.ctx.trackPath);
        }
      } else {
        if (t.obj === ROOT || !(t.obj instanceof Vertex)) stepError('call', 'tinker.degree.centrality expects vertices');
        const v = t.obj;
        const dir = enumName(params.get('direction')) ?? 'in';
        let n = 0;
        for (const e of incident(v)) {
          if ((dir === 'out' || dir === 'both') && e.outV === v) n++;
          if ((dir === 'in' || dir === 'both') && e.inV === v) n++;
        }
        yield t.split(n, c.ctx.trackPath);
      }
    }
  };
};

export const callSteps: Record<string, StepCompiler> = { call: compileCall };
export type { Compiler, Edge };
