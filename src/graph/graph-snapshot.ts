/**
 * A compact binary snapshot of a PropertyGraph, written and read in blocks so that neither side
 * holds the whole file (nor one giant JSON string) in memory.
 *
 * Layout: the magic `IDGRAPH2`, then blocks `[u32 byteLength][entries]`, each block holding whole
 * entries: vertices (tag 1), then edges (tag 2), then one end entry (tag 3) with the counts,
 * which is how a reader knows the file is complete. Edges name their vertices by position in
 * the file (varint), not by id: reopening then needs no id lookups for them. Labels and property keys are coded through
 * a dictionary built as the file is written (varint 0 = a new string follows, n = the (n-1)th
 * string); ids and string values are inline (varint byte length + UTF-8); integers in the safe
 * range are zigzag varints, other numbers float64.
 */
import { fsyncSync, readSync, readlinkSync, writeSync } from 'node:fs';
import { DiskFullError, InvalidInputError, isDiskFull, kitMessage } from '../errors.js';
import { PropertyGraph, type ElementId } from '../engine/property-graph.js';

const MAGIC = Buffer.from('IDGRAPH2', 'latin1');
const BLOCK_TARGET = 1 << 20;

const ENTRY_VERTEX = 1;
const ENTRY_EDGE = 2;
const ENTRY_END = 3;

const V_STRING = 0;
const V_INT = 1;
const V_FLOAT = 2;
const V_TRUE = 3;
const V_FALSE = 4;
const V_DATE = 5;
const V_ARRAY = 6;
const V_BIGINT = 7;

const BACKEND = 'local-graph';

class SnapshotWriter {
  private buf = Buffer.allocUnsafe(BLOCK_TARGET + 65_536);
  private pos = 4; // room for the block length
  private readonly dict = new Map<string, number>();
  bytesWritten = 0;

  constructor(
    private readonly fd: number,
    private readonly onBlock?: (bytesWritten: number) => void,
  ) {
    writeSync(fd, MAGIC);
    this.bytesWritten = MAGIC.length;
  }

  private ensure(n: number): void {
    if (this.pos + n <= this.buf.length) return;
    const bigger = Buffer.allocUnsafe(Math.max(this.buf.length * 2, this.pos + n));
    this.buf.copy(bigger, 0, 0, this.pos);
    this.buf = bigger;
  }

  byte(b: number): void {
    this.ensure(1);
    this.buf[this.pos++] = b;
  }

  varint(n: number): void {
    this.ensure(10);
    while (n >= 0x80) {
      this.buf[this.pos++] = (n % 0x80) | 0x80;
      n = Math.floor(n / 0x80);
    }
    this.buf[this.pos++] = n;
  }

  string(s: string): void {
    const n = Buffer.byteLength(s, 'utf8');
    this.varint(n);
    this.ensure(n);
    this.pos += this.buf.write(s, this.pos, 'utf8');
  }

  name(s: string): void {
    const ref = this.dict.get(s);
    if (ref !== undefined) {
      this.varint(ref + 1);
      return;
    }
    this.dict.set(s, this.dict.size);
    this.varint(0);
    this.string(s);
  }

  value(v: unknown): void {
    switch (typeof v) {
      case 'string':
        this.byte(V_STRING);
        this.string(v);
        return;
      case 'number':
        if (Number.isSafeInteger(v) && !Object.is(v, -0)) {
          this.byte(V_INT);
          this.varint(v >= 0 ? v * 2 : -v * 2 - 1);
        } else {
          this.byte(V_FLOAT);
          this.ensure(8);
          this.buf.writeDoubleLE(v, this.pos);
          this.pos += 8;
        }
        return;
      case 'boolean':
        this.byte(v ? V_TRUE : V_FALSE);
        return;
      case 'bigint':
        this.byte(V_BIGINT);
        this.string(v.toString());
        return;
    }
    if (v instanceof Date) {
      this.byte(V_DATE);
      this.ensure(8);
      this.buf.writeDoubleLE(v.getTime(), this.pos);
      this.pos += 8;
      return;
    }
    if (Array.isArray(v)) {
      this.byte(V_ARRAY);
      this.varint(v.length);
      for (const x of v) this.value(x);
      return;
    }
    throw new InvalidInputError(kitMessage(BACKEND, `cannot store a property value of type ${Object.prototype.toString.call(v)}`));
  }

  /** Ends an entry; writes the block once it is big enough. */
  endEntry(): void {
    if (this.pos >= BLOCK_TARGET) this.flush();
  }

  flush(): void {
    if (this.pos === 4) return;
    this.buf.writeUInt32LE(this.pos - 4, 0);
    let off = 0;
    while (off < this.pos) off += writeSync(this.fd, this.buf, off, this.pos - off);
    this.bytesWritten += this.pos;
    this.pos = 4;
    this.onBlock?.(this.bytesWritten);
  }
}

export interface WriteSnapshotOptions {
  /** Called after each block reaches the file (tests use it to simulate a crash mid-write). */
  onBlock?: (bytesWritten: number) => void;
}

/**
 * Writes a snapshot of the graph to an open file descriptor and fsyncs it; returns the bytes
 * written. A full disk throws DiskFullError naming the file.
 */
export function writeGraphSnapshot(graph: PropertyGraph, fd: number, options: WriteSnapshotOptions = {}): number {
  try {
    return writeSnapshotEntries(graph, fd, options);
  } catch (error) {
    if (!isDiskFull(error)) throw error;
    throw new DiskFullError(kitMessage(BACKEND, `saving the graph failed: no space left on device writing ${describeFile(fd)}`), { cause: error });
  }
}

/** The path an open file descriptor refers to (Linux's /proc), for messages. */
function describeFile(fd: number): string {
  try {
    return readlinkSync(`/proc/self/fd/${fd}`);
  } catch {
    return `file descriptor ${fd}`;
  }
}

function writeSnapshotEntries(graph: PropertyGraph, fd: number, options: WriteSnapshotOptions): number {
  const w = new SnapshotWriter(fd, options.onBlock);
  let vertices = 0;
  let edges = 0;
  // Element numbers, not handles: saving must not make a handle for each of millions of elements.
  const ordinal = new Int32Array(graph.vertexNumberBound);
  for (let i = 0; i < graph.vertexNumberBound; i++) {
    if (!graph.isVertexLive(i)) continue;
    ordinal[i] = vertices;
    w.byte(ENTRY_VERTEX);
    w.value(graph.vertexIdAt(i));
    const labels = graph.vertexLabelsAt(i);
    w.varint(labels.length);
    for (const l of labels) w.name(l);
    w.varint(graph.vertexPropertyCountAt(i));
    graph.forEachVertexPropertyAt(i, (key, value, id, meta) => {
      w.name(key);
      w.value(value);
      w.value(id);
      w.varint(meta ? meta.size : 0);
      if (meta) {
        for (const [k, mv] of meta) {
          w.name(k);
          w.value(mv);
        }
      }
    });
    w.endEntry();
    vertices++;
  }
  for (let i = 0; i < graph.edgeNumberBound; i++) {
    if (!graph.isEdgeLive(i)) continue;
    w.byte(ENTRY_EDGE);
    w.value(graph.edgeIdAt(i));
    w.name(graph.edgeLabelAt(i));
    w.varint(ordinal[graph.edgeOutAt(i)]!);
    w.varint(ordinal[graph.edgeInAt(i)]!);
    const props = graph.edgePropertiesAt(i);
    const n = props ? props.length / 2 : 0;
    w.varint(n);
    for (let k = 0; k < n; k++) {
      w.name(props![2 * k] as string);
      w.value(props![2 * k + 1]);
    }
    w.endEntry();
    edges++;
  }
  w.byte(ENTRY_END);
  w.varint(vertices);
  w.varint(edges);
  w.flush();
  fsyncSync(fd);
  return w.bytesWritten;
}

class SnapshotReader {
  buf: Buffer = Buffer.alloc(0);
  pos = 0;
  end = 0;
  readonly dict: string[] = [];

  byte(): number {
    if (this.pos >= this.end) throw new RangeError('entry runs past its block');
    return this.buf[this.pos++]!;
  }

  varint(): number {
    let n = 0;
    let scale = 1;
    for (;;) {
      const b = this.byte();
      n += (b & 0x7f) * scale;
      if (b < 0x80) return n;
      scale *= 0x80;
    }
  }

  string(): string {
    const length = this.varint();
    const start = this.pos;
    this.pos += length;
    if (this.pos > this.end) throw new RangeError('string runs past its block');
    return this.buf.toString('utf8', start, this.pos);
  }

  name(): string {
    const ref = this.varint();
    if (ref > 0) {
      const s = this.dict[ref - 1];
      if (s === undefined) throw new RangeError(`unknown dictionary entry ${ref}`);
      return s;
    }
    const s = this.string();
    this.dict.push(s);
    return s;
  }

  double(): number {
    if (this.pos + 8 > this.end) throw new RangeError('number runs past its block');
    const d = this.buf.readDoubleLE(this.pos);
    this.pos += 8;
    return d;
  }

  value(): unknown {
    const tag = this.byte();
    switch (tag) {
      case V_STRING:
        return this.string();
      case V_INT: {
        const z = this.varint();
        return z % 2 === 0 ? z / 2 : -(z + 1) / 2;
      }
      case V_FLOAT:
        return this.double();
      case V_TRUE:
        return true;
      case V_FALSE:
        return false;
      case V_DATE:
        return new Date(this.double());
      case V_ARRAY: {
        const n = this.varint();
        const out: unknown[] = [];
        for (let i = 0; i < n; i++) out.push(this.value());
        return out;
      }
      case V_BIGINT:
        return BigInt(this.string());
      default:
        throw new RangeError(`unknown value tag ${tag}`);
    }
  }
}

/**
 * Reads a snapshot into a new graph. Throws InvalidInputError naming the file when it is not a
 * snapshot or is incomplete (a complete file always ends with the end entry).
 */
export function readGraphSnapshot(fd: number, path: string, graph = new PropertyGraph({ defaultCardinality: 'set' })): PropertyGraph {
  const head = Buffer.alloc(MAGIC.length);
  if (readSync(fd, head, 0, head.length, null) !== head.length || !head.equals(MAGIC)) {
    throw new InvalidInputError(kitMessage(BACKEND, `${path} is not a graph snapshot (bad magic)`));
  }
  const r = new SnapshotReader();
  const byOrdinal: number[] = [];
  const lengthBuf = Buffer.alloc(4);
  let vertices = 0;
  let edges = 0;
  let complete = false;
  try {
    while (!complete) {
      if (readFully(fd, lengthBuf, 4) !== 4) break;
      const length = lengthBuf.readUInt32LE(0);
      if (r.buf.length < length) r.buf = Buffer.allocUnsafe(Math.max(length, BLOCK_TARGET + 65_536));
      if (readFully(fd, r.buf, length) !== length) break;
      r.pos = 0;
      r.end = length;
      while (r.pos < r.end) {
        const tag = r.byte();
        if (tag === ENTRY_VERTEX) {
          byOrdinal.push(readVertex(r, graph));
          vertices++;
        } else if (tag === ENTRY_EDGE) {
          readEdge(r, graph, byOrdinal);
          edges++;
        } else if (tag === ENTRY_END) {
          const wantVertices = r.varint();
          const wantEdges = r.varint();
          if (wantVertices !== vertices || wantEdges !== edges) {
            throw new RangeError(`counts differ: ${vertices}/${edges} read, ${wantVertices}/${wantEdges} written`);
          }
          complete = true;
          break;
        } else {
          throw new RangeError(`unknown entry tag ${tag}`);
        }
      }
    }
  } catch (cause) {
    if (cause instanceof InvalidInputError) throw cause;
    throw new InvalidInputError(kitMessage(BACKEND, `${path} is corrupt: ${(cause as Error).message}`), { cause });
  }
  if (!complete) throw new InvalidInputError(kitMessage(BACKEND, `${path} is incomplete (no end entry after ${vertices} vertices, ${edges} edges)`));
  return graph;
}

function readFully(fd: number, buf: Buffer, length: number): number {
  let off = 0;
  while (off < length) {
    const n = readSync(fd, buf, off, length - off, null);
    if (n === 0) break;
    off += n;
  }
  return off;
}

/** Reads a vertex entry; returns the vertex's number. */
function readVertex(r: SnapshotReader, graph: PropertyGraph): number {
  const id = r.value() as ElementId;
  const labelCount = r.varint();
  let v: number;
  if (labelCount === 1) v = graph.addVertexRecord(id, r.name());
  else {
    const labels: string[] = [];
    for (let i = 0; i < labelCount; i++) labels.push(r.name());
    v = graph.addVertex(id, labels).index;
  }
  const n = r.varint();
  if (n === 0) return v;
  // Properties live on handles: only vertices that have some get one.
  const keys: string[] = new Array(n);
  const values: unknown[] = new Array(n);
  const ids: ElementId[] = new Array(n);
  const metas: (Map<string, unknown> | undefined)[] = new Array(n);
  for (let i = 0; i < n; i++) {
    keys[i] = r.name();
    values[i] = r.value();
    ids[i] = r.value() as ElementId;
    const metaCount = r.varint();
    if (metaCount > 0) {
      const meta = new Map<string, unknown>();
      for (let j = 0; j < metaCount; j++) meta.set(r.name(), r.value());
      metas[i] = meta;
    }
  }
  graph.restoreVertexProperties(graph.vertexAt(v), keys, values, ids, metas);
  return v;
}

function readEdge(r: SnapshotReader, graph: PropertyGraph, byOrdinal: readonly number[]): void {
  const id = r.value() as ElementId;
  const label = r.name();
  const outV = byOrdinal[r.varint()];
  const inV = byOrdinal[r.varint()];
  if (outV === undefined || inV === undefined) throw new RangeError(`edge ${JSON.stringify(id)} refers to a vertex the file does not hold`);
  const e = graph.addEdgeRecord(id, label, outV, inV);
  const n = r.varint();
  for (let i = 0; i < n; i++) graph.setEdgePropertyAt(e, r.name(), r.value());
}
