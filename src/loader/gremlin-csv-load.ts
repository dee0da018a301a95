/**
 * The embedded bulk loader's core: applies Neptune's Gremlin CSV rules
 * (https://docs.aws.amazon.com/neptune/latest/userguide/bulk-load-tutorial-format-gremlin.html)
 * to a set of files and writes the records into a PropertyGraph, reporting counts and errors
 * as Neptune's Get-Status does
 * (https://docs.aws.amazon.com/neptune/latest/userguide/load-api-reference-status-response.html).
 *
 * - Vertex files load before edge files (a file whose header has `~from`/`~to` is an edge file).
 * - A record is checked in full before it touches the graph, so a rejected record changes nothing.
 * - A repeated vertex id adds labels and (set-cardinality) property values; a repeated edge id
 *   with the same endpoints and label merges its properties. Both count as duplicates, so
 *   re-running a load reports every record as a duplicate and adds nothing.
 * - A single-cardinality property that already holds a different value is an error unless
 *   `updateSingleCardinalityProperties` is set, then the value is replaced (the format page's
 *   "Specifying the Cardinality of a Column").
 */
import { parseCsv } from '../csv/index.js';
import { InvalidInputError } from '../errors.js';
import { CsvRecordScanner, type FieldSpans } from './csv-record-scanner.js';
import { Utf8ChunkDecoder } from './utf8-chunk-decoder.js';
import type { IdCursor } from '../engine/element-table.js';
import type { Cardinality, PropertyGraph, Vertex, VertexRef } from '../engine/property-graph.js';
import { valuesEqual } from '../engine/values.js';
import { GremlinHeaderError, parseGremlinCsvHeader, type ElementKind, type GremlinCsvHeader } from './gremlin-csv-header.js';
import { INVALID, splitArrayCell } from './gremlin-csv-values.js';
import {
  countFeedErrors,
  createFeedStatus,
  type FeedStatus,
  type LoadErrorLog,
  type LoadProgress,
  type LoadStatus,
} from './load-status.js';

/** One file to load: where it is shown (`s3://bucket/key` or a path) and how to read it. */
export interface CsvFileSource {
  uri: string;
  /** Opens the file as a stream of UTF-8 chunks. */
  open(): Promise<AsyncIterable<Uint8Array | string>>;
  /** Size of the CSV text in bytes when known (not for a compressed file): lets the load make room up front. */
  size?: number;
}

export interface GremlinCsvLoadOptions {
  /** `fullUri` of the overall status (the folder). */
  uri: string;
  /** Id of this load, as Neptune's loadId. */
  loadId: string;
  /** Stop at the first error (default true, as Neptune's loader). */
  failOnError?: boolean;
  updateSingleCardinalityProperties?: boolean;
  onProgress?: (progress: LoadProgress) => void;
  /** Injectable clock (milliseconds), for stable tests. */
  now?: () => number;
}

/**
 * Error codes the embedded loader reports. PARSING_ERROR and FROM_OR_TO_VERTEX_ARE_MISSING are
 * the codes Neptune's error logs show; the others name what Neptune counts (datatype mismatches,
 * insert errors) in the same style.
 */
export const LOAD_ERROR_CODES = {
  parsing: 'PARSING_ERROR',
  datatype: 'DATATYPE_MISMATCH',
  missingVertex: 'FROM_OR_TO_VERTEX_ARE_MISSING',
  cardinality: 'CARDINALITY_VIOLATION',
  edgeConflict: 'EDGE_ID_CONFLICT',
} as const;

type Counter = 'parsingErrors' | 'datatypeMismatchErrors' | 'insertErrors';

class StopLoad extends Error {}

/** A record as the scanner hands it over: `fields[0..count)`, starting on `line`, and where they lie in the text when it has them. */
interface ScannedRecord {
  fields: string[];
  count: number;
  line: number;
  spans: FieldSpans | undefined;
}

const PROGRESS_EVERY = 65_536;
const HEADER_READS_AT_ONCE = 8;
/**
 * Each kept stream holds an HTTP connection of the S3 client until its turn comes, and the AWS
 * SDK's client opens at most 50 (its default `maxSockets`): past that a further request waits for
 * one of the kept streams, which waits for it. 32 leaves room for the rest (the kit's own load has 31 files).
 */
const KEEP_STREAMS_UP_TO = 32;

/** A file's stream that yields again the chunks a header read took from it, then the rest. */
class ReplayStream implements AsyncIterable<Uint8Array | string> {
  constructor(
    private readonly taken: (Uint8Array | string)[],
    private readonly rest: AsyncIterator<Uint8Array | string>,
  ) {}

  async *[Symbol.asyncIterator](): AsyncGenerator<Uint8Array | string> {
    try {
      for (const chunk of this.taken) yield chunk;
      for (;;) {
        const next = await this.rest.next();
        if (next.done) return;
        yield next.value;
      }
    } finally {
      await this.rest.return?.();
    }
  }

  /** Closes the stream when it will not be read. */
  destroy(): void {
    void this.rest.return?.();
  }
}

/** A file with its header fields (undefined when empty) and, when kept, the stream they were read from. */
interface SniffedFile {
  source: CsvFileSource;
  fields: string[] | undefined;
  stream?: ReplayStream;
  /** Its records, estimated from its size and the line breaks in what the header read took (0 when unknown). */
  estimatedRecords: number;
}

/** Line breaks in a chunk (LF; a CR-only file is estimated as one line, and then grows as it loads). */
function countLineFeeds(chunk: Uint8Array | string): number {
  let lines = 0;
  if (typeof chunk === 'string') {
    for (let i = chunk.indexOf('\n'); i !== -1; i = chunk.indexOf('\n', i + 1)) lines++;
  } else {
    for (let i = chunk.indexOf(10); i !== -1; i = chunk.indexOf(10, i + 1)) lines++;
  }
  return lines;
}

/**
 * Reads the header row of a file (the text up to its first line break). With `keep`, the stream
 * stays open for the load to go on reading: one request per file instead of two.
 */
async function readHeader(source: CsvFileSource, keep: boolean): Promise<SniffedFile> {
  const decoder = new TextDecoder('utf-8');
  let text = '';
  const iterator = (await source.open())[Symbol.asyncIterator]();
  const taken: (Uint8Array | string)[] = [];
  for (;;) {
    const next = await iterator.next();
    if (next.done) break;
    const chunk = next.value;
    taken.push(chunk);
    // Blank lines before the header are skipped, as the scanner does.
    text = (text + (typeof chunk === 'string' ? chunk : decoder.decode(chunk, { stream: true }))).replace(/^[\r\n]+/, '');
    const eol = text.search(/[\r\n]/);
    if (eol >= 0) {
      text = text.slice(0, eol);
      break;
    }
    if (text.length > 1_000_000) break;
  }
  let fields: string[] | undefined;
  try {
    fields = parseCsv(text.replace(/^\uFEFF/, ''))[0]?.fields;
  } catch {
    fields = [];
  }
  let lines = 0;
  let bytes = 0;
  for (const chunk of taken) {
    lines += countLineFeeds(chunk);
    bytes += typeof chunk === 'string' ? Buffer.byteLength(chunk) : chunk.length;
  }
  // The header read takes the file's first chunk (64 KiB from a stream): its lines per byte, times the size.
  const estimatedRecords = source.size !== undefined && bytes > 0 && bytes < source.size ? Math.ceil((lines * source.size) / bytes) : 0;
  if (keep) return { source, fields, stream: new ReplayStream(taken, iterator), estimatedRecords };
  await iterator.return?.();
  return { source, fields, estimatedRecords };
}

/**
 * Classifies files into vertex and edge files by their headers, keeping the given order in each.
 * For a job of up to KEEP_STREAMS_UP_TO files the streams the headers were read from are kept for
 * the load (each one request instead of two); beyond that they are closed and opened again later.
 */
async function sortVerticesFirst(files: readonly CsvFileSource[]): Promise<SniffedFile[]> {
  const keep = files.length <= KEEP_STREAMS_UP_TO;
  // A few at a time: each read is a request to the object store, and its latency, not its bytes, is the cost.
  const sniffed: SniffedFile[] = new Array(files.length);
  let next = 0;
  const readNext = async (): Promise<void> => {
    while (next < files.length) {
      const i = next++;
      sniffed[i] = await readHeader(files[i]!, keep);
    }
  };
  try {
    await Promise.all(Array.from({ length: Math.min(HEADER_READS_AT_ONCE, files.length) }, readNext));
  } catch (error) {
    for (const file of sniffed) file?.stream?.destroy();
    throw error;
  }
  return [...sniffed.filter((f) => !isEdgeFile(f)), ...sniffed.filter(isEdgeFile)];
}

function isEdgeFile(file: SniffedFile): boolean {
  return file.fields !== undefined && (file.fields.includes('~from') || file.fields.includes('~to'));
}

/** Ends a stream that will not be read (a Node stream is destroyed; an async iterator returned). */
function closeStream(stream: AsyncIterable<Uint8Array | string>): void {
  const destroyable = stream as { destroy?: () => void };
  if (typeof destroyable.destroy === 'function') destroyable.destroy();
  else void (stream as AsyncIterable<unknown>)[Symbol.asyncIterator]().return?.();
}

/** Loads one load job's files into a graph and returns a Get-Status-shaped document. */
export async function loadGremlinCsvFiles(
  graph: PropertyGraph,
  files: readonly CsvFileSource[],
  options: GremlinCsvLoadOptions,
): Promise<LoadStatus> {
  const now = options.now ?? Date.now;
  const started = now();
  const overall = createFeedStatus(options.uri, Math.floor(started / 1000));
  const feeds: FeedStatus[] = [];
  const errorLogs: LoadErrorLog[] = [];
  let stopped = false;
  const ordered = await sortVerticesFirst(files);
  // Room for the whole job up front: the id tables then grow once, not at each file (a rehash
  // of a million-entry table costs ~50 ms, and there would be one per doubling).
  let vertexRecords = 0;
  let edgeRecords = 0;
  for (const file of ordered) {
    if (isEdgeFile(file)) edgeRecords += file.estimatedRecords;
    else vertexRecords += file.estimatedRecords;
  }
  if (vertexRecords + edgeRecords > 0) graph.reserve(vertexRecords, edgeRecords);
  // A file whose stream was not kept is opened while the one before it loads, so that the
  // request's latency overlaps work.
  let opening: Promise<AsyncIterable<Uint8Array | string>> | undefined;
  let index = 0;
  const openAt = (i: number): Promise<AsyncIterable<Uint8Array | string>> => {
    const kept = ordered[i]!.stream;
    if (kept) return Promise.resolve(kept);
    const pending = ordered[i]!.source.open();
    pending.catch(() => undefined); // awaited (and its error reported) when its turn comes
    return pending;
  };
  try {
    for (; index < ordered.length; index++) {
      const file = ordered[index]!.source;
      const feed = createFeedStatus(file.uri, Math.floor(now() / 1000));
      feeds.push(feed);
      if (stopped) {
        feed.status = 'LOAD_NOT_STARTED';
        ordered[index]!.stream?.destroy();
        ordered[index]!.stream = undefined;
        continue;
      }
      const fileStarted = now();
      const stream = opening ?? openAt(index);
      opening = index + 1 < ordered.length ? openAt(index + 1) : undefined;
      // A kept stream is handed to the loader now: the cleanup below must not close it too.
      ordered[index]!.stream = undefined;
      const loader = new FileLoader(graph, file, feed, errorLogs, options, overall.totalRecords);
      try {
        await loader.run(stream);
      } catch (error) {
        if (!(error instanceof StopLoad)) throw error;
        stopped = true;
      }
      feed.totalTimeSpent = Math.round((now() - fileStarted) / 1000);
      feed.status = countFeedErrors(feed) === 0 ? 'LOAD_COMPLETED' : stopped ? 'LOAD_FAILED' : 'LOAD_COMPLETED_WITH_ERRS';
      for (const key of ['totalRecords', 'totalDuplicates', 'parsingErrors', 'datatypeMismatchErrors', 'insertErrors'] as const) {
        overall[key] += feed[key];
      }
      options.onProgress?.({ fileName: file.uri, recordsDone: overall.totalRecords, fileRecordsDone: feed.totalRecords, status: feed.status });
    }
  } finally {
    // Files opened ahead but never read (the load stopped, or failed): release their streams.
    if (opening) void opening.then(closeStream, () => undefined);
    for (let i = index; i < ordered.length; i++) ordered[i]!.stream?.destroy();
  }
  overall.totalTimeSpent = Math.round((now() - started) / 1000);
  // Neptune's documented final statuses (https://docs.aws.amazon.com/neptune/latest/userguide/loader-message.html)
  // have LOAD_COMPLETED and LOAD_FAILED; with failOnError off, a load that skipped bad records
  // reports LOAD_COMPLETED_WITH_ERRS so that a reader sees at a glance that records were rejected.
  overall.status = stopped ? 'LOAD_FAILED' : countFeedErrors(overall) === 0 ? 'LOAD_COMPLETED' : 'LOAD_COMPLETED_WITH_ERRS';
  const feedCount = new Map<string, number>();
  for (const f of feeds) feedCount.set(f.status, (feedCount.get(f.status) ?? 0) + 1);
  return {
    feedCount: [...feedCount].map(([status, n]) => ({ [status]: n })),
    overallStatus: overall,
    failedFeeds: feeds.filter((f) => f.status !== 'LOAD_COMPLETED' && f.status !== 'LOAD_NOT_STARTED'),
    feeds,
    errors: { startIndex: errorLogs.length > 0 ? 1 : 0, endIndex: errorLogs.length, loadId: options.loadId, errorLogs },
    loadIds: [options.loadId],
  };
}

/**
 * The number of the vertex whose id is `id`, field `field` of an edge record, or -1. Read by
 * span when the scanner gave spans: first next to where this side's last vertex was found
 * (`cursor`; in an edge file sorted by this side, as the kit's ETL sorts by `~from`, the next
 * record names the same vertex or the one added after it, found without a lookup's two cache
 * misses: IdTable.guessIn), else by a lookup, which moves the cursor.
 */
function findEnd(graph: PropertyGraph, id: string, spans: FieldSpans | undefined, field: number, cursor: IdCursor): number {
  if (!spans) return graph.findVertex(id);
  const text = spans.text;
  const start = spans.starts[field]!;
  const end = spans.ends[field]!;
  const next = graph.guessVertexIn(text, start, end, cursor);
  return next >= 0 ? next : graph.findVertexIn(text, start, end, cursor);
}

/** Loads one file: streams its records, checks each in full, then applies it. */
class FileLoader {
  private header: GremlinCsvHeader | undefined;
  /** Data records seen (header excluded): the recordNum of the last record. */
  private recordNum = 0;
  private headerDone = false;
  /** The record being handled (the scanner reuses its fields array). */
  private readonly current: ScannedRecord = { fields: [], count: 0, line: 0, spans: undefined };
  /** Where each side's last edge end was found in the vertex id table (see findEnd). */
  private readonly fromCursor: IdCursor = { entry: -1 };
  private readonly toCursor: IdCursor = { entry: -1 };
  // Reused per record: the checked values waiting to be applied.
  private readonly keys: string[] = [];
  private readonly values: unknown[] = [];
  private readonly cards: Cardinality[] = [];
  /** How many of keys/values/cards hold this record's values (setting `length` per record was ~2 % of a load). */
  private count = 0;
  /**
   * True while records bring new ids: the element is then added straight away (addVertex and
   * addEdge refuse a taken id without changing anything), which saves one id lookup per record
   * (~10 % of a load). A taken id switches to looking up first, so re-running a load (every
   * record a duplicate) does not pay for an exception per record; a new id switches back.
   */
  private expectNew = true;

  constructor(
    private readonly graph: PropertyGraph,
    private readonly file: CsvFileSource,
    private readonly feed: FeedStatus,
    private readonly errorLogs: LoadErrorLog[],
    private readonly options: GremlinCsvLoadOptions,
    /** Records of the files loaded before this one (progress counts the whole load). */
    private readonly recordsBefore: number,
  ) {}

  /** True once the header was refused: the rest of the file is not read. */
  private get rejected(): boolean {
    return this.headerDone && this.header === undefined;
  }

  /** Reads the file from its opened stream (the caller opens it, ahead of time). */
  async run(opened: Promise<AsyncIterable<Uint8Array | string>>): Promise<void> {
    const scanner = new CsvRecordScanner({
      record: (fields, count, line, spans) => this.handle(fields, count, line, spans),
      error: (message) => this.handleSyntaxError(message),
    });
    // Not fatal: Neptune loads bytes that are not UTF-8 "as UTF-8 anyway" (replacement characters).
    const decoder = new Utf8ChunkDecoder();
    for await (const chunk of await opened) {
      scanner.push(decoder.decode(chunk));
      if (this.rejected) return;
    }
    const tail = decoder.end();
    if (tail) scanner.push(tail);
    scanner.end();
  }

  private handle(fields: string[], count: number, line: number, spans: FieldSpans | undefined): void {
    if (this.rejected) return;
    const record = this.current;
    record.fields = fields;
    record.count = count;
    record.line = line;
    record.spans = spans;
    if (!this.headerDone) {
      // TextDecoder drops a UTF-8 BOM; a string chunk may still carry one.
      if (count > 0 && fields[0]!.charCodeAt(0) === 0xfeff) fields[0] = fields[0]!.slice(1);
      this.readHeader(record);
      return;
    }
    this.recordNum++;
    this.feed.totalRecords++;
    if (this.header!.kind === 'vertex') this.loadVertex(record);
    else this.loadEdge(record);
    if ((this.recordNum & (PROGRESS_EVERY - 1)) === 0) {
      this.options.onProgress?.({
        fileName: this.file.uri,
        recordsDone: this.recordsBefore + this.recordNum,
        fileRecordsDone: this.recordNum,
        status: 'LOAD_IN_PROGRESS',
      });
    }
  }

  /** A record that is not RFC 4180: a PARSING_ERROR (the header's: the whole file is refused). */
  private handleSyntaxError(message: string): void {
    if (this.rejected) return;
    if (!this.headerDone) {
      this.headerDone = true;
      this.fail(LOAD_ERROR_CODES.parsing, `header: ${message}`, 0, 'parsingErrors');
      return;
    }
    this.recordNum++;
    this.feed.totalRecords++;
    this.fail(LOAD_ERROR_CODES.parsing, message, this.recordNum, 'parsingErrors');
  }

  private readHeader(record: ScannedRecord): void {
    this.headerDone = true;
    try {
      this.header = parseGremlinCsvHeader(record.fields.slice(0, record.count));
    } catch (error) {
      if (!(error instanceof GremlinHeaderError)) throw error;
      // The whole file is unusable: one error for its header, as Neptune fails the feed.
      this.fail(LOAD_ERROR_CODES.parsing, `header (line ${record.line}): ${error.message}`, 0, 'parsingErrors');
    }
  }

  private fail(errorCode: string, errorMessage: string, recordNum: number, counter: Counter): void {
    this.feed[counter]++;
    this.errorLogs.push({ errorCode, errorMessage, fileName: this.file.uri, recordNum });
    if (this.options.failOnError ?? true) throw new StopLoad();
  }

  /** Checks field count and converts every property cell; false (after reporting) when the record is rejected. */
  private checkRecord(record: ScannedRecord, header: GremlinCsvHeader): boolean {
    const fields = record.fields;
    if (record.count !== header.width) {
      this.fail(
        LOAD_ERROR_CODES.parsing,
        `line ${record.line}: ${record.count} fields, the header has ${header.width}`,
        this.recordNum,
        'parsingErrors',
      );
      return false;
    }
    const keys = this.keys;
    const values = this.values;
    const cards = this.cards;
    let count = 0;
    this.count = 0;
    const properties = header.properties;
    for (let i = 0; i < properties.length; i++) {
      const column = properties[i]!;
      const cell = fields[column.index]!;
      if (cell === '') continue; // an empty cell means "no value"
      if (column.isArray) {
        const parts = splitArrayCell(cell);
        for (let j = 0; j < parts.length; j++) {
          const value = column.convert(parts[j]!);
          if (value === INVALID) return this.mismatch(record, column.header, parts[j]!, column.type);
          keys[count] = column.name;
          values[count] = value;
          cards[count] = column.cardinality;
          count++;
        }
        continue;
      }
      const value = column.convert(cell);
      if (value === INVALID) return this.mismatch(record, column.header, cell, column.type);
      keys[count] = column.name;
      values[count] = value;
      cards[count] = column.cardinality;
      count++;
    }
    this.count = count;
    return true;
  }

  private mismatch(record: ScannedRecord, header: string, cell: string, type: string): false {
    const shown = cell.length > 60 ? `${cell.slice(0, 60)}…` : cell;
    this.fail(
      LOAD_ERROR_CODES.datatype,
      `line ${record.line}, field "${header}": ${JSON.stringify(shown)} is not a ${type}`,
      this.recordNum,
      'datatypeMismatchErrors',
    );
    return false;
  }

  private loadVertex(record: ScannedRecord): void {
    const header = this.header!;
    if (!this.checkRecord(record, header)) return;
    const fields = record.fields;
    const id = fields[header.idIndex]!;
    if (id === '') {
      this.fail(LOAD_ERROR_CODES.parsing, `line ${record.line}: empty ~id`, this.recordNum, 'parsingErrors');
      return;
    }
    const labelCell = header.labelIndex >= 0 ? fields[header.labelIndex]! : '';
    const graph = this.graph;
    const { keys, values, cards, count } = this;
    let known = this.expectNew ? -1 : graph.findVertex(id);
    if (known < 0) {
      if (labelCell === '' || labelCell.indexOf(';') === -1) {
        // One label: add by number; a handle is made only when there are properties to hold.
        const label = labelCell === '' ? 'vertex' : labelCell;
        const spans = record.spans;
        const added = spans
          ? graph.tryAddVertexRecordIn(spans.text, spans.starts[header.idIndex]!, spans.ends[header.idIndex]!, label)
          : graph.tryAddVertexRecord(id, label);
        if (added >= 0) {
          this.expectNew = true;
          if (count > 0) graph.setNewVertexProperties(graph.vertexAt(added), keys, values, cards, count);
          return;
        }
        known = -1 - added;
      } else {
        const v = this.tryAddVertex(id, labelCell.split(';').filter((l) => l !== ''));
        if (v !== undefined) {
          this.expectNew = true;
          for (let i = 0; i < count; i++) graph.setVertexProperty(v, keys[i]!, values[i], cards[i]);
          return;
        }
        known = graph.findVertex(id);
      }
      this.expectNew = false;
    }
    const existing = graph.vertexAt(known);
    // A known vertex: refuse the whole record before changing anything if a single value clashes.
    if (!this.options.updateSingleCardinalityProperties) {
      for (let i = 0; i < count; i++) {
        if (cards[i] !== 'single') continue;
        const clash = this.findOtherValue(existing, keys[i]!, values[i]);
        if (clash !== undefined) {
          this.fail(
            LOAD_ERROR_CODES.cardinality,
            `line ${record.line}: vertex ${JSON.stringify(id)} already has ${keys[i]} = ${JSON.stringify(clash)} ` +
              `(single cardinality; set updateSingleCardinalityProperties to replace it)`,
            this.recordNum,
            'insertErrors',
          );
          return;
        }
      }
    }
    this.feed.totalDuplicates++;
    if (labelCell !== '') for (const l of labelCell.split(';')) if (l !== '') graph.addVertexLabel(existing, l);
    for (let i = 0; i < count; i++) {
      if (cards[i] === 'single' && this.hasOnlyValue(existing, keys[i]!, values[i])) continue;
      graph.setVertexProperty(existing, keys[i]!, values[i], cards[i]);
    }
  }

  /** Adds the vertex, or returns undefined (having changed nothing) when its id is taken. */
  private tryAddVertex(id: string, label: string | string[]): Vertex | undefined {
    try {
      return this.graph.addVertex(id, label);
    } catch (error) {
      if (error instanceof InvalidInputError) return undefined;
      throw error;
    }
  }

  /** A value of `key` on the vertex that differs from `value`, or undefined. */
  private findOtherValue(v: VertexRef, key: string, value: unknown): unknown {
    for (const p of this.graph.vertexPropertyObjects(v)) if (p.key === key && !valuesEqual(p.value, value)) return p.value;
    return undefined;
  }

  private hasOnlyValue(v: VertexRef, key: string, value: unknown): boolean {
    let found = false;
    for (const p of this.graph.vertexPropertyObjects(v)) {
      if (p.key !== key) continue;
      if (!valuesEqual(p.value, value)) return false;
      found = true;
    }
    return found;
  }

  private loadEdge(record: ScannedRecord): void {
    const header = this.header!;
    if (!this.checkRecord(record, header)) return;
    const fields = record.fields;
    const id = fields[header.idIndex]!;
    const from = fields[header.fromIndex]!;
    const to = fields[header.toIndex]!;
    if (id === '' || from === '' || to === '') {
      const which = id === '' ? '~id' : from === '' ? '~from' : '~to';
      this.fail(LOAD_ERROR_CODES.parsing, `line ${record.line}: empty ${which}`, this.recordNum, 'parsingErrors');
      return;
    }
    const label = header.labelIndex >= 0 && fields[header.labelIndex] !== '' ? fields[header.labelIndex]! : 'edge';
    const graph = this.graph;
    const spans = record.spans;
    const outV = findEnd(graph, from, spans, header.fromIndex, this.fromCursor);
    const inV = findEnd(graph, to, spans, header.toIndex, this.toCursor);
    if (outV < 0 || inV < 0) {
      // Neptune's own wording for this error (load-api-reference-error-logs-examples).
      this.fail(
        LOAD_ERROR_CODES.missingVertex,
        `Either from vertex, '${from}', or to vertex, '${to}', is not present.`,
        this.recordNum,
        'insertErrors',
      );
      return;
    }
    const { keys, values, count } = this;
    let existing = this.expectNew ? -1 : graph.findEdge(id);
    if (existing < 0) {
      const added = spans
        ? graph.tryAddEdgeRecordIn(spans.text, spans.starts[header.idIndex]!, spans.ends[header.idIndex]!, label, outV, inV)
        : graph.tryAddEdgeRecord(id, label, outV, inV);
      if (added >= 0) {
        this.expectNew = true;
        for (let i = 0; i < count; i++) graph.setEdgePropertyAt(added, keys[i]!, values[i]);
        return;
      }
      this.expectNew = false;
      existing = -1 - added;
    }
    if (graph.edgeLabelAt(existing) !== label || graph.edgeOutAt(existing) !== outV || graph.edgeInAt(existing) !== inV) {
      this.fail(
        LOAD_ERROR_CODES.edgeConflict,
        `line ${record.line}: edge id ${JSON.stringify(id)} already names a ${graph.edgeLabelAt(existing)} edge ` +
          `${JSON.stringify(graph.vertexIdAt(graph.edgeOutAt(existing)))} -> ${JSON.stringify(graph.vertexIdAt(graph.edgeInAt(existing)))}`,
        this.recordNum,
        'insertErrors',
      );
      return;
    }
    if (!this.options.updateSingleCardinalityProperties) {
      for (let i = 0; i < count; i++) {
        const old = graph.edgePropertyAt(existing, keys[i]!);
        if (old !== undefined && !valuesEqual(old, values[i])) {
          this.fail(
            LOAD_ERROR_CODES.cardinality,
            `line ${record.line}: edge ${JSON.stringify(id)} already has ${keys[i]} = ${JSON.stringify(old)} ` +
              `(edge properties are single; set updateSingleCardinalityProperties to replace it)`,
            this.recordNum,
            'insertErrors',
          );
          return;
        }
      }
    }
    this.feed.totalDuplicates++;
    for (let i = 0; i < count; i++) {
      if (valuesEqual(graph.edgePropertyAt(existing, keys[i]!), values[i])) continue;
      graph.setEdgePropertyAt(existing, keys[i]!, values[i]);
    }
  }
}

export type { ElementKind };
