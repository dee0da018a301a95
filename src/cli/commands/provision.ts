import { CloudFormationClient } from '@aws-sdk/client-cloudformation';
import { S3Client } from '@aws-sdk/client-s3';
import { loadConfig } from '../../config/index.js';
import { InvalidInputError, kitMessage } from '../../errors.js';
import { KIT_STACKS, provisionAws, provisionLocal, type KitStackName, type ProvisionResult } from '../../infra/index.js';
import { createObjectStore } from '../../lake/index.js';
import type { CliCommand, CliIo } from '../cli-command.js';

export const provisionCommand: CliCommand = {
  name: 'provision',
  summary: 'validate the CloudFormation templates and deploy the stacks (aws), or report the local outputs (local)',
  usage: `Usage: idgraph provision [--kit-tarball FILE | --kit-package SPEC] [--create-bucket] [--stacks a,b] [--replace-rolled-back] [--neptune-port N] [--json]

aws mode (from a shell with deploy rights: a laptop or CloudShell, not the Workbench): validates
the templates (resource specification, references, imports, security rules), creates the
bucket if it does not exist (SSE-S3, versioning, public access blocked, TLS-only policy, tagged),
uploads templates, Glue job scripts, lifecycle scripts and the kit itself (packed from the running
kit) to s3://<bucket>/, then creates or updates the stacks ${KIT_STACKS.filter((s) => !s.optional).map((s) => s.name).join(', ')} in
that order, waiting for each, and writes their outputs to <data dir>/config.json.
local mode: validates the same templates and writes the same output names with local values.

  --kit-tarball FILE      the kit's "npm pack" tarball to upload (default: the running kit, packed)
  --kit-package SPEC      or an npm spec the Workbench installs instead (e.g. idgraph-kit@0.1.0)
  --create-bucket         the iam stack creates the bucket instead (encrypted, public access
                          blocked, kept on delete)
  --stacks a,b            only these stacks (still in dependency order); the optional
                          identity-api stack (Lambda bundle built and uploaded) only when named
  --replace-rolled-back   delete and re-create a stack left in ROLLBACK_COMPLETE
  --neptune-port N        local mode: port of the embedded Gremlin endpoint, if one runs
  --json                  print the outputs as JSON
`,
  options: {
    'kit-tarball': { type: 'string' },
    'kit-package': { type: 'string' },
    stacks: { type: 'string' },
    'create-bucket': { type: 'boolean' },
    'replace-rolled-back': { type: 'boolean' },
    'neptune-port': { type: 'string' },
    json: { type: 'boolean' },
  },
  async run(invocation, io) {
    const config = loadConfig();
    const values = invocation.values;
    const log = (line: string) => io.stderr(`provision: ${line}\n`);
    let result: ProvisionResult;
    if (config.mode === 'local') {
      result = await provisionLocal({ config, log, neptunePort: parsePort(values['neptune-port']) });
    } else {
      const cloudFormation = new CloudFormationClient({ region: config.region });
      const s3 = new S3Client({ region: config.region });
      const createBucket = values['create-bucket'] === true ? true : undefined;
      // The bucket may not exist yet: provisioning creates it (or the iam stack does) before uploading.
      const store = await createObjectStore(config, { skipBucketCheck: true });
      try {
        result = await provisionAws({
          config,
          cloudFormation,
          s3,
          store,
          log,
          kitTarball: typeof values['kit-tarball'] === 'string' ? values['kit-tarball'] : undefined,
          kitPackage: typeof values['kit-package'] === 'string' ? values['kit-package'] : undefined,
          stacks: typeof values.stacks === 'string' ? (values.stacks.split(',').map((s) => s.trim()) as KitStackName[]) : undefined,
          replaceRolledBack: values['replace-rolled-back'] === true,
          createBucket,
        });
      } finally {
        cloudFormation.destroy();
        s3.destroy();
        await store.close();
      }
    }
    printResult(result, io, values.json === true);
  },
};

function parsePort(value: unknown): number | undefined {
  if (value === undefined) return undefined;
  const port = Number(value);
  if (!Number.isInteger(port) || port < 1 || port > 65_535) {
    throw new InvalidInputError(kitMessage('cli', `--neptune-port must be an integer 1..65535, got "${String(value)}"`));
  }
  return port;
}

function printResult(result: ProvisionResult, io: CliIo, json: boolean): void {
  if (json) {
    io.stdout(JSON.stringify({ mode: result.mode, stacks: result.stacks.map(({ stackName, action }) => ({ stackName, action })), outputs: result.outputs, warnings: result.warnings }, null, 2) + '\n');
    return;
  }
  for (const stack of result.stacks) io.stdout(`${stack.stackName}: ${stack.action}\n`);
  const width = Math.max(0, ...Object.keys(result.outputs).map((name) => name.length));
  for (const [name, value] of Object.entries(result.outputs)) io.stdout(`${name.padEnd(width)}  ${value}\n`);
  for (const warning of result.warnings) io.stdout(`warning: ${warning}\n`);
  if (result.configFile) io.stdout(`outputs written to ${result.configFile}\n`);
}
