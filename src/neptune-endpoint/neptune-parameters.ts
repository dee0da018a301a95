/** Typed reading of request parameters, with errors that name the parameter, as Neptune's do. */
import { invalidParameter, missingParameter } from './neptune-error.js';

/** Booleans as JSON values or as the strings clients send ("true", "TRUE", "True" from Python). */
export function readBoolean(parameters: Record<string, unknown>, name: string, fallback: boolean): boolean {
  const value = parameters[name];
  if (value === undefined || value === null || value === '') return fallback;
  if (typeof value === 'boolean') return value;
  if (typeof value === 'string' && /^(true|false)$/i.test(value)) return value.toLowerCase() === 'true';
  throw invalidParameter(`${name}: expected true or false, got ${JSON.stringify(value)}`);
}

export function readInteger(parameters: Record<string, unknown>, name: string, fallback: number, min: number, max: number): number {
  const value = parameters[name];
  if (value === undefined || value === null || value === '') return fallback;
  const n = typeof value === 'number' ? value : typeof value === 'string' && /^-?\d+$/.test(value.trim()) ? Number(value) : Number.NaN;
  if (!Number.isInteger(n) || n < min || n > max) throw invalidParameter(`${name}: expected an integer from ${min} to ${max}, got ${JSON.stringify(value)}`);
  return n;
}

export function readString(parameters: Record<string, unknown>, name: string, required: true): string;
export function readString(parameters: Record<string, unknown>, name: string, required?: false): string | undefined;
export function readString(parameters: Record<string, unknown>, name: string, required = false): string | undefined {
  const value = parameters[name];
  if (value === undefined || value === null || value === '') {
    if (required) throw missingParameter(`${name} is required`);
    return undefined;
  }
  if (typeof value !== 'string') throw invalidParameter(`${name}: expected a string, got ${JSON.stringify(value)}`);
  return value;
}

export function readStringList(parameters: Record<string, unknown>, name: string): string[] {
  const value = parameters[name];
  if (value === undefined || value === null || value === '') return [];
  if (typeof value === 'string') return [value];
  if (Array.isArray(value) && value.every((v) => typeof v === 'string')) return value as string[];
  throw invalidParameter(`${name}: expected a list of strings, got ${JSON.stringify(value)}`);
}

export function readChoice(parameters: Record<string, unknown>, name: string, choices: readonly string[], fallback: string): string {
  const value = readString(parameters, name) ?? fallback;
  const match = choices.find((c) => c.toLowerCase() === value.toLowerCase());
  if (!match) throw invalidParameter(`${name}: expected one of ${choices.join(', ')}, got ${JSON.stringify(value)}`);
  return match;
}
