import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { rmSync } from 'node:fs';
import { dirname } from 'node:path';
import type { CloudFormationClient } from '@aws-sdk/client-cloudformation';
import type { S3Client } from '@aws-sdk/client-s3';
import type { KitConfig } from '../config/kit-config.js';
import { InvalidInputError, kitMessage } from '../errors.js';
import type { ObjectStore } from '../lake/object-store.js';
import { writeStackOutputsToConfig } from './config-file.js';
import { createKitBucket } from './create-kit-bucket.js';
import { deployStack, describeStack, type DeployStackResult, type StackWaitOptions } from './deploy-stack.js';
import { getS3ObjectUrl, getStackName, KIT_STACKS, TEMPLATES_DIR, TEMPLATES_PREFIX, type KitStack, type KitStackName } from './kit-stacks.js';
import { packKit } from './pack-kit.js';
import { uploadArtifacts, uploadIdentityApiBundle } from './upload-artifacts.js';
import { assertTemplatesValid, listKitTemplateFiles } from './validate-templates.js';

export interface ProvisionOptions {
  config: KitConfig;
  /** Templates folder (default: the kit's cloudformation-templates/). */
  templatesDir?: string;
  /** Progress lines. */
  log?: (line: string) => void;
  /** Write the outputs to `<dataDir>/config.json` (default true). */
  writeConfig?: boolean;
}

export interface ProvisionAwsOptions extends ProvisionOptions {
  cloudFormation: CloudFormationClient;
  /** The kit's bucket, where templates, job scripts and lifecycle scripts go. */
  store: ObjectStore;
  /**
   * An S3 client for the bucket's region: with it, a missing bucket is created (encrypted,
   * versioned, public access blocked, TLS only, tagged) before anything is uploaded to it.
   */
  s3?: S3Client;
  /** The kit's `npm pack` tarball for the Workbench. */
  kitTarball?: string;
  /** Or an npm spec the Workbench installs (e.g. `idgraph-kit@0.1.0`). */
  kitPackage?: string;
  /**
   * Without a tarball or a package spec, pack the running kit and upload that (default true);
   * false uploads none, leaving whatever tarball the bucket already holds.
   */
  packRunningKit?: boolean;
  /** Only these stacks (still in dependency order); default all five. */
  stacks?: KitStackName[];
  /**
   * The iam stack creates the bucket (encrypted, public access blocked, retained on delete): it is
   * then deployed first, from the template body, before anything is uploaded. Undefined keeps
   * what the iam stack already has (false for a new stack).
   */
  createBucket?: boolean;
  /** Delete and re-create stacks left in ROLLBACK_COMPLETE. */
  replaceRolledBack?: boolean;
  wait?: StackWaitOptions;
  /** Package root for the uploads (default: the kit's). */
  rootDir?: string;
}

export interface ProvisionResult {
  mode: 'aws' | 'local';
  /** Per stack: created, updated or unchanged (aws mode only). */
  stacks: DeployStackResult[];
  /** Every output of every stack, by output name. */
  outputs: Record<string, string>;
  /** Keys uploaded to the bucket (aws mode). */
  uploaded: string[];
  warnings: string[];
  /** The config file written, if any. */
  configFile?: string;
}

/**
 * Step 3 in aws mode: validates the templates (refusing to deploy on any finding), uploads
 * templates, job scripts, lifecycle scripts (and the kit tarball) to the bucket, then creates or
 * updates each stack in dependency order, writing the collected outputs to the config file after
 * every stack so a later failure keeps what was already built. With `createBucket`, the iam
 * stack (which then creates the bucket) goes first, before the uploads.
 */
export async function provisionAws(options: ProvisionAwsOptions): Promise<ProvisionResult> {
  const { config, cloudFormation, store } = options;
  const log = options.log ?? (() => {});
  if (store.bucket !== config.bucket) {
    throw new InvalidInputError(kitMessage('cloudformation', `the object store is for bucket "${store.bucket}" but the config names "${config.bucket}"`));
  }
  const selected = selectStacks(options.stacks);
  const templatesDir = options.templatesDir ?? TEMPLATES_DIR;
  await assertTemplatesValid({ files: listKitTemplateFiles(templatesDir), parameters: { StackPrefix: config.stackPrefix } });
  const createBucket = options.createBucket ?? (await readCreateBucket(cloudFormation, getStackName(config.stackPrefix, 'iam')));

  const results: DeployStackResult[] = [];
  const outputs: Record<string, string> = {};
  let configFile: string | undefined;
  let identityApiBundleKey: string | undefined;
  const deploy = async (stack: KitStack, source: { templateUrl?: string; templateBody?: string }) => {
    const result = await deployStack(
      cloudFormation,
      {
        stackName: getStackName(config.stackPrefix, stack.name),
        ...source,
        parameters: stack.parameters({ config, kitPackage: options.kitPackage, createBucket, identityApiBundleKey }),
        capabilities: stack.capabilities,
        tags: { 'idgraph-kit': config.stackPrefix },
      },
      { wait: options.wait, replaceRolledBack: options.replaceRolledBack, log },
    );
    results.push(result);
    Object.assign(outputs, result.outputs);
    if (options.writeConfig !== false) configFile = writeStackOutputsToConfig(config.dataDir, result.outputs, config);
  };

  // A bucket the iam stack creates cannot hold that stack's template yet: send it as the body.
  const first = createBucket && selected[0]?.name === 'iam' ? selected.shift() : undefined;
  if (first) await deploy(first, { templateBody: readFileSync(join(templatesDir, first.templateFile), 'utf8') });
  else if (options.s3) await createKitBucket(options.s3, { bucket: config.bucket, region: config.region, stackPrefix: config.stackPrefix, log });

  let kitTarball = options.kitTarball;
  let packed: string | undefined;
  if (!kitTarball && !options.kitPackage && options.packRunningKit !== false) {
    const kit = await packKit(options.rootDir);
    log(`packed the running kit ${kit.spec} for the Workbench`);
    kitTarball = packed = kit.file;
  }
  let uploadResult;
  try {
    uploadResult = await uploadArtifacts(store, { rootDir: options.rootDir, kitTarball, kitPackage: options.kitPackage, log });
  } finally {
    if (packed) rmSync(dirname(packed), { recursive: true, force: true });
  }
  const { uploaded, warnings } = uploadResult;
  identityApiBundleKey = selected.some((stack) => stack.name === 'identity-api') ? await uploadIdentityApiBundle(store, log) : undefined;
  if (identityApiBundleKey) uploaded.push(identityApiBundleKey);
  for (const warning of warnings) log(`warning: ${warning}`);
  for (const stack of selected) {
    await deploy(stack, { templateUrl: getS3ObjectUrl(config.bucket, config.region, TEMPLATES_PREFIX + stack.templateFile) });
  }
  return { mode: 'aws', stacks: results, outputs, uploaded, warnings, configFile };
}

/** Whether the existing iam stack created the bucket (so an update keeps it in the stack). */
async function readCreateBucket(client: CloudFormationClient, stackName: string): Promise<boolean> {
  const stack = await describeStack(client, stackName);
  return stack?.Parameters?.some((p) => p.ParameterKey === 'CreateBucket' && p.ParameterValue === 'true') ?? false;
}

function selectStacks(names: KitStackName[] | undefined) {
  if (!names) return KIT_STACKS.filter((stack) => !stack.optional);
  for (const name of names) {
    if (!KIT_STACKS.some((stack) => stack.name === name)) {
      throw new InvalidInputError(kitMessage('cloudformation', `unknown stack "${name}" (one of ${KIT_STACKS.map((s) => s.name).join(', ')})`));
    }
  }
  return KIT_STACKS.filter((stack) => names.includes(stack.name));
}
