/**
 * The status document of a bulk load, shaped like the `payload` of Neptune's loader Get-Status
 * response (https://docs.aws.amazon.com/neptune/latest/userguide/load-api-reference-status-response.html),
 * so that a notebook shows the same table whether Neptune or the embedded loader did the work.
 */

/** Statuses that mean "not finished yet" (https://docs.aws.amazon.com/neptune/latest/userguide/loader-message.html). */
export const PENDING_LOAD_STATUSES: readonly string[] = ['LOAD_NOT_STARTED', 'LOAD_IN_QUEUE', 'LOAD_IN_PROGRESS'];

/** Counts of one feed (one file) or of the whole load. */
export interface FeedStatus {
  /** `s3://bucket/key` of the file (or of the folder, for the overall status). */
  fullUri: string;
  runNumber: number;
  retryNumber: number;
  /** LOAD_COMPLETED, LOAD_FAILED, LOAD_IN_PROGRESS, ... */
  status: string;
  /** Seconds. */
  totalTimeSpent: number;
  /** Epoch seconds. */
  startTime?: number;
  totalRecords: number;
  totalDuplicates: number;
  parsingErrors: number;
  datatypeMismatchErrors: number;
  insertErrors: number;
}

/** One entry of `errors.errorLogs`. */
export interface LoadErrorLog {
  /** PARSING_ERROR, FROM_OR_TO_VERTEX_ARE_MISSING, DATATYPE_MISMATCH, ... */
  errorCode: string;
  errorMessage: string;
  /** `s3://bucket/key` of the file holding the record. */
  fileName: string;
  /** 1-based number of the data record in its file (the header row is record 0). */
  recordNum: number;
}

export interface LoadErrors {
  startIndex: number;
  endIndex: number;
  loadId: string;
  errorLogs: LoadErrorLog[];
}

export interface LoadStatus {
  /** How many feeds ended in each status, as Neptune's `feedCount`. */
  feedCount?: Record<string, number>[];
  overallStatus: FeedStatus;
  failedFeeds: FeedStatus[];
  errors: LoadErrors;
  /** Per-file counts (the embedded loader reports every feed; Neptune only failed ones). */
  feeds?: FeedStatus[];
  /** Load ids, in start order (Neptune: vertex load then edge load). */
  loadIds?: string[];
  /**
   * The kit's step after the load (not Neptune's): single-valued edges the loaded files
   * superseded, dropped per label (src/loader/drop-superseded-edges.ts).
   */
  supersededEdges?: { label: string; loaded: number; dropped: number }[];
}

export interface LoadProgress {
  /** File (embedded loader) or source folder (Neptune job) being loaded, `s3://bucket/key`. */
  fileName: string;
  /** Records processed so far in this load (embedded: all files so far; Neptune: the job's count). */
  recordsDone: number;
  /** Records of this file so far (embedded loader only). */
  fileRecordsDone?: number;
  status: string;
}

export interface LoadOptions {
  /** The folder holding `vertices/` and `edges/` (e.g. `datasets/graph/initial/`), or any folder of Gremlin CSV files. */
  prefix: string;
  /** Stop at the first error (LOAD_FAILED). Default true, as Neptune's loader. */
  failOnError?: boolean;
  /** Neptune's `parallelism` (LOW, MEDIUM, HIGH, OVERSUBSCRIBE); ignored by the embedded loader. */
  parallelism?: 'LOW' | 'MEDIUM' | 'HIGH' | 'OVERSUBSCRIBE';
  /** Replace values of single-cardinality properties instead of reporting an error. */
  updateSingleCardinalityProperties?: boolean;
  onProgress?: (progress: LoadProgress) => void;
}

/** A bulk loader backend: Neptune's loader API or the embedded loader. */
export interface BulkLoader {
  /** Backend name for messages: "neptune" or "embedded". */
  readonly name: string;
  /** Loads every Gremlin CSV file under the prefix, vertices first, and returns the final status. */
  load(options: LoadOptions): Promise<LoadStatus>;
}

export function createFeedStatus(fullUri: string, startTime: number): FeedStatus {
  return {
    fullUri,
    runNumber: 1,
    retryNumber: 0,
    status: 'LOAD_IN_PROGRESS',
    totalTimeSpent: 0,
    startTime,
    totalRecords: 0,
    totalDuplicates: 0,
    parsingErrors: 0,
    datatypeMismatchErrors: 0,
    insertErrors: 0,
  };
}

/** Number of errors of any kind in a feed. */
export function countFeedErrors(feed: FeedStatus): number {
  return feed.parsingErrors + feed.datatypeMismatchErrors + feed.insertErrors;
}

function pad(text: string, width: number, right = false): string {
  return right ? text.padStart(width) : text.padEnd(width);
}

function renderTable(headers: string[], rows: string[][], numeric: boolean[]): string {
  const widths = headers.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]) => cells.map((c, i) => pad(c, widths[i]!, numeric[i])).join('  ').trimEnd();
  return [line(headers), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(line)].join('\n');
}

/**
 * Renders a load status as text: the overall status, a table of per-file counts and the error
 * log (every entry the status holds), for notebooks and `idgraph load`.
 */
export function formatLoadStatus(status: LoadStatus): string {
  const o = status.overallStatus;
  const lines = [
    `Load ${status.errors.loadId || '(no id)'}: ${o.status} — ${o.totalRecords} records, ` +
      `${o.totalDuplicates} duplicates, ${o.parsingErrors} parsing errors, ` +
      `${o.datatypeMismatchErrors} datatype mismatches, ${o.insertErrors} insert errors, ${o.totalTimeSpent} s`,
  ];
  const feeds = status.feeds ?? status.failedFeeds;
  if (feeds.length > 0) {
    lines.push('');
    const headers = ['file', 'status', 'records', 'duplicates', 'parsing', 'datatype', 'insert'];
    const rows = feeds.map((f) => [
      f.fullUri,
      f.status,
      String(f.totalRecords),
      String(f.totalDuplicates),
      String(f.parsingErrors),
      String(f.datatypeMismatchErrors),
      String(f.insertErrors),
    ]);
    lines.push(renderTable(headers, rows, [false, false, true, true, true, true, true]));
  }
  if (status.errors.errorLogs.length > 0) {
    lines.push('', 'Errors:');
    const rows = status.errors.errorLogs.map((e) => [e.fileName, String(e.recordNum), e.errorCode, e.errorMessage]);
    lines.push(renderTable(['file', 'record', 'code', 'message'], rows, [false, true, false, false]));
  }
  if (status.supersededEdges) {
    const total = status.supersededEdges.reduce((n, r) => n + r.dropped, 0);
    const parts = status.supersededEdges.map((r) => `${r.label} ${r.dropped}`).join(', ');
    lines.push('', `Superseded single-valued edges dropped: ${total}${parts ? ` (${parts})` : ''}`);
  }
  return lines.join('\n') + '\n';
}
