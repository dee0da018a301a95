/**
 * A file's chunks read ahead of the loader, up to a limit. The embedded S3 server runs on the
 * loading thread: while the loader works through a chunk, nothing reads the server's next one,
 * and an HTTP response stream stops taking data from its socket once it holds 16 KiB. The
 * loader then waited for the server's disk reads between chunks (~4 % of a load, idle in the
 * profile). Pulling chunks in whenever the thread is free keeps a few MiB on hand instead.
 */
export class ReadAhead implements AsyncIterable<Uint8Array | string> {
  private readonly iterator: AsyncIterator<Uint8Array | string>;
  private readonly queue: (Uint8Array | string)[] = [];
  private head = 0;
  private queued = 0;
  private ended = false;
  private failure: { error: unknown } | undefined;
  private stopped = false;
  /** The reader, waiting for a chunk. */
  private wakeReader: (() => void) | undefined;
  /** The pump, waiting for room. */
  private wakePump: (() => void) | undefined;

  constructor(
    source: AsyncIterable<Uint8Array | string>,
    /** Bytes (or characters) held at most before the pump waits for the reader. */
    private readonly limit: number,
  ) {
    this.iterator = source[Symbol.asyncIterator]();
    void this.pump();
  }

  async *[Symbol.asyncIterator](): AsyncGenerator<Uint8Array | string> {
    try {
      for (;;) {
        if (this.head < this.queue.length) {
          const chunk = this.queue[this.head]!;
          this.queue[this.head++] = '';
          if (this.head === this.queue.length) {
            this.queue.length = 0;
            this.head = 0;
          }
          this.queued -= chunk.length;
          this.wake('pump');
          yield chunk;
          continue;
        }
        if (this.failure) throw this.failure.error;
        if (this.ended) return;
        await new Promise<void>((resolve) => (this.wakeReader = resolve));
      }
    } finally {
      this.destroy();
    }
  }

  /** Stops reading and closes the source (a load that stopped, or a file never read). */
  destroy(): void {
    if (this.stopped) return;
    this.stopped = true;
    this.wake('pump');
    void Promise.resolve(this.iterator.return?.()).catch(() => undefined);
  }

  private async pump(): Promise<void> {
    try {
      while (!this.stopped) {
        if (this.queued >= this.limit) {
          await new Promise<void>((resolve) => (this.wakePump = resolve));
          continue;
        }
        const next = await this.iterator.next();
        if (next.done) break;
        this.queue.push(next.value);
        this.queued += next.value.length;
        this.wake('reader');
      }
    } catch (error) {
      this.failure = { error };
    }
    this.ended = true;
    this.wake('reader');
  }

  private wake(which: 'reader' | 'pump'): void {
    const wake = which === 'reader' ? this.wakeReader : this.wakePump;
    if (which === 'reader') this.wakeReader = undefined;
    else this.wakePump = undefined;
    wake?.();
  }
}
