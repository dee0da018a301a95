/**
 * Gremlin Server request and response messages in GraphSON 3.0
 * (https://tinkerpop.apache.org/docs/3.7.3/dev/io/#graphson-3d0). The driver's GraphSON reader
 * cannot read bytecode, predicates, enums or strategies, and its writer cannot write vertex
 * properties or paths — the server needs exactly those — so both directions are written here
 * against the documented type names, producing the driver's own structure and process classes.
 */
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

/** Reads a GraphSON 3 request message. */
export function readGraphSonRequest(text: string): GremlinRequest {
  const json = JSON.parse(text) as { requestId: unknown; op: string; processor?: string; args?: Record<string, unknown> };
  const args: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(json.args ?? {})) args[key] = readGraphSon(value);
  return { requestId: String(readGraphSon(json.requestId)), op: json.op, processor: json.processor ?? '', args };
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

/** Decodes one GraphSON 3 value into driver classes and JavaScript values. */
export function readGraphSon(value: unknown): unknown {
  if (value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) return value.map(readGraphSon);
  const typed = value as Typed;
  if (typeof typed['@type'] !== 'string') {
    const result: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) result[k] = readGraphSon(v);
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
      return (inner as unknown[]).map(readGraphSon);
    case 'g:Set':
      return new Set((inner as unknown[]).map(readGraphSon));
    case 'g:Map': {
      const flat = inner as unknown[];
      const map = new Map<unknown, unknown>();
      for (let i = 0; i < flat.length; i += 2) map.set(readGraphSon(flat[i]), readGraphSon(flat[i + 1]));
      return map;
    }
    case 'g:Bytecode':
      return readBytecode(inner as { source?: unknown[][]; step?: unknown[][] });
    case 'g:P':
    case 'g:TextP':
      return readPredicate(type === 'g:TextP', inner as { predicate: string; value: unknown });
    case 'g:Lambda': {
      const script = String((inner as { script?: unknown }).script);
      return Object.assign((): [string, string] => [script, 'gremlin-groovy'], { lambdaScript: script });
    }
    case 'g:Vertex': {
      const v = inner as { id: unknown; label?: string };
      return new structure.Vertex(readGraphSon(v.id) as never, v.label ?? 'vertex', undefined);
    }
    case 'g:Edge': {
      const e = inner as { id: unknown; label: string; outV: unknown; inV: unknown; outVLabel?: string; inVLabel?: string };
      return new structure.Edge(
        readGraphSon(e.id) as never,
        new structure.Vertex(readGraphSon(e.outV) as never, e.outVLabel ?? 'vertex', undefined),
        e.label,
        new structure.Vertex(readGraphSon(e.inV) as never, e.inVLabel ?? 'vertex', undefined),
        undefined,
      );
    }
    case 'g:Traverser': {
      const t = inner as { bulk: unknown; value: unknown };
      return new gp.Traverser(readGraphSon(t.value) as never, Number(readGraphSon(t.bulk)));
    }
    default:
      break;
  }
  if (prefix === 'g' && ENUM_TYPES.has(name)) return new gp.EnumValue(name, String(inner));
  if (prefix === 'g' && name.endsWith('Strategy')) {
    const configuration: Record<string, unknown> = {};
    for (const [k, v] of Object.entries((inner as Record<string, unknown>) ?? {})) configuration[k] = readGraphSon(v);
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

function readBytecode(value: { source?: unknown[][]; step?: unknown[][] }): gremlin.process.Bytecode {
  const bytecode = new gp.Bytecode();
  for (const [name, ...args] of value.source ?? []) bytecode.addSource(String(name), args.map(readGraphSon));
  for (const [name, ...args] of value.step ?? []) bytecode.addStep(String(name), args.map(readGraphSon));
  return bytecode;
}

function readPredicate(text: boolean, value: { predicate: string; value: unknown }): unknown {
  const Constructor = text ? gp.TextP : gp.P;
  const operator = value.predicate as never;
  const argument = readGraphSon(value.value);
  // between/inside/outside/and/or carry two values as a list; within/without carry one list.
  if (['between', 'inside', 'outside', 'and', 'or'].includes(value.predicate) && Array.isArray(argument)) {
    return new Constructor(operator, argument[0] as never, argument[1]);
  }
  return new Constructor(operator, argument as never);
}

/** Writes a GraphSON 3 response message. */
export function writeGraphSonResponse(response: GremlinResponse): string {
  return JSON.stringify({
    requestId: response.requestId ?? null,
    status: {
      code: response.status.code,
      message: response.status.message ?? '',
      attributes: writeGraphSon(new Map(Object.entries(response.status.attributes ?? {}))),
    },
    result: { data: writeGraphSon(response.data ?? null), meta: writeGraphSon(new Map()) },
  });
}

/** Encodes a driver value as GraphSON 3. */
export function writeGraphSon(value: unknown): unknown {
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
        ? { '@type': 'g:Int64', '@value': Number(value) }
        : { '@type': 'gx:BigInteger', '@value': value.toString() };
    default:
      break;
  }
  if (value instanceof Date) return { '@type': 'g:Date', '@value': value.getTime() };
  if (Array.isArray(value)) return { '@type': 'g:List', '@value': value.map(writeGraphSon) };
  if (value instanceof Set) return { '@type': 'g:Set', '@value': [...value].map(writeGraphSon) };
  if (value instanceof Map) {
    const flat: unknown[] = [];
    for (const [k, v] of value) flat.push(writeGraphSon(k), writeGraphSon(v));
    return { '@type': 'g:Map', '@value': flat };
  }
  const element = value as { id: unknown; label: string; key: string; value: unknown; outV: { id: unknown; label: string }; inV: { id: unknown; label: string }; labels: unknown[]; objects: unknown[]; object: unknown; bulk: number };
  if (value instanceof structure.Vertex) {
    return { '@type': 'g:Vertex', '@value': { id: writeGraphSon(element.id), label: element.label } };
  }
  if (value instanceof structure.Edge) {
    return {
      '@type': 'g:Edge',
      '@value': {
        id: writeGraphSon(element.id),
        label: element.label,
        inVLabel: element.inV.label,
        outVLabel: element.outV.label,
        inV: writeGraphSon(element.inV.id),
        outV: writeGraphSon(element.outV.id),
      },
    };
  }
  if (value instanceof structure.VertexProperty) {
    return { '@type': 'g:VertexProperty', '@value': { id: writeGraphSon(element.id), value: writeGraphSon(element.value), label: element.label } };
  }
  if (value instanceof structure.Property) {
    return { '@type': 'g:Property', '@value': { key: element.key, value: writeGraphSon(element.value) } };
  }
  if (value instanceof structure.Path) {
    return {
      '@type': 'g:Path',
      '@value': {
        labels: { '@type': 'g:List', '@value': element.labels.map((l) => ({ '@type': 'g:Set', '@value': [...(l as Iterable<unknown>)].map(writeGraphSon) })) },
        objects: { '@type': 'g:List', '@value': element.objects.map(writeGraphSon) },
      },
    };
  }
  if (value instanceof gp.Traverser) {
    return { '@type': 'g:Traverser', '@value': { bulk: { '@type': 'g:Int64', '@value': element.bulk }, value: writeGraphSon(element.object) } };
  }
  if (value instanceof gp.EnumValue) {
    const enumValue = value as unknown as { typeName: string; elementName: string };
    return { '@type': `g:${enumValue.typeName}`, '@value': enumValue.elementName };
  }
  if (Object.getPrototypeOf(value) === Object.prototype) {
    return writeGraphSon(new Map(Object.entries(value as Record<string, unknown>)));
  }
  throw new Error(`cannot write ${(value as object).constructor?.name ?? typeof value} as GraphSON`);
}
