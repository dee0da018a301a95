import { existsSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { CloudFormationClient } from '@aws-sdk/client-cloudformation';
import type { S3Client } from '@aws-sdk/client-s3';
import type { KitConfig } from '../config/kit-config.js';
import type { ObjectStore } from '../lake/object-store.js';
import { clearStackOutputsFromConfig } from './config-file.js';
import { deleteObjectVersions } from './delete-object-versions.js';
import { deleteStack, type StackWaitOptions } from './deploy-stack.js';
import { KIT_DATA_PREFIXES, getStackName, GLUE_JOBS_PREFIX, KIT_PACKAGE_PREFIX, KIT_STACKS, LIFECYCLE_PREFIX, TEMPLATES_PREFIX } from './kit-stacks.js';

export interface DestroyOptions {
  config: KitConfig;
  /** The kit's bucket: the prefixes the kit created are emptied (the bucket itself is kept). */
  store?: ObjectStore;
  /**
   * aws mode: an S3 client for the bucket; with it, the noncurrent versions and delete markers
   * left under the kit's prefixes (the kit's bucket is versioned) are deleted too.
   */
  s3?: S3Client;
  /** aws mode: the stacks are deleted in reverse dependency order. */
  cloudFormation?: CloudFormationClient;
  /** Keep datasets/ and glue-temp/ (only provisioning's own prefixes are emptied). */
  keepData?: boolean;
  wait?: StackWaitOptions;
  log?: (line: string) => void;
  /** Remove the stack outputs from the config file (default true). */
  writeConfig?: boolean;
}

export interface DestroyResult {
  /** Stack names deleted, in the order they were deleted. */
  deletedStacks: string[];
  /** Objects deleted per prefix. */
  emptiedPrefixes: Record<string, number>;
  /** Object versions and delete markers deleted per prefix (with `s3`). */
  deletedVersions: Record<string, number>;
}

/** The bucket prefixes the kit writes, in the order destroy empties them. */
export function listKitPrefixes(keepData = false): string[] {
  const own = [TEMPLATES_PREFIX, GLUE_JOBS_PREFIX, LIFECYCLE_PREFIX, KIT_PACKAGE_PREFIX];
  return keepData ? own : [...own, ...KIT_DATA_PREFIXES];
}

/**
 * Step 99: empties the bucket prefixes the kit created, then deletes the kit's stacks in reverse
 * dependency order (glue, neptune-workbench, neptune-core, vpc, iam), waiting for each, so no
 * stack is deleted while another still imports its exports. Absent stacks are skipped.
 */
export async function destroyKit(options: DestroyOptions): Promise<DestroyResult> {
  const { config, store, cloudFormation } = options;
  const log = options.log ?? (() => {});
  const emptiedPrefixes: Record<string, number> = {};
  if (store) {
    for (const prefix of listKitPrefixes(options.keepData)) {
      // Reported in the result, not logged: a caller printing both would say it twice.
      emptiedPrefixes[prefix] = await store.deleteObjects(prefix);
    }
  }
  const deletedVersions: Record<string, number> = {};
  if (store && options.s3) {
    for (const prefix of listKitPrefixes(options.keepData)) deletedVersions[prefix] = await deleteObjectVersions(options.s3, store.bucket, prefix);
  }
  const deletedStacks: string[] = [];
  if (cloudFormation) {
    for (const stack of [...KIT_STACKS].reverse()) {
      const stackName = getStackName(config.stackPrefix, stack.name);
      // Progress (deleting, stack events) is logged; "deleted" is in the result.
      const progress = (line: string) => line !== `${stackName}: deleted` && log(line);
      if (await deleteStack(cloudFormation, stackName, { wait: options.wait, log: progress })) deletedStacks.push(stackName);
    }
  }
  if (options.writeConfig !== false) clearStackOutputsFromConfig(config.dataDir);
  return { deletedStacks, emptiedPrefixes, deletedVersions };
}

/** The folders of `<dataDir>` the kit's steps fill: embedded S3, local catalog, local graph, generated files. */
export const LOCAL_STATE_DIRS = ['s3', 'catalog', 'graph', 'generated'];

/**
 * Removes the local state the steps wrote (the config file stays): after this no graph, table or
 * generated file of the last run answers any more. Close the object store first (the embedded S3
 * server keeps its files open). Returns the folders removed.
 */
export async function removeLocalState(config: Pick<KitConfig, 'dataDir' | 'generatedDir'>): Promise<string[]> {
  const folders = [...LOCAL_STATE_DIRS.map((name) => join(config.dataDir, name)), config.generatedDir];
  const removed: string[] = [];
  for (const folder of [...new Set(folders)]) {
    if (!existsSync(folder)) continue;
    await rm(folder, { recursive: true, force: true });
    removed.push(folder);
  }
  return removed;
}
