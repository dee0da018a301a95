import { execFileSync } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { GetJobRunCommand, GlueClient, StartJobRunCommand, type JobRunState } from '@aws-sdk/client-glue';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  GLUE_MODEL_KEY,
  GLUE_REPORT_NAME,
  GLUE_SCRIPT_KEY,
  GRAPH_MODEL,
  buildTransformSql,
  formatTransformReport,
  glueScriptPath,
  prepareGlueTransform,
  runAwsTransform,
  runGlueTransform,
} from '../src/etl/index.js';
import { sourceKey } from '../src/lake/dataset-layout.js';
import { FIXTURES, startEtlTestKit, startGoldenEtlTestKit, type EtlTestKit } from './fixtures/etl/etl-test-kit.js';

const PYTHON = '/usr/bin/python3';

/** Runs a snippet against the job script's pure-Python part (pyspark is not installed here). */
function runPython(code: string, input = ''): string {
  const dir = join(glueScriptPath(), '..');
  return execFileSync(PYTHON, ['-B', '-c', `import sys; sys.path.insert(0, ${JSON.stringify(dir)})\nimport transform_to_gremlin_csv as job\n${code}`], {
    input,
    encoding: 'utf8',
  });
}

describe('runGlueTransform', () => {
  const glueMock = mockClient(GlueClient);
  const glue = new GlueClient({ region: 'us-east-1' });
  const sleeps: number[] = [];
  const pollOptions = { sleep: async (ms: number) => void sleeps.push(ms) };
  beforeEach(() => {
    glueMock.reset();
    sleeps.length = 0;
  });

  it('starts the job with its arguments and polls with back-off through RUNNING to SUCCEEDED', async () => {
    glueMock.on(StartJobRunCommand).resolves({ JobRunId: 'jr_1' });
    glueMock
      .on(GetJobRunCommand)
      .resolvesOnce({ JobRun: { Id: 'jr_1', JobRunState: 'STARTING' } })
      .resolvesOnce({ JobRun: { Id: 'jr_1', JobRunState: 'RUNNING' } })
      .resolvesOnce({ JobRun: { Id: 'jr_1', JobRunState: 'RUNNING' } })
      .resolves({ JobRun: { Id: 'jr_1', JobRunState: 'SUCCEEDED', ExecutionTime: 93 } });
    const states: string[] = [];
    const result = await runGlueTransform({
      glue,
      jobName: 'identity-graph-transform',
      arguments: { '--model_s3_path': 's3://b/glue-jobs/graph-model.json' },
      pollOptions,
      onProgress: (state) => states.push(state),
    });
    expect(result).toMatchObject({ jobRunId: 'jr_1', state: 'SUCCEEDED', executionTimeSeconds: 93 });
    expect(glueMock.commandCalls(StartJobRunCommand)[0]!.args[0].input).toEqual({
      JobName: 'identity-graph-transform',
      Arguments: { '--model_s3_path': 's3://b/glue-jobs/graph-model.json' },
    });
    expect(glueMock.commandCalls(GetJobRunCommand).map((c) => c.args[0].input)).toEqual(
      Array(4).fill({ JobName: 'identity-graph-transform', RunId: 'jr_1' }),
    );
    expect(states).toEqual(['STARTING', 'RUNNING', 'RUNNING']);
    expect(sleeps).toEqual([5_000, 10_000, 20_000]);
  });

  it.each<JobRunState>(['FAILED', 'TIMEOUT', 'STOPPED', 'ERROR'])('surfaces the ErrorMessage of a run that ends %s', async (state) => {
    glueMock.on(StartJobRunCommand).resolves({ JobRunId: 'jr_2' });
    glueMock
      .on(GetJobRunCommand)
      .resolvesOnce({ JobRun: { JobRunState: 'RUNNING' } })
      .resolves({ JobRun: { JobRunState: state, ErrorMessage: 'AnalysisException: Table or view not found: first_party' } });
    const error = await runGlueTransform({ glue, jobName: 'job', pollOptions }).catch((e: Error) => e);
    expect((error as Error).name).toBe('OperationFailedError');
    expect((error as Error).message).toBe(
      `[kit] [glue] job job run jr_2 ended ${state}: AnalysisException: Table or view not found: first_party`,
    );
  });

  it('gives up at the deadline', async () => {
    glueMock.on(StartJobRunCommand).resolves({ JobRunId: 'jr_3' });
    glueMock.on(GetJobRunCommand).resolves({ JobRun: { JobRunState: 'RUNNING' } });
    let clock = 0;
    const error = await runGlueTransform({
      glue,
      jobName: 'job',
      pollOptions: { timeout: 60_000, sleep: async (ms) => void (clock += ms), now: () => clock },
    }).catch((e: Error) => e);
    expect((error as Error).name).toBe('DeadlineExceededError');
  });

  it('wraps a refused StartJobRun', async () => {
    glueMock.on(StartJobRunCommand).rejects(new Error('ConcurrentRunsExceededException'));
    const error = await runGlueTransform({ glue, jobName: 'job', pollOptions }).catch((e: Error) => e);
    expect((error as Error).name).toBe('OperationFailedError');
    expect((error as Error).message).toMatch(/StartJobRun of job job failed: ConcurrentRunsExceededException/);
  });
});

describe('the Glue job script', () => {
  let kit: EtlTestKit;
  let scratch: string;
  beforeAll(async () => {
    kit = await startGoldenEtlTestKit();
    scratch = await mkdtemp(join(tmpdir(), 'idgraph-glue-test-'));
    // A batch with first-party data only.
    await kit.store.putFile(sourceKey('first_party', 'first_party_data_inc.csv', '20260102_030405'), join(FIXTURES, 'sources', 'first_party.csv'));
  });
  afterAll(async () => {
    await kit?.close();
    if (scratch) await rm(scratch, { recursive: true, force: true });
  });

  it('compiles with python3 -m py_compile', () => {
    // Compile into a scratch file so no __pycache__ lands in the source tree.
    execFileSync(PYTHON, ['-c', 'import py_compile, sys; py_compile.compile(sys.argv[1], cfile=sys.argv[2], doraise=True)', glueScriptPath(), join(scratch, 'job.pyc')]);
  });

  it('refuses a batch that was never uploaded before uploading anything', async () => {
    await expect(prepareGlueTransform({ store: kit.store, catalog: kit.catalog, batch: '20990101_000000' })).rejects.toMatchObject({
      name: 'NotFoundError',
      message: expect.stringContaining('datasets/sources/incremental/first_party/20990101_000000/'),
    });
    expect(await kit.store.listObjects('glue-jobs/graph-model-20990101_000000.json')).toEqual([]);
  });

  it('reads the spec the kit uploads beside it: the same views and statements as the local run', async () => {
    const prepared = await prepareGlueTransform({ store: kit.store, catalog: kit.catalog });
    expect(prepared.specKey).toBe(GLUE_MODEL_KEY);
    expect(prepared.arguments).toEqual({
      '--model_s3_path': 's3://etl-test/glue-jobs/graph-model.json',
      '--output_s3_path': 's3://etl-test/datasets/graph/initial/',
    });
    expect((await kit.store.headObject(GLUE_SCRIPT_KEY))?.size).toBeGreaterThan(1000);
    const uploaded = (await kit.store.getObject(GLUE_MODEL_KEY)).toString('utf8');
    const described = JSON.parse(runPython('print(job.json.dumps(job.describe_spec(job.load_spec(sys.stdin.read()))))', uploaded)) as {
      views: { name: string; columns: string[]; paths: string[] }[];
      outputs: string[];
      vertexLabels: string[];
      edgeLabels: string[];
    };
    const statements = buildTransformSql(GRAPH_MODEL);
    expect(described.outputs).toEqual(statements.map((s) => s.key));
    expect(described.vertexLabels).toEqual(GRAPH_MODEL.vertices.map((v) => v.label));
    expect(described.edgeLabels).toEqual([...new Set(GRAPH_MODEL.edges.map((e) => e.label))].sort());
    const clickstream = described.views.find((v) => v.name === 'clickstream')!;
    expect(clickstream.paths).toEqual(['s3://etl-test/datasets/sources/initial/clickstream/']);
    expect(clickstream.columns.at(-1)).toBe('user_agent');
    // The statements travel verbatim: what Spark runs is what DuckDB runs.
    expect(prepared.spec.outputs.map((o) => o.sql)).toEqual(statements.map((s) => s.sql));

    const batch = await prepareGlueTransform({ store: kit.store, catalog: kit.catalog, batch: '20260102_030405' });
    expect(batch.arguments['--output_s3_path']).toBe('s3://etl-test/datasets/graph/incremental/20260102_030405/');
    const paths = Object.fromEntries(batch.spec.views.map((v) => [v.name, v.paths]));
    expect(paths.first_party).toEqual(['s3://etl-test/datasets/sources/incremental/first_party/20260102_030405/']);
    // Look-ups also search the earlier loads; folders without data are left out (Spark fails on them).
    expect(paths.first_party_known).toEqual([
      's3://etl-test/datasets/sources/incremental/first_party/20260102_030405/',
      's3://etl-test/datasets/sources/initial/first_party/',
    ]);
    expect(paths.cookie).toEqual([]);
  });

  it('rejects a spec it cannot run, naming the field', () => {
    const spec = { version: 1, model: { vertices: [], edges: [] }, outputPrefix: 's3://b/p/', views: [], outputs: [{ key: 'vertices/User.csv', sql: 'SELECT 1', header: ['~label'] }] };
    const run = (s: unknown) =>
      runPython('try:\n    job.load_spec(sys.stdin.read())\n    print("ok")\nexcept job.SpecError as e:\n    print("SpecError:", e)', JSON.stringify(s)).trim();
    expect(run(spec)).toBe('SpecError: outputs[0]: header must start with ~id,~label');
    expect(run({ ...spec, version: 2 })).toBe('SpecError: job spec version 2, this script runs version 1');
    expect(run({ ...spec, outputs: [{ key: '../x.csv', sql: '', header: [] }] })).toMatch(/outputs\[0\]: key '..\/x.csv' must look like/);
    expect(run({ ...spec, outputs: [] })).toBe('ok');
  });

  it('runs the spec end to end against stand-ins for Spark and S3 (fixtures/etl/fake-glue)', async () => {
    const prepared = await prepareGlueTransform({ store: kit.store, catalog: kit.catalog });
    const user = prepared.spec.outputs.find((o) => o.label === 'User')!;
    const script = [
      'import sys, json',
      `sys.path[:0] = [${JSON.stringify(join(FIXTURES, '..', 'fake-glue'))}, ${JSON.stringify(join(glueScriptPath(), '..'))}]`,
      'import boto3, pyspark.context as spark',
      'import transform_to_gremlin_csv as job',
      'spec = sys.stdin.read()',
      'boto3.OBJECTS[("etl-test", "glue-jobs/graph-model.json")] = spec.encode()',
      'boto3.OBJECTS[("etl-test", "datasets/graph/initial/edges/oldLabel.csv")] = b"stale"',
      'boto3.OBJECTS[("etl-test", "datasets/graph/initial/notes.txt")] = b"not ours"',
      `spark.RESULTS[${JSON.stringify(user.sql)}] = [["user:a", "User", "12 Main St", "2000-01-01"], ["user:b", "User", "", ""]]`,
      'job.main(["job.py", "--JOB_NAME", "j", "--model_s3_path", "s3://etl-test/glue-jobs/graph-model.json", "--output_s3_path", "s3://etl-test/datasets/graph/initial/"])',
      'objects = {k: v.decode() for (b, k), v in boto3.OBJECTS.items() if k.startswith("datasets/graph/")}',
      'print(json.dumps({"log": spark.LOG, "objects": objects}))',
    ].join('\n');
    const out = JSON.parse(execFileSync(PYTHON, ['-B', '-c', script], { input: JSON.stringify(prepared.spec), encoding: 'utf8' })) as {
      log: unknown[][];
      objects: Record<string, string>;
    };
    const log = (kind: string) => out.log.filter((e) => e[0] === kind);
    expect(log('conf')).toEqual([
      ['conf', 'spark.sql.session.timeZone', 'UTC'],
      ['conf', 'spark.sql.ansi.enabled', 'false'],
    ]);
    expect(log('view').map((e) => e[1])).toEqual(prepared.spec.views.map((v) => v.name));
    const firstRead = log('read')[0]!;
    expect(firstRead[1]).toEqual(prepared.spec.views[0]!.paths);
    expect(firstRead[2]).toEqual(prepared.spec.views[0]!.viewColumns);
    const untrimmed = { ignoreLeadingWhiteSpace: false, ignoreTrailingWhiteSpace: false };
    expect(firstRead[3]).toEqual({ header: true, quote: '"', escape: '"', multiLine: true, mode: 'FAILFAST', ...untrimmed });
    const writes = log('write');
    expect(writes).toHaveLength(prepared.spec.outputs.length);
    // Spark's CSV writer trims values unless told not to (both options default to true for writing).
    expect(writes[0]![2]).toEqual({ mode: 'overwrite', header: true, quote: '"', escape: '"', emptyValue: '', nullValue: '', ...untrimmed });
    expect(log('coalesce').every((e) => e[1] === 1)).toBe(true);

    const prefix = 'datasets/graph/initial/';
    // The scripted result went through the part file to its final key; empty results got a header.
    expect(out.objects[`${prefix}vertices/User.csv`]).toBe(`${user.header.join(',')}\nuser:a,User,12 Main St,2000-01-01\nuser:b,User,,\n`);
    expect(out.objects[`${prefix}edges/hasEmail.csv`]).toBe('~id,~from,~to,~label\n');
    // Stale output deleted, foreign files kept, scratch cleaned up.
    expect(out.objects[`${prefix}edges/oldLabel.csv`]).toBeUndefined();
    expect(out.objects[`${prefix}notes.txt`]).toBe('not ours');
    expect(Object.keys(out.objects).filter((k) => k.includes('_tmp'))).toEqual([]);
    const report = JSON.parse(out.objects[`${prefix}${GLUE_REPORT_NAME}`]!) as { files: { key: string; rows: number }[]; deletedKeys: string[] };
    expect(report.files.find((f) => f.key === `${prefix}vertices/User.csv`)!.rows).toBe(2);
    expect(report.deletedKeys).toEqual([`${prefix}edges/oldLabel.csv`]);
  });

  it('picks the one part file and finds stale outputs', () => {
    const out = runPython(
      [
        'print(job.pick_part_file(["p/_tmp/1/vertices/User/_SUCCESS", "p/_tmp/1/vertices/User/part-00000-abc.csv"]))',
        'print(job.pick_part_file(["p/_tmp/1/edges/x/_SUCCESS"]))',
        'print(repr(job.header_line(["~id", "~label", "a,b:String"])))',
        'print(job.stale_keys(["p/vertices/User.csv", "p/vertices/Old.csv", "p/_transform-report.json", "p/edges/x/y.csv"], "p/", {"vertices/User.csv"}))',
        'print(job.parse_job_args(["script.py", "--JOB_NAME", "j", "--output_s3_path", "s3://b/o/"], ["output_s3_path"]))',
      ].join('\n'),
    );
    expect(out.trim().split('\n')).toEqual([
      'p/_tmp/1/vertices/User/part-00000-abc.csv',
      'None',
      `'~id,~label,"a,b:String"\\n'`,
      "['p/vertices/Old.csv']",
      "{'output_s3_path': 's3://b/o/'}",
    ]);
  });
});

describe('runAwsTransform', () => {
  const glueMock = mockClient(GlueClient);
  let kit: EtlTestKit;
  beforeAll(async () => {
    kit = await startGoldenEtlTestKit(); // sources to transform: a run over empty folders is refused
  });
  afterAll(async () => {
    glueMock.restore();
    await kit?.close();
  });

  it('uploads the spec, runs the job and reports what the job wrote', async () => {
    const prefix = 'datasets/graph/initial/';
    glueMock.reset();
    // Plays the Glue job: writes every output file and its report, as the script does.
    glueMock.on(StartJobRunCommand).callsFake(async () => {
      const statements = buildTransformSql(GRAPH_MODEL);
      for (const s of statements) await kit.store.putObject(prefix + s.key, `${s.header.join(',')}\n`);
      // The report as the script's build_report makes it from the uploaded spec.
      const spec = (await kit.store.getObject(GLUE_MODEL_KEY)).toString('utf8');
      const rows = Object.fromEntries(statements.map((s, i) => [s.key, i]));
      const sizes = Object.fromEntries(statements.map((s) => [s.key, s.header.join(',').length + 1]));
      const made = runPython(
        `spec = job.load_spec(sys.stdin.read())\nprint(job.json.dumps(job.build_report(spec, ${JSON.stringify(prefix)}, ${JSON.stringify(rows)}, ${JSON.stringify(sizes)}, {"first_party": 4}, ["${prefix}edges/old.csv"], 1234)))`,
        spec,
      );
      await kit.store.putObject(prefix + GLUE_REPORT_NAME, made);
      return { JobRunId: 'jr_9' };
    });
    glueMock.on(GetJobRunCommand).resolves({ JobRun: { JobRunState: 'SUCCEEDED' } });
    const report = await runAwsTransform({
      store: kit.store,
      catalog: kit.catalog,
      glue: new GlueClient({ region: 'us-east-1' }),
      jobName: 'identity-graph-transform',
      pollOptions: { sleep: async () => {} },
    });
    expect(glueMock.commandCalls(StartJobRunCommand)[0]!.args[0].input.Arguments).toEqual({
      '--model_s3_path': 's3://etl-test/glue-jobs/graph-model.json',
      '--output_s3_path': 's3://etl-test/datasets/graph/initial/',
    });
    expect(report.runner).toBe('glue');
    expect(report.files.map((f) => [f.key, f.rows])).toEqual(buildTransformSql(GRAPH_MODEL).map((s, i) => [prefix + s.key, i]));
    expect(report.files[0]!.bytes).toBeGreaterThan(0);
    expect(report.files.map((f) => f.kind)).toEqual(buildTransformSql(GRAPH_MODEL).map((s) => s.kind));
    expect(report.sources.map((s) => [s.dataset, s.rows])).toEqual([
      ['first_party', 4],
      ['cookie', 0],
      ['clickstream', 0],
      ['transactional', 0],
    ]);
    expect(report.deletedKeys).toEqual([`${prefix}edges/old.csv`]);
    expect(formatTransformReport(report)).toMatch(/vertex\s+User\s+0\s+datasets\/graph\/initial\/vertices\/User\.csv/);
  });

  it('fails when the job left no report', async () => {
    await kit.store.deleteObjects('datasets/graph/');
    glueMock.reset();
    glueMock.on(StartJobRunCommand).resolves({ JobRunId: 'jr_10' });
    glueMock.on(GetJobRunCommand).resolves({ JobRun: { JobRunState: 'SUCCEEDED' } });
    const error = await runAwsTransform({
      store: kit.store,
      catalog: kit.catalog,
      glue: new GlueClient({ region: 'us-east-1' }),
      jobName: 'job',
      pollOptions: { sleep: async () => {} },
    }).catch((e: Error) => e);
    expect((error as Error).name).toBe('OperationFailedError');
    expect((error as Error).message).toMatch(/left no readable datasets\/graph\/initial\/_transform-report\.json/);
  });
});
