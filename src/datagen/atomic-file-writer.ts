import { randomBytes } from 'node:crypto';
import { open, rename, unlink, type FileHandle } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';

/** Size of the write buffer handed to the OS in one write. */
const BUFFER_BYTES = 1 << 20;
/** `append` asks for a flush once less than this much room is left. */
const FLUSH_MARGIN_BYTES = 64 << 10;
/** Rows are gathered into a short string (a few dozen rows) before one encode into the buffer. */
const PENDING_CHARS = 8 << 10;

/**
 * Writes one file through a reused 1 MiB buffer into a temporary file beside the target and
 * renames it into place on `commit` (a rename within one folder is atomic on POSIX): readers see
 * either the previous file or the complete new one, never a half-written one.
 *
 * Rows are gathered a few dozen at a time and encoded into the buffer, so row strings die
 * young; accumulating a whole chunk as strings kept them alive across garbage collections and
 * made GC the main cost, and encoding each row alone made Buffer#write the main cost.
 * Each flush is awaited, which is the backpressure: memory holds one buffer per writer.
 */
export class AtomicFileWriter {
  readonly path: string;
  readonly tempPath: string;
  /** Data rows appended with appendRow. */
  rows = 0;
  private handle: FileHandle | undefined;
  private readonly buffer = Buffer.allocUnsafe(BUFFER_BYTES);
  private used = 0;
  private pending = '';
  /** Text too long for the buffer's free room (rare: only lines longer than the margin). */
  private overflow: string[] = [];
  private bytesWritten = 0;

  private constructor(path: string, tempPath: string, handle: FileHandle) {
    this.path = path;
    this.tempPath = tempPath;
    this.handle = handle;
  }

  static async create(path: string): Promise<AtomicFileWriter> {
    const tempPath = join(dirname(path), `.${basename(path)}.${process.pid}-${randomBytes(4).toString('hex')}.tmp`);
    const handle = await open(tempPath, 'wx');
    return new AtomicFileWriter(path, tempPath, handle);
  }

  /** Appends text; returns true when the buffer is nearly full and the caller should `await flush()`. */
  append(text: string): boolean {
    this.pending += text;
    if (this.pending.length < PENDING_CHARS) return false;
    return this.encodePending();
  }

  /** Moves pending text into the buffer; true when the buffer is nearly full. */
  private encodePending(): boolean {
    const text = this.pending;
    this.pending = '';
    // UTF-8 needs at most 3 bytes per UTF-16 unit.
    if (this.overflow.length === 0 && text.length * 3 <= BUFFER_BYTES - this.used) {
      this.used += this.buffer.write(text, this.used, 'utf8');
    } else {
      this.overflow.push(text);
      return true;
    }
    return BUFFER_BYTES - this.used < FLUSH_MARGIN_BYTES;
  }

  /** Appends one data row (counted in `rows`). */
  appendRow(line: string): boolean {
    this.rows++;
    return this.append(line);
  }

  async flush(): Promise<void> {
    if (!this.handle) return;
    if (this.pending !== '') this.encodePending();
    if (this.used > 0) {
      await this.handle.write(this.buffer, 0, this.used);
      this.bytesWritten += this.used;
      this.used = 0;
    }
    if (this.overflow.length > 0) {
      const rest = Buffer.from(this.overflow.join(''), 'utf8');
      this.overflow = [];
      await this.handle.write(rest);
      this.bytesWritten += rest.length;
    }
  }

  /** Bytes in the file so far, buffered ones included (after `commit`: the file's size). */
  get bytes(): number {
    let pending = this.used + Buffer.byteLength(this.pending, 'utf8');
    for (const text of this.overflow) pending += Buffer.byteLength(text, 'utf8');
    return this.bytesWritten + pending;
  }

  /** Flushes and closes the temporary file (the step that can fail on a full disk). */
  async finish(): Promise<void> {
    await this.flush();
    await this.handle?.close();
    this.handle = undefined;
  }

  /** Renames the finished temporary file over the target. */
  async commit(): Promise<void> {
    await this.finish();
    await rename(this.tempPath, this.path);
  }

  /** Drops the temporary file (used when the run fails): the target is left untouched. */
  async abort(): Promise<void> {
    this.used = 0;
    this.pending = '';
    this.overflow = [];
    try {
      await this.handle?.close();
    } catch {
      // Already failing; removing the temporary file matters more.
    }
    this.handle = undefined;
    await unlink(this.tempPath).catch(() => undefined);
  }
}
