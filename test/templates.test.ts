import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  checkAgainstSpec,
  checkCrossStackImports,
  checkReferences,
  evaluateTemplateString,
  exportsOf,
  formatTemplateIssue,
  KIT_STACKS,
  listKitTemplateFiles,
  loadResourceSpec,
  parseTemplate,
  readTemplate,
  SECURITY_RULES,
  validateTemplates,
  type ParsedTemplate,
  type ResourceSpec,
} from '../src/infra/index.js';
import { GLUE_MODEL_KEY, GLUE_SCRIPT_KEY } from '../src/etl/glue-job-spec.js';
import { captureError } from './support/capture-error.js';

const FIXTURES = join(import.meta.dirname, 'fixtures', 'templates');
const fixture = (name: string) => readTemplate(join(FIXTURES, name));

let spec: ResourceSpec;
let kit: ParsedTemplate[];
const byName = (name: string) => kit.find((parsed) => parsed.name === name)!;

beforeAll(async () => {
  spec = await loadResourceSpec();
  kit = listKitTemplateFiles().map((file) => readTemplate(file));
});

describe('parsing CloudFormation YAML', () => {
  it('turns every short-form tag into its long form', () => {
    const parsed = parseTemplate(
      [
        'Resources:',
        '  A:',
        '    Type: AWS::EC2::VPC',
        '    Properties:',
        '      Ref: !Ref Param',
        '      Att: !GetAtt Res.Nested.Attr',
        '      AttList: !GetAtt [Res, Attr]',
        '      Sub: !Sub "${AWS::Region}-x"',
        '      Imp: !ImportValue {"Fn::Sub": "${P}-VpcId"}',
        '      Join: !Join [",", [a, !Ref B]]',
        '      Sel: !Select [0, !GetAZs ""]',
        '      If: !If [Cond, !Base64 x, !Ref "AWS::NoValue"]',
        '      Cidr: !Cidr [!Ref C, 4, 12]',
        '      Not: !Not [!Equals [a, b]]',
        '      Split: !Split [",", !ImportValue x]',
        '      Map: !FindInMap [M, k, v]',
      ].join('\n'),
      'inline.yaml',
    );
    expect(parsed.template.Resources.A!.Properties).toEqual({
      Ref: { Ref: 'Param' },
      Att: { 'Fn::GetAtt': ['Res', 'Nested.Attr'] },
      AttList: { 'Fn::GetAtt': ['Res', 'Attr'] },
      Sub: { 'Fn::Sub': '${AWS::Region}-x' },
      Imp: { 'Fn::ImportValue': { 'Fn::Sub': '${P}-VpcId' } },
      Join: { 'Fn::Join': [',', ['a', { Ref: 'B' }]] },
      Sel: { 'Fn::Select': [0, { 'Fn::GetAZs': '' }] },
      If: { 'Fn::If': ['Cond', { 'Fn::Base64': 'x' }, { Ref: 'AWS::NoValue' }] },
      Cidr: { 'Fn::Cidr': [{ Ref: 'C' }, 4, 12] },
      Not: { 'Fn::Not': [{ 'Fn::Equals': ['a', 'b'] }] },
      Split: { 'Fn::Split': [',', { 'Fn::ImportValue': 'x' }] },
      Map: { 'Fn::FindInMap': ['M', 'k', 'v'] },
    });
    expect(parsed.lineOf('Resources.A.Properties.Sub')).toBe(8);
  });

  it('rejects an unknown tag, naming file and line', () => {
    const error = captureError(() => parseTemplate('Resources:\n  A:\n    Type: !Reff X\n', 'x.yaml'));
    expect(error.name).toBe('InvalidInputError');
    expect(error.message).toContain('x.yaml:3');
    expect(error.message).toContain('!Reff');
  });

  it('rejects broken YAML and duplicate keys, naming the line', () => {
    const broken = captureError(() => parseTemplate('Resources:\n  A: [\n', 'broken.yaml'));
    expect(broken.name).toBe('InvalidInputError');
    expect(broken.message).toMatch(/broken\.yaml:\d+/);
    const duplicate = captureError(() => parseTemplate('Resources:\n  A:\n    Type: x\n  A:\n    Type: y\n', 'dup.yaml'));
    expect(duplicate.message).toMatch(/dup\.yaml:4/);
  });

  it('rejects a template without Resources', () => {
    expect(captureError(() => parseTemplate('Outputs: {}\n', 'empty.yaml')).name).toBe('InvalidInputError');
  });
});

describe('the kit templates', () => {
  it('are the five stacks and the optional identity-api, in dependency order', () => {
    expect(kit.map((parsed) => parsed.name)).toEqual(['iam', 'vpc', 'neptune-core', 'neptune-workbench', 'glue', 'identity-api']);
    expect(KIT_STACKS.map((stack) => stack.name)).toEqual(kit.map((parsed) => parsed.name));
  });

  it('pass every check: specification, references, imports and security rules', async () => {
    const { issues, templates } = await validateTemplates({ spec });
    expect(issues.map(formatTemplateIssue)).toEqual([]);
    expect(templates.reduce((sum, parsed) => sum + Object.keys(parsed.template.Resources).length, 0)).toBeGreaterThan(30);
  });

  it('fit CloudFormation\'s 51,200-byte TemplateBody limit (the iam stack is sent that way with CreateBucket)', () => {
    for (const file of listKitTemplateFiles()) expect(statSync(file).size, file).toBeLessThan(51_200);
  });

  it('use only resource types and properties the specification has', () => {
    for (const parsed of kit) {
      for (const resource of Object.values(parsed.template.Resources)) expect(spec.getResourceType(resource.Type), resource.Type).toBeDefined();
    }
  });

  it('name Parameters and Outputs in PascalCase, take StackPrefix, and export as <StackPrefix>-<OutputName>', () => {
    for (const parsed of kit) {
      expect(parsed.template.Parameters?.StackPrefix, parsed.name).toBeDefined();
      for (const name of [...Object.keys(parsed.template.Parameters ?? {}), ...Object.keys(parsed.template.Outputs ?? {})]) {
        expect(name, `${parsed.name}: ${name}`).toMatch(/^[A-Z][A-Za-z0-9]*$/);
      }
      for (const declared of exportsOf(parsed, { StackPrefix: 'p' })) expect(declared.name).toBe(`p-${declared.output}`);
    }
  });

  it('output every endpoint, role, bucket and name the kit reads', () => {
    const outputs = new Set(kit.flatMap((parsed) => Object.keys(parsed.template.Outputs ?? {})));
    for (const name of [
      'VpcId', 'PrivateSubnetIds', 'NeptuneSecurityGroupId', 'NotebookSecurityGroupId', 'S3GatewayEndpointId',
      'BucketName', 'NeptuneLoaderRoleArn', 'GlueRoleArn', 'NotebookRoleArn',
      'NeptuneClusterEndpoint', 'NeptuneClusterReadEndpoint', 'NeptuneClusterPort', 'NeptuneClusterResourceId', 'NeptuneIamAuthEnabled',
      'NotebookInstanceName', 'GlueDatabaseName', 'GlueCrawlerName', 'GlueIncrementalCrawlerName', 'GlueJobName', 'GlueScriptS3Path', 'GlueModelS3Path', 'GraphOutputS3Path',
    ]) {
      expect(outputs.has(name), name).toBe(true);
    }
  });

  it('point the Glue job at the agreed script and model keys', () => {
    const glue = byName('glue').template;
    expect(glue.Parameters!.ScriptKey!.Default).toBe(GLUE_SCRIPT_KEY);
    expect(glue.Parameters!.ModelKey!.Default).toBe(GLUE_MODEL_KEY);
    const job = glue.Resources.TransformJob!.Properties as Record<string, any>;
    const values = { ScriptKey: GLUE_SCRIPT_KEY, ModelKey: GLUE_MODEL_KEY, Bucket: 'b', OutputPrefix: 'datasets/graph/initial/' };
    const substitute = (value: unknown) => evaluateTemplateString({ 'Fn::Sub': (value as any)['Fn::Sub'][0] }, values);
    expect(substitute(job.Command.ScriptLocation)).toBe(`s3://b/${GLUE_SCRIPT_KEY}`);
    expect(substitute(job.DefaultArguments['--model_s3_path'])).toBe(`s3://b/${GLUE_MODEL_KEY}`);
  });

  it('run the Workbench on notebook-al2023-v1 with IAM auth and hooks under 16384 characters', () => {
    const workbench = byName('neptune-workbench').template;
    expect((workbench.Resources.NotebookInstance!.Properties as any).PlatformIdentifier).toBe('notebook-al2023-v1');
    const hooks = workbench.Resources.LifecycleConfig!.Properties as Record<string, { Content: any }[]>;
    for (const hook of [...hooks.OnCreate!, ...hooks.OnStart!]) {
      const sub = hook.Content['Fn::Base64']['Fn::Sub'];
      const text: string = Array.isArray(sub) ? sub[0] : sub;
      // Base64 grows 4/3; the limit applies to the encoded content.
      expect(Math.ceil(text.length / 3) * 4 + 400).toBeLessThan(16384);
    }
    expect(JSON.stringify(hooks.OnStart)).toContain('GRAPH_NOTEBOOK_AUTH_MODE=IAM');
  });
});

describe('the specification check', () => {
  it('catches unknown types and properties, missing required properties and wrong shapes', () => {
    const messages = checkAgainstSpec(fixture('bad-spec.yaml'), spec).map(formatTemplateIssue);
    expect(messages.some((m) => m.includes('has no property IAMAuthEnabled'))).toBe(true);
    expect(messages.some((m) => m.includes('unknown resource type AWS::Neptune::Widget'))).toBe(true);
    expect(messages.some((m) => m.includes('AWS::IAM::Role requires property AssumeRolePolicyDocument'))).toBe(true);
    expect(messages.some((m) => m.includes('Policies expects a list'))).toBe(true);
    expect(messages.some((m) => m.includes('has no property ScriptLocaton'))).toBe(true);
    expect(messages.some((m) => m.includes('parameter Prefix has no valid Type (got "Strin")'))).toBe(true);
    expect(messages.some((m) => m.includes('output Nothing has no Value'))).toBe(true);
    // The line of the misspelt property, for the reader's editor.
    expect(messages.find((m) => m.includes('IAMAuthEnabled'))).toMatch(/bad-spec\.yaml:9:/);
  });
});

describe('the reference check', () => {
  it('catches Ref, GetAtt, Sub, DependsOn and condition names that resolve to nothing', () => {
    const messages = checkReferences(fixture('bad-references.yaml'), spec).map((issue) => issue.message);
    expect(messages).toEqual(
      expect.arrayContaining([
        expect.stringContaining('Ref names VpcCidr'),
        expect.stringContaining('AWS::EC2::VPC has no attribute VpcIdentifier'),
        expect.stringContaining('If names unknown condition IsStaging'),
        expect.stringContaining('${Environment}'),
        expect.stringContaining('DependsOn names unknown resource Gateway'),
      ]),
    );
    expect(messages).toHaveLength(5);
  });
});

describe('the cross-stack import check', () => {
  it('catches an import whose name no stack exports', () => {
    const issues = checkCrossStackImports([fixture('bad-import-producer.yaml'), fixture('bad-import-consumer.yaml')]);
    expect(issues.map((issue) => issue.message)).toEqual(['imports identity-graph-VPCID, which no stack exports']);
    expect(issues[0]!.line).toBe(12);
  });

  it('catches an import of a stack deployed later', () => {
    const reversed = [...kit].reverse();
    const issues = checkCrossStackImports(reversed, { StackPrefix: 'x' });
    expect(issues.length).toBeGreaterThan(0);
    expect(issues.every((issue) => issue.message.includes('deployed later'))).toBe(true);
  });

  it('resolves every kit import, whatever the prefix', () => {
    expect(checkCrossStackImports(kit, { StackPrefix: 'another-prefix' })).toEqual([]);
  });
});

describe('security rules', () => {
  for (const [id, rule] of Object.entries(SECURITY_RULES)) {
    it(`${id}: catches test/fixtures/templates/bad-${id}.yaml and passes the kit templates`, () => {
      const bad = fixture(`bad-${id}.yaml`);
      const found = rule(bad);
      expect(found.length, `${id} found nothing in its bad fixture`).toBeGreaterThan(0);
      expect(found.every((issue) => issue.rule === id && issue.line !== undefined)).toBe(true);
      for (const parsed of kit) expect(rule(parsed).map(formatTemplateIssue)).toEqual([]);
      // The bad fixtures are otherwise valid CloudFormation, so only the rule objects to them.
      expect(checkAgainstSpec(bad, spec).map(formatTemplateIssue)).toEqual([]);
    });
  }

  it('reports each defect of the original, one finding per bad rule', () => {
    expect(SECURITY_RULES['no-open-ingress']!(fixture('bad-no-open-ingress.yaml')).map((i) => i.message)).toEqual([
      'NeptuneSecurityGroup admits 0.0.0.0/0',
      'ExtraIngress admits ::/0',
    ]);
    expect(SECURITY_RULES['no-wildcard-policy']!(fixture('bad-no-wildcard-policy.yaml'))).toHaveLength(2);
    expect(SECURITY_RULES['no-default-passwords']!(fixture('bad-no-default-passwords.yaml')).map((i) => i.path)).toEqual([
      'Parameters.DbPassword.Default',
      'Parameters.DbPassword',
      'Resources.Database.Properties.MasterUserPassword',
    ]);
    expect(SECURITY_RULES['bucket-tls-required']!(fixture('bad-bucket-tls-required.yaml'))).toHaveLength(2);
    expect(SECURITY_RULES['cidr-fits-subnets']!(fixture('bad-cidr-fits-subnets.yaml')).map((i) => i.message)).toEqual([
      'VpcCidr admits /19-/24, which cannot hold 4 subnets of /20 (needs /18 or shorter)',
    ]);
    expect(SECURITY_RULES['glue-security-configuration']!(fixture('bad-glue-security-configuration.yaml')).map((i) => i.message)).toEqual([
      'Crawler must set CrawlerSecurityConfiguration to a security configuration of this template',
      'SecurityConfiguration (used by Job) leaves CloudWatchEncryption, JobBookmarksEncryption unencrypted',
    ]);
    expect(SECURITY_RULES['neptune-audit-log']!(fixture('bad-neptune-audit-log.yaml')).map((i) => i.message)).toEqual([
      'Cluster must set EnableCloudwatchLogsExports: [audit]',
      'Cluster needs a DBClusterParameterGroup of this template with neptune_enable_audit_log: 1',
      'ExportingCluster needs a DBClusterParameterGroup of this template with neptune_enable_audit_log: 1',
    ]);
  });

  it("vpc.yaml's VpcCidr admits exactly the blocks that hold its four /20 subnets", () => {
    const vpc = byName('vpc').template;
    const pattern = new RegExp(vpc.Parameters!.VpcCidr!.AllowedPattern!);
    const cidrs = JSON.stringify(vpc.Resources).match(/"Fn::Cidr":\[\{"Ref":"VpcCidr"\},(\d+),(\d+)\]/g)!;
    expect(new Set(cidrs)).toEqual(new Set(['"Fn::Cidr":[{"Ref":"VpcCidr"},4,12]']));
    for (let prefix = 8; prefix <= 28; prefix++) {
      // Four blocks of 2^12 addresses fit in 2^(32 - prefix) when prefix <= 18; AWS VPCs are /16-/28.
      const fits = 4 * 2 ** 12 <= 2 ** (32 - prefix) && prefix >= 16;
      expect(pattern.test(`10.42.0.0/${prefix}`), `/${prefix}`).toBe(fits);
    }
    expect(pattern.test(String(vpc.Parameters!.VpcCidr!.Default))).toBe(true);
    for (const bad of ['256.0.0.0/16', '10.0.0/16', '10.0.0.0/016', '10.0.0.0/16 ', 'x10.0.0.0/16']) expect(pattern.test(bad), bad).toBe(false);
  });
});


describe('the notebook role covers the calls the kit makes', () => {
  // Neptune data API operations and the IAM actions they need:
  // https://docs.aws.amazon.com/neptune/latest/userguide/iam-dp-actions.html
  const NEPTUNE_ACTIONS: Record<string, string> = {
    ExecuteGremlinQuery: 'neptune-db:ReadDataViaQuery',
    ExecuteOpenCypherQuery: 'neptune-db:ReadDataViaQuery',
    GetEngineStatus: 'neptune-db:GetEngineStatus',
    StartLoaderJob: 'neptune-db:StartLoaderJob',
    GetLoaderJobStatus: 'neptune-db:GetLoaderJobStatus',
    ListLoaderJobs: 'neptune-db:ListLoaderJobs',
    CancelLoaderJob: 'neptune-db:CancelLoaderJob',
    ExecuteFastReset: 'neptune-db:ResetDatabase',
    GetPropertygraphSummary: 'neptune-db:GetGraphSummary',
  };

  function listSdkCommands(client: string): Set<string> {
    const found = new Set<string>();
    const walk = (folder: string) => {
      for (const entry of readdirSync(folder, { withFileTypes: true })) {
        const path = join(folder, entry.name);
        if (entry.isDirectory()) walk(path);
        else if (entry.name.endsWith('.ts') && !path.includes(`${join('src', 'infra')}`)) {
          for (const match of readFileSync(path, 'utf8').matchAll(new RegExp(`import \\{([^}]*)\\} from '@aws-sdk/client-${client}'`, 'g'))) {
            for (const name of match[1]!.split(',').map((part) => part.trim())) {
              if (/^[A-Z]\w*Command$/.test(name)) found.add(name.slice(0, -'Command'.length));
            }
          }
        }
      }
    };
    walk(join(import.meta.dirname, '..', 'src'));
    return found;
  }

  function listAllowedActions(): Set<string> {
    const actions = new Set<string>();
    const collect = (document: any) => {
      for (const statement of [].concat(document?.Statement ?? [])) {
        if ((statement as any).Effect === 'Allow') for (const action of [].concat((statement as any).Action)) actions.add(action);
      }
    };
    for (const policy of (byName('iam').template.Resources.NotebookRole!.Properties as any).Policies) collect(policy.PolicyDocument);
    collect((byName('neptune-workbench').template.Resources.NotebookNeptunePolicy!.Properties as any).PolicyDocument);
    return actions;
  }

  it('allows every Glue and Neptune data API operation the kit\'s code calls', () => {
    const allowed = listAllowedActions();
    const glue = [...listSdkCommands('glue')];
    const neptune = [...listSdkCommands('neptunedata')];
    expect(glue.length + neptune.length).toBeGreaterThan(0);
    const unmapped = neptune.filter((operation) => !NEPTUNE_ACTIONS[operation]);
    expect(unmapped, 'add these Neptune operations to NEPTUNE_ACTIONS and the workbench policy').toEqual([]);
    const missing = [...glue.map((operation) => `glue:${operation}`), ...neptune.map((operation) => NEPTUNE_ACTIONS[operation]!)].filter((action) => !allowed.has(action));
    expect(missing).toEqual([]);
  });
});

describe('the pipeline roles grant what their services need, on the kit\'s resources only', () => {
  const PARAMETERS = { 'AWS::Partition': 'aws', 'AWS::Region': 'eu-west-1', 'AWS::AccountId': '111122223333', BucketName: 'kit-bucket', GlueDatabaseName: 'kit_db', StackPrefix: 'p' };
  const BUCKET = 'arn:aws:s3:::kit-bucket';
  const GLUE = 'arn:aws:glue:eu-west-1:111122223333';

  /** Every Allow of a role, one action and resource per row: `s3:GetObject arn:aws:s3:::b/x/*`. */
  function listGrants(roleId: string): string[] {
    const role = byName('iam').template.Resources[roleId]!.Properties as any;
    const grants: string[] = [];
    for (const policy of role.Policies) {
      for (const statement of [].concat(policy.PolicyDocument.Statement) as any[]) {
        if (statement.Effect !== 'Allow') continue;
        for (const resource of [].concat(statement.Resource)) {
          const arn = (resource as any)?.['Fn::GetAtt'] ? `GetAtt:${(resource as any)['Fn::GetAtt'].join('.')}` : evaluateTemplateString(resource, PARAMETERS);
          for (const action of [].concat(statement.Action)) grants.push(`${action} ${arn}`);
        }
      }
    }
    return grants;
  }

  it('Neptune loader: s3:Get* and s3:List* on the kit\'s bucket, s3:Get* on the graph files (Neptune\'s loader guide)', () => {
    expect(listGrants('NeptuneLoaderRole').sort()).toEqual(
      [`s3:Get* ${BUCKET}/datasets/graph/*`, `s3:Get* ${BUCKET}`, `s3:List* ${BUCKET}`].sort(),
    );
  });

  it('Glue: GetBucketLocation, partition actions for the incremental tables, logs for /aws-glue/*', () => {
    const grants = listGrants('GlueRole');
    const expected = [
      `s3:GetBucketLocation ${BUCKET}`,
      `s3:ListBucket ${BUCKET}`,
      ...['GetPartition', 'GetPartitions', 'CreatePartition', 'BatchCreatePartition', 'BatchGetPartition', 'UpdatePartition', 'BatchUpdatePartition'].map(
        (action) => `glue:${action} ${GLUE}:table/kit_db/*`,
      ),
      ...['CreateLogGroup', 'CreateLogStream', 'PutLogEvents', 'AssociateKmsKey'].map((action) => `logs:${action} arn:aws:logs:eu-west-1:111122223333:log-group:/aws-glue/*`),
      ...['Encrypt', 'Decrypt', 'GenerateDataKey'].map((action) => `kms:${action} GetAtt:GlueEncryptionKey.Arn`),
    ];
    expect(grants).toEqual(expect.arrayContaining(expected));
  });

  it('every grant of the loader and Glue roles names the kit\'s bucket, Glue database, log groups or key', () => {
    const scoped = [`${BUCKET}`, `${BUCKET}/`, `${GLUE}:catalog`, `${GLUE}:database/kit_db`, `${GLUE}:table/kit_db/`, 'arn:aws:logs:eu-west-1:111122223333:log-group:/aws-glue/', 'GetAtt:GlueEncryptionKey.Arn'];
    for (const role of ['NeptuneLoaderRole', 'GlueRole']) {
      const outside = listGrants(role).filter((grant) => {
        const resource = grant.split(' ')[1]!;
        return !scoped.some((prefix) => resource === prefix || (prefix.endsWith('/') && resource.startsWith(prefix)));
      });
      expect(outside, role).toEqual([]);
    }
  });
});
