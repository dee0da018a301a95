/**
 * Gremlin Server request and response messages in GraphBinary 1.0
 * (https://tinkerpop.apache.org/docs/3.7.3/dev/io/#graphbinary, "Request and Response Messages"),
 * built on the `gremlin` driver's own GraphBinary serializers. The driver only writes requests and
 * reads responses; a server needs the opposite, plus deserializers the driver leaves out
 * (TraversalStrategy, Lambda), which are registered here.
 */
import { createRequire } from 'node:module';
import gremlin from 'gremlin';
import { createDriverStrategy } from '../parser/driver-internals.js';
import type { GremlinRequest, GremlinResponse } from './gremlin-messages.js';

const requireDriver = createRequire(import.meta.url);

interface Deserialized<T = unknown> {
  v: T;
  len: number;
}

interface BinarySerializer {
  serialize(value: unknown, fullyQualifiedFormat?: boolean): Buffer;
  deserialize(buffer: Buffer, fullyQualifiedFormat?: boolean, nullable?: boolean): Deserialized;
}

/** The driver's GraphBinary container (lib/structure/io/binary/GraphBinary.js). */
interface GraphBinaryIoc {
  DataType: Record<string, number>;
  serializers: Record<number, { deserialize(buffer: Buffer): Deserialized }>;
  uuidSerializer: BinarySerializer;
  stringSerializer: BinarySerializer;
  classSerializer: BinarySerializer;
  intSerializer: BinarySerializer;
  mapSerializer: BinarySerializer;
  listSerializer: BinarySerializer;
  anySerializer: BinarySerializer;
}

const ioc = requireDriver('gremlin/lib/structure/io/binary/GraphBinary.js') as GraphBinaryIoc;

/** Marks a lambda received from a client; the engine refuses it (Neptune has no lambdas). */
export interface ReceivedLambda {
  (): [string, string];
  lambdaScript: string;
}

registerMissingDeserializers();

/**
 * The driver never reads strategies or lambdas (it only sends them). The registration is additive:
 * it teaches the shared GraphBinary container two more type codes and changes nothing it did.
 */
function registerMissingDeserializers(): void {
  const { TRAVERSALSTRATEGY, LAMBDA } = ioc.DataType as { TRAVERSALSTRATEGY: number; LAMBDA: number };
  ioc.serializers[TRAVERSALSTRATEGY] ??= {
    deserialize(buffer: Buffer): Deserialized {
      // {type_code}{value_flag}{strategy_class: Class}{configuration: Map}
      if (buffer[1] === 0x01) return { v: null, len: 2 };
      let len = 2;
      const fqcn = ioc.classSerializer.deserialize(buffer.subarray(len), false) as Deserialized<string>;
      len += fqcn.len;
      const configuration = ioc.mapSerializer.deserialize(buffer.subarray(len), false) as Deserialized<Map<unknown, unknown>>;
      len += configuration.len;
      const config = Object.fromEntries([...configuration.v.entries()].map(([k, value]) => [String(k), value]));
      const strategy = createDriverStrategy(fqcn.v, config) ?? { fqcn: fqcn.v, configuration: config };
      return { v: strategy, len };
    },
  };
  ioc.serializers[LAMBDA] ??= {
    deserialize(buffer: Buffer): Deserialized {
      // {type_code}{value_flag}{language: String}{script: String}{arguments_length: Int}
      if (buffer[1] === 0x01) return { v: null, len: 2 };
      let len = 2;
      const language = ioc.stringSerializer.deserialize(buffer.subarray(len), false) as Deserialized<string>;
      len += language.len;
      const script = ioc.stringSerializer.deserialize(buffer.subarray(len), false) as Deserialized<string>;
      len += script.len;
      len += ioc.intSerializer.deserialize(buffer.subarray(len), false).len;
      const lambda = Object.assign((): [string, string] => [script.v, language.v], { lambdaScript: script.v });
      return { v: lambda, len };
    },
  };
}

/** Reads a GraphBinary request message (after the mime-type header). */
export function readGraphBinaryRequest(buffer: Buffer): GremlinRequest {
  if (buffer[0] !== 0x81) throw new Error(`unsupported GraphBinary request version 0x${(buffer[0] ?? 0).toString(16)}`);
  let cursor = 1;
  const requestId = ioc.uuidSerializer.deserialize(buffer.subarray(cursor), false, false) as Deserialized<string>;
  cursor += requestId.len;
  const op = ioc.stringSerializer.deserialize(buffer.subarray(cursor), false) as Deserialized<string>;
  cursor += op.len;
  const processor = ioc.stringSerializer.deserialize(buffer.subarray(cursor), false) as Deserialized<string>;
  cursor += processor.len;
  const args = ioc.mapSerializer.deserialize(buffer.subarray(cursor), false) as Deserialized<Map<unknown, unknown>>;
  return {
    requestId: requestId.v,
    op: op.v,
    processor: processor.v,
    args: Object.fromEntries([...args.v.entries()].map(([k, v]) => [String(k), v])),
  };
}

/** Reads just the request id of a message that failed to parse, when its first bytes allow. */
export function peekGraphBinaryRequestId(buffer: Buffer): string | undefined {
  try {
    if (buffer[0] !== 0x81) return undefined;
    return (ioc.uuidSerializer.deserialize(buffer.subarray(1), false, false) as Deserialized<string>).v;
  } catch {
    return undefined;
  }
}

/** Writes a GraphBinary response message. */
export function writeGraphBinaryResponse(response: GremlinResponse): Buffer {
  const parts: Buffer[] = [Buffer.from([0x81])];
  // {request_id} nullable UUID
  if (response.requestId === undefined) parts.push(Buffer.from([0x01]));
  else parts.push(Buffer.from([0x00]), ioc.uuidSerializer.serialize(response.requestId, false));
  // {status_code} Int, {status_message} nullable String
  parts.push(ioc.intSerializer.serialize(response.status.code, false));
  if (response.status.message === undefined || response.status.message === '') parts.push(Buffer.from([0x01]));
  else parts.push(Buffer.from([0x00]), ioc.stringSerializer.serialize(response.status.message, false));
  // {status_attributes} Map, {result_meta} Map, {result_data} fully qualified
  parts.push(ioc.mapSerializer.serialize(new Map(Object.entries(response.status.attributes ?? {})), false));
  parts.push(ioc.mapSerializer.serialize(new Map(), false));
  parts.push(ioc.anySerializer.serialize(prepareForGraphBinary(response.data ?? null)));
  return Buffer.concat(parts);
}

/**
 * JavaScript values the driver's writer cannot express: a `Set` would be written as an empty map
 * and `undefined` not at all, so sets travel as lists (as the driver reads GraphBinary sets) and
 * `undefined` as null.
 */
function prepareForGraphBinary(value: unknown): unknown {
  if (value === undefined) return null;
  if (value instanceof Set) return [...value].map(prepareForGraphBinary);
  if (Array.isArray(value)) return value.map(prepareForGraphBinary);
  if (value instanceof Map) {
    const map = new Map<unknown, unknown>();
    for (const [k, v] of value) map.set(prepareForGraphBinary(k), prepareForGraphBinary(v));
    return map;
  }
  if (value instanceof gremlin.process.Traverser) {
    const traverser = value as unknown as { object: unknown; bulk: number };
    return new gremlin.process.Traverser(prepareForGraphBinary(traverser.object) as never, traverser.bulk);
  }
  return value;
}
