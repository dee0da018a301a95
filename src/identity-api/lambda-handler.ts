/**
 * The API as AWS Lambda handlers behind an API Gateway HTTP API (payload format 2.0): the event
 * becomes an ApiRequest for routeRequest, its answer the handler's result. One function per
 * endpoint in the template (so each gets the graph endpoint it needs), one handler for all.
 * https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-develop-integrations-lambda.html
 */
import type { ApiContext, ApiRequest, ApiResponse } from './api-types.js';
import { routeRequest } from './route-request.js';

/** The fields of an API Gateway HTTP API payload 2.0 event that the API reads. */
export interface HttpApiEventV2 {
  version: string;
  rawPath: string;
  rawQueryString?: string;
  headers?: Record<string, string | undefined>;
  queryStringParameters?: Record<string, string | undefined>;
  body?: string;
  isBase64Encoded?: boolean;
  requestContext: { requestId: string; http: { method: string; path: string } };
}

/** What an HTTP API takes back from a payload 2.0 integration. */
export interface HttpApiResultV2 {
  statusCode: number;
  headers: Record<string, string>;
  body: string;
  isBase64Encoded: false;
}

export function toApiRequest(event: HttpApiEventV2): ApiRequest {
  const headers: Record<string, string | undefined> = {};
  for (const [key, value] of Object.entries(event.headers ?? {})) headers[key.toLowerCase()] = value;
  // API Gateway joins a repeated query parameter's values with commas; rawQueryString still has them apart.
  const query: Record<string, string | undefined> = { ...event.queryStringParameters };
  for (const key of new URLSearchParams(event.rawQueryString ?? '').keys()) {
    if (new URLSearchParams(event.rawQueryString ?? '').getAll(key).length > 1) {
      delete query[key];
      query[`${key} (repeated)`] = '';
    }
  }
  const body = event.body === undefined ? undefined : event.isBase64Encoded ? Buffer.from(event.body, 'base64').toString('utf8') : event.body;
  return { method: event.requestContext.http.method, path: event.rawPath, query, headers, body, requestId: event.requestContext.requestId };
}

export function toHttpApiResult(response: ApiResponse): HttpApiResultV2 {
  return { statusCode: response.statusCode, headers: response.headers, body: response.body, isBase64Encoded: false };
}

/** A Lambda handler over a context made once per execution environment (the graph connections). */
export function createLambdaHandler(getContext: () => Promise<ApiContext>): (event: HttpApiEventV2) => Promise<HttpApiResultV2> {
  return async (event) => {
    const context = await getContext();
    return toHttpApiResult(await routeRequest(toApiRequest(event), context));
  };
}
