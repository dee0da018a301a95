/**
 * Creates the kit's bucket on a fresh account, locked down the way AWS recommends for a data
 * bucket (https://docs.aws.amazon.com/AmazonS3/latest/userguide/security-best-practices.html):
 * default encryption, versioning, every public-access block on, a policy that refuses plain HTTP,
 * and the kit's tags. A bucket that already exists is left as it is (it may be the reader's own,
 * with its own rules); one created here that cannot be configured is deleted again, so a rerun
 * never finds a half-configured bucket and takes it for a finished one.
 */
import {
  CreateBucketCommand,
  DeleteBucketCommand,
  HeadBucketCommand,
  PutBucketEncryptionCommand,
  PutBucketPolicyCommand,
  PutBucketTaggingCommand,
  PutBucketVersioningCommand,
  PutPublicAccessBlockCommand,
  type BucketLocationConstraint,
  type S3Client,
} from '@aws-sdk/client-s3';
import { KitError, OperationFailedError, kitMessage } from '../errors.js';

const NAME = 's3';

export interface CreateKitBucketOptions {
  bucket: string;
  region: string;
  /** Tag `idgraph-kit=<stackPrefix>`, as the kit's stacks are tagged. */
  stackPrefix: string;
  /** A KMS key for default encryption (SSE-KMS); default SSE-S3 (AES256). */
  kmsKeyId?: string;
  log?: (line: string) => void;
}

export interface CreateKitBucketResult {
  bucket: string;
  /** False when the bucket was there already (and was left alone). */
  created: boolean;
}

/** The bucket policy that denies every request not sent over TLS (aws:SecureTransport false). */
export function getTlsOnlyPolicy(bucket: string, region = 'us-east-1'): string {
  const partition = region.startsWith('cn-') ? 'aws-cn' : region.startsWith('us-gov-') ? 'aws-us-gov' : 'aws';
  return JSON.stringify({
    Version: '2012-10-17',
    Statement: [
      {
        Sid: 'DenyPlainHttp',
        Effect: 'Deny',
        Principal: '*',
        Action: 's3:*',
        Resource: [`arn:${partition}:s3:::${bucket}`, `arn:${partition}:s3:::${bucket}/*`],
        Condition: { Bool: { 'aws:SecureTransport': 'false' } },
      },
    ],
  });
}

/** Creates and configures the bucket unless it exists. */
export async function createKitBucket(client: S3Client, options: CreateKitBucketOptions): Promise<CreateKitBucketResult> {
  const { bucket, region } = options;
  const log = options.log ?? (() => {});
  if (await bucketExists(client, bucket)) {
    log(`bucket s3://${bucket} exists; its settings are left as they are`);
    return { bucket, created: false };
  }
  try {
    // us-east-1 takes no LocationConstraint (https://docs.aws.amazon.com/AmazonS3/latest/API/API_CreateBucket.html).
    await client.send(
      new CreateBucketCommand({
        Bucket: bucket,
        ObjectOwnership: 'BucketOwnerEnforced',
        ...(region === 'us-east-1' ? {} : { CreateBucketConfiguration: { LocationConstraint: region as BucketLocationConstraint } }),
      }),
    );
  } catch (cause) {
    throw new OperationFailedError(kitMessage(NAME, `create bucket "${bucket}" in ${region} failed: ${(cause as Error).message}`), { cause });
  }
  log(`created bucket s3://${bucket} in ${region}`);
  const steps: [string, () => Promise<unknown>][] = [
    ['block public access', () => client.send(new PutPublicAccessBlockCommand({ Bucket: bucket, PublicAccessBlockConfiguration: { BlockPublicAcls: true, IgnorePublicAcls: true, BlockPublicPolicy: true, RestrictPublicBuckets: true } }))],
    [
      options.kmsKeyId ? 'default encryption SSE-KMS' : 'default encryption SSE-S3',
      () =>
        client.send(
          new PutBucketEncryptionCommand({
            Bucket: bucket,
            ServerSideEncryptionConfiguration: {
              Rules: [
                options.kmsKeyId
                  ? { ApplyServerSideEncryptionByDefault: { SSEAlgorithm: 'aws:kms', KMSMasterKeyID: options.kmsKeyId }, BucketKeyEnabled: true }
                  : { ApplyServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } },
              ],
            },
          }),
        ),
    ],
    ['versioning', () => client.send(new PutBucketVersioningCommand({ Bucket: bucket, VersioningConfiguration: { Status: 'Enabled' } }))],
    ['TLS-only bucket policy', () => client.send(new PutBucketPolicyCommand({ Bucket: bucket, Policy: getTlsOnlyPolicy(bucket, region) }))],
    ['tags', () => client.send(new PutBucketTaggingCommand({ Bucket: bucket, Tagging: { TagSet: [{ Key: 'idgraph-kit', Value: options.stackPrefix }] } }))],
  ];
  for (const [what, send] of steps) {
    try {
      await send();
    } catch (cause) {
      // The bucket is new and empty: remove it, so nothing half-configured stays behind.
      const removed = await client.send(new DeleteBucketCommand({ Bucket: bucket })).then(
        () => 'the new bucket was deleted again',
        (error: Error) => `the new bucket could not be deleted (${error.message}): delete it by hand`,
      );
      throw new OperationFailedError(kitMessage(NAME, `bucket "${bucket}": ${what} failed: ${(cause as Error).message}; ${removed}`), { cause });
    }
    log(`bucket s3://${bucket}: ${what}`);
  }
  return { bucket, created: true };
}

async function bucketExists(client: S3Client, bucket: string): Promise<boolean> {
  try {
    await client.send(new HeadBucketCommand({ Bucket: bucket }));
    return true;
  } catch (error) {
    const status = (error as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode;
    if (status === 404) return false;
    if (status === 403) {
      throw new KitError(kitMessage(NAME, `bucket "${bucket}" exists but this account may not use it (403): bucket names are global, choose another IDGRAPH_BUCKET`), { cause: error });
    }
    throw new OperationFailedError(kitMessage(NAME, `HeadBucket "${bucket}" failed: ${(error as Error).message}`), { cause: error });
  }
}
