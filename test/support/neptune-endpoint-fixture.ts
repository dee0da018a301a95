/**
 * A Neptune-compatible endpoint for tests: a fresh data directory, the embedded S3 server with
 * the kit's bucket, and `startNeptuneEndpoint` over the persisted graph; plus `signedFetch`,
 * which signs a raw HTTP request with the AWS SDK's own SigV4 signer (@smithy/signature-v4).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Sha256 } from '@aws-crypto/sha256-js';
import { CreateBucketCommand, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { SignatureV4 } from '@smithy/signature-v4';
import { openLocalGraph } from '../../src/graph/local-graph-store.js';
import { createLocalS3Client } from '../../src/lake/create-object-store.js';
import { startLocalS3Server, type LocalS3Server } from '../../src/lake/local-s3-server.js';
import { startNeptuneEndpoint, type NeptuneEndpointHandle, type NeptuneEndpointOptions } from '../../src/neptune-endpoint/index.js';

/** Test credentials, the kind AWS's documentation uses as examples. */
export const TEST_CREDENTIALS = { accessKeyId: 'AKIAIOSFODNN7EXAMPLE', secretAccessKey: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY' };
export const TEST_REGION = 'us-east-1';
export const TEST_BUCKET = 'idgraph-test';
export const TEST_ROLE_ARN = 'arn:aws:iam::123456789012:role/NeptuneLoadFromS3';

export interface EndpointFixture {
  dataDir: string;
  s3: LocalS3Server;
  s3Client: S3Client;
  endpoint: NeptuneEndpointHandle;
  put(key: string, body: string): Promise<void>;
  close(): Promise<void>;
}

export async function startEndpointFixture(options: Partial<Pick<NeptuneEndpointOptions, 'iamAuth' | 'maxBodyBytes' | 'now'>> = {}): Promise<EndpointFixture> {
  const dataDir = mkdtempSync(join(tmpdir(), 'idgraph-neptune-endpoint-'));
  const s3 = await startLocalS3Server({ directory: join(dataDir, 's3') });
  const s3Client = createLocalS3Client({ endpoint: s3.endpoint });
  await s3Client.send(new CreateBucketCommand({ Bucket: TEST_BUCKET }));
  const endpoint = await startNeptuneEndpoint({ graphStore: await openLocalGraph({ dataDir }), s3: { endpoint: s3.endpoint }, region: TEST_REGION, ...options });
  return {
    dataDir,
    s3,
    s3Client,
    endpoint,
    async put(key, body) {
      await s3Client.send(new PutObjectCommand({ Bucket: TEST_BUCKET, Key: key, Body: body }));
    },
    async close() {
      await endpoint.close();
      s3Client.destroy();
      await s3.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

export interface SignedFetchOptions {
  method?: string;
  body?: string;
  headers?: Record<string, string>;
  credentials?: { accessKeyId: string; secretAccessKey: string; sessionToken?: string };
  service?: string;
  region?: string;
  signingDate?: Date;
}

/** fetch, signed with SigV4 (service neptune-db unless told otherwise). */
export async function signedFetch(url: string, options: SignedFetchOptions = {}): Promise<Response> {
  const target = new URL(url);
  const signer = new SignatureV4({
    service: options.service ?? 'neptune-db',
    region: options.region ?? TEST_REGION,
    credentials: options.credentials ?? TEST_CREDENTIALS,
    sha256: Sha256,
  });
  const query: Record<string, string> = Object.fromEntries(target.searchParams);
  const signed = await signer.sign(
    {
      method: options.method ?? 'GET',
      protocol: 'http:',
      hostname: target.hostname,
      port: Number(target.port),
      path: target.pathname,
      query,
      headers: { host: target.host, ...options.headers },
      ...(options.body !== undefined ? { body: options.body } : {}),
    },
    options.signingDate ? { signingDate: options.signingDate } : {},
  );
  const headers = Object.fromEntries(Object.entries(signed.headers).filter(([name]) => name.toLowerCase() !== 'host'));
  return fetch(url, { method: options.method ?? 'GET', headers, ...(options.body !== undefined ? { body: options.body } : {}) });
}
