/**
 * SigV4 signing of Neptune's WebSocket upgrade request (IAM database authentication,
 * https://docs.aws.amazon.com/neptune/latest/userguide/iam-auth-connecting-gremlin-javascript.html):
 * a GET of `/gremlin` on `host:port`, service `neptune-db`, an empty payload; the resulting
 * `Authorization`, `X-Amz-Date` and (with temporary credentials, e.g. an instance role)
 * `X-Amz-Security-Token` headers go on the upgrade request.
 */
import { Sha256 } from '@aws-crypto/sha256-js';
import { SignatureV4 } from '@smithy/signature-v4';
import type { AwsCredentialIdentity, AwsCredentialIdentityProvider } from '@smithy/types';

export const NEPTUNE_SIGNING_SERVICE = 'neptune-db';

export interface SignNeptuneRequestOptions {
  host: string;
  port: number;
  region: string;
  /** Fixed credentials or a provider (`defaultProvider()`), asked on every signature so rotated keys are used. */
  credentials: AwsCredentialIdentity | AwsCredentialIdentityProvider;
  /** Default `/gremlin`. */
  path?: string;
  method?: string;
  /** Injectable clock, for tests. */
  now?: () => Date;
}

/** Signs a Neptune request and returns the headers to send (Host included). */
export async function signNeptuneRequest(options: SignNeptuneRequestOptions): Promise<Record<string, string>> {
  const host = `${options.host}:${options.port}`;
  const signer = new SignatureV4({
    service: NEPTUNE_SIGNING_SERVICE,
    region: options.region,
    credentials: options.credentials,
    sha256: Sha256,
    // Neptune's examples sign without the x-amz-content-sha256 header.
    applyChecksum: false,
  });
  const signed = await signer.sign(
    {
      method: options.method ?? 'GET',
      protocol: 'https:',
      hostname: options.host,
      port: options.port,
      path: options.path ?? '/gremlin',
      query: {},
      headers: { host },
    },
    { signingDate: options.now?.() ?? new Date() },
  );
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(signed.headers)) headers[name.toLowerCase()] = String(value);
  return headers;
}
