import { InvalidInputError, KitError, kitMessage } from '../errors.js';
import type { SchemaIssue } from './json-schema.js';

/** A request that does not match its endpoint's schema; answered 400 with the field named. */
export class RequestInputError extends InvalidInputError {
  readonly field: string;
  readonly issues: SchemaIssue[];

  constructor(issues: SchemaIssue[], options?: { cause?: unknown }) {
    super(kitMessage('identity-api', issues.map((i) => `${i.field}: ${i.problem}`).join('; ')), options);
    this.name = 'RequestInputError';
    this.field = issues[0]?.field ?? '(request)';
    this.issues = issues;
  }
}

/** The graph did not answer (connection refused or dropped, a timeout): answered 503, worth a retry. */
export class GraphUnavailableError extends KitError {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'GraphUnavailableError';
  }
}

/** Socket-level failures of the driver's WebSocket (Node's error codes) and its closed-connection errors. */
const UNREACHABLE_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ENOTFOUND', 'EAI_AGAIN', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH', 'EPIPE']);
const UNREACHABLE_MESSAGE = /ECONNREFUSED|ECONNRESET|ENOTFOUND|ETIMEDOUT|EHOSTUNREACH|socket hang up|WebSocket is not open|Connection closed|connection (was )?closed|Unexpected server response: 5\d\d/i;

/** Whether an error (or one of its causes) says the graph could not be reached, not that the query was wrong. */
export function isGraphUnreachable(error: unknown): boolean {
  for (let e = error, depth = 0; e && depth < 5; e = (e as { cause?: unknown }).cause, depth++) {
    if (e instanceof GraphUnavailableError) return true;
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string' && UNREACHABLE_CODES.has(code)) return true;
    const errors = (e as { errors?: unknown }).errors;
    if (Array.isArray(errors) && errors.some((inner) => isGraphUnreachable(inner))) return true;
    if (e instanceof Error && UNREACHABLE_MESSAGE.test(e.message)) return true;
  }
  return false;
}
