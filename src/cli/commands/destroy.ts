import { CloudFormationClient } from '@aws-sdk/client-cloudformation';
import { loadConfig } from '../../config/index.js';
import { destroyKit, listKitPrefixes } from '../../infra/index.js';
import { createObjectStore } from '../../lake/index.js';
import type { CliCommand } from '../cli-command.js';

export const destroyCommand: CliCommand = {
  name: 'destroy',
  summary: 'empty the bucket prefixes the kit wrote and delete its stacks in reverse order',
  usage: `Usage: idgraph destroy [--keep-data]

Empties the prefixes the kit writes in s3://<bucket>/ (${listKitPrefixes().join(', ')}) — the
bucket itself is kept — then, in aws mode, deletes the stacks glue, neptune-workbench,
neptune-core, vpc and iam in that order, waiting for each (a bucket the iam stack created is
retained). Removes the stack outputs from
<data dir>/config.json.

  --keep-data   keep datasets/ and glue-temp/ (empty only what provisioning uploaded)
`,
  options: {
    'keep-data': { type: 'boolean' },
  },
  async run(invocation, io) {
    const config = loadConfig();
    const log = (line: string) => io.stderr(`destroy: ${line}\n`);
    const store = await createObjectStore(config);
    const cloudFormation = config.mode === 'aws' ? new CloudFormationClient({ region: config.region }) : undefined;
    try {
      const result = await destroyKit({ config, store, cloudFormation, keepData: invocation.values['keep-data'] === true, log });
      for (const [prefix, count] of Object.entries(result.emptiedPrefixes)) io.stdout(`emptied s3://${config.bucket}/${prefix} (${count} objects)\n`);
      for (const stack of result.deletedStacks) io.stdout(`deleted stack ${stack}\n`);
      if (config.mode === 'aws' && result.deletedStacks.length === 0) io.stdout('no stacks to delete\n');
    } finally {
      cloudFormation?.destroy();
      await store.close();
    }
  },
};
