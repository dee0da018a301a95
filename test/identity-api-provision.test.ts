/**
 * `idgraph provision --stacks identity-api` (CloudFormation mocked, S3 embedded): the Lambda
 * bundle is built and uploaded under its content-addressed key, the stack is created with that
 * key, the bucket and the measured rule precision; a plain provision leaves the optional stack out.
 */
import { CloudFormationClient, CreateStackCommand, DescribeStacksCommand, type Stack } from '@aws-sdk/client-cloudformation';
import { mockClient } from 'aws-sdk-client-mock';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { loadConfig, type KitConfig } from '../src/config/kit-config.js';
import { writeRulePrecisionFile, type RulePrecision } from '../src/identity-api/rule-precision.js';
import { KIT_STACKS } from '../src/infra/kit-stacks.js';
import { provisionAws } from '../src/infra/provision.js';
import { createObjectStore } from '../src/lake/create-object-store.js';
import type { ObjectStore } from '../src/lake/object-store.js';

const cfnMock = mockClient(CloudFormationClient);
const client = new CloudFormationClient({ region: 'us-east-1', credentials: { accessKeyId: 'a', secretAccessKey: 'b' } });
const wait = { maxWaitTime: 5, minDelay: 0.001, maxDelay: 0.002 };

const notFound = (name: string) => Object.assign(new Error(`Stack with id ${name} does not exist`), { name: 'ValidationError' });
const stack = (name: string, status: string, outputs: Record<string, string> = {}): { Stacks: Stack[] } => ({
  Stacks: [{ StackName: name, StackStatus: status as Stack['StackStatus'], CreationTime: new Date(0), Outputs: Object.entries(outputs).map(([OutputKey, OutputValue]) => ({ OutputKey, OutputValue })) }],
});

describe('provisioning the identity-api stack', () => {
  let dir: string;
  let store: ObjectStore;
  let config: KitConfig;
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'idgraph-api-provision-'));
    store = await createObjectStore(loadConfig({ mode: 'local', dataDir: join(dir, 's3'), bucket: 'kit-bucket' }, {}));
  });
  afterAll(async () => {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });
  beforeEach(() => {
    cfnMock.reset();
    config = loadConfig({ mode: 'aws', dataDir: join(dir, 'data'), bucket: 'kit-bucket', stackPrefix: 'kit', region: 'eu-west-1' }, {});
  });

  it('is optional: a plain provision deploys the five stacks without it', () => {
    expect(KIT_STACKS.filter((s) => !s.optional).map((s) => s.name)).toEqual(['iam', 'vpc', 'neptune-core', 'neptune-workbench', 'glue']);
    expect(KIT_STACKS.find((s) => s.name === 'identity-api')).toMatchObject({ optional: true, capabilities: ['CAPABILITY_IAM'] });
  });

  it('--stacks identity-api uploads the bundle and creates the stack with its key and the measured precision', async () => {
    const precision: RulePrecision = { precision: { 'shared-device': 0.99, 'shared-ip': 0.31, 'shared-user-agent': 0.12 }, source: 'measured', sampledSessions: 2000 };
    writeRulePrecisionFile(config.dataDir, precision);
    cfnMock.on(DescribeStacksCommand, { StackName: 'kit-iam' }).resolves(stack('kit-iam', 'CREATE_COMPLETE'));
    cfnMock
      .on(DescribeStacksCommand, { StackName: 'kit-identity-api' })
      .rejectsOnce(notFound('kit-identity-api'))
      .resolves(stack('kit-identity-api', 'CREATE_COMPLETE', { IdentityApiUrl: 'https://abc.execute-api.eu-west-1.amazonaws.com' }));
    cfnMock.on(CreateStackCommand).resolves({ StackId: 'id' });
    const result = await provisionAws({ config, cloudFormation: client, store, kitPackage: 'idgraph-kit@0.1.0', stacks: ['identity-api'], wait });
    const created = cfnMock.commandCalls(CreateStackCommand).map((call) => call.args[0].input);
    expect(created.map((c) => c.StackName)).toEqual(['kit-identity-api']);
    expect(created[0]!.TemplateURL).toBe('https://kit-bucket.s3.eu-west-1.amazonaws.com/cloudformation-templates/identity-api.yaml');
    expect(created[0]!.Capabilities).toEqual(['CAPABILITY_IAM']);
    const parameters = Object.fromEntries(created[0]!.Parameters!.map((p) => [p.ParameterKey, p.ParameterValue]));
    expect(parameters).toMatchObject({ StackPrefix: 'kit', BucketName: 'kit-bucket', BundleKey: expect.stringMatching(/^kit\/identity-api-[0-9a-f]{16}\.zip$/) });
    expect(JSON.parse(parameters.RulePrecision!)).toEqual(precision);
    expect(result.uploaded).toContain(parameters.BundleKey);
    expect((await store.headObject(parameters.BundleKey!))?.size).toBeGreaterThan(100_000);
    expect(await store.headObject('cloudformation-templates/identity-api.yaml')).toBeDefined();
    expect(result.outputs.IdentityApiUrl).toBe('https://abc.execute-api.eu-west-1.amazonaws.com');
  }, 60_000);
});
