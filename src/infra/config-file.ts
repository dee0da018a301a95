import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { CONFIG_FILE_NAME, type KitConfig } from '../config/kit-config.js';
import { InvalidInputError, kitMessage } from '../errors.js';

/** What provisioning records in the kit's config file. */
export type SavedConfig = Partial<Omit<KitConfig, 'dataDir'>> & Record<string, unknown>;

/**
 * Rewrites `<dataDir>/config.json` through `update`, atomically (temp file, then rename), so a
 * crash never leaves it half-written. A missing file starts as `{}`; an unreadable one is an
 * error (never silently replaced). Returns the path.
 */
export function updateConfigFile(dataDir: string, update: (current: SavedConfig) => SavedConfig): string {
  const file = join(dataDir, CONFIG_FILE_NAME);
  let current: SavedConfig = {};
  if (existsSync(file)) {
    try {
      current = JSON.parse(readFileSync(file, 'utf8')) as SavedConfig;
    } catch (cause) {
      throw new InvalidInputError(kitMessage('config', `${file} is not valid JSON; fix or remove it before provisioning`), { cause });
    }
  }
  const next = update(current);
  mkdirSync(dataDir, { recursive: true });
  const temp = `${file}.${process.pid}.tmp`;
  writeFileSync(temp, JSON.stringify(next, null, 2) + '\n');
  renameSync(temp, file);
  return file;
}

/**
 * Merges stack outputs into the config file: `stackOutputs` by key, and the typed fields the
 * other modules read (Neptune endpoint, loader role, Glue names, bucket) when the outputs carry
 * them. With `fillOnly`, typed fields already in the file are kept (the Workbench's lifecycle
 * wrote them from graph-notebook's config and its own settings).
 */
export function writeStackOutputsToConfig(dataDir: string, outputs: Record<string, string>, config: Pick<KitConfig, 'region'>, options: { fillOnly?: boolean } = {}): string {
  return updateConfigFile(dataDir, (current) => {
    const derived = deriveConfigFromOutputs(outputs, config);
    return {
      ...(options.fillOnly ? { ...derived, ...current } : { ...current, ...derived }),
      stackOutputs: { ...(current.stackOutputs ?? {}), ...outputs },
    };
  });
}

/** The typed config fields a set of stack outputs determines. */
export function deriveConfigFromOutputs(outputs: Record<string, string>, config: Pick<KitConfig, 'region'>): SavedConfig {
  const derived: SavedConfig = {};
  if (outputs.NeptuneClusterEndpoint) {
    derived.neptune = {
      host: outputs.NeptuneClusterEndpoint,
      port: Number(outputs.NeptuneClusterPort ?? 8182),
      iamAuth: outputs.NeptuneIamAuthEnabled === 'true',
      region: config.region,
    };
  }
  if (outputs.NeptuneLoaderRoleArn) derived.loaderRoleArn = outputs.NeptuneLoaderRoleArn;
  if (outputs.GlueJobName) derived.glueJobName = outputs.GlueJobName;
  if (outputs.GlueDatabaseName) derived.glueDatabase = outputs.GlueDatabaseName;
  if (outputs.GlueCrawlerName) derived.crawlerName = outputs.GlueCrawlerName;
  if (outputs.BucketName) derived.bucket = outputs.BucketName;
  return derived;
}

/** Removes what provisioning wrote (after destroy): the stack outputs and the Neptune endpoint. */
export function clearStackOutputsFromConfig(dataDir: string): string {
  return updateConfigFile(dataDir, (current) => {
    const { stackOutputs: _outputs, neptune: _neptune, loaderRoleArn: _role, ...rest } = current;
    return { ...rest, stackOutputs: {} };
  });
}
