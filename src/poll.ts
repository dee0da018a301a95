import { DeadlineExceededError } from './errors.js';

export interface PollOptions {
  /** First delay between checks, in milliseconds. */
  minDelay?: number;
  /** Largest delay between checks; the delay doubles from minDelay up to this. */
  maxDelay?: number;
  /** Give up after this many milliseconds in all. */
  timeout?: number;
  /** What is being waited for, for the deadline error message. */
  what?: string;
  /** Called after each check that is not done yet (progress display). */
  onPending?: (state: unknown, elapsedMs: number) => void;
  /** Injectable sleep, so tests run without real waiting. */
  sleep?: (ms: number) => Promise<void>;
  /** Injectable clock, in milliseconds. */
  now?: () => number;
}

export interface PollResult<T> {
  done: boolean;
  value: T;
}

const defaultSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * Polls `check` with exponential back-off until it reports done, or throws
 * DeadlineExceededError. The one waiter for services that have no SDK waiter (Glue crawler and
 * jobs, the Neptune loader) — no fixed-length sleeps anywhere in the kit.
 */
export async function pollUntil<T>(check: () => Promise<PollResult<T>>, options: PollOptions = {}): Promise<T> {
  const { minDelay = 1000, maxDelay = 30_000, timeout = 30 * 60_000, what = 'operation' } = options;
  const sleep = options.sleep ?? defaultSleep;
  const now = options.now ?? Date.now;
  const started = now();
  let delay = minDelay;
  for (;;) {
    const result = await check();
    if (result.done) return result.value;
    const elapsed = now() - started;
    options.onPending?.(result.value, elapsed);
    if (elapsed + delay > timeout) {
      throw new DeadlineExceededError(`${what} did not finish within ${Math.round(timeout / 1000)} s`);
    }
    await sleep(delay);
    delay = Math.min(maxDelay, delay * 2);
  }
}
