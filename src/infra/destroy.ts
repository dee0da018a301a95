import type { CloudFormationClient } from '@aws-sdk/client-cloudformation';
import type { KitConfig } from '../config/kit-config.js';
import type { ObjectStore } from '../lake/object-store.js';
import { clearStackOutputsFromConfig } from './config-file.js';
import { deleteStack, type StackWaitOptions } from './deploy-stack.js';
import { KIT_DATA_PREFIXES, getStackName, GLUE_JOBS_PREFIX, KIT_PACKAGE_PREFIX, KIT_STACKS, LIFECYCLE_PREFIX, TEMPLATES_PREFIX } from './kit-stacks.js';

export interface DestroyOptions {
  config: KitConfig;
  /** The kit's bucket: the prefixes the kit created are emptied (the bucket itself is kept). */
  store?: ObjectStore;
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
      emptiedPrefixes[prefix] = await store.deleteObjects(prefix);
      log(`emptied s3://${store.bucket}/${prefix} (${emptiedPrefixes[prefix]} objects)`);
    }
  }
  const deletedStacks: string[] = [];
  if (cloudFormation) {
    for (const stack of [...KIT_STACKS].reverse()) {
      const stackName = getStackName(config.stackPrefix, stack.name);
      if (await deleteStack(cloudFormation, stackName, { wait: options.wait, log })) deletedStacks.push(stackName);
    }
  }
  if (options.writeConfig !== false) clearStackOutputsFromConfig(config.dataDir);
  return { deletedStacks, emptiedPrefixes };
}
