/**
 * Server-side check of AWS Signature Version 4 (header form), as Neptune does for IAM database
 * authentication: the request is canonicalised exactly as the signer did
 * (https://docs.aws.amazon.com/IAM/latest/UserGuide/create-signed-request.html), the signature is
 * recomputed with the secret of the access key named in the credential scope, and compared in
 * constant time. The canonical path is escaped a second time (the wire path is already escaped;
 * every AWS signer except S3's escapes it again), the query is decoded and re-escaped (RFC 3986),
 * and the payload hash is that of the body received unless `x-amz-content-sha256` gives one.
 */
import { createHash, createHmac, timingSafeEqual } from 'node:crypto';

export const SIGV4_ALGORITHM = 'AWS4-HMAC-SHA256';

/** Credentials a request may be signed with. */
export interface VerifierCredentials {
  accessKeyId: string;
  secretAccessKey: string;
  /** When set, requests must carry it as `x-amz-security-token` (temporary credentials). */
  sessionToken?: string;
}

export interface SignatureCheckOptions {
  credentials: VerifierCredentials[];
  /** Service name of the credential scope, `neptune-db` for Neptune. */
  service: string;
  region: string;
  /** Largest accepted difference between the request's `x-amz-date` and now (Neptune: 5 minutes). */
  maxSkewMs?: number;
  now?: () => number;
}

/** What the verifier needs of a request: as it arrived on the wire. */
export interface SignedRequest {
  method: string;
  /** Path and query as received (`/loader?loadId=...`), still escaped. */
  url: string;
  /** Header names in lower case (Node's `IncomingMessage.headers`). */
  headers: Record<string, string | string[] | undefined>;
  body: Buffer;
}

/** Why a request was refused; `message` follows the wording AWS services use. */
export interface SignatureFailure {
  ok: false;
  reason: 'missing' | 'malformed' | 'expired' | 'unknown-key' | 'mismatch' | 'scope';
  message: string;
}

export type SignatureCheck = { ok: true; accessKeyId: string } | SignatureFailure;

const DEFAULT_MAX_SKEW_MS = 5 * 60_000;

/** Checks the SigV4 `Authorization` header of a request. */
export function verifySignature(request: SignedRequest, options: SignatureCheckOptions): SignatureCheck {
  const authorization = headerValue(request.headers, 'authorization');
  if (authorization === undefined || authorization === '') return fail('missing', 'Missing Authentication Token');
  const parsed = parseAuthorization(authorization);
  if (!parsed) return fail('malformed', `Authorization header is not ${SIGV4_ALGORITHM} Credential=..., SignedHeaders=..., Signature=...`);
  const amzDate = headerValue(request.headers, 'x-amz-date');
  if (!amzDate || !/^\d{8}T\d{6}Z$/.test(amzDate)) return fail('malformed', 'Authorization needs an X-Amz-Date header of the form YYYYMMDDTHHMMSSZ');
  const signedAt = Date.parse(`${amzDate.slice(0, 4)}-${amzDate.slice(4, 6)}-${amzDate.slice(6, 8)}T${amzDate.slice(9, 11)}:${amzDate.slice(11, 13)}:${amzDate.slice(13, 15)}Z`);
  const now = options.now?.() ?? Date.now();
  const maxSkew = options.maxSkewMs ?? DEFAULT_MAX_SKEW_MS;
  if (!Number.isFinite(signedAt)) return fail('malformed', `X-Amz-Date "${amzDate}" is not a date`);
  if (Math.abs(now - signedAt) > maxSkew) {
    return fail('expired', `Signature expired: ${amzDate} is now earlier than ${compactDate(now - maxSkew)} (${compactDate(now)} - 5 min.)`);
  }
  const [keyId, date, region, service, terminator] = parsed.credential.split('/');
  if (!keyId || !date || !region || !service || terminator !== 'aws4_request' || parsed.credential.split('/').length !== 5) {
    return fail('malformed', `Credential "${parsed.credential}" is not <key>/<date>/<region>/<service>/aws4_request`);
  }
  if (date !== amzDate.slice(0, 8)) return fail('scope', `Credential date ${date} is not the date of X-Amz-Date ${amzDate}`);
  if (service !== options.service) return fail('scope', `Credential should be scoped to correct service: '${options.service}'`);
  if (region !== options.region) return fail('scope', `Credential should be scoped to a valid region, not '${region}' (this endpoint: '${options.region}')`);
  const credentials = options.credentials.find((c) => c.accessKeyId === keyId);
  if (!credentials) return fail('unknown-key', 'The security token included in the request is invalid');
  if (credentials.sessionToken !== undefined && headerValue(request.headers, 'x-amz-security-token') !== credentials.sessionToken) {
    return fail('unknown-key', 'The security token included in the request is invalid');
  }
  if (!parsed.signedHeaders.includes('host')) return fail('malformed', 'SignedHeaders must include host');
  for (const name of parsed.signedHeaders) {
    if (headerValue(request.headers, name) === undefined) return fail('malformed', `signed header "${name}" is not in the request`);
  }
  // A declared payload hash is signed, but must also be the hash of the body that came: the
  // signature alone would let a body be swapped under an unchanged header.
  const declaredHash = headerValue(request.headers, 'x-amz-content-sha256');
  if (declaredHash !== undefined && declaredHash !== 'UNSIGNED-PAYLOAD' && declaredHash !== sha256Hex(request.body)) {
    return fail('mismatch', 'The provided x-amz-content-sha256 header does not match what was computed.');
  }
  const canonical = canonicalRequest(request, parsed.signedHeaders);
  const scope = `${date}/${region}/${service}/aws4_request`;
  const stringToSign = [SIGV4_ALGORITHM, amzDate, scope, sha256Hex(canonical)].join('\n');
  const key = signingKey(credentials.secretAccessKey, date, region, service);
  const expected = createHmac('sha256', key).update(stringToSign, 'utf8').digest();
  const given = Buffer.from(parsed.signature, 'hex');
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
    return fail(
      'mismatch',
      'The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details.',
    );
  }
  return { ok: true, accessKeyId: keyId };
}

interface ParsedAuthorization {
  credential: string;
  signedHeaders: string[];
  signature: string;
}

function parseAuthorization(header: string): ParsedAuthorization | undefined {
  const space = header.indexOf(' ');
  if (space < 0 || header.slice(0, space) !== SIGV4_ALGORITHM) return undefined;
  const fields = new Map<string, string>();
  for (const part of header.slice(space + 1).split(',')) {
    const eq = part.indexOf('=');
    if (eq < 0) return undefined;
    fields.set(part.slice(0, eq).trim(), part.slice(eq + 1).trim());
  }
  const credential = fields.get('Credential');
  const signedHeaders = fields.get('SignedHeaders');
  const signature = fields.get('Signature');
  if (!credential || !signedHeaders || !signature || !/^[0-9a-f]{64}$/.test(signature)) return undefined;
  return { credential, signedHeaders: signedHeaders.split(';'), signature };
}

/** The canonical request of the spec, from the request as received. */
export function canonicalRequest(request: SignedRequest, signedHeaders: string[]): string {
  const queryStart = request.url.indexOf('?');
  const path = queryStart < 0 ? request.url : request.url.slice(0, queryStart);
  const query = queryStart < 0 ? '' : request.url.slice(queryStart + 1);
  const headers = signedHeaders.map((name) => `${name}:${canonicalHeaderValue(request.headers[name])}`);
  const payloadHash = headerValue(request.headers, 'x-amz-content-sha256') ?? sha256Hex(request.body);
  return [request.method.toUpperCase(), canonicalPath(path), canonicalQuery(query), ...headers, '', signedHeaders.join(';'), payloadHash].join('\n');
}

/** Dot segments removed, empty segments dropped, then every segment escaped again. */
function canonicalPath(path: string): string {
  const segments: string[] = [];
  for (const segment of path.split('/')) {
    if (segment === '' || segment === '.') continue;
    if (segment === '..') segments.pop();
    else segments.push(segment);
  }
  const normalized = `${path.startsWith('/') ? '/' : ''}${segments.join('/')}${segments.length > 0 && path.endsWith('/') ? '/' : ''}`;
  return escapeUri(normalized).replace(/%2F/g, '/');
}

/** Pairs decoded (form rules: `+` is a space, as botocore's and requests' encoders write it), re-escaped, sorted. */
function canonicalQuery(query: string): string {
  if (query === '') return '';
  const pairs: Array<[string, string]> = [];
  for (const part of query.split('&')) {
    if (part === '') continue;
    const eq = part.indexOf('=');
    const key = decodeQueryPart(eq < 0 ? part : part.slice(0, eq));
    const value = eq < 0 ? '' : decodeQueryPart(part.slice(eq + 1));
    pairs.push([escapeUri(key), escapeUri(value)]);
  }
  pairs.sort(([ka, va], [kb, vb]) => (ka < kb ? -1 : ka > kb ? 1 : va < vb ? -1 : va > vb ? 1 : 0));
  return pairs.map(([k, v]) => `${k}=${v}`).join('&');
}

function decodeQueryPart(text: string): string {
  try {
    return decodeURIComponent(text.replace(/\+/g, ' '));
  } catch {
    return text;
  }
}

/** RFC 3986 escaping: everything but A-Z a-z 0-9 - _ . ~ */
function escapeUri(text: string): string {
  return encodeURIComponent(text).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

function canonicalHeaderValue(value: string | string[] | undefined): string {
  const values = Array.isArray(value) ? value : [value ?? ''];
  return values.map((v) => v.trim().replace(/\s+/g, ' ')).join(',');
}

function headerValue(headers: SignedRequest['headers'], name: string): string | undefined {
  const value = headers[name];
  return Array.isArray(value) ? value.join(',') : value;
}

function signingKey(secret: string, date: string, region: string, service: string): Buffer {
  const kDate = createHmac('sha256', `AWS4${secret}`).update(date).digest();
  const kRegion = createHmac('sha256', kDate).update(region).digest();
  const kService = createHmac('sha256', kRegion).update(service).digest();
  return createHmac('sha256', kService).update('aws4_request').digest();
}

function sha256Hex(data: string | Buffer): string {
  return createHash('sha256').update(data).digest('hex');
}

function compactDate(ms: number): string {
  return new Date(ms).toISOString().replace(/[-:]/g, '').replace(/\.\d{3}Z$/, 'Z');
}

function fail(reason: SignatureFailure['reason'], message: string): SignatureFailure {
  return { ok: false, reason, message };
}
