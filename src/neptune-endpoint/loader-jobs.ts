/**
 * The bulk-load jobs of the Neptune-compatible endpoint: Neptune's loader semantics
 * (https://docs.aws.amazon.com/neptune/latest/userguide/load-api-reference-load.html) over the
 * embedded loader. Jobs run one after another in submission order; a job with `queueRequest`
 * false is refused while another runs; `dependencies` name jobs that must have completed
 * (otherwise LOAD_FAILED_BECAUSE_DEPENDENCY_NOT_SATISFIED); a cancelled queued job never runs,
 * a cancelled running job stops at its next progress point and keeps what it loaded (a Neptune
 * load is not one transaction). The graph is saved after every job that changed it.
 */
import { randomUUID } from 'node:crypto';
import type { LocalGraphStore } from '../graph/local-graph-store.js';
import type { ObjectStore } from '../lake/object-store.js';
import { listObjectSources } from '../loader/embedded-bulk-loader.js';
import { loadGremlinCsvFiles } from '../loader/gremlin-csv-load.js';
import { createFeedStatus, type LoadStatus } from '../loader/load-status.js';
import { badRequest } from './neptune-error.js';

/** A validated load request. */
export interface LoaderJobRequest {
  /** `s3://bucket/prefix`. */
  source: string;
  bucket: string;
  prefix: string;
  failOnError: boolean;
  updateSingleCardinalityProperties: boolean;
  queueRequest: boolean;
  dependencies: string[];
}

export interface LoaderJob {
  loadId: string;
  request: LoaderJobRequest;
  /** The status document: LOAD_IN_QUEUE, LOAD_IN_PROGRESS, then the loader's final one. */
  status: LoadStatus;
  cancelRequested: boolean;
}

export interface LoaderJobQueueOptions {
  /** The object store of a bucket (the S3 endpoint the server was given). */
  openBucket: (bucket: string) => ObjectStore;
  graphStore: LocalGraphStore;
  now?: () => number;
  /** Jobs remembered (oldest forgotten first); Neptune keeps a bounded history too. */
  maxJobs?: number;
}

/** Statuses after which a job never changes again. */
const PENDING = new Set(['LOAD_IN_QUEUE', 'LOAD_IN_PROGRESS']);

class LoadCancelled extends Error {}

export class LoaderJobQueue {
  private readonly jobs = new Map<string, LoaderJob>();
  private readonly waiting: LoaderJob[] = [];
  private running: LoaderJob | undefined;
  private drained: Promise<void> = Promise.resolve();
  private readonly now: () => number;

  constructor(private readonly options: LoaderJobQueueOptions) {
    this.now = options.now ?? Date.now;
  }

  /** Accepts a job; BadRequestException when it cannot be queued. Returns its loadId. */
  submit(request: LoaderJobRequest): string {
    const busy = this.running !== undefined || this.waiting.length > 0;
    if (busy && !request.queueRequest) {
      throw badRequest(`Failed to start new load for the source ${request.source}. Max concurrent load limit breached. Limit is 1 (queueRequest is false)`);
    }
    if (this.waiting.length >= 64) throw badRequest('Failed to start new load: the queue already holds 64 loads, the most Neptune queues');
    for (const dependency of request.dependencies) {
      if (!this.jobs.has(dependency)) throw badRequest(`Failed to start new load: dependency ${dependency} is not a known loadId`);
    }
    const loadId = randomUUID();
    const overall = createFeedStatus(request.source, Math.floor(this.now() / 1000));
    overall.status = 'LOAD_IN_QUEUE';
    const job: LoaderJob = {
      loadId,
      request,
      status: { overallStatus: overall, failedFeeds: [], feedCount: [], errors: { startIndex: 0, endIndex: 0, loadId, errorLogs: [] } },
      cancelRequested: false,
    };
    this.jobs.set(loadId, job);
    this.forgetOldJobs();
    this.waiting.push(job);
    // A job's own failure is in its status; the chain must survive it for the jobs after.
    this.drained = this.drained.then(() => this.runNext()).catch(() => undefined);
    return loadId;
  }

  get(loadId: string): LoaderJob | undefined {
    return this.jobs.get(loadId);
  }

  /** Load ids, newest first, as Neptune lists them. */
  list(limit: number, includeQueued: boolean): string[] {
    const ids = [...this.jobs.values()].filter((j) => includeQueued || j.status.overallStatus.status !== 'LOAD_IN_QUEUE').map((j) => j.loadId);
    return ids.reverse().slice(0, limit);
  }

  /** Cancels a job; false when it had already finished. */
  cancel(loadId: string): boolean {
    const job = this.jobs.get(loadId);
    if (!job || !PENDING.has(job.status.overallStatus.status)) return false;
    job.cancelRequested = true;
    const index = this.waiting.indexOf(job);
    if (index >= 0) {
      this.waiting.splice(index, 1);
      job.status.overallStatus.status = 'LOAD_CANCELLED_BY_USER';
    }
    return true;
  }

  /** True while a job runs or waits (a database reset must not pull the graph from under it). */
  get busy(): boolean {
    return this.running !== undefined || this.waiting.length > 0;
  }

  /** Resolves when every job submitted so far has finished. */
  idle(): Promise<void> {
    return this.drained;
  }

  private forgetOldJobs(): void {
    const max = this.options.maxJobs ?? 1000;
    for (const [id, job] of this.jobs) {
      if (this.jobs.size <= max) break;
      if (!PENDING.has(job.status.overallStatus.status)) this.jobs.delete(id);
    }
  }

  private async runNext(): Promise<void> {
    const job = this.waiting.shift();
    if (!job) return;
    this.running = job;
    try {
      await this.run(job);
    } finally {
      this.running = undefined;
    }
  }

  private async run(job: LoaderJob): Promise<void> {
    const overall = job.status.overallStatus;
    const failedDependency = job.request.dependencies.find((id) => this.jobs.get(id)?.status.overallStatus.status !== 'LOAD_COMPLETED');
    if (failedDependency !== undefined) {
      overall.status = 'LOAD_FAILED_BECAUSE_DEPENDENCY_NOT_SATISFIED';
      return;
    }
    overall.status = 'LOAD_IN_PROGRESS';
    overall.startTime = Math.floor(this.now() / 1000);
    const { graphStore } = this.options;
    const versionBefore = graphStore.graph.version;
    try {
      if (graphStore.isStale()) {
        throw new Error(`${graphStore.path} was replaced by another process while the endpoint served it; restart idgraph serve to load into the current graph`);
      }
      const sources = await listObjectSources(this.options.openBucket(job.request.bucket), job.request.prefix);
      if (sources.length === 0) {
        overall.status = 'LOAD_FAILED_INVALID_REQUEST';
        job.status.errors.errorLogs.push({ errorCode: 'LOAD_FAILED_INVALID_REQUEST', errorMessage: `no objects under ${job.request.source}`, fileName: job.request.source, recordNum: 0 });
        job.status.errors.startIndex = 1;
        job.status.errors.endIndex = 1;
        return;
      }
      const status = await loadGremlinCsvFiles(graphStore.graph, sources, {
        uri: job.request.source,
        loadId: job.loadId,
        failOnError: job.request.failOnError,
        updateSingleCardinalityProperties: job.request.updateSingleCardinalityProperties,
        now: this.now,
        onProgress: (progress) => {
          overall.totalRecords = progress.recordsDone;
          if (job.cancelRequested) throw new LoadCancelled();
        },
      });
      status.overallStatus.startTime = overall.startTime;
      job.status = status;
    } catch (error) {
      if (error instanceof LoadCancelled) overall.status = 'LOAD_CANCELLED_BY_USER';
      else {
        overall.status = 'LOAD_FAILED';
        job.status.errors.errorLogs.push({ errorCode: 'LOAD_S3_READ_ERROR', errorMessage: (error as Error).message, fileName: job.request.source, recordNum: 0 });
        job.status.errors.startIndex = 1;
        job.status.errors.endIndex = job.status.errors.errorLogs.length;
      }
    } finally {
      job.status.overallStatus.totalTimeSpent = Math.round((this.now() - overall.startTime * 1000) / 1000);
      // Records loaded before a failure or a cancel stay, as in Neptune: save whatever changed.
      if (graphStore.graph.version !== versionBefore && !graphStore.isStale()) {
        try {
          await graphStore.save();
        } catch (error) {
          job.status.overallStatus.status = 'LOAD_FAILED';
          job.status.errors.errorLogs.push({ errorCode: 'LOAD_UNEXPECTED_ERROR', errorMessage: `saving the graph failed: ${(error as Error).message}`, fileName: job.request.source, recordNum: 0 });
          job.status.errors.endIndex = job.status.errors.errorLogs.length;
          job.status.errors.startIndex = 1;
        }
      }
    }
  }
}
