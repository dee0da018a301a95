import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  CloudFormationClient,
  CreateStackCommand,
  DeleteStackCommand,
  DescribeStackEventsCommand,
  DescribeStacksCommand,
  UpdateStackCommand,
  type Stack,
} from '@aws-sdk/client-cloudformation';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { loadConfig, type KitConfig } from '../src/config/kit-config.js';
import {
  deployStack,
  destroyKit,
  getLocalStackOutputs,
  KIT_STACKS,
  KIT_TARBALL_KEY,
  listKitTemplateFiles,
  provisionAws,
  provisionLocal,
  readTemplate,
  TEMPLATES_DIR,
} from '../src/infra/index.js';
import { createObjectStore } from '../src/lake/create-object-store.js';
import type { ObjectStore } from '../src/lake/object-store.js';

// The SDK waiters poll DescribeStacks; tiny delays keep the tests fast (seconds, as the SDK takes them).
const wait = { maxWaitTime: 5, minDelay: 0.001, maxDelay: 0.002 };
const cfnMock = mockClient(CloudFormationClient);
const client = new CloudFormationClient({ region: 'us-east-1', credentials: { accessKeyId: 'a', secretAccessKey: 'b' } });

function notFound(name: string): Error {
  return Object.assign(new Error(`Stack with id ${name} does not exist`), { name: 'ValidationError' });
}
function stack(name: string, status: string, outputs: Record<string, string> = {}): { Stacks: Stack[] } {
  return {
    Stacks: [
      {
        StackName: name,
        StackStatus: status as Stack['StackStatus'],
        CreationTime: new Date(0),
        Outputs: Object.entries(outputs).map(([OutputKey, OutputValue]) => ({ OutputKey, OutputValue })),
      },
    ],
  };
}
const failedEvents = {
  StackEvents: [
    { StackId: 's', EventId: '2', StackName: 's', Timestamp: new Date('2026-01-01T00:02:00Z'), LogicalResourceId: 's', ResourceType: 'AWS::CloudFormation::Stack', ResourceStatus: 'ROLLBACK_COMPLETE' as const },
    {
      StackId: 's', EventId: '1', StackName: 's', Timestamp: new Date('2026-01-01T00:01:00Z'), LogicalResourceId: 'NotebookInstance',
      ResourceType: 'AWS::SageMaker::NotebookInstance', ResourceStatus: 'CREATE_FAILED' as const,
      ResourceStatusReason: 'Platform identifier notebook-al2-v3 is not supported',
    },
  ],
};

let dir: string;
beforeEach(() => {
  cfnMock.reset();
  dir = mkdtempSync(join(tmpdir(), 'idgraph-infra-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe('deployStack', () => {
  it('creates a stack that does not exist, waits, and returns its outputs', async () => {
    cfnMock
      .on(DescribeStacksCommand)
      .rejectsOnce(notFound('kit-vpc'))
      .resolvesOnce(stack('kit-vpc', 'CREATE_IN_PROGRESS'))
      .resolves(stack('kit-vpc', 'CREATE_COMPLETE', { VpcId: 'vpc-1' }));
    cfnMock.on(CreateStackCommand).resolves({ StackId: 'id' });
    const result = await deployStack(client, { stackName: 'kit-vpc', templateUrl: 'https://b.s3.us-east-1.amazonaws.com/t.yaml', parameters: { StackPrefix: 'kit' }, capabilities: ['CAPABILITY_IAM'] }, { wait });
    expect(result).toEqual({ stackName: 'kit-vpc', action: 'created', outputs: { VpcId: 'vpc-1' } });
    const create = cfnMock.commandCalls(CreateStackCommand)[0]!.args[0].input;
    expect(create).toMatchObject({ StackName: 'kit-vpc', TemplateURL: 'https://b.s3.us-east-1.amazonaws.com/t.yaml', Parameters: [{ ParameterKey: 'StackPrefix', ParameterValue: 'kit' }], Capabilities: ['CAPABILITY_IAM'] });
    expect(cfnMock.commandCalls(UpdateStackCommand)).toHaveLength(0);
    // The waiter polled until CREATE_COMPLETE: at least the in-progress and the complete answers.
    expect(cfnMock.commandCalls(DescribeStacksCommand).length).toBeGreaterThanOrEqual(4);
  });

  it('logs the stack events while it waits', async () => {
    cfnMock
      .on(DescribeStacksCommand)
      .rejectsOnce(notFound('kit-neptune-core'))
      .resolvesOnce(stack('kit-neptune-core', 'CREATE_IN_PROGRESS'))
      .resolves(stack('kit-neptune-core', 'CREATE_COMPLETE'));
    cfnMock.on(CreateStackCommand).resolves({ StackId: 'id' });
    const now = new Date();
    cfnMock.on(DescribeStackEventsCommand).resolves({
      StackEvents: [
        { StackId: 's', EventId: 'new-2', StackName: 's', Timestamp: now, LogicalResourceId: 'Cluster', ResourceType: 'AWS::Neptune::DBCluster', ResourceStatus: 'CREATE_IN_PROGRESS', ResourceStatusReason: 'Resource creation Initiated' },
        { StackId: 's', EventId: 'new-1', StackName: 's', Timestamp: now, LogicalResourceId: 'SubnetGroup', ResourceType: 'AWS::Neptune::DBSubnetGroup', ResourceStatus: 'CREATE_COMPLETE' },
        // An event of an earlier operation on a stack of that name: not this deployment's.
        { StackId: 's', EventId: 'old', StackName: 's', Timestamp: new Date('2020-01-01T00:00:00Z'), LogicalResourceId: 'Old', ResourceType: 'AWS::Neptune::DBCluster', ResourceStatus: 'DELETE_COMPLETE' },
      ],
    });
    const log: string[] = [];
    await deployStack(client, { stackName: 'kit-neptune-core', templateBody: 'x' }, { wait, log: (line) => log.push(line), eventInterval: 1 });
    const events = log.filter((line) => line.includes('AWS::'));
    // Oldest first, each once however often the watcher looked.
    expect(events).toEqual([
      'kit-neptune-core: SubnetGroup AWS::Neptune::DBSubnetGroup CREATE_COMPLETE',
      'kit-neptune-core: Cluster AWS::Neptune::DBCluster CREATE_IN_PROGRESS: Resource creation Initiated',
    ]);
    expect(log.at(-1)).toBe('kit-neptune-core: created');
  });

  it('updates a stack that exists', async () => {
    cfnMock
      .on(DescribeStacksCommand)
      .resolvesOnce(stack('kit-vpc', 'CREATE_COMPLETE', { VpcId: 'old' }))
      .resolvesOnce(stack('kit-vpc', 'UPDATE_IN_PROGRESS'))
      .resolves(stack('kit-vpc', 'UPDATE_COMPLETE', { VpcId: 'new' }));
    cfnMock.on(UpdateStackCommand).resolves({ StackId: 'id' });
    const result = await deployStack(client, { stackName: 'kit-vpc', templateBody: 'Resources: {}' }, { wait });
    expect(result).toEqual({ stackName: 'kit-vpc', action: 'updated', outputs: { VpcId: 'new' } });
    expect(cfnMock.commandCalls(CreateStackCommand)).toHaveLength(0);
    expect(cfnMock.commandCalls(UpdateStackCommand)[0]!.args[0].input.TemplateBody).toBe('Resources: {}');
  });

  it('treats "No updates are to be performed" as success', async () => {
    cfnMock.on(DescribeStacksCommand).resolves(stack('kit-vpc', 'UPDATE_COMPLETE', { VpcId: 'same' }));
    cfnMock.on(UpdateStackCommand).rejects(Object.assign(new Error('No updates are to be performed.'), { name: 'ValidationError' }));
    const result = await deployStack(client, { stackName: 'kit-vpc', templateBody: 'x' }, { wait });
    expect(result).toEqual({ stackName: 'kit-vpc', action: 'unchanged', outputs: { VpcId: 'same' } });
  });

  it('passes other update errors on', async () => {
    cfnMock.on(DescribeStacksCommand).resolves(stack('kit-vpc', 'UPDATE_COMPLETE'));
    cfnMock.on(UpdateStackCommand).rejects(Object.assign(new Error('Template format error: bad'), { name: 'ValidationError' }));
    const error = await rejectionOf(deployStack(client, { stackName: 'kit-vpc', templateBody: 'x' }, { wait }));
    expect(error.name).toBe('OperationFailedError');
    expect(error.message).toBe('[kit] [cloudformation] UpdateStack kit-vpc: ValidationError: Template format error: bad');
    expect((error.cause as Error).name).toBe('ValidationError');
  });

  it('explains a stack left in ROLLBACK_COMPLETE, with its failed events, and does not touch it', async () => {
    cfnMock.on(DescribeStacksCommand).resolves(stack('kit-neptune-workbench', 'ROLLBACK_COMPLETE'));
    cfnMock.on(DescribeStackEventsCommand).resolves(failedEvents);
    const error = await rejectionOf(deployStack(client, { stackName: 'kit-neptune-workbench', templateBody: 'x' }, { wait }));
    expect(error.name).toBe('OperationFailedError');
    expect(error.message).toContain('ROLLBACK_COMPLETE');
    expect(error.message).toMatch(/Delete it/);
    expect(error.message).toContain('NotebookInstance (AWS::SageMaker::NotebookInstance) CREATE_FAILED: Platform identifier notebook-al2-v3 is not supported');
    expect(cfnMock.commandCalls(CreateStackCommand)).toHaveLength(0);
    expect(cfnMock.commandCalls(DeleteStackCommand)).toHaveLength(0);
  });

  it('replaces a ROLLBACK_COMPLETE stack when asked: delete, wait, create', async () => {
    cfnMock
      .on(DescribeStacksCommand)
      .resolvesOnce(stack('s', 'ROLLBACK_COMPLETE'))
      .resolvesOnce(stack('s', 'ROLLBACK_COMPLETE')) // deleteStack looks again
      .resolvesOnce(stack('s', 'DELETE_COMPLETE')) // delete waiter
      .resolves(stack('s', 'CREATE_COMPLETE', { A: '1' }));
    cfnMock.on(DescribeStackEventsCommand).resolves(failedEvents);
    cfnMock.on(DeleteStackCommand).resolves({});
    cfnMock.on(CreateStackCommand).resolves({ StackId: 'id' });
    const result = await deployStack(client, { stackName: 's', templateBody: 'x' }, { wait, replaceRolledBack: true });
    expect(result.action).toBe('created');
    expect(cfnMock.commandCalls(DeleteStackCommand)).toHaveLength(1);
    expect(cfnMock.commandCalls(CreateStackCommand)).toHaveLength(1);
  });

  it('prints the failed stack events when a creation rolls back', async () => {
    cfnMock
      .on(DescribeStacksCommand)
      .rejectsOnce(notFound('s'))
      .resolvesOnce(stack('s', 'ROLLBACK_IN_PROGRESS'))
      .resolves({ Stacks: [{ ...stack('s', 'ROLLBACK_COMPLETE').Stacks[0]!, StackStatusReason: 'The following resource(s) failed to create: [NotebookInstance].' }] });
    cfnMock.on(CreateStackCommand).resolves({ StackId: 'id' });
    cfnMock.on(DescribeStackEventsCommand).resolves(failedEvents);
    const error = await rejectionOf(deployStack(client, { stackName: 's', templateBody: 'x' }, { wait }));
    expect(error.name).toBe('OperationFailedError');
    expect(error.message).toContain('create of stack s ended in failure: ROLLBACK_COMPLETE (The following resource(s) failed to create: [NotebookInstance].)');
    expect(error.message).toContain('notebook-al2-v3 is not supported');
  });

  it('reports a stack that never finishes as a timeout', async () => {
    cfnMock.on(DescribeStacksCommand).rejectsOnce(notFound('s')).resolves(stack('s', 'CREATE_IN_PROGRESS'));
    cfnMock.on(CreateStackCommand).resolves({ StackId: 'id' });
    cfnMock.on(DescribeStackEventsCommand).resolves({ StackEvents: [] });
    const error = await rejectionOf(deployStack(client, { stackName: 's', templateBody: 'x' }, { wait: { maxWaitTime: 0.05, minDelay: 0.001, maxDelay: 0.002 } }));
    expect(error.name).toBe('OperationFailedError');
    expect(error.message).toContain('timeout');
  });

  it('reports a refused CreateStack in the kit\'s error family', async () => {
    cfnMock.on(DescribeStacksCommand).rejects(notFound('s'));
    cfnMock.on(CreateStackCommand).rejects(Object.assign(new Error('Requires capabilities : [CAPABILITY_IAM]'), { name: 'InsufficientCapabilitiesException' }));
    const error = await rejectionOf(deployStack(client, { stackName: 's', templateBody: 'x' }, { wait }));
    expect(error.name).toBe('OperationFailedError');
    expect(error.message).toContain('CreateStack s: InsufficientCapabilitiesException: Requires capabilities');
  });

  it('refuses a call without exactly one template source', async () => {
    const error = await rejectionOf(deployStack(client, { stackName: 's' }));
    expect(error.name).toBe('InvalidInputError');
  });
});

describe('provisionAws and destroyKit (CloudFormation mocked, S3 embedded)', () => {
  let store: ObjectStore;
  let config: KitConfig;
  let s3Dir: string;

  beforeAll(async () => {
    s3Dir = mkdtempSync(join(tmpdir(), 'idgraph-infra-s3-'));
    store = await createObjectStore(loadConfig({ mode: 'local', dataDir: s3Dir, bucket: 'kit-bucket' }, {}));
  });
  afterAll(async () => {
    await store.close();
    rmSync(s3Dir, { recursive: true, force: true });
  });
  beforeEach(async () => {
    await store.deleteObjects('');
    config = loadConfig({ mode: 'aws', dataDir: dir, bucket: 'kit-bucket', stackPrefix: 'kit', region: 'eu-west-1' }, {});
  });

  const outputsByStack: Record<string, Record<string, string>> = {
    'kit-iam': { BucketName: 'kit-bucket', NeptuneLoaderRoleArn: 'arn:aws:iam::1:role/loader' },
    'kit-vpc': { VpcId: 'vpc-1', PrivateSubnetIds: 'subnet-1,subnet-2' },
    'kit-neptune-core': { NeptuneClusterEndpoint: 'c.cluster-x.eu-west-1.neptune.amazonaws.com', NeptuneClusterPort: '8182', NeptuneIamAuthEnabled: 'true' },
    'kit-neptune-workbench': { NotebookInstanceName: 'aws-neptune-kit' },
    'kit-glue': { GlueJobName: 'kit-transform-to-gremlin-csv', GlueDatabaseName: 'identity_graph_poc', GlueCrawlerName: 'identity-graph-poc-crawler' },
  };

  function mockFreshAccount(createBucketGiven = false) {
    for (const [name, outputs] of Object.entries(outputsByStack)) {
      // Unless createBucket is given, the iam stack is looked up once more: does it create the bucket?
      const missing = name === 'kit-iam' && !createBucketGiven ? 2 : 1;
      let mock = cfnMock.on(DescribeStacksCommand, { StackName: name }).rejectsOnce(notFound(name));
      if (missing === 2) mock = mock.rejectsOnce(notFound(name));
      mock.resolves(stack(name, 'CREATE_COMPLETE', outputs));
    }
    cfnMock.on(CreateStackCommand).resolves({ StackId: 'id' });
  }

  it('uploads the artifacts, creates the five stacks in dependency order and writes the outputs to the config file', async () => {
    writeFileSync(join(dir, 'config.json'), JSON.stringify({ mode: 'aws', stackOutputs: { Earlier: 'kept' } }));
    const tarball = join(dir, 'idgraph-kit-0.1.0.tgz');
    writeFileSync(tarball, 'not really a tarball');
    mockFreshAccount();
    const log: string[] = [];
    const result = await provisionAws({ config, cloudFormation: client, store, kitTarball: tarball, wait, log: (line) => log.push(line) });

    const created = cfnMock.commandCalls(CreateStackCommand).map((call) => call.args[0].input);
    expect(created.map((input) => input.StackName)).toEqual(['kit-iam', 'kit-vpc', 'kit-neptune-core', 'kit-neptune-workbench', 'kit-glue']);
    expect(created[1]!.TemplateURL).toBe('https://kit-bucket.s3.eu-west-1.amazonaws.com/cloudformation-templates/vpc.yaml');
    expect(created[0]!.Capabilities).toEqual(['CAPABILITY_IAM']);
    expect(created[0]!.Parameters).toContainEqual({ ParameterKey: 'BucketName', ParameterValue: 'kit-bucket' });
    expect(created[0]!.Parameters).toContainEqual({ ParameterKey: 'CreateBucket', ParameterValue: 'false' });
    expect(result.stacks.map((s) => s.action)).toEqual(['created', 'created', 'created', 'created', 'created']);

    // Every TemplateURL points at an object that was uploaded.
    for (const input of created) {
      const key = new URL(input.TemplateURL!).pathname.slice(1);
      expect(await store.headObject(key), key).toBeDefined();
    }
    expect(result.uploaded).toContain('lifecycle/on-start.sh');
    expect(result.uploaded).toContain(KIT_TARBALL_KEY);
    expect((await store.getObject(KIT_TARBALL_KEY)).toString()).toBe('not really a tarball');

    const saved = JSON.parse(readFileSync(join(dir, 'config.json'), 'utf8'));
    expect(saved.mode).toBe('aws');
    expect(saved.stackOutputs).toMatchObject({ Earlier: 'kept', VpcId: 'vpc-1', NotebookInstanceName: 'aws-neptune-kit' });
    expect(saved.neptune).toEqual({ host: 'c.cluster-x.eu-west-1.neptune.amazonaws.com', port: 8182, iamAuth: true, region: 'eu-west-1' });
    expect(saved.loaderRoleArn).toBe('arn:aws:iam::1:role/loader');
    expect(saved.glueJobName).toBe('kit-transform-to-gremlin-csv');
    // The next loadConfig sees them.
    expect(loadConfig({ dataDir: dir }, {}).neptune?.host).toBe('c.cluster-x.eu-west-1.neptune.amazonaws.com');
    expect(log.join('\n')).toContain('kit-glue: created');
  });

  it('without a tarball or a package spec, packs the running kit and uploads it for the Workbench', { timeout: 120_000 }, async () => {
    mockFreshAccount();
    const log: string[] = [];
    const result = await provisionAws({ config, cloudFormation: client, store, wait, log: (line) => log.push(line) });
    expect(result.uploaded).toContain(KIT_TARBALL_KEY);
    expect(result.warnings.filter((w) => w.includes(KIT_TARBALL_KEY))).toEqual([]);
    const manifest = JSON.parse(readFileSync(join(import.meta.dirname, '..', 'package.json'), 'utf8'));
    expect(log).toContain(`packed the running kit ${manifest.name}@${manifest.version} for the Workbench`);
    // What install-kit.sh gets is an npm package of the kit: its manifest, dist/, notebooks/, lifecycle/.
    const tarball = join(dir, 'downloaded.tgz');
    writeFileSync(tarball, await store.getObject(KIT_TARBALL_KEY));
    const listing = spawnSync('tar', ['-tzf', tarball], { encoding: 'utf8' }).stdout.split('\n');
    expect(listing).toEqual(expect.arrayContaining(['package/package.json', 'package/dist/kit.js', 'package/lifecycle/install-kit.sh', 'package/notebooks/03-Provision-Infrastructure.ipynb']));
    expect(listing.some((entry) => entry.startsWith('package/src/') || entry.startsWith('package/node_modules/'))).toBe(false);
  });

  it('updates what exists, and a second run with nothing changed is all no-ops', async () => {
    for (const [name, outputs] of Object.entries(outputsByStack)) {
      cfnMock.on(DescribeStacksCommand, { StackName: name }).resolves(stack(name, 'UPDATE_COMPLETE', outputs));
    }
    cfnMock.on(UpdateStackCommand).rejects(Object.assign(new Error('No updates are to be performed.'), { name: 'ValidationError' }));
    const result = await provisionAws({ config, cloudFormation: client, store, kitPackage: 'idgraph-kit@0.1.0', wait });
    expect(result.stacks.map((s) => s.action)).toEqual(['unchanged', 'unchanged', 'unchanged', 'unchanged', 'unchanged']);
    expect(cfnMock.commandCalls(CreateStackCommand)).toHaveLength(0);
    expect(cfnMock.commandCalls(UpdateStackCommand).map((call) => call.args[0].input.StackName)).toEqual(Object.keys(outputsByStack));
    const workbench = cfnMock.commandCalls(UpdateStackCommand)[3]!.args[0].input;
    expect(workbench.Parameters).toContainEqual({ ParameterKey: 'KitPackage', ParameterValue: 'idgraph-kit@0.1.0' });
    expect(result.outputs.NeptuneClusterEndpoint).toBe('c.cluster-x.eu-west-1.neptune.amazonaws.com');
  });

  it('with createBucket, deploys the iam stack from its body before uploading anything, then the rest from the bucket', async () => {
    mockFreshAccount(true);
    const objectsWhenCreated: Record<string, number> = {};
    cfnMock.on(CreateStackCommand).callsFake(async (input: { StackName: string }) => {
      objectsWhenCreated[input.StackName] = (await store.listObjects('')).length;
      return { StackId: 'id' };
    });
    await provisionAws({ config, cloudFormation: client, store, kitPackage: 'idgraph-kit', createBucket: true, wait });
    const created = cfnMock.commandCalls(CreateStackCommand).map((call) => call.args[0].input);
    expect(created[0]!.StackName).toBe('kit-iam');
    expect(created[0]!.TemplateURL).toBeUndefined();
    expect(created[0]!.TemplateBody).toContain('KitBucket:');
    expect(created[0]!.Parameters).toContainEqual({ ParameterKey: 'CreateBucket', ParameterValue: 'true' });
    expect(objectsWhenCreated['kit-iam']).toBe(0);
    expect(objectsWhenCreated['kit-vpc']).toBeGreaterThan(0);
    expect(created.slice(1).every((input) => input.TemplateURL !== undefined)).toBe(true);
  });

  it('keeps CreateBucket=true on later runs, so an update never drops the bucket from the stack', async () => {
    for (const [name, outputs] of Object.entries(outputsByStack)) {
      const existing = stack(name, 'UPDATE_COMPLETE', outputs);
      if (name === 'kit-iam') existing.Stacks[0]!.Parameters = [{ ParameterKey: 'CreateBucket', ParameterValue: 'true' }];
      cfnMock.on(DescribeStacksCommand, { StackName: name }).resolves(existing);
    }
    cfnMock.on(UpdateStackCommand).rejects(Object.assign(new Error('No updates are to be performed.'), { name: 'ValidationError' }));
    await provisionAws({ config, cloudFormation: client, store, kitPackage: 'idgraph-kit', wait });
    const iam = cfnMock.commandCalls(UpdateStackCommand)[0]!.args[0].input;
    expect(iam.StackName).toBe('kit-iam');
    expect(iam.Parameters).toContainEqual({ ParameterKey: 'CreateBucket', ParameterValue: 'true' });
  });

  it('stops at the first failed stack, keeping the outputs of those before it', async () => {
    mockFreshAccount();
    cfnMock
      .on(DescribeStacksCommand, { StackName: 'kit-neptune-core' })
      .rejectsOnce(notFound('kit-neptune-core'))
      .resolves(stack('kit-neptune-core', 'ROLLBACK_COMPLETE'));
    cfnMock.on(DescribeStackEventsCommand).resolves(failedEvents);
    const error = await rejectionOf(provisionAws({ config, cloudFormation: client, store, wait }));
    expect(error.name).toBe('OperationFailedError');
    expect(cfnMock.commandCalls(CreateStackCommand).map((call) => call.args[0].input.StackName)).toEqual(['kit-iam', 'kit-vpc', 'kit-neptune-core']);
    const saved = JSON.parse(readFileSync(join(dir, 'config.json'), 'utf8'));
    expect(saved.stackOutputs).toMatchObject({ VpcId: 'vpc-1', NeptuneLoaderRoleArn: 'arn:aws:iam::1:role/loader' });
  });

  it('refuses to deploy templates that fail a check', async () => {
    const templates = join(dir, 'templates');
    cpSync(TEMPLATES_DIR, templates, { recursive: true });
    const core = join(templates, 'neptune-core.yaml');
    writeFileSync(core, readFileSync(core, 'utf8').replace('StorageEncrypted: true', 'StorageEncrypted: false'));
    const error = await rejectionOf(provisionAws({ config, cloudFormation: client, store, templatesDir: templates, wait }));
    expect(error.name).toBe('InvalidInputError');
    expect(error.message).toMatch(/neptune-core\.yaml:\d+: \[neptune-storage-encrypted\]/);
    expect(cfnMock.commandCalls(CreateStackCommand)).toHaveLength(0);
  });

  it('destroy empties the kit prefixes, then deletes the stacks in reverse order', async () => {
    await store.putObject('cloudformation-templates/vpc.yaml', 'x');
    await store.putObject('lifecycle/on-start.sh', 'x');
    await store.putObject('datasets/sources/initial/cookie/cookie_data_full.csv', 'x');
    await store.putObject('notes/keep-me.txt', 'not the kit');
    writeFileSync(join(dir, 'config.json'), JSON.stringify({ mode: 'aws', neptune: { host: 'h', port: 8182, iamAuth: true }, stackOutputs: { VpcId: 'vpc-1' } }));
    for (const name of Object.keys(outputsByStack)) {
      // kit-neptune-workbench was never created: skipped, not an error.
      if (name === 'kit-neptune-workbench') cfnMock.on(DescribeStacksCommand, { StackName: name }).rejects(notFound(name));
      else cfnMock.on(DescribeStacksCommand, { StackName: name }).resolvesOnce(stack(name, 'CREATE_COMPLETE')).resolves(stack(name, 'DELETE_COMPLETE'));
    }
    // The optional identity-api stack was never deployed either.
    cfnMock.on(DescribeStacksCommand, { StackName: 'kit-identity-api' }).rejects(notFound('kit-identity-api'));
    cfnMock.on(DeleteStackCommand).resolves({});
    const result = await destroyKit({ config, store, cloudFormation: client, wait });
    expect(cfnMock.commandCalls(DeleteStackCommand).map((call) => call.args[0].input.StackName)).toEqual(['kit-glue', 'kit-neptune-core', 'kit-vpc', 'kit-iam']);
    expect(result.deletedStacks).toEqual(['kit-glue', 'kit-neptune-core', 'kit-vpc', 'kit-iam']);
    expect(result.emptiedPrefixes['cloudformation-templates/']).toBe(1);
    expect(await store.listObjects('datasets/')).toEqual([]);
    expect(await store.headObject('notes/keep-me.txt')).toBeDefined();
    const saved = JSON.parse(readFileSync(join(dir, 'config.json'), 'utf8'));
    expect(saved).toEqual({ mode: 'aws', stackOutputs: {} });
  });

  it('destroy reports a stack that fails to delete, with its events', async () => {
    for (const name of Object.keys(outputsByStack)) {
      cfnMock.on(DescribeStacksCommand, { StackName: name }).resolvesOnce(stack(name, 'CREATE_COMPLETE')).resolves(stack(name, 'DELETE_FAILED'));
    }
    cfnMock.on(DescribeStacksCommand, { StackName: 'kit-identity-api' }).rejects(notFound('kit-identity-api'));
    cfnMock.on(DeleteStackCommand).resolves({});
    cfnMock.on(DescribeStackEventsCommand).resolves({ StackEvents: [{ StackId: 's', EventId: '1', StackName: 'kit-glue', Timestamp: new Date(0), LogicalResourceId: 'Database', ResourceType: 'AWS::Glue::Database', ResourceStatus: 'DELETE_FAILED', ResourceStatusReason: 'AccessDenied' }] });
    const error = await rejectionOf(destroyKit({ config, cloudFormation: client, wait }));
    expect(error.name).toBe('OperationFailedError');
    expect(error.message).toContain('Database (AWS::Glue::Database) DELETE_FAILED: AccessDenied');
    expect(cfnMock.commandCalls(DeleteStackCommand)).toHaveLength(1);
  });
});

describe('provisionLocal', () => {
  it('validates the templates and reports every output name with a local value', async () => {
    const config = loadConfig({ mode: 'local', dataDir: dir, bucket: 'local-bucket' }, {});
    const result = await provisionLocal({ config, neptunePort: 45678 });
    const declared = listKitTemplateFiles().flatMap((file) => Object.keys(readTemplate(file).template.Outputs ?? {}));
    expect(Object.keys(result.outputs).sort()).toEqual([...new Set(declared)].sort());
    expect(result.outputs).toMatchObject({
      BucketName: 'local-bucket',
      NeptuneClusterEndpoint: '127.0.0.1',
      NeptuneClusterPort: '45678',
      NeptuneIamAuthEnabled: 'false',
      GlueModelS3Path: 's3://local-bucket/glue-jobs/graph-model.json',
      VpcId: 'local:VpcId',
    });
    const saved = JSON.parse(readFileSync(result.configFile!, 'utf8'));
    expect(saved.stackOutputs.BucketName).toBe('local-bucket');
    expect(saved.neptune).toBeUndefined();
  });

  it('uses the configured loopback port when no port is given, else 8182', () => {
    const templates = KIT_STACKS.map((s) => readTemplate(join(TEMPLATES_DIR, s.templateFile)));
    const config = loadConfig({ mode: 'local', dataDir: dir, neptune: { host: 'localhost', port: 9999, iamAuth: false } }, {});
    expect(getLocalStackOutputs(templates, config).NeptuneClusterPort).toBe('9999');
    const remote = loadConfig({ mode: 'local', dataDir: dir, neptune: { host: 'db.example', port: 9999, iamAuth: false } }, {});
    expect(getLocalStackOutputs(templates, remote).NeptuneClusterPort).toBe('8182');
  });

  it('never replaces an unreadable config file', async () => {
    writeFileSync(join(dir, 'config.json'), '{ broken');
    const config = { ...loadConfig({ mode: 'local' }, {}), dataDir: dir };
    const error = await rejectionOf(provisionLocal({ config }));
    expect(error.name).toBe('InvalidInputError');
    expect(readFileSync(join(dir, 'config.json'), 'utf8')).toBe('{ broken');
    expect(existsSync(join(dir, `config.json.${process.pid}.tmp`))).toBe(false);
  });
});

/** The error a promise rejects with; fails the test if it resolves. */
async function rejectionOf(promise: Promise<unknown>): Promise<Error> {
  try {
    await promise;
  } catch (error) {
    return error as Error;
  }
  throw new Error('expected a rejection');
}
