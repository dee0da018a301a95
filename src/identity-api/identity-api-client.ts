/**
 * The identity APIs as a notebook calls them, one code path for both modes: in local mode the
 * API is served here over the kit's graph (a local HTTP server on 127.0.0.1), in aws mode the
 * deployed HTTP API (stack output IdentityApiUrl) is called with SigV4-signed requests (service
 * execute-api, the AWS_IAM authorization the template sets). Either way the calls are real HTTP.
 * https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-access-control-iam.html
 */
import { Sha256 } from '@aws-crypto/sha256-js';
import { defaultProvider } from '@aws-sdk/credential-provider-node';
import { SignatureV4 } from '@smithy/signature-v4';
import type { KitConfig } from '../config/kit-config.js';
import type { GroundTruth } from '../datagen/ground-truth.js';
import { NotFoundError, kitMessage } from '../errors.js';
import type { GraphSource } from '../queries/graph-source.js';
import type { CustomerView } from './customer-view.js';
import { startIdentityApiServer, type IdentityApiServer } from './local-server.js';
import type { MapUserResult } from './map-user.js';
import { DEFAULT_RULE_PRECISION, measureRulePrecision, readRulePrecisionFile, writeRulePrecisionFile, type RulePrecision } from './rule-precision.js';
import type { StoreVisit, StoreVisitResult } from './store-visit.js';

/** One answer: the status, the request id, and the JSON body. */
export interface ApiAnswer<T> {
  status: number;
  requestId: string;
  body: T & { requestId: string; error?: string; message?: string; field?: string };
}

export interface IdentityApiClient {
  readonly url: string;
  readonly mode: 'local' | 'aws';
  /** local mode: the precision the server gives /map-user. */
  readonly precision?: RulePrecision;
  storeVisit(visit: StoreVisit): Promise<ApiAnswer<StoreVisitResult>>;
  mapUser(query: { session?: string; cookie?: string; device?: string }): Promise<ApiAnswer<MapUserResult>>;
  customerView(query: { user?: string; email?: string; external_id?: string; phone?: string }): Promise<ApiAnswer<CustomerView>>;
  /** Any request (e.g. a bad one, to see its 400). */
  request(method: string, path: string, body?: string): Promise<ApiAnswer<Record<string, unknown>>>;
  close(): Promise<void>;
}

/** What the client needs of a kit (`createKit()` returns all of it). */
export interface IdentityApiKit {
  config: KitConfig;
  graph(): Promise<{ g: GraphSource }>;
  groundTruth(): Promise<GroundTruth>;
}

/** AWS credentials, declared here so that the kit's notebook API does not reach the SDK's types. */
export interface ApiCredentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string;
}

export interface OpenIdentityApiOptions {
  /** aws: credentials or a provider of them (default: the SDK's default provider chain). */
  credentials?: ApiCredentials | (() => Promise<ApiCredentials>);
}

/** local mode: the data folder's precision file; else measured against the ground truth (and written); else the defaults. */
async function localPrecision(kit: IdentityApiKit, g: GraphSource): Promise<RulePrecision> {
  const stored = readRulePrecisionFile(kit.config.dataDir);
  if (stored) return stored;
  let truth: GroundTruth;
  try {
    truth = await kit.groundTruth();
  } catch (error) {
    if (error instanceof NotFoundError) return DEFAULT_RULE_PRECISION;
    throw error;
  }
  const measured = await measureRulePrecision(g, truth);
  writeRulePrecisionFile(kit.config.dataDir, measured);
  return measured;
}

export async function openIdentityApi(kit: IdentityApiKit, options: OpenIdentityApiOptions = {}): Promise<IdentityApiClient> {
  let server: IdentityApiServer | undefined;
  let precision: RulePrecision | undefined;
  let url: string;
  let sign: ((request: { method: string; url: URL; body?: string }) => Promise<Record<string, string>>) | undefined;
  if (kit.config.mode === 'aws') {
    const base = kit.config.stackOutputs.IdentityApiUrl;
    if (!base) throw new NotFoundError(kitMessage('identity-api', 'no IdentityApiUrl in the stack outputs: deploy the API with idgraph provision --stacks identity-api'));
    url = base.replace(/\/$/, '');
    const signer = new SignatureV4({ service: 'execute-api', region: kit.config.region, credentials: options.credentials ?? defaultProvider(), sha256: Sha256 });
    sign = async ({ method, url: target, body }) => {
      const headers: Record<string, string> = { host: target.host, ...(body !== undefined ? { 'content-type': 'application/json' } : {}) };
      const signed = await signer.sign({
        method,
        protocol: target.protocol,
        hostname: target.hostname,
        ...(target.port ? { port: Number(target.port) } : {}),
        path: target.pathname,
        query: Object.fromEntries(target.searchParams),
        headers,
        ...(body !== undefined ? { body } : {}),
      });
      return Object.fromEntries(Object.entries(signed.headers).map(([k, v]) => [k, String(v)]));
    };
  } else {
    const { g } = await kit.graph();
    precision = await localPrecision(kit, g);
    server = await startIdentityApiServer({ writer: g, reader: g, precision, port: 0 });
    url = server.url;
  }
  const request = async (method: string, path: string, body?: string) => {
    const target = new URL(url + path);
    const headers = sign ? await sign({ method, url: target, body }) : { 'content-type': 'application/json' };
    delete headers.host;
    const response = await fetch(target, { method, headers, ...(body !== undefined ? { body } : {}) });
    const text = await response.text();
    let parsed: Record<string, unknown>;
    try {
      parsed = JSON.parse(text) as Record<string, unknown>;
    } catch {
      parsed = { message: text };
    }
    return { status: response.status, requestId: response.headers.get('x-request-id') ?? String(parsed.requestId ?? ''), body: parsed } as ApiAnswer<never>;
  };
  const query = (q: Record<string, string | undefined>) => new URLSearchParams(Object.entries(q).filter((e): e is [string, string] => e[1] !== undefined)).toString();
  return {
    url,
    mode: kit.config.mode,
    ...(precision ? { precision } : {}),
    storeVisit: (visit) => request('POST', '/store-visit', JSON.stringify(visit)),
    mapUser: (q) => request('GET', `/map-user?${query(q)}`),
    customerView: (q) => request('GET', `/customer-view?${query(q)}`),
    request,
    close: async () => {
      await server?.close();
    },
  };
}
