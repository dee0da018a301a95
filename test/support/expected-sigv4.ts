/**
 * SigV4 of Neptune's WebSocket upgrade (`GET /gremlin`, service neptune-db), written out from the
 * specification (https://docs.aws.amazon.com/IAM/latest/UserGuide/create-signed-request.html)
 * independently of @smithy/signature-v4, so that tests check the kit's headers against it.
 */
import { createHash, createHmac } from 'node:crypto';

/** The example credentials of AWS's SigV4 documentation, with a session token. */
export const TEST_SIGV4_CREDENTIALS = {
  accessKeyId: 'AKIDEXAMPLE',
  secretAccessKey: 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY',
  sessionToken: 'IQoJb3JpZ2luX2VjEXAMPLETOKEN',
};

/** The Authorization header a correct signer gives `GET /gremlin` on `host` at `amzDate`. */
export function expectedGremlinAuthorization(host: string, amzDate: string, region: string, token?: string, credentials = TEST_SIGV4_CREDENTIALS): string {
  const sha = (s: string) => createHash('sha256').update(s).digest('hex');
  const hmac = (key: Buffer | string, s: string) => createHmac('sha256', key).update(s).digest();
  const day = amzDate.slice(0, 8);
  const headerLines = [`host:${host}`, `x-amz-date:${amzDate}`, ...(token ? [`x-amz-security-token:${token}`] : [])];
  const signedHeaders = headerLines.map((l) => l.slice(0, l.indexOf(':'))).join(';');
  const canonical = ['GET', '/gremlin', '', ...headerLines, '', signedHeaders, sha('')].join('\n');
  const scope = `${day}/${region}/neptune-db/aws4_request`;
  const toSign = ['AWS4-HMAC-SHA256', amzDate, scope, sha(canonical)].join('\n');
  const key = hmac(hmac(hmac(hmac(`AWS4${credentials.secretAccessKey}`, day), region), 'neptune-db'), 'aws4_request');
  const signature = createHmac('sha256', key).update(toSign).digest('hex');
  return `AWS4-HMAC-SHA256 Credential=${credentials.accessKeyId}/${scope}, SignedHeaders=${signedHeaders}, Signature=${signature}`;
}
