/**
 * The API's one entry point, shared by both hosts: routes a request to its endpoint, checks the
 * input against the endpoint's schema, runs it against the graph, and maps failures to status
 * codes — 400 naming the field, 404 for an unknown id or route, 405, 413, 503 when the graph does
 * not answer, 500 otherwise — with the request id in the body, the `x-request-id` header and the
 * log line.
 */
import { randomUUID } from 'node:crypto';
import { KitError, NotFoundError } from '../errors.js';
import { API_SCHEMAS } from './api-schemas.js';
import { isGraphUnreachable, RequestInputError } from './api-errors.js';
import type { ApiContext, ApiRequest, ApiResponse } from './api-types.js';
import { getCustomerView, parseCustomerViewQuery } from './customer-view.js';
import { mapUser, parseMapUserQuery } from './map-user.js';
import { parseStoreVisit, upsertStoreVisit } from './store-visit.js';

/** Bodies above this are refused before parsing (a visit is a few hundred bytes). */
export const MAX_BODY_BYTES = 64 * 1024;

const REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;

type Endpoint = (request: ApiRequest, context: ApiContext) => Promise<{ statusCode: number; body: unknown }>;

function parseJsonBody(request: ApiRequest): unknown {
  const text = request.body ?? '';
  if (Buffer.byteLength(text, 'utf8') > MAX_BODY_BYTES) throw new RequestInputError([{ field: '(body)', problem: `is larger than ${MAX_BODY_BYTES} bytes` }]);
  const type = request.headers['content-type'];
  if (type !== undefined && !/^application\/json\b/i.test(type)) throw new RequestInputError([{ field: 'content-type', problem: `must be application/json, got ${type}` }]);
  if (text.trim() === '') throw new RequestInputError([{ field: '(body)', problem: 'is empty: expected a JSON object' }]);
  try {
    return JSON.parse(text);
  } catch (cause) {
    throw new RequestInputError([{ field: '(body)', problem: `is not valid JSON (${(cause as Error).message})` }], { cause });
  }
}

const ROUTES: Record<string, Record<string, Endpoint>> = {
  '/store-visit': {
    POST: async (request, context) => ({ statusCode: 200, body: await upsertStoreVisit(context.writer, parseStoreVisit(parseJsonBody(request))) }),
  },
  '/map-user': {
    GET: async (request, context) => ({ statusCode: 200, body: await mapUser(context.reader, parseMapUserQuery(request.query), { precision: context.precision }) }),
  },
  '/customer-view': {
    GET: async (request, context) => ({ statusCode: 200, body: await getCustomerView(context.reader, parseCustomerViewQuery(request.query)) }),
  },
};
for (const [name, schema] of Object.entries(API_SCHEMAS)) ROUTES[`/schemas/${name}`] = { GET: async () => ({ statusCode: 200, body: schema }) };

function classify(error: unknown): { statusCode: number; error: string; field?: string } {
  if (error instanceof RequestInputError) return { statusCode: 400, error: error.name, field: error.field };
  if (error instanceof NotFoundError) return { statusCode: 404, error: error.name };
  if (isGraphUnreachable(error)) return { statusCode: 503, error: 'GraphUnavailableError' };
  if (error instanceof KitError && error.name === 'InvalidInputError') return { statusCode: 400, error: error.name };
  return { statusCode: 500, error: 'InternalError' };
}

export function pickRequestId(request: ApiRequest): string {
  if (request.requestId) return request.requestId;
  const given = request.headers['x-request-id'];
  return given !== undefined && REQUEST_ID.test(given) ? given : randomUUID();
}

function respond(statusCode: number, requestId: string, body: Record<string, unknown>): ApiResponse {
  const headers: Record<string, string> = { 'content-type': 'application/json; charset=utf-8', 'x-request-id': requestId, 'cache-control': 'no-store' };
  if (statusCode === 503) headers['retry-after'] = '1';
  return { statusCode, headers, body: JSON.stringify({ requestId, ...body }) };
}

/** Answers one request; never throws. */
export async function routeRequest(request: ApiRequest, context: ApiContext): Promise<ApiResponse> {
  const requestId = pickRequestId(request);
  const now = context.now ?? (() => performance.now());
  const started = now();
  const methods = ROUTES[request.path];
  const endpoint = methods?.[request.method.toUpperCase()];
  let response: ApiResponse;
  if (!methods) {
    response = respond(404, requestId, { error: 'NotFoundError', message: `no endpoint ${request.path} (POST /store-visit, GET /map-user, GET /customer-view)` });
  } else if (!endpoint) {
    response = respond(405, requestId, { error: 'MethodNotAllowed', message: `${request.path} takes ${Object.keys(methods).join(', ')}` });
    response.headers.allow = Object.keys(methods).join(', ');
  } else {
    try {
      const { statusCode, body } = await endpoint(request, context);
      response = respond(statusCode, requestId, body as Record<string, unknown>);
    } catch (error) {
      const { statusCode, error: name, field } = classify(error);
      const message = statusCode === 500 ? 'internal error: see the log line with this request id' : statusCode === 503 ? 'the graph is not reachable; retry later' : (error as Error).message;
      response = respond(statusCode, requestId, { error: name, message, ...(field !== undefined ? { field } : {}) });
      if (statusCode >= 500) context.log?.({ level: 'error', requestId, error: (error as Error)?.name, message: (error as Error)?.message, stack: (error as Error)?.stack });
    }
  }
  context.log?.({ level: 'info', requestId, method: request.method, path: request.path, status: response.statusCode, ms: Math.round((now() - started) * 100) / 100 });
  return response;
}

