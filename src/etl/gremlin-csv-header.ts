import { InvalidInputError, kitMessage } from '../errors.js';

/** System columns that open every file, in Neptune's order. */
export const VERTEX_SYSTEM_COLUMNS = ['~id', '~label'] as const;
export const EDGE_SYSTEM_COLUMNS = ['~id', '~from', '~to', '~label'] as const;

/**
 * Property header `name:Type`, optionally `Type[]` and `(single)`/`(set)`, with the types
 * Neptune's Gremlin load format accepts, case-insensitively
 * (https://docs.aws.amazon.com/neptune/latest/userguide/bulk-load-tutorial-format-gremlin.html).
 */
const PROPERTY_HEADER = /^[^:~][^:]*:(bool|boolean|byte|short|int|long|float|double|string|date)(\[\])?(\((single|set)\))?$/i;

/**
 * Throws InvalidInputError unless `header` is a Gremlin CSV header of the given kind as this
 * kit writes it: the system columns first, in order, then distinct typed properties.
 */
export function checkGremlinCsvHeader(header: readonly string[], kind: 'vertices' | 'edges', file: string): void {
  const system: readonly string[] = kind === 'vertices' ? VERTEX_SYSTEM_COLUMNS : EDGE_SYSTEM_COLUMNS;
  const fail = (why: string): never => {
    throw new InvalidInputError(kitMessage('etl', `${file}: header "${header.join(',')}" is not a Gremlin CSV ${kind} header: ${why}`));
  };
  system.forEach((name, i) => {
    if (header[i] !== name) fail(`column ${i + 1} must be ${name}`);
  });
  const names = new Set<string>();
  for (const field of header.slice(system.length)) {
    if (!PROPERTY_HEADER.test(field)) fail(`"${field}" is not name:Type`);
    const name = field.slice(0, field.indexOf(':'));
    if (names.has(name)) fail(`property "${name}" appears twice`);
    names.add(name);
  }
}
