/**
 * What notebook 03 shows in the Workbench: whether what `idgraph provision` deployed is there and
 * usable, using only what the notebook's role may do (DescribeStacks, Neptune's GET /status):
 * each stack's status, the outputs the later notebooks read, the Neptune engine's status and
 * version, IAM authentication on, and the loader role attached to the cluster. Nothing is
 * created, changed or deleted: a notebook must not rewrite its own stack.
 */
import type { CloudFormationClient } from '@aws-sdk/client-cloudformation';
import type { NeptunedataClient } from '@aws-sdk/client-neptunedata';
import type { KitConfig } from '../config/kit-config.js';
import { writeStackOutputsToConfig } from './config-file.js';
import { getNeptuneEngineStatus } from './neptune-admin.js';
import { isStackReady, readKitStacks } from './read-kit-stacks.js';

export interface DeploymentCheck {
  check: string;
  ok: boolean;
  detail: string;
}

export interface DeploymentReport {
  checks: DeploymentCheck[];
  /** Every stack output, by output name. */
  outputs: Record<string, string>;
  /** True when every check passed. */
  ok: boolean;
}

/** The outputs the later notebooks read (crawl, transform, load): each must be in a stack. */
export const REQUIRED_OUTPUTS = ['BucketName', 'GlueDatabaseName', 'GlueCrawlerName', 'GlueJobName', 'NeptuneClusterEndpoint', 'NeptuneClusterPort', 'NeptuneLoaderRoleArn'];

export interface CheckDeploymentOptions {
  config: KitConfig;
  cloudFormation: CloudFormationClient;
  /** Neptune's admin client; undefined when no endpoint is configured (reported as a failed check). */
  neptunedata?: NeptunedataClient;
  /** Record the outputs in the config file (default true), for the next notebooks. */
  writeConfig?: boolean;
}

export async function checkAwsDeployment(options: CheckDeploymentOptions): Promise<DeploymentReport> {
  const { config } = options;
  const checks: DeploymentCheck[] = [];
  const { stacks, outputs } = await readKitStacks(options.cloudFormation, config.stackPrefix);
  for (const stack of stacks) checks.push({ check: `stack ${stack.stackName}`, ok: isStackReady(stack.status), detail: stack.status });
  const missing = REQUIRED_OUTPUTS.filter((name) => !outputs[name]);
  checks.push({ check: 'stack outputs', ok: missing.length === 0, detail: missing.length === 0 ? `${Object.keys(outputs).length} outputs` : `missing ${missing.join(', ')}` });
  if (outputs.BucketName && outputs.BucketName !== config.bucket) {
    checks.push({ check: 'bucket', ok: false, detail: `the stacks use s3://${outputs.BucketName}, the kit is configured for s3://${config.bucket}` });
  }

  try {
    if (!options.neptunedata) throw new Error('no Neptune endpoint configured (~/graph_notebook_config.json, stack outputs, or NEPTUNE_HOST)');
    const engine = await getNeptuneEngineStatus(options.neptunedata);
    checks.push({ check: 'Neptune engine', ok: engine.status === 'healthy' && engine.role === 'writer', detail: `${engine.status}, ${engine.role}, engine ${engine.dbEngineVersion}${engine.gremlinVersion ? `, ${engine.gremlinVersion}` : ''}` });
  } catch (error) {
    checks.push({ check: 'Neptune engine', ok: false, detail: (error as Error).message });
  }

  // The neptune-core template sets IAMAuthEnabled and exports it; the Workbench signs only when
  // graph-notebook's config says IAM. Both must agree or every query is refused (403).
  const stackIam = outputs.NeptuneIamAuthEnabled === 'true';
  const clientIam = config.neptune?.iamAuth ?? stackIam;
  checks.push({ check: 'IAM authentication', ok: stackIam && clientIam, detail: `cluster ${stackIam ? 'on' : 'off'}, this notebook ${clientIam ? 'signs requests' : 'does not sign requests'}` });

  // The cluster lists the loader role among its AssociatedRoles in the neptune-core stack, which
  // CloudFormation only reports complete once the role is attached.
  const core = stacks.find((s) => s.name === 'neptune-core');
  const role = outputs.NeptuneLoaderRoleArn;
  const configuredRole = config.loaderRoleArn;
  const roleOk = Boolean(role) && isStackReady(core?.status ?? 'MISSING') && (!configuredRole || configuredRole === role);
  checks.push({
    check: 'loader role attached',
    ok: roleOk,
    detail: !role ? 'no NeptuneLoaderRoleArn output' : configuredRole && configuredRole !== role ? `the stack attached ${role}, the kit would load with ${configuredRole}` : `${role} (neptune-core ${core?.status ?? 'MISSING'})`,
  });

  if (options.writeConfig !== false && Object.keys(outputs).length > 0) writeStackOutputsToConfig(config.dataDir, outputs, config, { fillOnly: true });
  return { checks, outputs, ok: checks.every((c) => c.ok) };
}
