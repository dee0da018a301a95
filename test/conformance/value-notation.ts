/**
 * TinkerPop's value notation for feature-file parameters and results, read the way the suite's own
 * JavaScript runner reads it (gremlin-javascript test/cucumber/feature-steps.js at 3.7.3):
 * `v[marko]` the vertex named marko, `v[marko].id`, `e[marko-knows->josh]` (and `.id`),
 * `vp[marko-name->marko]`, `d[1].i` numbers (i/l/f/d/m/n/b/s), `m[{json}]` maps whose keys and
 * string values are notation too, `l[a,b]` lists, `s[a,b]` sets, `p[a,b]` paths, `t[id]`,
 * `D[OUT]`, `M[onCreate]`, `str[...]`, `dt[iso]`, `null`, `true`/`false`, plain strings.
 */
import gremlin from 'gremlin';
import { InvalidInputError, kitMessage } from '../../src/errors.js';

const { structure, process: gp } = gremlin;
const mergeEnum = (gp as unknown as { merge: Record<string, gremlin.process.EnumValue> }).merge;

/** How names in the notation resolve against the scenario's graph. */
export interface NotationContext {
  /** The vertex whose `name` property is `name`. */
  vertex(name: string): { id: unknown; label: string } | undefined;
  /** The edge `outName-label->inName`. */
  edge(key: string): { id: unknown; label: string; outV: { id: unknown; label: string }; inV: { id: unknown; label: string } } | undefined;
}

/** Thrown when the notation names a lambda (`c[...]`), which Neptune does not support. */
export class LambdaNotationError extends InvalidInputError {
  constructor(text: string) {
    super(kitMessage('conformance', `lambda ${text}`));
    this.name = 'LambdaNotationError';
  }
}

/**
 * A set read from `s[...]`: a JavaScript `Set` (so a parameter reaches the engine as a set, like a
 * GraphBinary set would) that also keeps its items in written order for comparisons.
 */
export class ExpectedSet extends Set<unknown> {
  readonly items: unknown[];
  constructor(items: unknown[]) {
    super(items);
    this.items = items;
  }
}

/** Reads one value in TinkerPop notation. */
export function parseNotation(text: string, context: NotationContext): unknown {
  if (text === 'null') return null;
  if (text === 'true') return true;
  if (text === 'false') return false;
  if (text === 'd[NaN]') return Number.NaN;
  if (text === 'd[Infinity]') return Number.POSITIVE_INFINITY;
  if (text === 'd[-Infinity]') return Number.NEGATIVE_INFINITY;
  let match: RegExpExecArray | null;
  if ((match = /^str\[(.*)\]$/s.exec(text))) return match[1];
  if ((match = /^vp\[(.+)-(.+?)->(.*)\]$/s.exec(text))) {
    // The owner must exist; the property itself is compared by key and value.
    requireVertex(match[1]!, context, text);
    return new structure.VertexProperty(undefined as never, match[2]!, parseNotation(match[3]!, context), undefined as never);
  }
  if ((match = /^dt\[(.+)\]$/.exec(text))) {
    const date = new Date(match[1]!);
    if (Number.isNaN(date.getTime())) throw new InvalidInputError(kitMessage('conformance', `bad date in ${text}`));
    return date;
  }
  if ((match = /^d\[(.*)\]\.([bsilfdmn])$/.exec(text))) {
    const raw = match[1]!;
    if (match[2] === 'n' || match[2] === 'l') {
      const big = BigInt(raw.replace(/\.0+$/, ''));
      return Number.isSafeInteger(Number(big)) ? Number(big) : big;
    }
    return Number(raw);
  }
  if ((match = /^v\[(.+)\]\.s?id$/.exec(text))) {
    const id = requireVertex(match[1]!, context, text).id;
    return text.endsWith('.sid') ? String(id) : id;
  }
  if ((match = /^v\[(.+)\]$/.exec(text))) {
    const vertex = requireVertex(match[1]!, context, text);
    return new structure.Vertex(vertex.id as never, vertex.label, undefined);
  }
  if ((match = /^e\[(.+)\]\.s?id$/.exec(text))) {
    const id = requireEdge(match[1]!, context, text).id;
    return text.endsWith('.sid') ? String(id) : id;
  }
  if ((match = /^e\[(.+)\]$/.exec(text))) {
    const edge = requireEdge(match[1]!, context, text);
    return new structure.Edge(
      edge.id as never,
      new structure.Vertex(edge.outV.id as never, edge.outV.label, undefined),
      edge.label,
      new structure.Vertex(edge.inV.id as never, edge.inV.label, undefined),
      undefined,
    );
  }
  if ((match = /^p\[(.*)\]$/s.exec(text))) {
    const objects = splitItems(match[1]!).map((item) => parseNotation(item, context));
    return new structure.Path(objects.map(() => []) as never, objects);
  }
  if ((match = /^l\[(.*)\]$/s.exec(text))) return splitItems(match[1]!).map((item) => parseNotation(item, context));
  if ((match = /^s\[(.*)\]$/s.exec(text))) return new ExpectedSet(splitItems(match[1]!).map((item) => parseNotation(item, context)));
  if ((match = /^m\[(.+)\]$/s.exec(text))) {
    let json: unknown;
    try {
      json = JSON.parse(match[1]!);
    } catch (error) {
      throw new InvalidInputError(kitMessage('conformance', `bad JSON in ${text}`), { cause: error });
    }
    return parseJsonNotation(json, context);
  }
  if ((match = /^c\[(.*)\]$/s.exec(text))) throw new LambdaNotationError(text);
  if ((match = /^t\[(.+)\]$/.exec(text))) return lookupEnum(gp.t as unknown as Record<string, gremlin.process.EnumValue>, match[1]!, text);
  if ((match = /^D\[(.+)\]$/.exec(text))) {
    // D[from] and D[to] are the aliases of OUT and IN (the driver names the first `from_`).
    const name = match[1] === 'from' ? 'from_' : match[1]!.toLowerCase();
    return lookupEnum(gp.direction as unknown as Record<string, gremlin.process.EnumValue>, name, text);
  }
  if ((match = /^M\[(.+)\]$/.exec(text))) return lookupEnum(mergeEnum, match[1]!, text);
  return text;
}

/** Maps and JSON values inside `m[...]`: object keys and string values are notation. */
function parseJsonNotation(json: unknown, context: NotationContext): unknown {
  if (typeof json === 'string') return parseNotation(json, context);
  if (Array.isArray(json)) return json.map((item) => parseJsonNotation(item, context));
  if (json !== null && typeof json === 'object') {
    const map = new Map<unknown, unknown>();
    for (const [key, value] of Object.entries(json)) map.set(parseNotation(key, context), parseJsonNotation(value, context));
    return map;
  }
  return json;
}

/** Splits `a,b,l[c,d]` at top-level commas (the suite splits on commas; nesting is kept intact here). */
function splitItems(text: string): string[] {
  if (text === '') return [];
  const items: string[] = [];
  let depth = 0;
  let current = '';
  for (const c of text) {
    if (c === '[' || c === '{') depth++;
    if (c === ']' || c === '}') depth--;
    if (c === ',' && depth === 0) {
      items.push(current);
      current = '';
    } else {
      current += c;
    }
  }
  items.push(current);
  return items;
}

function requireVertex(name: string, context: NotationContext, text: string): { id: unknown; label: string } {
  const vertex = context.vertex(name);
  if (!vertex) throw new InvalidInputError(kitMessage('conformance', `${text}: no vertex named ${JSON.stringify(name)}`));
  return vertex;
}

function requireEdge(key: string, context: NotationContext, text: string): ReturnType<NotationContext['edge']> & object {
  const edge = context.edge(key);
  if (!edge) throw new InvalidInputError(kitMessage('conformance', `${text}: no edge ${key}`));
  return edge;
}

function lookupEnum(table: Record<string, gremlin.process.EnumValue>, name: string, text: string): gremlin.process.EnumValue {
  const value = table[name];
  if (!value) throw new InvalidInputError(kitMessage('conformance', `unknown enum in ${text}`));
  return value;
}
