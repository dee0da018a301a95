/**
 * Neptune's error answers: an HTTP status and a JSON body `{"code", "requestId", "detailedMessage"}`
 * (https://docs.aws.amazon.com/neptune/latest/userguide/errors-engine-codes.html). The neptunedata
 * SDK turns `code` into its exception class (BadRequestException, BulkLoadIdNotFoundException ...)
 * and graph-notebook prints the body.
 */
import { randomUUID } from 'node:crypto';
import type { ServerResponse } from 'node:http';
import { KitError } from '../errors.js';

/** A request the endpoint refuses, with Neptune's HTTP status and error code. */
export class NeptuneRequestError extends KitError {
  constructor(
    readonly httpStatus: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = 'NeptuneRequestError';
  }
}

export const badRequest = (message: string): NeptuneRequestError => new NeptuneRequestError(400, 'BadRequestException', message);
export const invalidParameter = (message: string): NeptuneRequestError => new NeptuneRequestError(400, 'InvalidParameterException', message);
export const missingParameter = (message: string): NeptuneRequestError => new NeptuneRequestError(400, 'MissingParameterException', message);

/** Writes Neptune's error body. */
export function sendNeptuneError(response: ServerResponse, httpStatus: number, code: string, detailedMessage: string): void {
  sendJson(response, httpStatus, { code, requestId: randomUUID(), detailedMessage });
}

export function sendJson(response: ServerResponse, httpStatus: number, body: unknown): void {
  if (response.headersSent) {
    response.end();
    return;
  }
  const text = JSON.stringify(body);
  response.writeHead(httpStatus, { 'Content-Type': 'application/json; charset=UTF-8', 'Content-Length': Buffer.byteLength(text) });
  response.end(text);
}
