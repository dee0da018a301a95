/**
 * Gremlin Server request and response messages in GraphSON 3.0
 * (https://tinkerpop.apache.org/docs/3.7.3/dev/io/#graphson-3d0). The driver's GraphSON reader
 * cannot read bytecode, predicates, enums or strategies, and its writer cannot write vertex
 * properties or paths — the server needs exactly those — so both directions are written here
 * against the documented type names, producing the driver's own structure and process classes.
 */
import { randomUUID } from 'node:crypto';
import gremlin from 'gremlin';
import { createDriverStrategy } from '../parser/driver-internals.js';
import type { GremlinRequest, GremlinResponse } from './gremlin-messages.js';

const { process: gp, structure } = gremlin;

interface Typed {
  '@type': string;
  '@value': unknown;
}

const ENUM_TYPES = new Set([
  'T',
  'Direction',
  'Order',
  'Scope',
  'Column',
  'Pop',
  'Cardinality',
  'Operator',
  'Pick',
  'Barrier',
  'Merge',
  'DT',
]);

/** GraphSON 3.0 types lists, sets and maps; 2.0 writes them as plain JSON arrays and objects. */
export type GraphSonVersion = 2 | 3;

/** Reads a GraphSON request message (3.0 by default). */
export function readGraphSonRequest(text: string, version: GraphSonVersion = 3): GremlinRequest {
  const json = JSON.parse(text) as { requestId: unknown; op: string; processor?: string; args?: Record<string, unknown> };
  const args: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(json.args ?? {})) args[key] = readGraphSon(value, version);
  // A request without an id gets a fresh one, as Gremlin Server's RequestMessage.Builder gives it.
  const requestId = json.requestId === undefined || json.requestId === null ? randomUUID() : String(readGraphSon(json.requestId, version));
  return { requestId, op: json.op, processor: json.processor ?? '', args };
}

/** Reads just the request id of a message that failed to parse, when the JSON allows. */
export function peekGraphSonRequestId(text: string): string | undefined {
  try {
    const json = JSON.parse(text) as { requestId?: unknown };
    const id = json.requestId;
    if (typeof id === 'string') return id;
    if (id !== null && typeof id === 'object' && typeof (id as Typed)['@value'] === 'string') return (id as Typed)['@value'] as string;
  } catch {
    // not JSON: no id to answer to
  }
  return undefined;
}

/** Decodes one GraphSON value into driver classes and JavaScript values. */
export function readGraphSon(value: unknown, version: GraphSonVersion = 3): unknown {
  const read = (item: unknown): unknown => readGraphSon(item, version);
  if (value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) return value.map((item) => readGraphSon(item, version));
  const typed = value as Typed;
  if (typeof typed['@type'] !== 'string') {
    // GraphSON 2.0 has no map type: a plain object is a map with string keys.
    if (version === 2) return new Map(Object.entries(value).map(([k, v]) => [k, readGraphSon(v, version)]));
    const result: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) result[k] = readGraphSon(v, version);
    return result;
  }
  const type = typed['@type'];
  const inner = typed['@value'];
  const [prefix, name] = type.split(':') as [string, string];
  switch (type) {
    case 'g:Int32':
    case 'g:Int64':
    case 'g:Float':
    case 'g:Double':
    case 'gx:Byte':
    case 'gx:Int16':
    case 'gx:BigDecimal':
      return readNumber(inner);
    case 'gx:BigInteger': {
      const big = BigInt(String(inner));
      return Number.isSafeInteger(Number(big)) ? Number(big) : big;
    }
    case 'g:Date':
    case 'g:Timestamp':
      return new Date(inner as number);
    case 'g:UUID':
    case 'g:Class':
      return String(inner);
    case 'g:List':
      return (inner as unknown[]).map(read);
    case 'g:Set':
      return new Set((inner as unknown[]).map(read));
    case 'g:Map': {
      const flat = inner as unknown[];
      const map = new Map<unknown, unknown>();
      for (let i = 0; i < flat.length; i += 2) map.set(read(flat[i]), read(flat[i + 1]));
      return map;
    }
    case 'g:Bytecode':
      return readBytecode(inner as { source?: unknown[][]; step?: unknown[][] }, version);
    case 'g:P':
    case 'g:TextP':
      return readPredicate(type === 'g:TextP', inner as { predicate: string; value: unknown }, version);
    case 'g:Lambda': {
      const script = String((inner as { script?: unknown }).script);
      return Object.assign((): [string, string] => [script, 'gremlin-groovy'], { lambdaScript: script });
    }
    case 'g:Vertex': {
      const v = inner as { id: unknown; label?: string };
      return new structure.Vertex(read(v.id) as never, v.label ?? 'vertex', undefined);
    }
    case 'g:Edge': {
      const e = inner as { id: unknown; label: string; outV: unknown; inV: unknown; outVLabel?: string; inVLabel?: string };
      return new structure.Edge(
        read(e.id) as never,
        new structure.Vertex(read(e.outV) as never, e.outVLabel ?? 'vertex', undefined),
        e.label,
        new structure.Vertex(read(e.inV) as never, e.inVLabel ?? 'vertex', undefined),
        undefined,
      );
    }
    case 'g:Traverser': {
      const t = inner as { bulk: unknown; value: unknown };
      return new gp.Traverser(read(t.value) as never, Number(read(t.bulk)));
    }
    default:
      break;
  }
  if (prefix === 'g' && ENUM_TYPES.has(name)) return new gp.EnumValue(name, String(inner));
  if (prefix === 'g' && name.endsWith('Strategy')) {
    const configuration: Record<string, unknown> = {};
    for (const [k, v] of Object.entries((inner as Record<string, unknown>) ?? {})) configuration[k] = read(v);
    const strategy = createDriverStrategy(name, configuration);
    if (!strategy) throw new Error(`unknown traversal strategy ${name}`);
    return strategy;
  }
  throw new Error(`unsupported GraphSON type ${type}`);
}

function readNumber(value: unknown): number {
  if (value === 'NaN') return Number.NaN;
  if (value === 'Infinity') return Number.POSITIVE_INFINITY;
  if (value === '-Infinity') return Number.NEGATIVE_INFINITY;
  return typeof value === 'number' ? value : Number(value);
}

function readBytecode(value: { source?: unknown[][]; step?: unknown[][] }, version: GraphSonVersion): gremlin.process.Bytecode {
  const bytecode = new gp.Bytecode();
  const read = (item: unknown): unknown => readGraphSon(item, version);
  for (const [name, ...args] of value.source ?? []) bytecode.addSource(String(name), args.map(read));
  for (const [name, ...args] of value.step ?? []) bytecode.addStep(String(name), args.map(read));
  return bytecode;
}

function readPredicate(text: boolean, value: { predicate: string; value: unknown }, version: GraphSonVersion): unknown {
  const Constructor = text ? gp.TextP : gp.P;
  const operator = value.predicate as never;
  const argument = readGraphSon(value.value, version);
  // between/inside/outside/and/or carry two values as a list; within/without carry one list.
  if (['between', 'inside', 'outside', 'and', 'or'].includes(value.predicate) && Array.isArray(argument)) {
    return new Constructor(operator, argument[0] as never, argument[1]);
  }
  return new Constructor(operator, argument as never);
}

/**
 * Marks a bigint for `stringifyExact`: JSON.stringify cannot write one, and a JavaScript number
 * would round a Long past 2^53. (The NUL character is escaped as \u0000 in JSON text, so a string
 * value does not end up looking like the marker unless it starts with NUL and this very prefix.)
 */
const BIGINT_MARK = '\u0000bigint:';

/** JSON text in which bigints are written as exact JSON numbers. */
function stringifyExact(value: unknown): string {
  const text = JSON.stringify(value, (_key, item: unknown) => (typeof item === 'bigint' ? BIGINT_MARK + item.toString() : item));
  return text.replace(/"\\u0000bigint:(-?\d+)"/g, '$1');
}

/** Writes a GraphSON response message (3.0 by default). */
export function writeGraphSonResponse(response: GremlinResponse, version: GraphSonVersion = 3): string {
  return stringifyExact({
    requestId: response.requestId ?? null,
    status: {
      code: response.status.code,
      message: response.status.message ?? '',
      attributes: writeGraphSon(new Map(Object.entries(response.status.attributes ?? {})), version),
    },
    result: { data: writeGraphSon(response.data ?? null, version), meta: writeGraphSon(new Map(), version) },
  });
}

/** Encodes a driver value as GraphSON (3.0 by default). */
export function writeGraphSon(value: unknown, version: GraphSonVersion = 3): unknown {
  const write = (item: unknown): unknown => writeGraphSon(item, version);
  if (value === null || value === undefined) return null;
  switch (typeof value) {
    case 'string':
    case 'boolean':
      return value;
    case 'number':
      if (!Number.isFinite(value)) return { '@type': 'g:Double', '@value': String(value) };
      if (Number.isInteger(value)) {
        return { '@type': value >= -2147483648 && value <= 2147483647 ? 'g:Int32' : 'g:Int64', '@value': value };
      }
      return { '@type': 'g:Double', '@value': value };
    case 'bigint':
      return value >= -(2n ** 63n) && value < 2n ** 63n
        ? { '@type': 'g:Int64', '@value': value }
        : { '@type': 'gx:BigInteger', '@value': value.toString() };
    default:
      break;
  }
  if (value instanceof Date) return { '@type': 'g:Date', '@value': value.getTime() };
  if (version === 2) {
    // GraphSON 2.0: collections are plain JSON; map keys become strings, as Gremlin Server writes them.
    if (Array.isArray(value) || value instanceof Set) return [...value].map(write);
    if (value instanceof Map) {
      const object: Record<string, unknown> = {};
      for (const [k, v] of value) object[writeMapKey(k)] = write(v);
      return object;
    }
  }
  if (Array.isArray(value)) return { '@type': 'g:List', '@value': value.map(write) };
  if (value instanceof Set) return { '@type': 'g:Set', '@value': [...value].map(write) };
  if (value instanceof Map) {
    const flat: unknown[] = [];
    for (const [k, v] of value) flat.push(write(k), write(v));
    return { '@type': 'g:Map', '@value': flat };
  }
  const element = value as { id: unknown; label: string; key: string; value: unknown; outV: { id: unknown; label: string }; inV: { id: unknown; label: string }; labels: unknown[]; objects: unknown[]; object: unknown; bulk: number };
  if (value instanceof structure.Vertex) {
    return { '@type': 'g:Vertex', '@value': { id: write(element.id), label: element.label } };
  }
  if (value instanceof structure.Edge) {
    return {
      '@type': 'g:Edge',
      '@value': {
        id: write(element.id),
        label: element.label,
        inVLabel: element.inV.label,
        outVLabel: element.outV.label,
        inV: write(element.inV.id),
        outV: write(element.outV.id),
      },
    };
  }
  if (value instanceof structure.VertexProperty) {
    return { '@type': 'g:VertexProperty', '@value': { id: write(element.id), value: write(element.value), label: element.label } };
  }
  if (value instanceof structure.Property) {
    return { '@type': 'g:Property', '@value': { key: element.key, value: write(element.value) } };
  }
  if (value instanceof structure.Path && version === 2) {
    return { '@type': 'g:Path', '@value': { labels: element.labels.map((l) => [...(l as Iterable<unknown>)]), objects: element.objects.map(write) } };
  }
  if (value instanceof structure.Path) {
    return {
      '@type': 'g:Path',
      '@value': {
        labels: { '@type': 'g:List', '@value': element.labels.map((l) => ({ '@type': 'g:Set', '@value': [...(l as Iterable<unknown>)].map(write) })) },
        objects: { '@type': 'g:List', '@value': element.objects.map(write) },
      },
    };
  }
  if (value instanceof gp.Traverser) {
    return { '@type': 'g:Traverser', '@value': { bulk: { '@type': 'g:Int64', '@value': element.bulk }, value: write(element.object) } };
  }
  if (value instanceof gp.EnumValue) {
    const enumValue = value as unknown as { typeName: string; elementName: string };
    return { '@type': `g:${enumValue.typeName}`, '@value': enumValue.elementName };
  }
  if (Object.getPrototypeOf(value) === Object.prototype) {
    return write(new Map(Object.entries(value as Record<string, unknown>)));
  }
  throw new Error(`cannot write ${(value as object).constructor?.name ?? typeof value} as GraphSON`);
}

/** A map key as GraphSON 2.0 writes it: a string. */
function writeMapKey(key: unknown): string {
  if (typeof key === 'string') return key;
  if (key instanceof gp.EnumValue) return (key as unknown as { elementName: string }).elementName;
  if (key instanceof structure.Vertex || key instanceof structure.Edge) return String((key as unknown as { id: unknown }).id);
  return String(key);
}
