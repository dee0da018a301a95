/**
 * Header rows of Neptune's Gremlin load format
 * (https://docs.aws.amazon.com/neptune/latest/userguide/bulk-load-tutorial-format-gremlin.html):
 * system columns `~id`, `~label` (vertices), `~id`, `~from`, `~to`, `~label` (edges), each at
 * most once; property columns `name[:Type][[]][(single|set)]` with case-insensitive type names,
 * `\:` for a colon inside a name, arrays only on vertex properties, and only `single`
 * cardinality on edges. A file whose header has `~from` or `~to` is an edge file.
 */
import { type CellConverter, type GremlinCsvType, converterFor, resolveGremlinCsvType } from './gremlin-csv-values.js';

export type ElementKind = 'vertex' | 'edge';

export interface PropertyColumn {
  /** Position in the record. */
  index: number;
  /** The header text as written. */
  header: string;
  /** Property key (escapes removed). */
  name: string;
  type: GremlinCsvType;
  isArray: boolean;
  /** Vertex properties: `set` unless the header says `(single)`; edges: always `single`. */
  cardinality: 'single' | 'set';
  convert: CellConverter;
}

export interface GremlinCsvHeader {
  kind: ElementKind;
  /** Number of columns every record must have. */
  width: number;
  idIndex: number;
  /** -1 when the file has no `~label` column (the label is then `vertex` or `edge`). */
  labelIndex: number;
  fromIndex: number;
  toIndex: number;
  properties: PropertyColumn[];
}

/** A header the loader cannot use; the whole file is rejected with this message. */
export class GremlinHeaderError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'GremlinHeaderError';
  }
}

const SYSTEM_COLUMNS = new Set(['~id', '~label', '~from', '~to']);

/** Splits `name:type` at the first colon that is not escaped as `\:`; unescapes the name. */
function splitPropertyHeader(header: string): { name: string; typeText: string | undefined } {
  let name = '';
  for (let i = 0; i < header.length; i++) {
    const c = header[i]!;
    if (c === '\\' && header[i + 1] === ':') {
      name += ':';
      i++;
    } else if (c === ':') {
      return { name, typeText: header.slice(i + 1) };
    } else {
      name += c;
    }
  }
  return { name, typeText: undefined };
}

function parsePropertyColumn(header: string, index: number, kind: ElementKind): PropertyColumn {
  const where = `column ${index + 1} "${header}"`;
  if (/[\s,]/.test(header)) throw new GremlinHeaderError(`${where}: spaces, commas and line breaks are not allowed in a header`);
  const { name, typeText } = splitPropertyHeader(header);
  if (name === '') throw new GremlinHeaderError(`${where}: empty property name`);
  let rest = typeText ?? 'String';
  let cardinality: 'single' | 'set' | undefined;
  let isArray = false;
  // Accept `Type[](card)` and `Type(card)[]`.
  for (let guard = 0; guard < 2; guard++) {
    if (rest.endsWith('[]')) {
      isArray = true;
      rest = rest.slice(0, -2);
    }
    const open = rest.lastIndexOf('(');
    if (open >= 0 && rest.endsWith(')')) {
      const card = rest.slice(open + 1, -1).toLowerCase();
      if (card !== 'single' && card !== 'set') {
        throw new GremlinHeaderError(`${where}: unknown cardinality "${rest.slice(open + 1, -1)}" (single or set)`);
      }
      cardinality = card;
      rest = rest.slice(0, open);
    }
  }
  const type = resolveGremlinCsvType(rest);
  if (!type) {
    throw new GremlinHeaderError(
      `${where}: unknown type "${rest}" (Bool, Boolean, Byte, Short, Int, Long, Float, Double, String, Date)`,
    );
  }
  if (kind === 'edge') {
    // "Edge properties can only have a single value and will cause an error if an array type
    // is specified or a second value is specified."
    if (isArray) throw new GremlinHeaderError(`${where}: array types are not allowed on edge properties`);
    if (cardinality === 'set') throw new GremlinHeaderError(`${where}: edge properties are always single cardinality`);
    cardinality = 'single';
  }
  if (isArray && cardinality === 'single') {
    throw new GremlinHeaderError(`${where}: an array column needs set cardinality`);
  }
  return { index, header, name, type, isArray, cardinality: cardinality ?? 'set', convert: converterFor(type) };
}

/** Parses a header row; throws GremlinHeaderError naming the column at fault. */
export function parseGremlinCsvHeader(fields: readonly string[]): GremlinCsvHeader {
  const system = new Map<string, number>();
  fields.forEach((raw, index) => {
    if (!raw.startsWith('~')) return;
    if (!SYSTEM_COLUMNS.has(raw)) {
      throw new GremlinHeaderError(`column ${index + 1} "${raw}": unknown system column (~id, ~label, ~from, ~to)`);
    }
    if (system.has(raw)) throw new GremlinHeaderError(`column ${index + 1} "${raw}": system column repeated`);
    system.set(raw, index);
  });
  const kind: ElementKind = system.has('~from') || system.has('~to') ? 'edge' : 'vertex';
  if (!system.has('~id')) throw new GremlinHeaderError(`the header has no ~id column`);
  if (kind === 'edge' && !(system.has('~from') && system.has('~to'))) {
    throw new GremlinHeaderError(`an edge header needs both ~from and ~to`);
  }
  const properties: PropertyColumn[] = [];
  const names = new Set<string>();
  fields.forEach((raw, index) => {
    if (raw.startsWith('~')) return;
    if (raw === '') throw new GremlinHeaderError(`column ${index + 1}: empty header`);
    const column = parsePropertyColumn(raw, index, kind);
    if (names.has(column.name)) throw new GremlinHeaderError(`column ${index + 1} "${raw}": property "${column.name}" repeated`);
    names.add(column.name);
    properties.push(column);
  });
  return {
    kind,
    width: fields.length,
    idIndex: system.get('~id')!,
    labelIndex: system.get('~label') ?? -1,
    fromIndex: system.get('~from') ?? -1,
    toIndex: system.get('~to') ?? -1,
    properties,
  };
}
