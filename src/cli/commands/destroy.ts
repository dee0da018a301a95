import { CloudFormationClient } from '@aws-sdk/client-cloudformation';
import { S3Client } from '@aws-sdk/client-s3';
import { loadConfig } from '../../config/index.js';
import { destroyKit, listKitPrefixes, removeLocalState } from '../../infra/index.js';
import { createObjectStore } from '../../lake/index.js';
import type { CliCommand } from '../cli-command.js';

export const destroyCommand: CliCommand = {
  name: 'destroy',
  summary: 'empty the bucket prefixes the kit wrote and delete its stacks in reverse order',
  usage: `Usage: idgraph destroy [--keep-data]

Removes everything the kit made, the way notebook 99 does and more: empties the prefixes the kit
writes in s3://<bucket>/ (${listKitPrefixes().join(', ')}) — the bucket itself is kept — then, in
aws mode, deletes the stacks glue, neptune-workbench, neptune-core, vpc and iam in that order,
waiting for each (with them the Neptune cluster and its graph, the Glue tables and jobs); in local
mode, removes the embedded S3, catalog and graph and the generated files of <data dir>. In the
versioned bucket, the earlier versions under those prefixes are deleted too. Removes
the stack outputs from <data dir>/config.json. Needs deploy rights (a laptop or CloudShell, not
the Workbench). Progress goes to stderr, what was removed to stdout.

  --keep-data   keep datasets/, glue-temp/ and the local graph, catalog and generated files
                (remove only what provisioning uploaded, and the stacks)
`,
  options: {
    'keep-data': { type: 'boolean' },
  },
  async run(invocation, io) {
    const config = loadConfig();
    const log = (line: string) => io.stderr(`destroy: ${line}\n`);
    const store = await createObjectStore(config);
    const cloudFormation = config.mode === 'aws' ? new CloudFormationClient({ region: config.region }) : undefined;
    const s3 = config.mode === 'aws' ? new S3Client({ region: config.region }) : undefined;
    try {
      const result = await destroyKit({ config, store, s3, cloudFormation, keepData: invocation.values['keep-data'] === true, log });
      for (const [prefix, count] of Object.entries(result.emptiedPrefixes)) {
        const versions = result.deletedVersions[prefix];
        io.stdout(`emptied s3://${config.bucket}/${prefix} (${count} objects${versions ? `, ${versions} versions and delete markers` : ''})\n`);
      }
      for (const stack of result.deletedStacks) io.stdout(`deleted stack ${stack}\n`);
      if (config.mode === 'aws' && result.deletedStacks.length === 0) io.stdout('no stacks to delete\n');
    } finally {
      cloudFormation?.destroy();
      s3?.destroy();
      await store.close();
    }
    // After the store is closed: the embedded S3 server keeps its folder open.
    if (invocation.values['keep-data'] !== true) {
      for (const folder of await removeLocalState(config)) io.stdout(`removed ${folder}\n`);
    }
  },
};
