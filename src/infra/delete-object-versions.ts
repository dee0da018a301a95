/**
 * In a versioned bucket (the kit creates its bucket versioned), deleting an object only adds a
 * delete marker: the data stays, and is billed, as noncurrent versions. `idgraph destroy` removes
 * those too, under the kit's own prefixes only, so "emptied" means what it says.
 * https://docs.aws.amazon.com/AmazonS3/latest/userguide/DeletingObjectVersions.html
 */
import { DeleteObjectsCommand, ListObjectVersionsCommand, type ObjectIdentifier, type S3Client } from '@aws-sdk/client-s3';
import { OperationFailedError, kitMessage } from '../errors.js';

/** DeleteObjects takes at most 1000 keys (https://docs.aws.amazon.com/AmazonS3/latest/API/API_DeleteObjects.html). */
const DELETE_BATCH = 1000;

/**
 * Deletes every version and delete marker of every key under `prefix`. Returns how many were
 * deleted. An unversioned bucket has one "null" version per object, deleted alike.
 */
export async function deleteObjectVersions(client: S3Client, bucket: string, prefix: string): Promise<number> {
  let deleted = 0;
  let keyMarker: string | undefined;
  let versionIdMarker: string | undefined;
  for (;;) {
    const page = await client.send(new ListObjectVersionsCommand({ Bucket: bucket, Prefix: prefix, KeyMarker: keyMarker, VersionIdMarker: versionIdMarker }));
    const targets: ObjectIdentifier[] = [...(page.Versions ?? []), ...(page.DeleteMarkers ?? [])]
      .filter((v) => v.Key !== undefined)
      .map((v) => ({ Key: v.Key!, VersionId: v.VersionId }));
    for (let start = 0; start < targets.length; start += DELETE_BATCH) {
      const batch = targets.slice(start, start + DELETE_BATCH);
      const result = await client.send(new DeleteObjectsCommand({ Bucket: bucket, Delete: { Objects: batch, Quiet: true } }));
      if (result.Errors?.length) {
        const first = result.Errors[0]!;
        throw new OperationFailedError(kitMessage('s3', `deleting versions under s3://${bucket}/${prefix}: ${result.Errors.length} failed, first ${first.Key} (${first.VersionId}): ${first.Code} ${first.Message}`));
      }
      deleted += batch.length;
    }
    if (!page.IsTruncated) return deleted;
    keyMarker = page.NextKeyMarker;
    versionIdMarker = page.NextVersionIdMarker;
  }
}
