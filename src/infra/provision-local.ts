import type { KitConfig } from '../config/kit-config.js';
import { GLUE_MODEL_KEY, GLUE_SCRIPT_KEY } from '../etl/glue-job-spec.js';
import { updateConfigFile } from './config-file.js';
import { getGlueJobName, TEMPLATES_DIR } from './kit-stacks.js';
import type { ProvisionOptions, ProvisionResult } from './provision.js';
import type { ParsedTemplate } from './template-types.js';
import { assertTemplatesValid, listKitTemplateFiles } from './validate-templates.js';

export interface ProvisionLocalOptions extends ProvisionOptions {
  /** Port of the embedded Gremlin-Server-compatible endpoint, when one is running. */
  neptunePort?: number;
}

/**
 * Step 3 in local mode: validates the very templates aws mode deploys (so a broken template fails
 * here too) and reports every output those templates declare, with the value its local
 * counterpart has: the embedded S3 bucket, 127.0.0.1 for Neptune, the local catalog's names.
 * It starts nothing: the embedded services are started by the modules that own them.
 */
export async function provisionLocal(options: ProvisionLocalOptions): Promise<ProvisionResult> {
  const { config } = options;
  const templates = await assertTemplatesValid({ files: listKitTemplateFiles(options.templatesDir ?? TEMPLATES_DIR), parameters: { StackPrefix: config.stackPrefix } });
  const outputs = getLocalStackOutputs(templates, config, options.neptunePort);
  options.log?.(`templates valid; ${Object.keys(outputs).length} outputs with local values`);
  let configFile: string | undefined;
  if (options.writeConfig !== false) {
    configFile = updateConfigFile(config.dataDir, (current) => ({ ...current, stackOutputs: { ...(current.stackOutputs ?? {}), ...outputs } }));
  }
  return { mode: 'local', stacks: [], outputs, uploaded: [], warnings: [], configFile };
}

/** Every output name the templates declare, with its local value. */
export function getLocalStackOutputs(templates: ParsedTemplate[], config: KitConfig, neptunePort?: number): Record<string, string> {
  const port = neptunePort ?? (isLoopback(config.neptune?.host) ? config.neptune!.port : 8182);
  const s3 = (key: string) => `s3://${config.bucket}/${key}`;
  const known: Record<string, string> = {
    BucketName: config.bucket,
    NeptuneClusterEndpoint: '127.0.0.1',
    NeptuneClusterReadEndpoint: '127.0.0.1',
    NeptuneClusterPort: String(port),
    NeptuneClusterId: 'local',
    NeptuneIamAuthEnabled: 'false',
    GlueDatabaseName: config.glueDatabase,
    GlueCrawlerName: config.crawlerName,
    GlueIncrementalCrawlerName: `${config.crawlerName}-incremental`,
    GlueJobName: getGlueJobName(config),
    GlueScriptS3Path: s3(GLUE_SCRIPT_KEY),
    GlueModelS3Path: s3(GLUE_MODEL_KEY),
    GraphOutputS3Path: s3('datasets/graph/initial/'),
    NotebookInstanceName: 'local',
  };
  const outputs: Record<string, string> = {};
  for (const parsed of templates) {
    for (const name of Object.keys(parsed.template.Outputs ?? {})) {
      // Network ids, role ARNs and the like have no local counterpart: say so in the value.
      outputs[name] = known[name] ?? `local:${name}`;
    }
  }
  return outputs;
}

function isLoopback(host: string | undefined): boolean {
  return host === '127.0.0.1' || host === 'localhost' || host === '::1';
}
