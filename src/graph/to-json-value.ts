/**
 * Driver values → plain JSON, for `idgraph query --json` and notebooks' raw views: vertices and
 * edges as `{ id, label }`, vertex properties as `{ id, key, value }`, properties as
 * `{ key, value }`, paths as arrays, maps as objects, sets and lists as arrays, numbers as
 * numbers, dates as ISO-8601 strings.
 */
import gremlin from 'gremlin';

const { Vertex, Edge, VertexProperty, Property, Path } = gremlin.structure;

/** The fields the driver's structure classes carry (@types/gremlin omits them). */
interface ElementFields {
  id: unknown;
  label: string;
}

function keyText(key: unknown): string {
  if (typeof key === 'string') return key;
  if (key instanceof Vertex || key instanceof Edge) return String((key as unknown as ElementFields).id);
  if (key !== null && typeof key === 'object' && 'elementName' in key) return String((key as { elementName: string }).elementName); // t.id, t.label
  const json = toJsonValue(key);
  return typeof json === 'string' ? json : JSON.stringify(json);
}

export function toJsonValue(value: unknown): unknown {
  if (value === null || value === undefined) return null;
  switch (typeof value) {
    case 'string':
    case 'boolean':
      return value;
    case 'number':
      return Number.isFinite(value) ? value : String(value); // JSON has no NaN or Infinity
    case 'bigint':
      return Number.isSafeInteger(Number(value)) ? Number(value) : value.toString();
  }
  if (value instanceof Date) return value.toISOString();
  if (value instanceof Vertex || value instanceof Edge) {
    const e = value as unknown as ElementFields;
    return { id: e.id, label: e.label };
  }
  if (value instanceof VertexProperty) {
    const p = value as unknown as ElementFields & { value: unknown };
    return { id: p.id, key: p.label, value: toJsonValue(p.value) };
  }
  if (value instanceof Property) {
    const p = value as unknown as { key: string; value: unknown };
    return { key: p.key, value: toJsonValue(p.value) };
  }
  if (value instanceof Path) return (value as unknown as { objects: unknown[] }).objects.map(toJsonValue);
  if (Array.isArray(value) || value instanceof Set) return [...value].map(toJsonValue);
  if (value instanceof Map) {
    const out: Record<string, unknown> = {};
    for (const [k, v] of value) out[keyText(k)] = toJsonValue(v);
    return out;
  }
  if (typeof value === 'object' && 'elementName' in value) return (value as { elementName: string }).elementName; // enum values
  if (typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[k] = toJsonValue(v);
    return out;
  }
  return String(value);
}
