import './node-version-notice.js';
/**
 * `createKit(config?)`: the one object the notebooks and the demo use. Each method is a thin call
 * into the module that owns the step (DESIGN §3), with the services of the configured mode, so a
 * notebook never branches on the mode: the same cell runs on AWS and offline.
 */
import { createReadStream, existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { CloudFormationClient } from '@aws-sdk/client-cloudformation';
import { GlueClient } from '@aws-sdk/client-glue';
import { GetEngineStatusCommand } from '@aws-sdk/client-neptunedata';
import { S3Client } from '@aws-sdk/client-s3';
import type { Catalog, CrawlResult } from './catalog/catalog-types.js';
import { createCatalog } from './catalog/create-catalog.js';
import { fixTableSchemas, type SchemaFixReport } from './catalog/fix-table-schemas.js';
import { loadConfig, type KitConfig } from './config/kit-config.js';
import { readCsvRecords } from './csv/csv-parser.js';
import { datasetFileName, GROUND_TRUTH_NAME, type DatasetName } from './datagen/dataset-schema.js';
import { generateDatasets, type GenerateDebugReport } from './datagen/generate-datasets.js';
import type { GenerateProgress } from './datagen/generate-options.js';
import { readGroundTruth, type GroundTruth } from './datagen/ground-truth.js';
import { NotFoundError, kitMessage } from './errors.js';
import { runAwsTransform } from './etl/run-aws-transform.js';
import { runLocalTransform, type TransformProgress } from './etl/run-local-transform.js';
import type { TransformReport } from './etl/transform-report.js';
import { connectGraph, type GraphConnection } from './graph/connect-graph.js';
import { createNeptunedataClient } from './graph/neptune-endpoint.js';
import { checkAwsDeployment } from './infra/check-deployment.js';
import { createKitBucket } from './infra/create-kit-bucket.js';
import { destroyKit, removeLocalState } from './infra/destroy.js';
import { createNeptuneAdminClient } from './infra/neptune-admin.js';
import { provisionAws } from './infra/provision.js';
import { provisionLocal } from './infra/provision-local.js';
import { completeStackOutputs } from './infra/read-kit-stacks.js';
import { removePipelineData } from './infra/remove-pipeline-data.js';
import { createObjectStore } from './lake/create-object-store.js';
import { graphPrefix } from './lake/dataset-layout.js';
import type { ObjectStore } from './lake/object-store.js';
import { uploadDatasets, type UploadReport } from './lake/upload-datasets.js';
import { createBulkLoader } from './loader/create-bulk-loader.js';
import type { LoadProgress, LoadStatus } from './loader/load-status.js';
import { dropSupersededEdgesInGraph } from './loader/drop-superseded-edges.js';
import { createShow, type Show, type ShowOptions } from './notebook/show.js';
import type { GraphSource } from './queries/graph-source.js';
import { createQueryCatalogue, type QueryCatalogue } from './queries/query-catalogue.js';
// Notebook 10 calls the identity APIs through this client (local server or the deployed API).
export { openIdentityApi, type IdentityApiClient } from './identity-api/identity-api-client.js';

export interface KitGenerateOptions {
  /** Default: `config.records`. */
  records?: number;
  /** Percent of distinct IPs and device ids (default 30, as the original generator). */
  uniqueness?: number;
  incremental?: boolean;
  /** Default: `config.seed` (the incremental batch needs the full batch's seed). */
  seed?: number;
  onProgress?: (progress: GenerateProgress) => void;
}

export interface KitUploadOptions {
  incremental?: boolean;
  /** Incremental batch id (`YYYYMMDD_HHmmss`); default now. */
  batch?: string;
}

export interface KitBatchOptions {
  /** The incremental batch (as `upload` returned it); omitted for the initial load. */
  batch?: string;
}

/**
 * What `provision` returns: the fields of infra's ProvisionResult a reader looks at. Declared here
 * so the kit's type declarations do not pull in the CloudFormation client's types, which tslab
 * would compile in every notebook (seconds per notebook); ProvisionResult is checked against it.
 */
export interface KitProvisionResult {
  mode: 'aws' | 'local';
  /** Per stack (aws mode): its name and whether it was created, updated or unchanged. */
  stacks: { stackName: string; action: string }[];
  /** Every stack output, by output name. */
  outputs: Record<string, string>;
  warnings: string[];
  configFile?: string;
}

/** What `cleanup` returns (declared here for the same reason). */
export interface KitCleanupResult {
  /** Stacks deleted: none from a notebook (the Workbench's role may not; `idgraph destroy` does). */
  deletedStacks: string[];
  emptiedPrefixes: Record<string, number>;
  /** The graph was emptied (aws: Neptune's fast reset; local: the embedded graph removed). */
  graphReset: boolean;
  /** Local folders removed (generated files; in local mode also the embedded S3, catalog and graph). */
  removedLocal: string[];
  /** aws: the command that deletes the stacks, from a shell with deploy rights. */
  destroyCommand?: string;
}

/** What `verify` returns: one row per check, and the stack outputs the next notebooks read. */
export interface KitVerifyResult {
  mode: 'aws' | 'local';
  checks: PreflightCheck[];
  outputs: Record<string, string>;
  /** Every check passed. */
  ok: boolean;
}

/** The graph as notebooks see it: a traversal source and Gremlin text, whatever the mode. */
export interface KitGraph {
  readonly g: GraphSource;
  /** Runs a Gremlin string (the text you would send to Neptune) and returns its results. */
  query(text: string): Promise<unknown[]>;
}

export interface PreflightCheck {
  check: string;
  ok: boolean;
  detail: string;
}

export interface Kit {
  readonly config: KitConfig;
  /** Step 0: configuration, object store, graph endpoint and driver version, one row each. */
  preflight(): Promise<PreflightCheck[]>;
  /** The first rows of a generated source file, as objects (for a look before uploading). */
  preview(dataset: string, options?: { rows?: number; incremental?: boolean }): Promise<Record<string, string>[]>;
  /** Display helpers: HTML tables, pictures and progress in a notebook; text elsewhere. */
  readonly show: Show;
  generate(options?: KitGenerateOptions): Promise<GenerateDebugReport>;
  upload(options?: KitUploadOptions): Promise<UploadReport>;
  /**
   * Deploys the stacks (aws: needs deploy rights, so from a shell, as `idgraph provision` does;
   * local: validates the templates and records the local outputs).
   */
  provision(): Promise<KitProvisionResult>;
  /**
   * Step 3 in a notebook: checks what was provisioned, changing nothing. aws: the stacks' statuses
   * and outputs, Neptune's engine status and version, IAM auth, the loader role. local: the
   * templates (validated) with their local outputs, and the embedded engine.
   */
  verify(): Promise<KitVerifyResult>;
  crawl(): Promise<CrawlResult>;
  fixSchemas(options?: { incremental?: boolean }): Promise<SchemaFixReport>;
  transform(options?: KitBatchOptions): Promise<TransformReport>;
  load(options?: KitBatchOptions): Promise<LoadStatus>;
  /** The graph: `{ g, query(text) }`. Reconnects after a load so queries see the new data. */
  graph(): Promise<KitGraph>;
  /** The identity query catalogue, bound to the current graph. */
  queries(): Promise<QueryCatalogue>;
  /** Who is really behind every session and cookie, as the generator wrote it (full + incremental batches). */
  groundTruth(): Promise<GroundTruth>;
  /**
   * Step 99: removes what the notebooks made. aws: the dataset prefixes and Neptune's graph (fast
   * reset); the stacks stay for `idgraph destroy`. local: every prefix and the local state.
   */
  cleanup(): Promise<KitCleanupResult>;
  /** Stops what the kit started (embedded S3 server, graph connection). */
  close(): Promise<void>;
}

export interface CreateKitOptions {
  /** Display settings (tests pass a fake display or force text). */
  show?: ShowOptions;
}

/**
 * Creates the kit for the configured mode (`loadConfig`: defaults, config file, Workbench config,
 * environment, then `overrides`). Services start on first use, so creating a kit is cheap.
 */
export async function createKit(overrides: Partial<KitConfig> = {}, options: CreateKitOptions = {}): Promise<Kit> {
  const config = loadConfig(overrides);
  const show = createShow(options.show);
  // Step logs (stack events, emptied prefixes) go where the display's text goes.
  const log = options.show?.write ?? ((line: string) => console.log(line));
  let store: Promise<ObjectStore> | undefined;
  let catalog: Catalog | undefined;
  let graph: GraphConnection | undefined;
  let loadsSinceConnect = 0;

  const getStore = () => (store ??= createObjectStore(config));
  const getCatalog = async () => (catalog ??= createCatalog(config, await getStore()));
  const closeGraph = async () => {
    const current = graph;
    graph = undefined;
    await current?.close();
  };
  const getGraph = async () => {
    // A load in this kit, or a save by another kernel, makes the open graph out of date.
    if (graph && loadsSinceConnect === 0 && !(graph.graphStore?.isStale() ?? false)) return graph;
    await closeGraph();
    graph = await connectGraph(config);
    loadsSinceConnect = 0;
    return graph;
  };
  const progressOf = (step: string, unit: string) => show.progress(step, unit);
  const withCloudFormation = async <T>(use: (client: CloudFormationClient) => Promise<T>): Promise<T> => {
    const client = new CloudFormationClient({ region: config.region });
    try {
      return await use(client);
    } finally {
      client.destroy();
    }
  };

  return {
    config,
    show,
    async preflight() {
      const checks: PreflightCheck[] = [
        { check: 'configuration', ok: true, detail: `mode ${config.mode}, region ${config.region}, data dir ${config.dataDir}` },
      ];
      const attempt = async (check: string, run: () => Promise<string>) => {
        try {
          checks.push({ check, ok: true, detail: await run() });
        } catch (error) {
          checks.push({ check, ok: false, detail: (error as Error).message });
        }
      };
      await attempt('object store', async () => {
        const objectStore = await getStore();
        return `s3://${objectStore.bucket} (${objectStore.name})`;
      });
      if (config.mode === 'aws') {
        await attempt('Neptune engine status', async () => {
          const client = createNeptunedataClient(config);
          try {
            const status = await client.send(new GetEngineStatusCommand({}));
            return `${status.status ?? '?'}, engine ${status.dbEngineVersion ?? '?'}`;
          } finally {
            client.destroy();
          }
        });
      }
      await attempt('graph', async () => {
        const { g } = await getGraph();
        const vertices = Number((await g.V().count().next()).value);
        return `${config.mode === 'aws' ? `wss://${config.neptune?.host}:${config.neptune?.port}/gremlin` : 'embedded engine'}: ${vertices.toLocaleString('en-US')} vertices`;
      });
      await attempt('TinkerPop driver', async () => {
        const version = String(createRequire(import.meta.url)('gremlin/package.json').version);
        if (!version.startsWith('3.7.')) throw new Error(`gremlin ${version}: Neptune needs a 3.7.x client`);
        return `gremlin ${version} (Neptune accepts TinkerPop 3.7.x clients)`;
      });
      return checks;
    },
    async preview(dataset, previewOptions = {}) {
      const path = join(config.generatedDir, datasetFileName(dataset as DatasetName, previewOptions.incremental ?? false));
      if (!existsSync(path)) throw new NotFoundError(kitMessage('kit', `${path} does not exist: run generate first`));
      const wanted = previewOptions.rows ?? 5;
      const rows: Record<string, string>[] = [];
      let header: string[] | undefined;
      const stream = createReadStream(path);
      try {
        reading: for await (const batch of readCsvRecords(stream)) {
          for (const record of batch) {
            if (!header) {
              header = record.fields;
              continue;
            }
            rows.push(Object.fromEntries(header.map((name, i) => [name, record.fields[i] ?? ''])));
            if (rows.length >= wanted) break reading;
          }
        }
      } finally {
        stream.destroy();
      }
      return rows;
    },
    async generate(generateOptions = {}) {
      const progress = progressOf('generate', 'rows');
      const report = await generateDatasets({
        records: generateOptions.records ?? config.records,
        uniqueness: generateOptions.uniqueness ?? 30,
        incremental: generateOptions.incremental ?? false,
        seed: generateOptions.seed ?? config.seed,
        outDir: config.generatedDir,
        onProgress: (p) => {
          progress.update(p.rows, p.totalRows);
          generateOptions.onProgress?.(p);
        },
      });
      progress.finish(`${report.files.length} files in ${(report.elapsedMs / 1000).toFixed(1)} s`);
      return report;
    },
    async upload(uploadOptions = {}) {
      if (config.mode === 'aws' && !store) {
        // A fresh account has no bucket before the first upload: create it (or find it) first.
        const s3 = new S3Client({ region: config.region });
        try {
          await createKitBucket(s3, { bucket: config.bucket, region: config.region, stackPrefix: config.stackPrefix, log });
        } finally {
          s3.destroy();
        }
      }
      return uploadDatasets(await getStore(), {
        dir: config.generatedDir,
        incremental: uploadOptions.incremental,
        batch: uploadOptions.batch,
      });
    },
    async provision() {
      if (config.mode === 'local') return provisionLocal({ config });
      const cloudFormation = new CloudFormationClient({ region: config.region });
      const s3 = new S3Client({ region: config.region });
      try {
        // The bucket is created first when missing: the store below checks that it exists.
        await createKitBucket(s3, { bucket: config.bucket, region: config.region, stackPrefix: config.stackPrefix, log });
        return await provisionAws({ config, cloudFormation, store: await getStore(), log });
      } finally {
        cloudFormation.destroy();
        s3.destroy();
      }
    },
    async verify() {
      if (config.mode === 'local') {
        const provisioned = await provisionLocal({ config });
        const checks: PreflightCheck[] = [{ check: 'templates', ok: true, detail: `valid; ${Object.keys(provisioned.outputs).length} outputs with local values` }];
        try {
          const { g } = await getGraph();
          const vertices = Number((await g.V().count().next()).value);
          checks.push({ check: 'graph engine', ok: true, detail: `embedded engine, ${vertices.toLocaleString('en-US')} vertices` });
        } catch (error) {
          checks.push({ check: 'graph engine', ok: false, detail: (error as Error).message });
        }
        checks.push({ check: 'IAM authentication', ok: true, detail: 'not used by the embedded engine (on in aws mode)' });
        checks.push({ check: 'loader', ok: true, detail: 'embedded bulk loader reads the embedded S3 (no role)' });
        return { mode: 'local', checks, outputs: provisioned.outputs, ok: checks.every((c) => c.ok) };
      }
      const cloudFormation = new CloudFormationClient({ region: config.region });
      // The stacks may name the endpoint when nothing else does: read them before the engine.
      await completeStackOutputs(config, cloudFormation, 'NeptuneClusterEndpoint').catch(() => undefined);
      const neptunedata = config.neptune || config.stackOutputs.NeptuneClusterEndpoint ? createNeptuneAdminClient(config) : undefined;
      try {
        return { mode: 'aws', ...(await checkAwsDeployment({ config, cloudFormation, neptunedata })) };
      } finally {
        cloudFormation.destroy();
        neptunedata?.destroy();
      }
    },
    async crawl() {
      const progress = progressOf('crawl', '');
      const result = await (await getCatalog()).crawl();
      progress.finish(`${result.status}: ${result.tables.length} tables`);
      return result;
    },
    async fixSchemas(fixOptions = {}) {
      return fixTableSchemas(await getCatalog(), { incremental: fixOptions.incremental });
    },
    async transform(transformOptions = {}) {
      const objectStore = await getStore();
      const sourceCatalog = await getCatalog();
      if (config.mode === 'local') {
        const progress = progressOf('transform', 'steps');
        const report = await runLocalTransform({
          store: objectStore,
          catalog: sourceCatalog,
          batch: transformOptions.batch,
          onProgress: (p: TransformProgress) => progress.update(p.done, p.total),
        });
        progress.finish(`${report.files.length} files`);
        return report;
      }
      // In the Workbench the config file has no stack outputs (provisioning ran elsewhere): read them.
      if (!config.glueJobName && !config.stackOutputs.GlueJobName) await withCloudFormation((cf) => completeStackOutputs(config, cf, 'GlueJobName'));
      const jobName = config.glueJobName ?? config.stackOutputs.GlueJobName;
      if (!jobName) throw new NotFoundError(kitMessage('glue', 'no Glue job name: provision first (stack output GlueJobName)'));
      const glue = new GlueClient({ region: config.region });
      try {
        return await runAwsTransform({ store: objectStore, catalog: sourceCatalog, glue, jobName, batch: transformOptions.batch });
      } finally {
        glue.destroy();
      }
    },
    async load(loadOptions = {}) {
      if (config.mode === 'aws' && !config.loaderRoleArn && !config.stackOutputs.NeptuneLoaderRoleArn) {
        await withCloudFormation((cf) => completeStackOutputs(config, cf, 'NeptuneLoaderRoleArn'));
      }
      const loader = createBulkLoader(config, { store: await getStore() });
      const progress = progressOf('load', 'records');
      const status = await loader.load({
        prefix: graphPrefix(loadOptions.batch),
        // An incremental batch carries updated values of single-cardinality properties (a returning
        // customer's new loyalty points): replace them, as Neptune's loader does with
        // updateSingleCardinalityProperties (https://docs.aws.amazon.com/neptune/latest/userguide/load-api-reference-load.html).
        updateSingleCardinalityProperties: loadOptions.batch !== undefined,
        onProgress: (p: LoadProgress) => progress.update(p.recordsDone),
      });
      loadsSinceConnect++;
      // Neptune's loader only adds edges: a returning customer's new loyalty level or phone is
      // a new edge beside the old one, which this step drops (src/loader/drop-superseded-edges.ts).
      status.supersededEdges = await dropSupersededEdgesInGraph(config, { store: await getStore(), prefix: graphPrefix(loadOptions.batch) });
      progress.finish(`${status.overallStatus.status}: ${status.overallStatus.totalRecords.toLocaleString('en-US')} records`);
      return status;
    },
    graph: getGraph,
    async queries() {
      return createQueryCatalogue((await getGraph()).g);
    },
    async groundTruth() {
      const files = [false, true]
        .map((incremental) => join(config.generatedDir, datasetFileName(GROUND_TRUTH_NAME, incremental)))
        .filter((path) => existsSync(path));
      if (files.length === 0) {
        throw new NotFoundError(kitMessage('kit', `no ground truth in ${config.generatedDir}: run generate first`));
      }
      return readGroundTruth(files);
    },
    async cleanup() {
      await closeGraph();
      if (config.mode === 'aws') {
        const neptunedata = createNeptuneAdminClient(config);
        try {
          const removed = await removePipelineData({ store: await getStore(), neptunedata, log });
          const removedLocal = await removeLocalState({ dataDir: config.dataDir, generatedDir: config.generatedDir });
          return { deletedStacks: [], emptiedPrefixes: removed.emptiedPrefixes, graphReset: removed.graphReset, removedLocal, destroyCommand: removed.destroyCommand };
        } finally {
          neptunedata.destroy();
        }
      }
      // Local: what `idgraph destroy` does, the same function: every prefix, then the local state.
      const result = await destroyKit({ config, store: await getStore(), log });
      const opened = store;
      store = undefined;
      catalog = undefined;
      await (await opened)?.close();
      const removedLocal = await removeLocalState(config);
      return { deletedStacks: result.deletedStacks, emptiedPrefixes: result.emptiedPrefixes, graphReset: true, removedLocal };
    },
    async close() {
      await closeGraph();
      const opened = store;
      store = undefined;
      catalog = undefined;
      await (await opened)?.close();
    },
  };
}
