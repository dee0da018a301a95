/** Reading a bounded request body, and parsing it as JSON or as an HTML form, as Neptune accepts both. */
import type { IncomingMessage } from 'node:http';
import { NeptuneRequestError, badRequest } from './neptune-error.js';

/** Reads the whole body; a body over `maxBytes` is refused (413) without reading the rest. */
export function readRequestBody(request: IncomingMessage, maxBytes: number): Promise<Buffer> {
  const declared = Number(request.headers['content-length']);
  if (Number.isFinite(declared) && declared > maxBytes) {
    return Promise.reject(new NeptuneRequestError(413, 'BadRequestException', `request body of ${declared} bytes is larger than the ${maxBytes} bytes this endpoint accepts`));
  }
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    request.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > maxBytes) {
        request.removeAllListeners('data');
        request.resume();
        reject(new NeptuneRequestError(413, 'BadRequestException', `request body larger than the ${maxBytes} bytes this endpoint accepts`));
        return;
      }
      chunks.push(chunk);
    });
    request.on('end', () => resolve(Buffer.concat(chunks)));
    request.on('error', reject);
  });
}

/**
 * The parameters of a request: the query string, overlaid with the body — JSON (the neptunedata
 * SDK) or `application/x-www-form-urlencoded` (graph-notebook's `/system` and `/gremlin/status`).
 */
export function readParameters(url: URL, body: Buffer, contentType: string | undefined): Record<string, unknown> {
  const parameters: Record<string, unknown> = Object.fromEntries(url.searchParams);
  const text = body.toString('utf8').trim();
  if (text === '') return parameters;
  if (/application\/x-www-form-urlencoded/i.test(contentType ?? '') || (!text.startsWith('{') && !text.startsWith('['))) {
    if (/application\/json/i.test(contentType ?? '')) throw badRequest(`malformed JSON body: ${text.slice(0, 60)}`);
    return { ...parameters, ...Object.fromEntries(new URLSearchParams(text)) };
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw badRequest(`malformed JSON body: ${(error as Error).message}`);
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) throw badRequest('the JSON body must be an object');
  return { ...parameters, ...(parsed as Record<string, unknown>) };
}
