/**
 * The kit's error family (after graphology's): tests check `error.name`, messages name the
 * backend and the operation — `[kit] [s3] bucket "x" does not exist` — and keep the `cause`.
 */
export class KitError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'KitError';
  }
}

/** The caller passed something unusable: a flag out of range, a malformed file, a bad argument. */
export class InvalidInputError extends KitError {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'InvalidInputError';
  }
}

/** A bucket, object, table, stack or vertex that the operation needs does not exist. */
export class NotFoundError extends KitError {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'NotFoundError';
  }
}

/** A remote operation ended in failure (a FAILED crawl, a LOAD_FAILED load, a ROLLBACK). */
export class OperationFailedError extends KitError {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'OperationFailedError';
  }
}

/** A wait ran past its deadline. */
export class DeadlineExceededError extends KitError {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'DeadlineExceededError';
  }
}

/** Formats a message the kit's way: `[kit] [backend] message`. */
export function kitMessage(backend: string, message: string): string {
  return `[kit] [${backend}] ${message}`;
}

/**
 * The disk a file was being written to is full (ENOSPC) or over its quota (EDQUOT). The message
 * names the file; whatever the write was replacing is left as it was.
 */
export class DiskFullError extends KitError {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'DiskFullError';
  }
}

/** True for Node's error of a write to a full disk or past a quota. */
export function isDiskFull(error: unknown): boolean {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  return code === 'ENOSPC' || code === 'EDQUOT';
}
