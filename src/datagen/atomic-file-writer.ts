import { randomBytes } from 'node:crypto';
import { open, rename, unlink, type FileHandle } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { DiskFullError, isDiskFull, kitMessage } from '../errors.js';

/** Size of the write buffer handed to the OS in one write. */
const BUFFER_BYTES = 1 << 20;
/**
 * `needsFlush` turns true once less than this much room is left. A row is far smaller (pool
 * values are capped at MAX_POOL_VALUE_CHARS, see value-pools.ts), so a row always fits.
 */
const FLUSH_MARGIN_BYTES = 64 << 10;

const COMMA = 44;
const NEWLINE = 10;
const HEX_DIGITS = Uint8Array.from('0123456789abcdef', (c) => c.charCodeAt(0));

/**
 * Writes one CSV file through a reused 1 MiB buffer into a temporary file beside the target,
 * renamed into place on `commit` (a rename within one folder is atomic on POSIX): readers see
 * either the previous file or the complete new one, never a half-written one.
 *
 * Rows are encoded field by field straight into the buffer (ASCII fast path, UTF-8 otherwise):
 * building each row as a string and encoding it later made string allocation, garbage
 * collection and Buffer#write most of the generator's time. Callers check `needsFlush()` before
 * a row and `await flush()`: awaiting each write is the backpressure, and memory holds one buffer
 * per file whatever the number of rows.
 */
export class AtomicFileWriter {
  readonly path: string;
  readonly tempPath: string;
  /** Data rows ended with endRow. */
  rows = 0;
  private handle: FileHandle | undefined;
  private readonly buffer = Buffer.allocUnsafe(BUFFER_BYTES);
  private used = 0;
  private bytesWritten = 0;

  private constructor(path: string, tempPath: string, handle: FileHandle) {
    this.path = path;
    this.tempPath = tempPath;
    this.handle = handle;
  }

  static async create(path: string): Promise<AtomicFileWriter> {
    const tempPath = join(dirname(path), `.${basename(path)}.${process.pid}-${randomBytes(4).toString('hex')}.tmp`);
    let handle: FileHandle;
    try {
      handle = await open(tempPath, 'wx');
    } catch (error) {
      throw diskFullOr(error, path, tempPath);
    }
    return new AtomicFileWriter(path, tempPath, handle);
  }

  /** True when the buffer is nearly full: `await flush()` before the next row. */
  needsFlush(): boolean {
    return BUFFER_BYTES - this.used < FLUSH_MARGIN_BYTES;
  }

  /** Any text (already CSV-quoted if needed): ASCII copied byte by byte, the rest UTF-8 encoded. */
  text(value: string): void {
    const buffer = this.buffer;
    let used = this.used;
    const length = value.length;
    for (let i = 0; i < length; i++) {
      const code = value.charCodeAt(i);
      if (code > 127) {
        this.used = used + buffer.write(value.slice(i), used, 'utf8');
        return;
      }
      buffer[used++] = code;
    }
    this.used = used;
  }

  /** One byte (an ASCII character code). */
  byte(code: number): void {
    this.buffer[this.used++] = code;
  }

  comma(): void {
    this.buffer[this.used++] = COMMA;
  }

  /** Ends a data row: newline, and counts it. */
  endRow(): void {
    this.buffer[this.used++] = NEWLINE;
    this.rows++;
  }

  /** A non-negative integer in decimal. */
  int(value: number): void {
    if (value < 10) {
      this.buffer[this.used++] = 48 + value;
      return;
    }
    let digits = 2;
    for (let limit = 100; limit <= value; limit *= 10) digits++;
    this.digits(value, digits);
  }

  /** A non-negative integer (below 2^53) as exactly `width` decimal digits, zero-padded ("01234"). */
  digits(value: number, width: number): void {
    const buffer = this.buffer;
    let position = this.used + width;
    this.used = position;
    // Above int32 range, peel digits with float division until the rest fits int32 arithmetic.
    while (value > 0x7fffffff) {
      const quotient = Math.floor(value / 10);
      buffer[--position] = 48 + (value - quotient * 10);
      value = quotient;
      width--;
    }
    for (; width > 0; width--) {
      const quotient = (value / 10) | 0;
      buffer[--position] = 48 + (value - quotient * 10);
      value = quotient;
    }
  }

  /** The low `nibbles` × 4 bits of `value` as lower-case hex. */
  hex(value: number, nibbles: number): void {
    const buffer = this.buffer;
    let position = this.used + nibbles;
    this.used = position;
    for (let i = 0; i < nibbles; i++) {
      buffer[--position] = HEX_DIGITS[value & 15]!;
      value >>>= 4;
    }
  }

  /** Header or other raw text outside the row counter. */
  append(text: string): void {
    this.text(text);
  }

  async flush(): Promise<void> {
    if (!this.handle || this.used === 0) return;
    try {
      await this.handle.write(this.buffer, 0, this.used);
    } catch (error) {
      throw diskFullOr(error, this.path, this.tempPath);
    }
    this.bytesWritten += this.used;
    this.used = 0;
  }

  /** Bytes in the file so far, buffered ones included (after `commit`: the file's size). */
  get bytes(): number {
    return this.bytesWritten + this.used;
  }

  /** Flushes and closes the temporary file (the step that can fail on a full disk). */
  async finish(): Promise<void> {
    await this.flush();
    try {
      await this.handle?.close();
    } catch (error) {
      throw diskFullOr(error, this.path, this.tempPath);
    }
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
    try {
      await this.handle?.close();
    } catch {
      // Already failing; removing the temporary file matters more.
    }
    this.handle = undefined;
    await unlink(this.tempPath).catch(() => undefined);
  }
}

/** A full disk becomes DiskFullError naming the file; other errors pass through. */
function diskFullOr(error: unknown, path: string, tempPath: string): unknown {
  if (!isDiskFull(error)) return error;
  return new DiskFullError(kitMessage('generate', `writing ${path} failed: no space left on device (at ${tempPath}); the previous ${basename(path)}, if any, is unchanged`), {
    cause: error,
  });
}
