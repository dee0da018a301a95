/** Runs `run` and returns what it threw; fails the test when it throws nothing. */
export function captureError(run: () => unknown): Error {
  try {
    run();
  } catch (error) {
    return error as Error;
  }
  throw new Error('expected an error');
}
