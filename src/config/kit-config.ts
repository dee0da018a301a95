import { existsSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';
import { InvalidInputError, kitMessage } from '../errors.js';

/** `local` runs every service embedded on this machine; `aws` talks to the real services. */
export type KitMode = 'local' | 'aws';

export interface NeptuneEndpoint {
  host: string;
  port: number;
  /** IAM database authentication: sign requests with SigV4 (service `neptune-db`). */
  iamAuth: boolean;
  /** Region used for signing; defaults to the kit's region. */
  region?: string;
}

/**
 * Everything the kit reads from its surroundings, in one typed object. Built by `loadConfig`
 * from (lowest to highest precedence) defaults, the kit's config file, Neptune Workbench's
 * `~/graph_notebook_config.json`, environment variables and explicit overrides.
 */
export interface KitConfig {
  mode: KitMode;
  /** Where local state lives: generated files, embedded S3 objects, local catalog, local graph. */
  dataDir: string;
  region: string;
  /** The kit's S3 bucket (in local mode, a bucket of the embedded S3 server). */
  bucket: string;
  /** Glue database holding the crawled tables. */
  glueDatabase: string;
  /** Glue crawler name. */
  crawlerName: string;
  /** Prefix of crawled table names, as in the original PoC. */
  tablePrefix: string;
  /** Name prefix of the CloudFormation stacks (and their exports). */
  stackPrefix: string;
  /** Folder where `idgraph generate` writes the source CSV files. */
  generatedDir: string;
  /** Neptune cluster endpoint (aws mode). */
  neptune?: NeptuneEndpoint;
  /** IAM role Neptune assumes to read the bucket during bulk loads (stack output). */
  loaderRoleArn?: string;
  /** Glue ETL job names (stack outputs). */
  glueJobName?: string;
  /** Collected CloudFormation stack outputs, by output key. */
  stackOutputs: Record<string, string>;
  /** Records the notebooks and the demo generate (`--records` of the generator); env IDGRAPH_RECORDS. */
  records: number;
  /**
   * Generator seed the notebooks and the demo use (env IDGRAPH_SEED): the incremental batch must
   * be generated with the seed and records of the full batch to find the same returning people.
   */
  seed: number;
}

export const DEFAULT_DATA_DIR = '.idgraph';
export const CONFIG_FILE_NAME = 'config.json';

export function defaultConfig(dataDir = DEFAULT_DATA_DIR): KitConfig {
  const dir = resolve(dataDir);
  return {
    mode: 'local',
    dataDir: dir,
    region: 'us-east-1',
    bucket: 'identity-graph-kit',
    glueDatabase: 'identity_graph_poc',
    crawlerName: 'identity-graph-poc-crawler',
    tablePrefix: 'poc_identity_graph_',
    stackPrefix: 'identity-graph',
    generatedDir: join(dir, 'generated'),
    stackOutputs: {},
    records: 10_000,
    seed: 42,
  };
}

/**
 * Reads the config Neptune Workbench writes for graph-notebook
 * (https://github.com/aws/graph-notebook: host, port, auth_mode "IAM" | "DEFAULT", aws_region).
 */
export function readGraphNotebookConfig(path = join(homedir(), 'graph_notebook_config.json')): NeptuneEndpoint | undefined {
  if (!existsSync(path)) return undefined;
  let raw: Record<string, unknown>;
  try {
    raw = JSON.parse(readFileSync(path, 'utf8')) as Record<string, unknown>;
  } catch (cause) {
    throw new InvalidInputError(kitMessage('config', `${path} is not valid JSON`), { cause });
  }
  if (typeof raw.host !== 'string' || raw.host === '') return undefined;
  return {
    host: raw.host,
    port: Number(raw.port ?? 8182),
    iamAuth: String(raw.auth_mode ?? '').toUpperCase() === 'IAM',
    region: typeof raw.aws_region === 'string' ? raw.aws_region : undefined,
  };
}

function parseMode(value: string, source: string): KitMode {
  if (value === 'local' || value === 'aws') return value;
  throw new InvalidInputError(kitMessage('config', `${source}: mode must be "local" or "aws", got "${value}"`));
}

function parsePositiveInteger(value: string, source: string, min = 1): number {
  if (!/^\d+$/.test(value) || Number(value) < min || !Number.isSafeInteger(Number(value))) {
    throw new InvalidInputError(kitMessage('config', `${source}: expected an integer >= ${min}, got "${value}"`));
  }
  return Number(value);
}

/**
 * Builds the kit's configuration. Environment variables (all optional):
 * IDGRAPH_MODE, IDGRAPH_DATA_DIR, AWS_REGION, IDGRAPH_BUCKET, IDGRAPH_GLUE_DATABASE,
 * IDGRAPH_STACK_PREFIX, IDGRAPH_RECORDS, IDGRAPH_SEED, NEPTUNE_HOST, NEPTUNE_PORT, NEPTUNE_IAM_AUTH.
 */
export function loadConfig(overrides: Partial<KitConfig> = {}, env: NodeJS.ProcessEnv = process.env): KitConfig {
  const dataDir = resolve(overrides.dataDir ?? env.IDGRAPH_DATA_DIR ?? DEFAULT_DATA_DIR);
  const config = defaultConfig(dataDir);

  const file = join(dataDir, CONFIG_FILE_NAME);
  if (existsSync(file)) {
    let saved: Partial<KitConfig>;
    try {
      saved = JSON.parse(readFileSync(file, 'utf8')) as Partial<KitConfig>;
    } catch (cause) {
      throw new InvalidInputError(kitMessage('config', `${file} is not valid JSON`), { cause });
    }
    Object.assign(config, saved, { dataDir });
    if (saved.mode !== undefined) config.mode = parseMode(String(saved.mode), file);
  }

  const workbench = readGraphNotebookConfig(env.GRAPH_NOTEBOOK_CONFIG ?? join(homedir(), 'graph_notebook_config.json'));
  if (workbench) config.neptune = workbench;

  if (env.IDGRAPH_MODE) config.mode = parseMode(env.IDGRAPH_MODE, 'IDGRAPH_MODE');
  if (env.AWS_REGION) config.region = env.AWS_REGION;
  if (env.IDGRAPH_BUCKET) config.bucket = env.IDGRAPH_BUCKET;
  if (env.IDGRAPH_GLUE_DATABASE) config.glueDatabase = env.IDGRAPH_GLUE_DATABASE;
  if (env.IDGRAPH_STACK_PREFIX) config.stackPrefix = env.IDGRAPH_STACK_PREFIX;
  if (env.IDGRAPH_RECORDS) config.records = parsePositiveInteger(env.IDGRAPH_RECORDS, 'IDGRAPH_RECORDS');
  if (env.IDGRAPH_SEED) config.seed = parsePositiveInteger(env.IDGRAPH_SEED, 'IDGRAPH_SEED', 0);
  if (env.NEPTUNE_HOST) {
    config.neptune = {
      host: env.NEPTUNE_HOST,
      port: Number(env.NEPTUNE_PORT ?? 8182),
      iamAuth: /^(1|true|yes|iam)$/i.test(env.NEPTUNE_IAM_AUTH ?? ''),
    };
  }

  Object.assign(config, overrides, { dataDir });
  config.mode = parseMode(config.mode, 'config');
  return config;
}
