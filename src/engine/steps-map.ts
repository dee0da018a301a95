/**
 * Map steps over elements and values: `values`, `properties`, `valueMap`, `elementMap`,
 * `propertyMap`, `id`, `label`, `key`, `value`, `constant`, `identity`, `unfold`, `loops`,
 * `index`, `element` (https://tinkerpop.apache.org/docs/3.7.3/reference/#valuemap-step ...).
 */
import gremlin from 'gremlin';
import type { Compiler, Stage, StepCompiler } from './compiler.js';
import { PAUSE, passesPause, stepError } from './compiler.js';
import { Edge, Vertex, VertexProperty } from './property-graph.js';
import { NONE, enumName, isEnum, iterateValue, makeBy, tokenValue } from './step-helpers.js';
import { PropertyRef } from './traverser.js';
import { visibleProperties } from './strategies.js';

const { t: T, direction: Direction, withOptions } = gremlin.process;

/** A stage mapping each traverser to one new object (NONE filters it). */
export function mapStage(c: Compiler, fn: (obj: unknown, t: import('./traverser.js').Traverser) => unknown): Stage {
  return passesPause(function* (input) {
    for (const t of input) {
      if (t === PAUSE) {
        yield t;
        continue;
      }
      const v = fn(t.obj, t);
      if (v !== NONE) yield t.split(v, c.ctx.trackPath);
    }
  });
}

function keyFilter(args: unknown[]): ((k: string) => boolean) | undefined {
  const keys = (args.flat() as unknown[]).map(String);
  if (keys.length === 0) return undefined;
  if (keys.length === 1) return (k) => k === keys[0];
  const set = new Set(keys);
  return (k) => set.has(k);
}

/** The properties of an object as TinkerPop's `properties()` yields them. */
function* propertiesOf(obj: unknown, accept: ((k: string) => boolean) | undefined, step: string, c?: Compiler): Generator<VertexProperty | PropertyRef> {
  if (obj instanceof Vertex) {
    const props = c ? visibleProperties(c, obj) : (obj.props ?? []);
    for (const p of [...props]) if (!accept || accept(p.key)) yield p;
  } else if (obj instanceof Edge) {
    const props = obj.props;
    if (props) for (let i = 0; i < props.length; i += 2) if (!accept || accept(props[i] as string)) yield new PropertyRef(props[i] as string, props[i + 1], obj);
  } else if (obj instanceof VertexProperty) {
    if (obj.meta) for (const [k, v] of obj.meta) if (!accept || accept(k)) yield new PropertyRef(k, v, obj);
  } else stepError(step, `expects an element, got ${String(obj)}`);
}

const compileValues: StepCompiler = (args, _mods, c) => {
  const accept = keyFilter(args);
  return passesPause(function* (input) {
    for (const t of input) {
      if (t === PAUSE) {
        yield t;
        continue;
      }
      const obj = t.obj;
      if (obj instanceof Vertex) {
        for (const p of visibleProperties(c, obj)) if (!accept || accept(p.key)) yield t.split(p.value, c.ctx.trackPath);
      } else if (obj instanceof Map) {
        // values() on a map is not Gremlin, but elementMap()/valueMap() results flow here in user code.
        for (const [k, v] of obj) if (!accept || accept(String(k))) yield t.split(v, c.ctx.trackPath);
      } else for (const p of propertiesOf(obj, accept, 'values', c)) yield t.split(p.value, c.ctx.trackPath);
    }
  });
};

const compileProperties: StepCompiler = (args, _mods, c) => {
  const accept = keyFilter(args);
  return function* (input) {
    for (const t of input) for (const p of propertiesOf(t.obj, accept, 'properties', c)) yield t.split(p, c.ctx.trackPath);
  };
};

/** valueMap(): keys to lists of values (vertices) or values (edges); `with(tokens)` adds id and label. */
const compileValueMap: StepCompiler = (args, mods, c) => {
  let tokens = 0;
  let rest = args;
  if (typeof args[0] === 'boolean') {
    tokens = args[0] ? withOptions.all : 0;
    rest = args.slice(1);
  }
  for (const w of mods.with) if (w[0] === withOptions.tokens) tokens = w.length > 1 ? Number(w[1]) : withOptions.all;
  const accept = keyFilter(rest);
  // Several by()s apply to the keys in turn (round robin).
  const bys = mods.by.map((b) => makeBy(b, c, 'valueMap'));
  return mapStage(c, (obj, t) => {
    const out = new Map<unknown, unknown>();
    if (tokens & withOptions.ids && (obj instanceof Vertex || obj instanceof Edge || obj instanceof VertexProperty)) out.set(T.id, obj.id);
    if (tokens & withOptions.labels && (obj instanceof Vertex || obj instanceof Edge || obj instanceof VertexProperty)) out.set(T.label, tokenValue(obj, 'label', c));
    if (obj instanceof VertexProperty) {
      if (tokens & withOptions.keys) out.set(T.key, obj.key);
      if (tokens & withOptions.values) out.set(T.value, obj.value);
    }
    if (obj instanceof Vertex) {
      for (const p of visibleProperties(c, obj)) {
        if (accept && !accept(p.key)) continue;
        const list = out.get(p.key) as unknown[] | undefined;
        if (list) list.push(p.value);
        else out.set(p.key, [p.value]);
      }
    } else for (const p of propertiesOf(obj, accept, 'valueMap', c)) out.set(p.key, p.value);
    if (bys.length > 0) {
      let i = 0;
      for (const [k, v] of [...out]) {
        if (typeof k !== 'string') continue;
        const b = bys[i++ % bys.length]!.get(t.withObject(v));
        if (b === NONE) out.delete(k);
        else out.set(k, b);
      }
    }
    return out;
  });
};

const compilePropertyMap: StepCompiler = (args, _mods, c) => {
  const accept = keyFilter(args);
  return mapStage(c, (obj) => {
    const out = new Map<string, unknown[]>();
    for (const p of propertiesOf(obj, accept, 'propertyMap', c)) {
      const list = out.get(p.key);
      if (list) list.push(p);
      else out.set(p.key, [p]);
    }
    return out;
  });
};

const compileElementMap: StepCompiler = (args, _mods, c) => {
  const accept = keyFilter(args);
  const graph = c.ctx.graph;
  return mapStage(c, (obj) => {
    const out = new Map<unknown, unknown>();
    if (obj instanceof Vertex) {
      out.set(T.id, obj.id);
      out.set(T.label, graph.vertexLabel(obj));
      for (const p of visibleProperties(c, obj)) if ((!accept || accept(p.key)) && !out.has(p.key)) out.set(p.key, p.value);
    } else if (obj instanceof Edge) {
      out.set(T.id, obj.id);
      out.set(T.label, obj.label);
      out.set(Direction.in, new Map<unknown, unknown>([[T.id, obj.inV.id], [T.label, graph.vertexLabel(obj.inV)]]));
      out.set(Direction.out, new Map<unknown, unknown>([[T.id, obj.outV.id], [T.label, graph.vertexLabel(obj.outV)]]));
      const props = obj.props;
      if (props) for (let i = 0; i < props.length; i += 2) if (!accept || accept(props[i] as string)) out.set(props[i], props[i + 1]);
    } else if (obj instanceof VertexProperty) {
      out.set(T.id, obj.id);
      out.set(T.key, obj.key);
      out.set(T.value, obj.value);
      if (obj.meta) for (const [k, v] of obj.meta) if (!accept || accept(k)) out.set(k, v);
    } else stepError('elementMap', `expects an element, got ${String(obj)}`);
    return out;
  });
};

function tokenStep(token: string): StepCompiler {
  return (_args, _mods, c) =>
    mapStage(c, (obj) => {
      const v = tokenValue(obj, token, c);
      if (v === NONE) stepError(token, `cannot read ${token} of ${String(obj)}`);
      return v;
    });
}

const compileConstant: StepCompiler = (args, _mods, c) => mapStage(c, () => args[0]);

const compileIdentity: StepCompiler = () => (input) => input;

const compileUnfold: StepCompiler = (_args, _mods, c) =>
  function* (input) {
    for (const t of input) {
      const items = iterateValue(t.obj);
      if (items === undefined) yield t;
      else for (const x of items) yield t.split(x, c.ctx.trackPath);
    }
  };

const compileLoops: StepCompiler = (args, _mods, c) => {
  const name = args[0] as string | undefined;
  return mapStage(c, (_obj, t) => {
    for (let f = t.loops; f; f = f.prev) if (name === undefined || f.name === name) return f.count;
    return 0;
  });
};

/** index(): a list becomes `[[item, 0], [item, 1] ...]`, or a map item→index `with(indexer, map)`. */
const compileIndex: StepCompiler = (_args, mods, c) => {
  let asMap = false;
  for (const w of mods.with) if (w[0] === withOptions.indexer) asMap = Number(w[1]) === withOptions.map;
  return mapStage(c, (obj) => {
    const items = Array.isArray(obj) || obj instanceof Set ? [...obj] : obj instanceof Map ? [...obj].map(([k, v]) => new Map([[k, v]])) : [obj];
    if (asMap) return new Map(items.map((x, i) => [i, x]));
    return items.map((x, i) => [x, i]);
  });
};

const compileElement: StepCompiler = (_args, _mods, c) =>
  mapStage(c, (obj) => {
    if (obj instanceof VertexProperty) return obj.vertex;
    if (obj instanceof PropertyRef) return obj.owner;
    return stepError('element', `expects a property, got ${String(obj)}`);
  });

const compileKeyOf: StepCompiler = (args, mods, c) => tokenStep('key')(args, mods, c);
const compileValueOf: StepCompiler = (args, mods, c) => tokenStep('value')(args, mods, c);

export const mapSteps: Record<string, StepCompiler> = {
  values: compileValues,
  properties: compileProperties,
  valueMap: compileValueMap,
  propertyMap: compilePropertyMap,
  elementMap: compileElementMap,
  id: tokenStep('id'),
  label: tokenStep('label'),
  key: compileKeyOf,
  value: compileValueOf,
  constant: compileConstant,
  identity: compileIdentity,
  unfold: compileUnfold,
  loops: compileLoops,
  index: compileIndex,
  element: compileElement,
};

export { enumName, isEnum, propertiesOf };
