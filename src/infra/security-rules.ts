import { getIntrinsicName, walkTemplateValues } from './intrinsics.js';
import { createTemplateIssue, type CfnResource, type ParsedTemplate, type TemplateIssue } from './template-types.js';

/**
 * The kit's security rules: one function per defect the original PoC templates had. Each takes a
 * parsed template and returns its findings; `SECURITY_RULES` lists them all by id.
 */
export type SecurityRule = (parsed: ParsedTemplate) => TemplateIssue[];

const OPEN_CIDRS = new Set(['0.0.0.0/0', '::/0']);

/** No security-group ingress from anywhere: the notebook reaches Neptune through security groups. */
export const checkNoOpenIngress: SecurityRule = (parsed) => {
  const issues: TemplateIssue[] = [];
  for (const [id, resource, path] of eachResource(parsed, 'AWS::EC2::SecurityGroup')) {
    const rules = resource.Properties?.SecurityGroupIngress;
    if (!Array.isArray(rules)) continue;
    rules.forEach((rule, index) => {
      const cidr = openCidrOf(rule);
      if (cidr) issues.push(createTemplateIssue(parsed, 'no-open-ingress', `${path}.Properties.SecurityGroupIngress.${index}`, `${id} admits ${cidr}`));
    });
  }
  for (const [id, resource, path] of eachResource(parsed, 'AWS::EC2::SecurityGroupIngress')) {
    const cidr = openCidrOf(resource.Properties);
    if (cidr) issues.push(createTemplateIssue(parsed, 'no-open-ingress', `${path}.Properties`, `${id} admits ${cidr}`));
  }
  return issues;
};

function openCidrOf(rule: unknown): string | undefined {
  if (rule === null || typeof rule !== 'object') return undefined;
  const { CidrIp, CidrIpv6 } = rule as Record<string, unknown>;
  if (typeof CidrIp === 'string' && OPEN_CIDRS.has(CidrIp)) return CidrIp;
  if (typeof CidrIpv6 === 'string' && OPEN_CIDRS.has(CidrIpv6)) return CidrIpv6;
  return undefined;
}

/** No Allow of a wildcard action (`*`, `service:*`) on resource `*`, and no NotAction/NotResource Allows. */
export const checkNoWildcardPolicies: SecurityRule = (parsed) => {
  const issues: TemplateIssue[] = [];
  for (const { statement, path } of listPolicyStatements(parsed)) {
    if (statement.Effect !== 'Allow') continue;
    if ('NotAction' in statement || 'NotResource' in statement) {
      issues.push(createTemplateIssue(parsed, 'no-wildcard-policy', path, 'Allow with NotAction/NotResource grants everything not listed'));
      continue;
    }
    const actions = toList(statement.Action);
    const resources = toResourcePatterns(statement.Resource);
    const wildcardAction = actions.find((action) => action === '*' || /^[a-z0-9-]+:\*$/i.test(action));
    if (wildcardAction && resources.includes('*')) {
      issues.push(createTemplateIssue(parsed, 'no-wildcard-policy', path, `allows ${wildcardAction} on *`));
    }
  }
  return issues;
};

/** No iam:PassRole (or iam:*, *) on every role: pass only named roles. */
export const checkNoPassRoleOnWildcard: SecurityRule = (parsed) => {
  const issues: TemplateIssue[] = [];
  for (const { statement, path } of listPolicyStatements(parsed)) {
    if (statement.Effect !== 'Allow') continue;
    const passes = toList(statement.Action).some((action) => /^(\*|iam:\*|iam:PassRole|iam:Pass\*)$/i.test(action));
    if (!passes) continue;
    const broad = toResourcePatterns(statement.Resource).find((resource) => resource === '*' || /:role\/\*$/.test(resource));
    if (broad !== undefined) issues.push(createTemplateIssue(parsed, 'no-passrole-on-wildcard', path, `allows iam:PassRole on ${broad}`));
  }
  return issues;
};

/** Neptune storage encrypted at rest (it can only be chosen when the cluster is created). */
export const checkNeptuneEncrypted: SecurityRule = (parsed) =>
  eachResource(parsed, 'AWS::Neptune::DBCluster')
    .filter(([, resource]) => !isTrue(resource.Properties?.StorageEncrypted))
    .map(([id, , path]) => createTemplateIssue(parsed, 'neptune-storage-encrypted', `${path}.Properties`, `${id} must set StorageEncrypted: true`));

/** Neptune IAM database authentication on. */
export const checkNeptuneIamAuth: SecurityRule = (parsed) =>
  eachResource(parsed, 'AWS::Neptune::DBCluster')
    .filter(([, resource]) => !isTrue(resource.Properties?.IamAuthEnabled))
    .map(([id, , path]) => createTemplateIssue(parsed, 'neptune-iam-auth', `${path}.Properties`, `${id} must set IamAuthEnabled: true`));

/**
 * The Workbench signs its requests: a lifecycle configuration that sets graph-notebook's
 * GRAPH_NOTEBOOK_AUTH_MODE sets it to IAM, and a Neptune Workbench (tagged aws-neptune-*) has one.
 */
export const checkWorkbenchIamAuth: SecurityRule = (parsed) => {
  const issues: TemplateIssue[] = [];
  const iamConfigs = new Set<string>();
  for (const [id, resource, path] of eachResource(parsed, 'AWS::SageMaker::NotebookInstanceLifecycleConfig')) {
    const modes: string[] = [];
    walkTemplateValues(resource.Properties ?? {}, `${path}.Properties`, (value) => {
      if (typeof value !== 'string') return;
      for (const match of value.matchAll(/GRAPH_NOTEBOOK_AUTH_MODE=['"]?([A-Za-z]+)/g)) modes.push(match[1]!);
    });
    if (modes.some((mode) => mode.toUpperCase() !== 'IAM')) {
      issues.push(createTemplateIssue(parsed, 'workbench-iam-auth', `${path}.Properties`, `${id} sets GRAPH_NOTEBOOK_AUTH_MODE=${modes.find((m) => m.toUpperCase() !== 'IAM')}, must be IAM`));
    } else if (modes.length > 0) {
      iamConfigs.add(id);
    }
  }
  for (const [id, resource, path] of eachResource(parsed, 'AWS::SageMaker::NotebookInstance')) {
    if (!isNeptuneWorkbench(resource)) continue;
    const config = resource.Properties?.LifecycleConfigName;
    const target = getIntrinsicName(config) === 'Fn::GetAtt' ? ((config as Record<string, unknown>)['Fn::GetAtt'] as string[])[0] : undefined;
    if (!target || !iamConfigs.has(target)) {
      issues.push(createTemplateIssue(parsed, 'workbench-iam-auth', `${path}.Properties`, `${id} is a Neptune Workbench without a lifecycle config setting GRAPH_NOTEBOOK_AUTH_MODE=IAM`));
    }
  }
  return issues;
};

/**
 * The Workbench runs on Amazon Linux 2023: the Amazon Linux 2 notebook platforms are retired
 * (notebook-al2-v3 fails at create time) and Node.js 20+ needs AL2023's glibc. Without
 * PlatformIdentifier SageMaker picks an AL2 platform.
 */
export const checkWorkbenchPlatform: SecurityRule = (parsed) =>
  eachResource(parsed, 'AWS::SageMaker::NotebookInstance')
    .filter(([, resource]) => resource.Properties?.PlatformIdentifier !== 'notebook-al2023-v1')
    .map(([id, resource, path]) =>
      createTemplateIssue(parsed, 'workbench-platform-al2023', `${path}.Properties`, `${id} must set PlatformIdentifier: notebook-al2023-v1 (has ${JSON.stringify(resource.Properties?.PlatformIdentifier ?? 'the AL2 default')})`),
    );

/** The notebook reaches the internet through the VPC (NAT, endpoints), not SageMaker's network. */
export const checkNotebookNoDirectInternet: SecurityRule = (parsed) =>
  eachResource(parsed, 'AWS::SageMaker::NotebookInstance')
    .filter(([, resource]) => resource.Properties?.DirectInternetAccess !== 'Disabled')
    .map(([id, , path]) => createTemplateIssue(parsed, 'notebook-no-direct-internet', `${path}.Properties`, `${id} must set DirectInternetAccess: Disabled (and SubnetId)`));

/**
 * Every private route table (default route through a NAT gateway, or none at all) carries an S3
 * gateway endpoint, so that Neptune's loader and Glue reach S3 from the private subnets.
 */
export const checkS3EndpointOnPrivateRouteTables: SecurityRule = (parsed) => {
  const routeTables = eachResource(parsed, 'AWS::EC2::RouteTable').map(([id]) => id);
  if (routeTables.length === 0) return [];
  const publicTables = new Set(
    eachResource(parsed, 'AWS::EC2::Route')
      .filter(([, route]) => route.Properties?.GatewayId !== undefined && refTarget(route.Properties?.GatewayId) !== undefined)
      .map(([, route]) => refTarget(route.Properties?.RouteTableId))
      .filter((id): id is string => id !== undefined),
  );
  const covered = new Set<string>();
  const endpoints = eachResource(parsed, 'AWS::EC2::VPCEndpoint').filter(([, endpoint]) => isS3Service(endpoint.Properties?.ServiceName) && endpoint.Properties?.VpcEndpointType !== 'Interface');
  for (const [, endpoint] of endpoints) {
    for (const table of toArray(endpoint.Properties?.RouteTableIds)) {
      const id = refTarget(table);
      if (id) covered.add(id);
    }
  }
  const issues: TemplateIssue[] = [];
  for (const table of routeTables) {
    if (publicTables.has(table) || covered.has(table)) continue;
    const path = endpoints.length > 0 ? `Resources.${endpoints[0]![0]}.Properties.RouteTableIds` : `Resources.${table}`;
    issues.push(createTemplateIssue(parsed, 's3-endpoint-private-route-tables', path, `private route table ${table} has no S3 gateway endpoint`));
  }
  return issues;
};

/** Buckets encrypted at rest with every public-access block on. */
export const checkBucketEncryptedAndPrivate: SecurityRule = (parsed) => {
  const issues: TemplateIssue[] = [];
  for (const [id, resource, path] of eachResource(parsed, 'AWS::S3::Bucket')) {
    const properties = resource.Properties ?? {};
    if (!properties.BucketEncryption) issues.push(createTemplateIssue(parsed, 'bucket-encrypted-private', `${path}.Properties`, `${id} has no BucketEncryption`));
    const block = (properties.PublicAccessBlockConfiguration ?? {}) as Record<string, unknown>;
    const missing = ['BlockPublicAcls', 'BlockPublicPolicy', 'IgnorePublicAcls', 'RestrictPublicBuckets'].filter((flag) => !isTrue(block[flag]));
    if (missing.length > 0) issues.push(createTemplateIssue(parsed, 'bucket-encrypted-private', `${path}.Properties`, `${id} must block public access (${missing.join(', ')})`));
  }
  return issues;
};

/** Every bucket policy, and every bucket, denies requests without TLS (aws:SecureTransport false). */
export const checkBucketTlsRequired: SecurityRule = (parsed) => {
  const issues: TemplateIssue[] = [];
  const enforced = new Set<string>();
  for (const [id, resource, path] of eachResource(parsed, 'AWS::S3::BucketPolicy')) {
    const statements = toArray((resource.Properties?.PolicyDocument as Record<string, unknown> | undefined)?.Statement);
    if (statements.some(isDenyInsecureTransport)) {
      // Every bucket the policy may apply to (`!If [cond, !Ref A, !Ref B]` counts for both).
      walkTemplateValues(resource.Properties?.Bucket, 'Bucket', (value) => {
        const bucket = refTarget(value);
        if (bucket) enforced.add(bucket);
      });
    } else {
      issues.push(createTemplateIssue(parsed, 'bucket-tls-required', `${path}.Properties.PolicyDocument`, `${id} does not deny aws:SecureTransport=false`));
    }
  }
  for (const [id, , path] of eachResource(parsed, 'AWS::S3::Bucket')) {
    if (!enforced.has(id)) issues.push(createTemplateIssue(parsed, 'bucket-tls-required', path, `${id} has no bucket policy denying non-TLS requests`));
  }
  return issues;
};

function isDenyInsecureTransport(statement: unknown): boolean {
  if (statement === null || typeof statement !== 'object') return false;
  const { Effect, Condition } = statement as Record<string, unknown>;
  const bool = (Condition as Record<string, Record<string, unknown>> | undefined)?.Bool;
  return Effect === 'Deny' && bool !== undefined && String(bool['aws:SecureTransport']) === 'false';
}

/** No default passwords: secret-looking parameters are NoEcho without Default; no literal passwords. */
export const checkNoDefaultPasswords: SecurityRule = (parsed) => {
  const issues: TemplateIssue[] = [];
  const secretName = /pass(word)?|secret|token|credential/i;
  for (const [name, parameter] of Object.entries(parsed.template.Parameters ?? {})) {
    if (!secretName.test(name)) continue;
    if (parameter.Default !== undefined) issues.push(createTemplateIssue(parsed, 'no-default-passwords', `Parameters.${name}.Default`, `${name} must not have a default`));
    if (parameter.NoEcho !== true && String(parameter.NoEcho) !== 'true') issues.push(createTemplateIssue(parsed, 'no-default-passwords', `Parameters.${name}`, `${name} must be NoEcho`));
  }
  walkTemplateValues(parsed.template.Resources, 'Resources', (value, path) => {
    if (value === null || typeof value !== 'object' || Array.isArray(value)) return;
    for (const [key, child] of Object.entries(value)) {
      if (/password/i.test(key) && typeof child === 'string') {
        issues.push(createTemplateIssue(parsed, 'no-default-passwords', `${path}.${key}`, `${key} is a literal password`));
      }
    }
  });
  return issues;
};

/** No role anyone may assume: trust policies name services or accounts, never `*`. */
export const checkNoPublicTrust: SecurityRule = (parsed) => {
  const issues: TemplateIssue[] = [];
  for (const [id, resource, path] of eachResource(parsed, 'AWS::IAM::Role')) {
    const statements = toArray((resource.Properties?.AssumeRolePolicyDocument as Record<string, unknown> | undefined)?.Statement);
    statements.forEach((statement, index) => {
      const { Effect, Principal } = (statement ?? {}) as Record<string, unknown>;
      if (Effect !== 'Allow') return;
      const principals = Principal === '*' ? ['*'] : Object.values((Principal ?? {}) as Record<string, unknown>).flatMap((value) => toList(value));
      if (principals.includes('*')) {
        issues.push(createTemplateIssue(parsed, 'no-public-trust', `${path}.Properties.AssumeRolePolicyDocument.Statement.${index}`, `${id} may be assumed by any principal`));
      }
    });
  }
  return issues;
};

/** The notebook's instance metadata answers only IMDSv2 (session-token) requests. */
export const checkNotebookImdsV2: SecurityRule = (parsed) =>
  eachResource(parsed, 'AWS::SageMaker::NotebookInstance')
    .filter(([, resource]) => String((resource.Properties?.InstanceMetadataServiceConfiguration as Record<string, unknown> | undefined)?.MinimumInstanceMetadataServiceVersion) !== '2')
    .map(([id, , path]) => createTemplateIssue(parsed, 'notebook-imdsv2', `${path}.Properties`, `${id} must set InstanceMetadataServiceConfiguration.MinimumInstanceMetadataServiceVersion: '2'`));

/**
 * Every `Fn::Cidr [!Ref Param, count, bits]` fits every block the parameter admits: `count`
 * subnets of `bits` host bits need a prefix of at most 32 - bits - log2(count). The original
 * VPC admitted /19-/24 for `!Cidr [VpcCidr, 4, 12]` (four /20s need a /18), which CloudFormation
 * only rejects halfway through creating the subnets.
 */
export const checkCidrFitsSubnets: SecurityRule = (parsed) => {
  const issues: TemplateIssue[] = [];
  walkTemplateValues(parsed.template.Resources, 'Resources', (value, path) => {
    if (getIntrinsicName(value) !== 'Fn::Cidr') return;
    const [block, count, bits] = (value as Record<string, unknown[]>)['Fn::Cidr'] ?? [];
    const parameterName = refTarget(block);
    const parameter = parameterName ? parsed.template.Parameters?.[parameterName] : undefined;
    if (!parameter || typeof count !== 'number' || typeof bits !== 'number') return;
    const longest = 32 - bits - Math.ceil(Math.log2(count));
    const where = `${path}.Fn::Cidr`;
    const admitted = listAdmittedPrefixes(parameter.AllowedPattern).filter((prefix) => prefix > longest);
    if (admitted.length > 0) {
      issues.push(
        createTemplateIssue(parsed, 'cidr-fits-subnets', where, `${parameterName} admits /${admitted[0]}${admitted.length > 1 ? `-/${admitted.at(-1)}` : ''}, which cannot hold ${count} subnets of /${32 - bits} (needs /${longest} or shorter)`),
      );
    }
    const fallback = typeof parameter.Default === 'string' ? Number(parameter.Default.split('/')[1]) : NaN;
    if (fallback > longest) issues.push(createTemplateIssue(parsed, 'cidr-fits-subnets', `Parameters.${parameterName}.Default`, `${parameterName}'s default /${fallback} cannot hold ${count} subnets of /${32 - bits}`));
  });
  return issues;
};

/** Prefix lengths 0-32 an AllowedPattern lets through (every one without a pattern). */
function listAdmittedPrefixes(pattern: string | undefined): number[] {
  const prefixes = Array.from({ length: 33 }, (_, n) => n);
  if (!pattern) return prefixes;
  const regex = new RegExp(pattern);
  return prefixes.filter((n) => ['10.0.0.0', '172.16.0.0', '192.168.0.0'].some((address) => regex.test(`${address}/${n}`)));
}

/**
 * Every Glue crawler and job runs under a security configuration of the template that encrypts
 * all three things Glue writes: S3 output, CloudWatch logs and job bookmarks.
 */
export const checkGlueSecurityConfiguration: SecurityRule = (parsed) => {
  const issues: TemplateIssue[] = [];
  const encrypted = new Map<string, string[]>();
  for (const [id, resource] of eachResource(parsed, 'AWS::Glue::SecurityConfiguration')) {
    const configuration = (resource.Properties?.EncryptionConfiguration ?? {}) as Record<string, any>;
    const off: string[] = [];
    if (!toArray(configuration.S3Encryptions).some((entry) => isEncryptionOn((entry as Record<string, unknown>)?.S3EncryptionMode))) off.push('S3Encryptions');
    if (!isEncryptionOn(configuration.CloudWatchEncryption?.CloudWatchEncryptionMode)) off.push('CloudWatchEncryption');
    if (!isEncryptionOn(configuration.JobBookmarksEncryption?.JobBookmarksEncryptionMode)) off.push('JobBookmarksEncryption');
    encrypted.set(id, off);
  }
  const check = (type: string, property: string) => {
    for (const [id, resource, path] of eachResource(parsed, type)) {
      const target = refTarget(resource.Properties?.[property]);
      const off = target ? encrypted.get(target) : undefined;
      if (off === undefined) {
        issues.push(createTemplateIssue(parsed, 'glue-security-configuration', `${path}.Properties`, `${id} must set ${property} to a security configuration of this template`));
      } else if (off.length > 0) {
        issues.push(createTemplateIssue(parsed, 'glue-security-configuration', `Resources.${target}.Properties.EncryptionConfiguration`, `${target} (used by ${id}) leaves ${off.join(', ')} unencrypted`));
      }
    }
  };
  check('AWS::Glue::Crawler', 'CrawlerSecurityConfiguration');
  check('AWS::Glue::Job', 'SecurityConfiguration');
  return issues;
};

function isEncryptionOn(mode: unknown): boolean {
  return typeof mode === 'string' && mode !== 'DISABLED';
}

/**
 * Neptune audit logs are on and exported: the cluster exports `audit` to CloudWatch Logs and its
 * cluster parameter group sets neptune_enable_audit_log = 1 (without it the export stays empty).
 * https://docs.aws.amazon.com/neptune/latest/userguide/auditing.html
 */
export const checkNeptuneAuditLog: SecurityRule = (parsed) => {
  const issues: TemplateIssue[] = [];
  for (const [id, resource, path] of eachResource(parsed, 'AWS::Neptune::DBCluster')) {
    if (!toList(resource.Properties?.EnableCloudwatchLogsExports).includes('audit')) {
      issues.push(createTemplateIssue(parsed, 'neptune-audit-log', `${path}.Properties`, `${id} must set EnableCloudwatchLogsExports: [audit]`));
    }
    const groupId = refTarget(resource.Properties?.DBClusterParameterGroupName);
    const group = groupId ? parsed.template.Resources[groupId] : undefined;
    const auditLog = (group?.Properties?.Parameters as Record<string, unknown> | undefined)?.neptune_enable_audit_log;
    if (group?.Type !== 'AWS::Neptune::DBClusterParameterGroup' || String(auditLog) !== '1') {
      issues.push(createTemplateIssue(parsed, 'neptune-audit-log', `${path}.Properties`, `${id} needs a DBClusterParameterGroup of this template with neptune_enable_audit_log: 1`));
    }
  }
  return issues;
};

/** Every security rule, by id. */
export const SECURITY_RULES: Record<string, SecurityRule> = {
  'no-open-ingress': checkNoOpenIngress,
  'no-wildcard-policy': checkNoWildcardPolicies,
  'no-passrole-on-wildcard': checkNoPassRoleOnWildcard,
  'neptune-storage-encrypted': checkNeptuneEncrypted,
  'neptune-iam-auth': checkNeptuneIamAuth,
  'workbench-iam-auth': checkWorkbenchIamAuth,
  'workbench-platform-al2023': checkWorkbenchPlatform,
  'notebook-no-direct-internet': checkNotebookNoDirectInternet,
  's3-endpoint-private-route-tables': checkS3EndpointOnPrivateRouteTables,
  'bucket-encrypted-private': checkBucketEncryptedAndPrivate,
  'bucket-tls-required': checkBucketTlsRequired,
  'no-default-passwords': checkNoDefaultPasswords,
  'no-public-trust': checkNoPublicTrust,
  'notebook-imdsv2': checkNotebookImdsV2,
  'cidr-fits-subnets': checkCidrFitsSubnets,
  'glue-security-configuration': checkGlueSecurityConfiguration,
  'neptune-audit-log': checkNeptuneAuditLog,
};

/** Runs every security rule over a template. */
export function checkSecurityRules(parsed: ParsedTemplate): TemplateIssue[] {
  return Object.values(SECURITY_RULES).flatMap((rule) => rule(parsed));
}

interface PolicyStatement {
  Effect?: unknown;
  Action?: unknown;
  Resource?: unknown;
  [key: string]: unknown;
}

/** Identity-policy statements of roles, policies and managed policies (trust policies excluded). */
function listPolicyStatements(parsed: ParsedTemplate): { statement: PolicyStatement; path: string }[] {
  const found: { statement: PolicyStatement; path: string }[] = [];
  const collect = (document: unknown, path: string) => {
    const statements = (document as Record<string, unknown> | undefined)?.Statement;
    toArray(statements).forEach((statement, index) => {
      if (statement && typeof statement === 'object') found.push({ statement: statement as PolicyStatement, path: `${path}.Statement${Array.isArray(statements) ? `.${index}` : ''}` });
    });
  };
  for (const [id, resource] of Object.entries(parsed.template.Resources)) {
    const path = `Resources.${id}.Properties`;
    if (resource.Type === 'AWS::IAM::Role' || resource.Type === 'AWS::IAM::User' || resource.Type === 'AWS::IAM::Group') {
      toArray(resource.Properties?.Policies).forEach((policy, index) => collect((policy as Record<string, unknown>)?.PolicyDocument, `${path}.Policies.${index}.PolicyDocument`));
    } else if (['AWS::IAM::Policy', 'AWS::IAM::ManagedPolicy', 'AWS::IAM::RolePolicy', 'AWS::IAM::UserPolicy', 'AWS::IAM::GroupPolicy'].includes(resource.Type)) {
      collect(resource.Properties?.PolicyDocument, `${path}.PolicyDocument`);
    }
  }
  return found;
}

function eachResource(parsed: ParsedTemplate, type: string): [string, CfnResource, string][] {
  return Object.entries(parsed.template.Resources)
    .filter(([, resource]) => resource.Type === type)
    .map(([id, resource]) => [id, resource, `Resources.${id}`]);
}

function isNeptuneWorkbench(resource: CfnResource): boolean {
  const tags = toArray(resource.Properties?.Tags);
  return tags.some((tag) => String((tag as Record<string, unknown>)?.Key ?? '').startsWith('aws-neptune-'));
}

function isS3Service(value: unknown): boolean {
  if (typeof value === 'string') return value.endsWith('.s3');
  const sub = (value as Record<string, unknown> | undefined)?.['Fn::Sub'];
  return typeof sub === 'string' && sub.endsWith('.s3');
}

function refTarget(value: unknown): string | undefined {
  return getIntrinsicName(value) === 'Ref' ? String((value as Record<string, unknown>).Ref) : undefined;
}

function isTrue(value: unknown): boolean {
  return value === true || value === 'true';
}

function toArray(value: unknown): unknown[] {
  if (value === undefined || value === null) return [];
  return Array.isArray(value) ? value : [value];
}

/** Resource ARNs as patterns: literals, and the template text of `Fn::Sub` (its `${...}` left in). */
function toResourcePatterns(value: unknown): string[] {
  return toArray(value).flatMap((item) => {
    if (typeof item === 'string') return [item];
    const sub = (item as Record<string, unknown> | null)?.['Fn::Sub'];
    const text = Array.isArray(sub) ? sub[0] : sub;
    return typeof text === 'string' ? [text] : [];
  });
}

function toList(value: unknown): string[] {
  return toArray(value).filter((item): item is string => typeof item === 'string');
}
