import { fileURLToPath } from 'node:url';
import type { Capability } from '@aws-sdk/client-cloudformation';
import type { KitConfig } from '../config/kit-config.js';
import { GLUE_MODEL_KEY, GLUE_SCRIPT_KEY } from '../etl/glue-job-spec.js';
import { readRulePrecisionFile } from '../identity-api/rule-precision.js';

/** Folder holding the kit's templates (in the repository and in the npm package alike). */
export const TEMPLATES_DIR = fileURLToPath(new URL('../../cloudformation-templates/', import.meta.url));
/** Root of the kit's package: glue-jobs/, lifecycle/ and cloudformation-templates/ are below it. */
export const KIT_PACKAGE_ROOT = fileURLToPath(new URL('../../', import.meta.url));

/** Where provisioning puts things in the kit's bucket (every prefix destroy empties). */
export const TEMPLATES_PREFIX = 'cloudformation-templates/';
export const GLUE_JOBS_PREFIX = 'glue-jobs/';
export const LIFECYCLE_PREFIX = 'lifecycle/';
export const KIT_PACKAGE_PREFIX = 'kit/';
// The Glue job's script and graph-model keys are the ETL module's (GLUE_SCRIPT_KEY, GLUE_MODEL_KEY).
/** The kit's `npm pack` tarball, installed by the Workbench's on-start script. */
export const KIT_TARBALL_KEY = 'kit/idgraph-kit.tgz';
/** Prefixes the pipeline itself writes (source datasets, graph files, Glue's temp dir). */
export const KIT_DATA_PREFIXES = ['datasets/', 'glue-temp/'];

export type KitStackName = 'vpc' | 'iam' | 'neptune-core' | 'neptune-workbench' | 'glue' | 'identity-api';

/** What the stack parameters are built from. */
export interface StackParameterContext {
  config: KitConfig;
  /** npm spec of the kit for the Workbench; empty means the uploaded tarball. */
  kitPackage?: string;
  /** The iam stack creates the bucket (CreateBucket=true). */
  createBucket?: boolean;
  /** Key of the identity API's Lambda bundle in the bucket (uploaded by provision). */
  identityApiBundleKey?: string;
}

export interface KitStack {
  name: KitStackName;
  /** Template file name in cloudformation-templates/. */
  templateFile: string;
  /** CAPABILITY_IAM for stacks that create IAM resources (no named IAM resources anywhere). */
  capabilities: Capability[];
  parameters(context: StackParameterContext): Record<string, string>;
  /** Deployed only when named (`--stacks identity-api`), not by a plain provision. */
  optional?: boolean;
}

/**
 * The kit's stacks in dependency (deployment) order; destroy goes in reverse. iam comes first:
 * it imports nothing, and it may create the bucket every other stack's artifacts are uploaded to.
 */
export const KIT_STACKS: readonly KitStack[] = [
  {
    name: 'iam',
    templateFile: 'iam.yaml',
    capabilities: ['CAPABILITY_IAM'],
    parameters: ({ config, createBucket }) => ({
      StackPrefix: config.stackPrefix,
      BucketName: config.bucket,
      CreateBucket: createBucket ? 'true' : 'false',
      GlueDatabaseName: config.glueDatabase,
      GlueCrawlerName: config.crawlerName,
      GlueJobName: getGlueJobName(config),
    }),
  },
  { name: 'vpc', templateFile: 'vpc.yaml', capabilities: [], parameters: ({ config }) => ({ StackPrefix: config.stackPrefix }) },
  { name: 'neptune-core', templateFile: 'neptune-core.yaml', capabilities: [], parameters: ({ config }) => ({ StackPrefix: config.stackPrefix }) },
  {
    name: 'neptune-workbench',
    templateFile: 'neptune-workbench.yaml',
    capabilities: ['CAPABILITY_IAM'],
    parameters: ({ config, kitPackage }) => ({ StackPrefix: config.stackPrefix, KitPackage: kitPackage ?? '' }),
  },
  {
    name: 'glue',
    templateFile: 'glue.yaml',
    capabilities: [],
    parameters: ({ config }) => ({ StackPrefix: config.stackPrefix, TablePrefix: config.tablePrefix, ScriptKey: GLUE_SCRIPT_KEY, ModelKey: GLUE_MODEL_KEY }),
  },
  {
    name: 'identity-api',
    templateFile: 'identity-api.yaml',
    capabilities: ['CAPABILITY_IAM'],
    optional: true,
    parameters: ({ config, identityApiBundleKey }) => {
      // The rules' precision measured for this data folder (idgraph api writes it), for /map-user's confidences.
      const precision = readRulePrecisionFile(config.dataDir);
      return {
        StackPrefix: config.stackPrefix,
        BucketName: config.bucket,
        BundleKey: identityApiBundleKey ?? '',
        ...(precision ? { RulePrecision: JSON.stringify(precision) } : {}),
      };
    },
  },
];

/** `<stackPrefix>-<name>`, e.g. `identity-graph-neptune-core`. */
export function getStackName(stackPrefix: string, name: KitStackName): string {
  return `${stackPrefix}-${name}`;
}

/** The Glue ETL job's name: the configured one, else `<stackPrefix>-transform-to-gremlin-csv`. */
export function getGlueJobName(config: KitConfig): string {
  return config.glueJobName ?? `${config.stackPrefix}-transform-to-gremlin-csv`;
}

/** Virtual-hosted S3 URL of an object, the form CloudFormation's TemplateURL takes. */
export function getS3ObjectUrl(bucket: string, region: string, key: string): string {
  return `https://${bucket}.s3.${region}.amazonaws.com/${key.split('/').map(encodeURIComponent).join('/')}`;
}
