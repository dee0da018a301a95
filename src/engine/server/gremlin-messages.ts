/**
 * Gremlin Server's request and response messages, independent of their serialization
 * (https://tinkerpop.apache.org/docs/3.7.3/dev/provider/#_graph_driver_provider_requirements).
 */

export interface GremlinRequest {
  requestId: string;
  /** `bytecode`, `eval`, `authentication`, `close`... */
  op: string;
  /** `traversal` for bytecode, `''` for scripts, `session` for sessions. */
  processor: string;
  args: Record<string, unknown>;
}

export interface GremlinResponse {
  requestId: string | undefined;
  status: { code: number; message?: string; attributes?: Record<string, unknown> };
  /** The result list (one batch), or null for errors. */
  data?: unknown;
}

/** Response status codes of Gremlin Server. */
export const StatusCode = {
  success: 200,
  noContent: 204,
  partialContent: 206,
  malformedRequest: 498,
  invalidRequestArguments: 499,
  serverError: 500,
  scriptEvaluationError: 597,
  serverTimeout: 598,
  serializationError: 599,
} as const;

export const GRAPHBINARY_MIME_TYPE = 'application/vnd.graphbinary-v1.0';
export const GRAPHSON3_MIME_TYPE = 'application/vnd.gremlin-v3.0+json';
export const GRAPHSON2_MIME_TYPE = 'application/vnd.gremlin-v2.0+json';
