/**
 * Reads the kit's deployed stacks with DescribeStacks, the one CloudFormation call the Workbench's
 * notebook role may make: their statuses and outputs. This is where a notebook gets the stack
 * outputs (the Glue job name, the loader role) when its config file lacks them, which is the
 * case in the Workbench, where provisioning ran in another shell.
 */
import type { CloudFormationClient } from '@aws-sdk/client-cloudformation';
import type { KitConfig } from '../config/kit-config.js';
import { NotFoundError, kitMessage } from '../errors.js';
import { writeStackOutputsToConfig } from './config-file.js';
import { describeStack, readStackOutputs } from './deploy-stack.js';
import { getStackName, KIT_STACKS, type KitStackName } from './kit-stacks.js';

export interface KitStackState {
  name: KitStackName;
  stackName: string;
  /** CloudFormation's StackStatus, or `MISSING` when the stack does not exist. */
  status: string;
  outputs: Record<string, string>;
}

export interface KitStacksState {
  stacks: KitStackState[];
  /** Every output of every stack, by output name. */
  outputs: Record<string, string>;
}

/** A stack that finished creating or updating and has not been rolled back. */
export function isStackReady(status: string): boolean {
  return status === 'CREATE_COMPLETE' || status === 'UPDATE_COMPLETE' || status === 'IMPORT_COMPLETE';
}

/** DescribeStacks for each of the kit's five stacks, in deployment order. */
export async function readKitStacks(client: CloudFormationClient, stackPrefix: string): Promise<KitStacksState> {
  const stacks: KitStackState[] = [];
  const outputs: Record<string, string> = {};
  for (const { name, optional } of KIT_STACKS) {
    const stackName = getStackName(stackPrefix, name);
    const stack = await describeStack(client, stackName);
    // An optional stack (identity-api) counts only where it was deployed.
    if (optional && !stack) continue;
    const stackOutputs = readStackOutputs(stack);
    stacks.push({ name, stackName, status: stack?.StackStatus ?? 'MISSING', outputs: stackOutputs });
    Object.assign(outputs, stackOutputs);
  }
  return { stacks, outputs };
}

/**
 * Makes sure `config` carries the stack outputs (aws mode): when the output `required` is
 * missing, reads the stacks, merges their outputs into `config` (and the typed fields derived
 * from them, without replacing what the Workbench's own settings already name) and records them
 * in the config file, so the next notebook need not ask again. Throws NotFoundError naming the
 * stacks when the output is still missing.
 */
export async function completeStackOutputs(config: KitConfig, client: CloudFormationClient, required: string): Promise<void> {
  if (config.stackOutputs?.[required]) return;
  const { stacks, outputs } = await readKitStacks(client, config.stackPrefix);
  if (!outputs[required]) {
    const states = stacks.map((s) => `${s.stackName} ${s.status}`).join(', ');
    throw new NotFoundError(kitMessage('cloudformation', `no stack output ${required} in the config file nor in the stacks (${states}): run "idgraph provision" from a shell with deploy rights`));
  }
  config.stackOutputs = { ...(config.stackOutputs ?? {}), ...outputs };
  config.glueJobName ??= outputs.GlueJobName;
  config.loaderRoleArn ??= outputs.NeptuneLoaderRoleArn;
  writeStackOutputsToConfig(config.dataDir, outputs, config, { fillOnly: true });
}

export type { KitStackName };
