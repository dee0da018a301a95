/**
 * Resolves on the first SIGINT (Ctrl-C) or SIGTERM, then stops listening: what a long-running
 * command (`idgraph serve`, `idgraph api`) awaits before it closes its server and saves.
 */
export function waitForStopSignal(): Promise<void> {
  return new Promise((resolve) => {
    const stop = (): void => {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      resolve();
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  });
}
