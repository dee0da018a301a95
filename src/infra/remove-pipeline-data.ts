/**
 * Notebook 99 in the Workbench: removes what the notebooks made — the dataset prefixes in the
 * bucket (sources, graph files, Glue's temp files) and the graph in Neptune (fast reset) — and
 * names the command that deletes the stacks. The notebook's role may not delete stacks, rightly:
 * a notebook must not delete the instance it runs on. `idgraph destroy`, from a shell with
 * deploy rights, does the rest.
 */
import type { NeptunedataClient } from '@aws-sdk/client-neptunedata';
import type { ObjectStore } from '../lake/object-store.js';
import { KIT_DATA_PREFIXES } from './kit-stacks.js';
import { resetNeptuneGraph } from './neptune-admin.js';

/** What deletes the stacks and the provisioning artifacts, from a shell with deploy rights. */
export const DESTROY_COMMAND = 'IDGRAPH_MODE=aws npx idgraph destroy';

export interface RemovePipelineDataOptions {
  store: ObjectStore;
  /** Neptune's admin client: the graph is fast-reset. */
  neptunedata: NeptunedataClient;
  /** Passed to the reset's wait for a healthy engine. */
  resetTimeoutMs?: number;
  resetPollMs?: number;
  log?: (line: string) => void;
}

export interface RemovePipelineDataResult {
  /** Objects deleted per prefix. */
  emptiedPrefixes: Record<string, number>;
  graphReset: boolean;
  /** The command that deletes the stacks. */
  destroyCommand: string;
}

export async function removePipelineData(options: RemovePipelineDataOptions): Promise<RemovePipelineDataResult> {
  const emptiedPrefixes: Record<string, number> = {};
  for (const prefix of KIT_DATA_PREFIXES) emptiedPrefixes[prefix] = await options.store.deleteObjects(prefix);
  await resetNeptuneGraph(options.neptunedata, { timeoutMs: options.resetTimeoutMs, pollMs: options.resetPollMs, log: options.log });
  return { emptiedPrefixes, graphReset: true, destroyCommand: DESTROY_COMMAND };
}
