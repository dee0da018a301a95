/**
 * `startNeptuneEndpoint` driven by the neptunedata SDK (@aws-sdk/client-neptunedata, SigV4 by
 * the SDK itself) and by raw HTTP: status, loads from the embedded S3, error paging, cancel,
 * fast reset, Gremlin over HTTP and WebSocket, and every error path in Neptune's JSON shape.
 */
import {
  CancelLoaderJobCommand,
  ExecuteFastResetCommand,
  ExecuteGremlinQueryCommand,
  GetEngineStatusCommand,
  GetLoaderJobStatusCommand,
  ListLoaderJobsCommand,
  NeptunedataClient,
  StartLoaderJobCommand,
} from '@aws-sdk/client-neptunedata';
import gremlin from 'gremlin';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openLocalGraph } from '../src/graph/local-graph-store.js';
import { createNeptuneRemoteConnection } from '../src/graph/neptune-connection.js';
import { TEST_BUCKET, TEST_CREDENTIALS, TEST_REGION, TEST_ROLE_ARN, signedFetch, startEndpointFixture, type EndpointFixture } from './support/neptune-endpoint-fixture.js';

const VERTICES = '~id,~label,name:String\np1,Person,Ann\np2,Person,Bob\nc1,City,Paris\n';
const EDGES = '~id,~from,~to,~label\ne1,p1,c1,livesIn\ne2,p2,c1,livesIn\n';
/** Five records whose age is not an Int: five DATATYPE errors to page through. */
const BAD = '~id,~label,age:Int\nb1,Bad,x\nb2,Bad,y\nb3,Bad,z\nb4,Bad,w\nb5,Bad,v\nb6,Bad,6\n';

async function waitForLoad(client: NeptunedataClient, loadId: string): Promise<Record<string, any>> {
  const deadline = Date.now() + 20_000;
  for (let delay = 20; ; delay = Math.min(delay * 2, 250)) {
    const { payload } = await client.send(new GetLoaderJobStatusCommand({ loadId, details: true }));
    const status = (payload as any).overallStatus.status as string;
    if (!['LOAD_IN_QUEUE', 'LOAD_IN_PROGRESS', 'LOAD_NOT_STARTED'].includes(status)) return payload as Record<string, any>;
    if (Date.now() > deadline) throw new Error(`load ${loadId} still ${status}`);
    await new Promise((r) => setTimeout(r, delay));
  }
}

describe('Neptune-compatible endpoint with IAM auth, through the neptunedata SDK', () => {
  let fixture: EndpointFixture;
  let client: NeptunedataClient;
  beforeAll(async () => {
    fixture = await startEndpointFixture({ iamAuth: { credentials: [TEST_CREDENTIALS] } });
    await fixture.put('graph/vertices/people.csv', VERTICES);
    await fixture.put('graph/edges/lives-in.csv', EDGES);
    await fixture.put('bad/vertices/bad.csv', BAD);
    client = new NeptunedataClient({ endpoint: fixture.endpoint.endpoint, region: TEST_REGION, credentials: TEST_CREDENTIALS, maxAttempts: 1 });
  });
  afterAll(async () => {
    client?.destroy();
    await fixture?.close();
  });

  const load = (source: string, extra: Record<string, unknown> = {}) =>
    client.send(new StartLoaderJobCommand({ source, format: 'csv', s3BucketRegion: TEST_REGION, iamRoleArn: TEST_ROLE_ARN, queueRequest: true, ...extra }));

  it('answers GetEngineStatus with Neptune\'s status document', async () => {
    const status = await client.send(new GetEngineStatusCommand({}));
    expect(status).toMatchObject({ status: 'healthy', role: 'writer', gremlin: { version: 'tinkerpop-3.7.3' } });
    expect(status.dbEngineVersion).toMatch(/^1\.4\.\d+\.\d+\.R\d+$/);
    expect((status.features as any).IAMAuthentication).toBe('enabled');
  });

  it('loads vertices then edges (queued, the edge load depending on the vertex load) and saves the graph', async () => {
    const vertices = await load(`s3://${TEST_BUCKET}/graph/vertices/`);
    const edges = await load(`s3://${TEST_BUCKET}/graph/edges/`, { dependencies: [vertices.payload!.loadId!] });
    const done = await waitForLoad(client, edges.payload!.loadId!);
    expect(done.overallStatus).toMatchObject({ status: 'LOAD_COMPLETED', totalRecords: 2, fullUri: `s3://${TEST_BUCKET}/graph/edges/` });
    expect((await waitForLoad(client, vertices.payload!.loadId!)).overallStatus.totalRecords).toBe(3);
    const list = await client.send(new ListLoaderJobsCommand({}));
    expect(list.payload!.loadIds).toEqual([edges.payload!.loadId, vertices.payload!.loadId]);
    const saved = await openLocalGraph({ dataDir: fixture.dataDir });
    expect([saved.graph.vertexCount, saved.graph.edgeCount]).toEqual([3, 2]);
  });

  it('runs Gremlin over HTTP (ExecuteGremlinQuery) and over a SigV4-signed WebSocket', async () => {
    const http = await client.send(new ExecuteGremlinQueryCommand({ gremlinQuery: "g.V().hasLabel('Person').count()" }));
    expect(JSON.stringify(http.result)).toContain('2');
    const remote = createNeptuneRemoteConnection({ url: fixture.endpoint.url, host: '127.0.0.1', port: fixture.endpoint.port, region: TEST_REGION, iamAuth: true, credentials: TEST_CREDENTIALS });
    try {
      const g = gremlin.process.AnonymousTraversalSource.traversal().withRemote(remote);
      expect(await g.V('c1').in_('livesIn').values('name').order().toList()).toEqual(['Ann', 'Bob']);
    } finally {
      await remote.close();
    }
  });

  it('refuses an unsigned WebSocket upgrade and unsigned, wrongly signed or expired HTTP requests with Neptune\'s 403', async () => {
    // The kit's connection without IAM: it sends no signature, and its `ws` socket reports the
    // refusal's status on every Node.js version (Node 22's built-in WebSocket does not).
    const endpointUrl = new URL(fixture.endpoint.url);
    const unsignedRemote = createNeptuneRemoteConnection({ url: fixture.endpoint.url, host: endpointUrl.hostname, port: Number(endpointUrl.port), region: 'us-east-1', iamAuth: false });
    const error = await gremlin.process.AnonymousTraversalSource.traversal().withRemote(unsignedRemote).V().count().next().catch((e: Error) => e);
    expect(String(error)).toMatch(/403/);
    await unsignedRemote.close().catch(() => undefined);

    const statusUrl = `${fixture.endpoint.endpoint}/status`;
    const unsigned = await fetch(statusUrl);
    expect(unsigned.status).toBe(403);
    expect((await unsigned.json()) as any).toMatchObject({ code: 'AccessDeniedException', detailedMessage: 'Missing Authentication Token', requestId: expect.any(String) });
    const wrong = await signedFetch(statusUrl, { credentials: { ...TEST_CREDENTIALS, secretAccessKey: 'not-the-secret' } });
    expect(wrong.status).toBe(403);
    expect(((await wrong.json()) as any).detailedMessage).toMatch(/signature we calculated does not match/);
    const expired = await signedFetch(statusUrl, { signingDate: new Date(Date.now() - 6 * 60_000) });
    expect(expired.status).toBe(403);
    expect(((await expired.json()) as any).detailedMessage).toMatch(/Signature expired/);
    const otherService = await signedFetch(statusUrl, { service: 'execute-api' });
    expect(otherService.status).toBe(403);
    expect((await signedFetch(statusUrl)).status).toBe(200);
  });

  it('pages the error log of a load of malformed files as Neptune does', async () => {
    const started = await load(`s3://${TEST_BUCKET}/bad/`, { failOnError: false });
    const loadId = started.payload!.loadId!;
    const done = await waitForLoad(client, loadId);
    expect(done.overallStatus).toMatchObject({ status: 'LOAD_COMPLETED_WITH_ERRS', totalRecords: 6, datatypeMismatchErrors: 5 });
    expect(done.failedFeeds).toHaveLength(1);
    const page = async (n: number) =>
      ((await client.send(new GetLoaderJobStatusCommand({ loadId, errors: true, page: n, errorsPerPage: 2 }))).payload as any).errors;
    const [first, second, third, beyond] = [await page(1), await page(2), await page(3), await page(4)];
    expect([first.startIndex, first.endIndex, first.errorLogs.map((e: any) => e.recordNum)]).toEqual([1, 2, [1, 2]]);
    expect([second.startIndex, second.endIndex, second.errorLogs.map((e: any) => e.recordNum)]).toEqual([3, 4, [3, 4]]);
    expect([third.startIndex, third.endIndex, third.errorLogs.length]).toEqual([5, 5, 1]);
    expect([beyond.startIndex, beyond.endIndex, beyond.errorLogs]).toEqual([0, 0, []]);
    expect(first.errorLogs[0]).toMatchObject({ fileName: `s3://${TEST_BUCKET}/bad/vertices/bad.csv`, errorCode: expect.any(String), errorMessage: expect.any(String) });
    expect(first.loadId).toBe(loadId);
  });

  it('answers an unknown loadId with BulkLoadIdNotFoundException (404), for status and cancel', async () => {
    for (const command of [new GetLoaderJobStatusCommand({ loadId: 'no-such-load' }), new CancelLoaderJobCommand({ loadId: 'no-such-load' })]) {
      const error = await client.send(command as any).catch((e: Error) => e);
      expect(error).toMatchObject({ name: 'BulkLoadIdNotFoundException', $metadata: { httpStatusCode: 404 } });
      expect((error as any).detailedMessage).toContain('no-such-load');
    }
  });

  it('refuses a source outside any bucket, a source that is not s3://, and a missing role', async () => {
    const noBucket = await load('s3://no-such-bucket/graph/').catch((e: Error) => e);
    expect(noBucket).toMatchObject({ name: 'S3Exception', $metadata: { httpStatusCode: 400 } });
    expect((noBucket as any).detailedMessage).toContain('no-such-bucket');
    const notS3 = await load('/tmp/graph').catch((e: Error) => e);
    expect(notS3).toMatchObject({ name: 'InvalidParameterException' });
    const body = JSON.stringify({ source: `s3://${TEST_BUCKET}/graph/`, format: 'csv', region: TEST_REGION });
    const noRole = await signedFetch(`${fixture.endpoint.endpoint}/loader`, { method: 'POST', body, headers: { 'content-type': 'application/json' } });
    expect(noRole.status).toBe(400);
    expect((await noRole.json()) as any).toMatchObject({ code: 'MissingParameterException', detailedMessage: 'iamRoleArn is required' });
  });

  it('answers malformed JSON, bad parameters and unknown paths with 400 in Neptune\'s shape, and keeps serving', async () => {
    const post = (path: string, body: string) => signedFetch(`${fixture.endpoint.endpoint}${path}`, { method: 'POST', body, headers: { 'content-type': 'application/json' } });
    const malformed = await post('/loader', '{"source": "s3://x/",');
    expect(malformed.status).toBe(400);
    expect((await malformed.json()) as any).toMatchObject({ code: 'BadRequestException', detailedMessage: expect.stringMatching(/malformed JSON/) });
    const badFlag = await post('/loader', JSON.stringify({ source: `s3://${TEST_BUCKET}/graph/`, format: 'csv', region: TEST_REGION, iamRoleArn: TEST_ROLE_ARN, failOnError: 'perhaps' }));
    expect((await badFlag.json()) as any).toMatchObject({ code: 'InvalidParameterException', detailedMessage: expect.stringMatching(/^failOnError/) });
    const unknownPath = await signedFetch(`${fixture.endpoint.endpoint}/sparql`);
    expect([unknownPath.status, ((await unknownPath.json()) as any).code]).toEqual([400, 'BadRequestException']);
    const wrongMethod = await signedFetch(`${fixture.endpoint.endpoint}/status`, { method: 'DELETE' });
    expect([wrongMethod.status, ((await wrongMethod.json()) as any).code]).toEqual([405, 'MethodNotAllowedException']);
    const badToken = await post('/system', JSON.stringify({ action: 'performDatabaseReset', token: 'made-up' }));
    expect([badToken.status, ((await badToken.json()) as any).code]).toEqual([400, 'InvalidParameterException']);
    expect((await client.send(new GetEngineStatusCommand({}))).status).toBe('healthy');
    // Nothing of the above touched the saved graph.
    const saved = await openLocalGraph({ dataDir: fixture.dataDir });
    expect(saved.graph.vertexCount).toBeGreaterThanOrEqual(3);
  });

  it('cancels a queued load before it runs', async () => {
    const first = await load(`s3://${TEST_BUCKET}/graph/vertices/`);
    const second = await load(`s3://${TEST_BUCKET}/graph/edges/`);
    await client.send(new CancelLoaderJobCommand({ loadId: second.payload!.loadId! }));
    await waitForLoad(client, first.payload!.loadId!);
    expect((await waitForLoad(client, second.payload!.loadId!)).overallStatus.status).toBe('LOAD_CANCELLED_BY_USER');
  });

  it('resets the database with a token (ExecuteFastReset), emptying the saved graph', async () => {
    const initiated = await client.send(new ExecuteFastResetCommand({ action: 'initiateDatabaseReset' }));
    const token = initiated.payload!.token!;
    expect(token).toMatch(/^[0-9a-f-]{36}$/);
    const performed = await client.send(new ExecuteFastResetCommand({ action: 'performDatabaseReset', token }));
    expect(performed.status).toBe('200 OK');
    const saved = await openLocalGraph({ dataDir: fixture.dataDir });
    expect(saved.graph.vertexCount).toBe(0);
    const again = await client.send(new ExecuteFastResetCommand({ action: 'performDatabaseReset', token })).catch((e: Error) => e);
    expect(again).toMatchObject({ name: 'InvalidParameterException' });
  });
});

describe('Neptune-compatible endpoint without IAM auth', () => {
  let fixture: EndpointFixture;
  beforeAll(async () => {
    fixture = await startEndpointFixture({ maxBodyBytes: 4096 });
  });
  afterAll(async () => fixture?.close());

  it('answers unsigned requests, takes graph-notebook\'s form bodies and query-string loadId, and refuses an oversized body with 413', async () => {
    const base = fixture.endpoint.endpoint;
    expect(((await (await fetch(`${base}/status`)).json()) as any).features.IAMAuthentication).toBe('disabled');
    const initiated = await fetch(`${base}/system`, { method: 'POST', body: 'action=initiateDatabaseReset', headers: { 'content-type': 'application/x-www-form-urlencoded' } });
    expect(((await initiated.json()) as any).payload.token).toMatch(/^[0-9a-f-]{36}$/);
    const status = await fetch(`${base}/gremlin/status`, { method: 'POST', body: '', headers: { 'content-type': 'application/x-www-form-urlencoded' } });
    expect((await status.json()) as any).toMatchObject({ runningQueryCount: 0, queries: [] });
    const unknown = await fetch(`${base}/loader?loadId=nope&details=True&errors=False&page=1&errorsPerPage=10`);
    expect([unknown.status, ((await unknown.json()) as any).code]).toEqual([404, 'BulkLoadIdNotFoundException']);
    const big = await fetch(`${base}/gremlin`, { method: 'POST', body: JSON.stringify({ gremlin: `g.inject('${'x'.repeat(8000)}')` }), headers: { 'content-type': 'application/json' } });
    expect(big.status).toBe(413);
    const ok = await fetch(`${base}/gremlin`, { method: 'POST', body: JSON.stringify({ gremlin: 'g.inject(1, 2).sum()' }) });
    expect(ok.status).toBe(200);
    expect(JSON.stringify(((await ok.json()) as any).result.data)).toContain('3');
  });
});
