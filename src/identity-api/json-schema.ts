/**
 * A validator for the subset of JSON Schema (draft 2020-12) the API's schemas use: `type`
 * (object, string, integer, number), `properties`, `required`, `additionalProperties: false`,
 * `minProperties`/`maxProperties`, `enum`, `minLength`/`maxLength`, `pattern`, `format` (date-time,
 * date) and `minimum`/`maximum`. A keyword outside the subset is refused when the schema is
 * checked, so a schema cannot promise a rule that is silently not enforced.
 * https://json-schema.org/draft/2020-12/json-schema-validation
 */

export interface JsonSchema {
  $schema?: string;
  $id?: string;
  title?: string;
  description?: string;
  type?: 'object' | 'string' | 'integer' | 'number';
  properties?: Record<string, JsonSchema>;
  required?: string[];
  additionalProperties?: false;
  minProperties?: number;
  maxProperties?: number;
  enum?: string[];
  minLength?: number;
  maxLength?: number;
  pattern?: string;
  format?: 'date-time' | 'date';
  minimum?: number;
  maximum?: number;
  examples?: unknown[];
}

/** One reason a value does not match: the field's dotted path (`purchase.product_name`) and what is wrong. */
export interface SchemaIssue {
  field: string;
  problem: string;
}

const KNOWN_KEYWORDS = new Set([
  '$schema', '$id', 'title', 'description', 'type', 'properties', 'required', 'additionalProperties', 'minProperties',
  'maxProperties', 'enum', 'minLength', 'maxLength', 'pattern', 'format', 'minimum', 'maximum', 'examples',
]);

/** Throws a TypeError naming the first keyword the validator does not implement. */
export function checkSchemaKeywords(schema: JsonSchema, path = '#'): void {
  for (const key of Object.keys(schema)) {
    if (!KNOWN_KEYWORDS.has(key)) throw new TypeError(`json-schema: ${path}: keyword "${key}" is not supported by this validator`);
  }
  for (const [name, child] of Object.entries(schema.properties ?? {})) checkSchemaKeywords(child, `${path}/properties/${name}`);
}

// RFC 3339 date-time with a mandatory offset, and full-date; the calendar is checked by Date.
const DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/;
const DATE = /^\d{4}-\d{2}-\d{2}$/;

function typeOf(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  return typeof value;
}

/** Date.parse takes 2026-02-30 as 2 March: a real date reads back as itself. */
function isCalendarDate(text: string): boolean {
  const time = Date.parse(`${text}T00:00:00Z`);
  return !Number.isNaN(time) && new Date(time).toISOString().slice(0, 10) === text;
}

function checkFormat(format: string, value: string): boolean {
  if (format === 'date-time') return DATE_TIME.test(value) && isCalendarDate(value.slice(0, 10)) && !Number.isNaN(Date.parse(value));
  if (format === 'date') return DATE.test(value) && isCalendarDate(value);
  return true;
}

/** Every issue of `value` against `schema`, in field order; empty when it matches. */
export function validateJson(schema: JsonSchema, value: unknown, field = ''): SchemaIssue[] {
  const issues: SchemaIssue[] = [];
  const at = field || '(body)';
  const fail = (problem: string) => issues.push({ field: at, problem });
  switch (schema.type) {
    case 'object': {
      if (typeOf(value) !== 'object') {
        fail(`must be an object, got ${typeOf(value)}`);
        return issues;
      }
      const record = value as Record<string, unknown>;
      const keys = Object.keys(record).filter((k) => record[k] !== undefined);
      for (const name of schema.required ?? []) {
        if (record[name] === undefined) issues.push({ field: field ? `${field}.${name}` : name, problem: 'is required' });
      }
      if (schema.minProperties !== undefined && keys.length < schema.minProperties) fail(`needs at least ${schema.minProperties} of ${Object.keys(schema.properties ?? {}).join(', ')}`);
      if (schema.maxProperties !== undefined && keys.length > schema.maxProperties) fail(`takes at most ${schema.maxProperties} of ${Object.keys(schema.properties ?? {}).join(', ')}, got ${keys.join(', ')}`);
      for (const key of keys) {
        const child = schema.properties?.[key];
        const path = field ? `${field}.${key}` : key;
        if (child) issues.push(...validateJson(child, record[key], path));
        else if (schema.additionalProperties === false) issues.push({ field: path, problem: 'is not a known field' });
      }
      return issues;
    }
    case 'string': {
      if (typeof value !== 'string') {
        fail(`must be a string, got ${typeOf(value)}`);
        return issues;
      }
      if (schema.minLength !== undefined && value.length < schema.minLength) fail(schema.minLength === 1 ? 'must not be empty' : `must be at least ${schema.minLength} characters`);
      if (schema.maxLength !== undefined && value.length > schema.maxLength) fail(`must be at most ${schema.maxLength} characters, got ${value.length}`);
      if (schema.pattern !== undefined && !new RegExp(schema.pattern, 'u').test(value)) fail(`must match ${schema.pattern}`);
      if (schema.format !== undefined && !checkFormat(schema.format, value)) fail(`must be a ${schema.format === 'date' ? 'date (YYYY-MM-DD)' : 'date-time (RFC 3339, e.g. 2026-01-31T10:00:00Z)'}`);
      if (schema.enum !== undefined && !schema.enum.includes(value)) fail(`must be one of ${schema.enum.join(', ')}`);
      return issues;
    }
    case 'integer':
    case 'number': {
      if (typeof value !== 'number' || !Number.isFinite(value) || (schema.type === 'integer' && !Number.isSafeInteger(value))) {
        fail(`must be ${schema.type === 'integer' ? 'an integer' : 'a number'}, got ${typeOf(value) === 'number' ? String(value) : typeOf(value)}`);
        return issues;
      }
      if (schema.minimum !== undefined && value < schema.minimum) fail(`must be at least ${schema.minimum}`);
      if (schema.maximum !== undefined && value > schema.maximum) fail(`must be at most ${schema.maximum}`);
      return issues;
    }
    default:
      return issues;
  }
}
