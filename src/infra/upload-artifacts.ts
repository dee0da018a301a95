import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { GLUE_MODEL_KEY, GLUE_SCRIPT_KEY } from '../etl/glue-job-spec.js';
import { buildLambdaBundle } from '../identity-api/lambda-bundle.js';
import type { ObjectStore } from '../lake/object-store.js';
import { GLUE_JOBS_PREFIX, KIT_TARBALL_KEY, LIFECYCLE_PREFIX, KIT_PACKAGE_ROOT, TEMPLATES_PREFIX } from './kit-stacks.js';

export interface UploadArtifactsOptions {
  /** Package root holding cloudformation-templates/, glue-jobs/ and lifecycle/ (default: the kit's). */
  rootDir?: string;
  /** The kit's `npm pack` tarball, for the Workbench to install (uploaded to kit/idgraph-kit.tgz). */
  kitTarball?: string;
  /** Or the npm spec the Workbench installs instead (then no tarball is needed). */
  kitPackage?: string;
  log?: (line: string) => void;
}

export interface UploadArtifactsResult {
  /** Keys written. */
  uploaded: string[];
  /** Things the stacks will need that are not there, as sentences. */
  warnings: string[];
}

/**
 * Uploads what the stacks point at: the templates (TemplateURL), the Glue job scripts, the
 * lifecycle scripts and optionally the kit's tarball. The graph-model declaration is written by
 * the ETL module; its absence is reported, not fatal (the Glue job is only started in step 6).
 */
export async function uploadArtifacts(store: ObjectStore, options: UploadArtifactsOptions = {}): Promise<UploadArtifactsResult> {
  const root = options.rootDir ?? KIT_PACKAGE_ROOT;
  const uploaded: string[] = [];
  const warnings: string[] = [];
  const put = async (key: string, path: string) => {
    options.log?.(`upload ${key}`);
    await store.putFile(key, path);
    uploaded.push(key);
  };
  for (const [folder, prefix, pattern] of [
    ['cloudformation-templates', TEMPLATES_PREFIX, /\.ya?ml$/],
    ['glue-jobs', GLUE_JOBS_PREFIX, /\.(py|json)$/],
    ['lifecycle', LIFECYCLE_PREFIX, /\.sh$/],
  ] as const) {
    for (const name of listFiles(join(root, folder), pattern)) await put(prefix + name, join(root, folder, name));
  }
  if (!uploaded.includes(GLUE_SCRIPT_KEY)) {
    warnings.push(`glue-jobs/${GLUE_SCRIPT_KEY.slice(GLUE_JOBS_PREFIX.length)} was not found under ${root}: the Glue job will have no script`);
  }
  if (!uploaded.includes(GLUE_MODEL_KEY) && !(await store.headObject(GLUE_MODEL_KEY))) {
    warnings.push(`${GLUE_MODEL_KEY} is not in the bucket yet: upload the graph model before running the Glue job`);
  }
  if (options.kitTarball) {
    await put(KIT_TARBALL_KEY, options.kitTarball);
  } else if (!options.kitPackage && !(await store.headObject(KIT_TARBALL_KEY))) {
    warnings.push(`${KIT_TARBALL_KEY} is not in the bucket: pass the kit's npm pack tarball, or an npm spec as kitPackage, or the Workbench cannot install the kit`);
  }
  return { uploaded, warnings };
}

function listFiles(dir: string, pattern: RegExp): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((name) => pattern.test(name) && statSync(join(dir, name)).isFile())
    .sort();
}

/** Builds the identity API's Lambda bundle and uploads it (a content-addressed key, skipped when already there); returns the key. */
export async function uploadIdentityApiBundle(store: ObjectStore, log?: (line: string) => void): Promise<string> {
  const bundle = await buildLambdaBundle();
  if (!(await store.headObject(bundle.key))) {
    log?.(`upload ${bundle.key} (${bundle.zipBytes} bytes)`);
    await store.putFile(bundle.key, bundle.path);
  }
  return bundle.key;
}
