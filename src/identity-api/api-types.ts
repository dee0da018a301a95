import type { GraphSource } from '../queries/graph-source.js';
import type { RulePrecision } from './rule-precision.js';

/** A request as both hosts see it (the HTTP server and the API Gateway payload 2.0 event). */
export interface ApiRequest {
  method: string;
  /** Path without the query string, e.g. `/map-user`. */
  path: string;
  /** Query parameters (a repeated parameter is an error, so one value each). */
  query: Record<string, string | undefined>;
  /** Header names in lower case. */
  headers: Record<string, string | undefined>;
  /** Raw body text, if any. */
  body?: string;
  /** The host's request id (API Gateway's); else one is taken from x-request-id or generated. */
  requestId?: string;
}

export interface ApiResponse {
  statusCode: number;
  headers: Record<string, string>;
  /** JSON text. */
  body: string;
}

/** One JSON log line per request (and per failure), always with its request id. */
export type ApiLog = (entry: Record<string, unknown> & { requestId: string }) => void;

export interface ApiContext {
  /** Where writes go (Neptune's writer endpoint). */
  writer: GraphSource;
  /** Where reads go (Neptune's reader endpoint; the same source locally). */
  reader: GraphSource;
  precision: RulePrecision;
  log?: ApiLog;
  /** Clock for the logged durations (tests). */
  now?: () => number;
}
