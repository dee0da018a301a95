/**
 * Neptune runs each traversal in its own transaction. Two concurrent upserts of one vertex or
 * edge id can both see it missing: one commits, the other fails with ConcurrentModificationException
 * (or ConstraintViolationException for an id already taken) and must be run again, when its
 * mergeV/mergeE then find the element and match it. Neptune's guidance: retry with back-off.
 * https://docs.aws.amazon.com/neptune/latest/userguide/transactions-exceptions.html
 */

const CONFLICT = /ConcurrentModificationException|ConstraintViolationException/;

export interface ConflictRetryOptions {
  /** Tries in all (default 6). */
  attempts?: number;
  /** First back-off in milliseconds, doubled each retry, with jitter (default 10). */
  baseDelayMs?: number;
}

export function isWriteConflict(error: unknown): boolean {
  return error instanceof Error && CONFLICT.test(error.message);
}

/** Runs `write` again after a write conflict, up to `attempts` times. */
export async function retryOnWriteConflict<T>(write: () => Promise<T>, options: ConflictRetryOptions = {}): Promise<{ value: T; attempts: number }> {
  const attempts = options.attempts ?? 6;
  const base = options.baseDelayMs ?? 10;
  for (let attempt = 1; ; attempt++) {
    try {
      return { value: await write(), attempts: attempt };
    } catch (error) {
      if (!isWriteConflict(error) || attempt >= attempts) throw error;
      const delay = base * 2 ** (attempt - 1) * (0.5 + Math.random());
      await new Promise((resolve) => setTimeout(resolve, delay));
    }
  }
}
