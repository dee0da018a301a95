/**
 * The aws path of provisioning, verification and cleanup against moto's server (S3,
 * CloudFormation) and a local server playing Neptune's /status and /system, reached through the
 * SDK's standard endpoint settings (AWS_ENDPOINT_URL, AWS_ENDPOINT_URL_NEPTUNEDATA): the kit's
 * own code, unmodified, talking HTTP to emulators.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CloudFormationClient, CreateStackCommand, DescribeStacksCommand } from '@aws-sdk/client-cloudformation';
import {
  CreateBucketCommand,
  DeleteBucketPolicyCommand,
  GetBucketEncryptionCommand,
  GetBucketPolicyCommand,
  GetBucketTaggingCommand,
  GetBucketVersioningCommand,
  GetPublicAccessBlockCommand,
  ListObjectVersionsCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  S3Client,
} from '@aws-sdk/client-s3';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { loadConfig } from '../src/config/kit-config.js';
import { completeStackOutputs } from '../src/infra/read-kit-stacks.js';
import { destroyKit } from '../src/infra/destroy.js';
import { createObjectStore } from '../src/lake/create-object-store.js';
import { createKitBucket } from '../src/infra/create-kit-bucket.js';
import { createKit } from '../src/kit.js';
import { startFakeNeptune, type FakeNeptune } from './support/fake-neptune-server.js';
import { checkMoto, setProcessEnv, startMotoServer, type MotoServer } from './support/moto-server.js';

const motoMissing = checkMoto();
const required = process.env.CI === 'true';
if (motoMissing && !required) console.warn(`[infra-moto.test] SKIPPED: ${motoMissing}`);

describe('moto', () => {
  it('is required under CI=true', () => {
    if (required) expect(motoMissing).toBeUndefined();
  });
});

const REGION = 'eu-west-1';
const BUCKET = 'idgraph-kit-moto-test';
const PREFIX = 'kit';

/** Outputs as the five templates declare them, with values a deployment would have. */
const OUTPUTS: Record<string, Record<string, string>> = {
  iam: { BucketName: BUCKET, NeptuneLoaderRoleArn: 'arn:aws:iam::123456789012:role/kit-loader', GlueDatabaseName: 'identity_graph_poc', GlueCrawlerName: 'identity-graph-poc-crawler', GlueJobName: 'kit-transform-to-gremlin-csv' },
  vpc: { VpcId: 'vpc-0123' },
  'neptune-core': { NeptuneClusterEndpoint: 'kit.cluster-abc.eu-west-1.neptune.amazonaws.com', NeptuneClusterPort: '8182', NeptuneIamAuthEnabled: 'true', NeptuneClusterId: 'kit-neptune' },
  'neptune-workbench': { NotebookInstanceName: 'aws-neptune-kit' },
  glue: { GlueIncrementalCrawlerName: 'identity-graph-poc-crawler-incremental' },
};

/** Creates the kit's stacks in moto: a no-op resource and the outputs (moto has no Neptune or Glue models). */
async function createKitStacks(cf: CloudFormationClient, outputs = OUTPUTS) {
  for (const [name, values] of Object.entries(outputs)) {
    await cf.send(
      new CreateStackCommand({
        StackName: `${PREFIX}-${name}`,
        TemplateBody: JSON.stringify({
          Resources: { Placeholder: { Type: 'AWS::CloudFormation::WaitConditionHandle' } },
          Outputs: Object.fromEntries(Object.entries(values).map(([key, value]) => [key, { Value: value }])),
        }),
      }),
    );
  }
}

describe.skipIf(Boolean(motoMissing) && !required)('the aws path against moto and a Neptune stand-in', () => {
  let moto: MotoServer;
  let neptune: FakeNeptune;
  let restoreEnv: () => void;
  let s3: S3Client;
  let cf: CloudFormationClient;
  let dir: string;

  beforeAll(async () => {
    moto = await startMotoServer();
    neptune = await startFakeNeptune({ recoveryPolls: 1 });
    restoreEnv = setProcessEnv({
      ...moto.env,
      AWS_REGION: REGION,
      AWS_ENDPOINT_URL_NEPTUNEDATA: neptune.endpoint,
      // Nothing of this machine's own settings may leak in.
      AWS_PROFILE: undefined,
      IDGRAPH_MODE: undefined,
      IDGRAPH_BUCKET: undefined,
      IDGRAPH_STACK_PREFIX: undefined,
      IDGRAPH_DATA_DIR: undefined,
      NEPTUNE_HOST: undefined,
      GRAPH_NOTEBOOK_CONFIG: '/nonexistent/graph_notebook_config.json',
    });
    s3 = new S3Client({ region: REGION });
    cf = new CloudFormationClient({ region: REGION });
  }, 60_000);
  afterAll(async () => {
    s3?.destroy();
    cf?.destroy();
    restoreEnv?.();
    await neptune?.close();
    await moto?.close();
  });
  beforeEach(async () => {
    await moto.reset();
    neptune.requests.length = 0;
    dir = mkdtempSync(join(tmpdir(), 'idgraph-moto-'));
    return () => rmSync(dir, { recursive: true, force: true });
  });

  const awsKit = (records = 40) => createKit({ mode: 'aws', dataDir: dir, bucket: BUCKET, region: REGION, stackPrefix: PREFIX, records }, { show: { write: () => {} } });

  it('creates the bucket encrypted, versioned, private, TLS-only and tagged, and leaves an existing one alone', async () => {
    const log: string[] = [];
    expect(await createKitBucket(s3, { bucket: BUCKET, region: REGION, stackPrefix: PREFIX, log: (line) => log.push(line) })).toEqual({ bucket: BUCKET, created: true });
    const encryption = await s3.send(new GetBucketEncryptionCommand({ Bucket: BUCKET }));
    expect(encryption.ServerSideEncryptionConfiguration?.Rules?.[0]?.ApplyServerSideEncryptionByDefault?.SSEAlgorithm).toBe('AES256');
    expect((await s3.send(new GetBucketVersioningCommand({ Bucket: BUCKET }))).Status).toBe('Enabled');
    expect((await s3.send(new GetPublicAccessBlockCommand({ Bucket: BUCKET }))).PublicAccessBlockConfiguration).toEqual({ BlockPublicAcls: true, IgnorePublicAcls: true, BlockPublicPolicy: true, RestrictPublicBuckets: true });
    const policy = JSON.parse((await s3.send(new GetBucketPolicyCommand({ Bucket: BUCKET }))).Policy!);
    expect(policy.Statement).toEqual([
      expect.objectContaining({ Effect: 'Deny', Action: 's3:*', Condition: { Bool: { 'aws:SecureTransport': 'false' } }, Resource: [`arn:aws:s3:::${BUCKET}`, `arn:aws:s3:::${BUCKET}/*`] }),
    ]);
    expect((await s3.send(new GetBucketTaggingCommand({ Bucket: BUCKET }))).TagSet).toEqual([{ Key: 'idgraph-kit', Value: PREFIX }]);
    expect(log[0]).toBe(`created bucket s3://${BUCKET} in ${REGION}`);

    // A bucket that exists (here: the reader's own, unversioned) keeps its settings.
    await s3.send(new CreateBucketCommand({ Bucket: 'readers-own-bucket', CreateBucketConfiguration: { LocationConstraint: REGION } }));
    expect((await createKitBucket(s3, { bucket: 'readers-own-bucket', region: REGION, stackPrefix: PREFIX })).created).toBe(false);
    expect((await s3.send(new GetBucketVersioningCommand({ Bucket: 'readers-own-bucket' }))).Status).toBeUndefined();
  });

  it('notebook 02 on a fresh account: the first upload creates the bucket it uploads to', async () => {
    const first = await awsKit();
    let refused: Error | undefined;
    try {
      await first.generate();
      await first.upload().catch((e: Error) => (refused = e));
    } finally {
      await first.close();
    }
    // The bucket is there, set up as createKitBucket does it.
    expect((await s3.send(new GetBucketVersioningCommand({ Bucket: BUCKET }))).Status).toBe('Enabled');
    expect((await s3.send(new GetBucketPolicyCommand({ Bucket: BUCKET }))).Policy).toContain('aws:SecureTransport');
    // moto applies the policy's Deny without its TLS condition and refuses the PutObject (S3 would
    // take it over HTTPS); without the policy, the next upload, finding the bucket, goes through.
    expect(refused?.message).toMatch(/upload .* to s3:\/\/idgraph-kit-moto-test\/datasets\/sources\/initial\/.* failed/);
    await s3.send(new DeleteBucketPolicyCommand({ Bucket: BUCKET }));
    const kit = await awsKit();
    try {
      const upload = await kit.upload();
      expect(upload.objects).toHaveLength(4);
    } finally {
      await kit.close();
    }
    const listed = await s3.send(new ListObjectsV2Command({ Bucket: BUCKET, Prefix: 'datasets/sources/initial/' }));
    expect(listed.KeyCount).toBe(4);
    expect((await s3.send(new GetBucketVersioningCommand({ Bucket: BUCKET }))).Status).toBe('Enabled');
  });

  it('reads the stack outputs with DescribeStacks when the config file has none, and records them', async () => {
    await createKitStacks(cf);
    // What the Workbench's lifecycle writes: mode, bucket, the endpoint, no stack outputs.
    writeFileSync(join(dir, 'config.json'), JSON.stringify({ mode: 'aws', bucket: BUCKET, stackPrefix: PREFIX, neptune: { host: 'from-graph-notebook', port: 8182, iamAuth: true }, stackOutputs: {} }));
    const config = loadConfig({ dataDir: dir }, { GRAPH_NOTEBOOK_CONFIG: '/nonexistent' });
    await completeStackOutputs(config, cf, 'GlueJobName');
    expect(config.glueJobName).toBe('kit-transform-to-gremlin-csv');
    expect(config.loaderRoleArn).toBe('arn:aws:iam::123456789012:role/kit-loader');
    const saved = JSON.parse(readFileSync(join(dir, 'config.json'), 'utf8'));
    expect(saved.stackOutputs.GlueJobName).toBe('kit-transform-to-gremlin-csv');
    expect(saved.stackOutputs.NotebookInstanceName).toBe('aws-neptune-kit');
    // What graph-notebook's config named is kept.
    expect(saved.neptune.host).toBe('from-graph-notebook');

    // No stacks at all: the error says what is missing and what to run.
    const empty = loadConfig({ dataDir: dir, mode: 'aws', stackPrefix: 'nothing-here', stackOutputs: {} }, { GRAPH_NOTEBOOK_CONFIG: '/nonexistent' });
    const error = await completeStackOutputs(empty, cf, 'GlueJobName').catch((e: Error) => e);
    expect((error as Error).name).toBe('NotFoundError');
    expect((error as Error).message).toMatch(/no stack output GlueJobName .*nothing-here-glue MISSING.*idgraph provision/);
  });

  it('kit.transform() in the Workbench finds the Glue job name in the stacks (it stopped at "no Glue job name")', async () => {
    await createKitStacks(cf);
    await s3.send(new CreateBucketCommand({ Bucket: BUCKET, CreateBucketConfiguration: { LocationConstraint: REGION } }));
    writeFileSync(join(dir, 'config.json'), JSON.stringify({ mode: 'aws', bucket: BUCKET, stackPrefix: PREFIX, stackOutputs: {} }));
    const kit = await awsKit();
    let error: Error | undefined;
    try {
      await kit.transform();
    } catch (e) {
      error = e as Error;
    } finally {
      await kit.close();
    }
    // It gets past the job name to the Glue catalog, where moto has no crawled tables.
    expect(error?.message ?? '').not.toMatch(/no Glue job name/);
    expect(kit.config.glueJobName).toBe('kit-transform-to-gremlin-csv');
    expect(JSON.parse(readFileSync(join(dir, 'config.json'), 'utf8')).stackOutputs.GlueJobName).toBe('kit-transform-to-gremlin-csv');
  });

  it('notebook 03 in the Workbench verifies the stacks, outputs, engine, IAM auth and loader role, changing nothing', async () => {
    await createKitStacks(cf);
    writeFileSync(join(dir, 'config.json'), JSON.stringify({ mode: 'aws', bucket: BUCKET, stackPrefix: PREFIX, loaderRoleArn: OUTPUTS.iam!.NeptuneLoaderRoleArn, stackOutputs: {} }));
    const kit = await awsKit();
    const report = await kit.verify().finally(() => kit.close());
    const rows = Object.fromEntries(report.checks.map((c) => [c.check, c]));
    expect(report.checks.filter((c) => !c.ok)).toEqual([]);
    expect(report.ok).toBe(true);
    expect(Object.keys(rows)).toEqual(['stack kit-iam', 'stack kit-vpc', 'stack kit-neptune-core', 'stack kit-neptune-workbench', 'stack kit-glue', 'stack outputs', 'Neptune engine', 'IAM authentication', 'loader role attached']);
    expect(rows['stack kit-glue']!.detail).toBe('CREATE_COMPLETE');
    expect(rows['Neptune engine']!.detail).toBe('healthy, writer, engine 1.3.2.1.R1, tinkerpop-3.7.1');
    expect(report.outputs.GlueJobName).toBe('kit-transform-to-gremlin-csv');
    expect(neptune.requests).toEqual(['GET /status']);
    // The stacks are as they were.
    const glue = await cf.send(new DescribeStacksCommand({ StackName: 'kit-glue' }));
    expect(glue.Stacks?.[0]?.StackStatus).toBe('CREATE_COMPLETE');
  });

  it('notebook 03 names what is wrong: a missing stack, IAM auth off, another loader role', async () => {
    const { glue: _glue, ...withoutGlue } = OUTPUTS;
    await createKitStacks(cf, { ...withoutGlue, 'neptune-core': { ...OUTPUTS['neptune-core']!, NeptuneIamAuthEnabled: 'false' } });
    writeFileSync(join(dir, 'config.json'), JSON.stringify({ mode: 'aws', bucket: BUCKET, stackPrefix: PREFIX, loaderRoleArn: 'arn:aws:iam::123456789012:role/another', stackOutputs: {} }));
    const kit = await awsKit();
    const report = await kit.verify().finally(() => kit.close());
    const failed = Object.fromEntries(report.checks.filter((c) => !c.ok).map((c) => [c.check, c.detail]));
    expect(report.ok).toBe(false);
    expect(failed['stack kit-glue']).toBe('MISSING');
    expect(failed['IAM authentication']).toMatch(/^cluster off/);
    expect(failed['loader role attached']).toContain('role/another');
  });

  it('notebook 99 in the Workbench empties the dataset prefixes and fast-resets Neptune in two steps; the stacks stay', async () => {
    await createKitStacks(cf);
    await s3.send(new CreateBucketCommand({ Bucket: BUCKET, CreateBucketConfiguration: { LocationConstraint: REGION } }));
    for (const key of ['datasets/sources/initial/cookie/cookie_data_full.csv', 'datasets/graph/initial/vertices/User.csv', 'glue-temp/x', 'lifecycle/on-start.sh', 'kit/idgraph-kit.tgz']) {
      await s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: key, Body: 'x' }));
    }
    writeFileSync(join(dir, 'config.json'), JSON.stringify({ mode: 'aws', bucket: BUCKET, stackPrefix: PREFIX, stackOutputs: OUTPUTS['neptune-core'] }));
    const kit = await awsKit();
    const result = await kit.cleanup().finally(() => kit.close());
    expect(result.emptiedPrefixes).toEqual({ 'datasets/': 2, 'glue-temp/': 1 });
    expect(result.graphReset).toBe(true);
    expect(result.deletedStacks).toEqual([]);
    expect(result.destroyCommand).toContain('idgraph destroy');
    expect(neptune.requests.slice(0, 2)).toEqual(['POST /system initiateDatabaseReset', 'POST /system performDatabaseReset']);
    // It waited through the recovery the reset causes.
    expect(neptune.requests.slice(2)).toEqual(['GET /status', 'GET /status']);
    expect(neptune.resets).toBe(1);
    expect(neptune.signed).toBe(true);
    const left = await s3.send(new ListObjectsV2Command({ Bucket: BUCKET }));
    expect(left.Contents?.map((o) => o.Key).sort()).toEqual(['kit/idgraph-kit.tgz', 'lifecycle/on-start.sh']);
    expect((await cf.send(new DescribeStacksCommand({ StackName: 'kit-neptune-core' }))).Stacks?.[0]?.StackStatus).toBe('CREATE_COMPLETE');
    expect(existsSync(join(dir, 'config.json'))).toBe(true);
  }, 60_000);

  it('destroy leaves no earlier versions under the kit prefixes of the versioned bucket', async () => {
    await createKitBucket(s3, { bucket: BUCKET, region: REGION, stackPrefix: PREFIX });
    // moto applies the TLS-only Deny without its condition: drop it to write objects here.
    await s3.send(new DeleteBucketPolicyCommand({ Bucket: BUCKET }));
    for (const body of ['v1', 'v2']) {
      await s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: 'datasets/sources/initial/cookie/cookie_data_full.csv', Body: body }));
      await s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: 'notes/readers-own.txt', Body: body }));
    }
    const config = loadConfig({ mode: 'aws', dataDir: dir, bucket: BUCKET, region: REGION, stackPrefix: PREFIX }, { GRAPH_NOTEBOOK_CONFIG: '/nonexistent' });
    const store = await createObjectStore(config);
    try {
      const result = await destroyKit({ config, store, s3 });
      expect(result.emptiedPrefixes['datasets/']).toBe(1);
      // Two versions and the delete marker the emptying left.
      expect(result.deletedVersions['datasets/']).toBe(3);
    } finally {
      await store.close();
    }
    const kit = await s3.send(new ListObjectVersionsCommand({ Bucket: BUCKET, Prefix: 'datasets/' }));
    expect([...(kit.Versions ?? []), ...(kit.DeleteMarkers ?? [])]).toEqual([]);
    const readers = await s3.send(new ListObjectVersionsCommand({ Bucket: BUCKET, Prefix: 'notes/' }));
    expect(readers.Versions).toHaveLength(2);
  });
});

