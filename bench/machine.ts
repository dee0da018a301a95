/**
 * The machine a bench ran on, printed beside its figures: rates on a shared 2-core VM move with
 * the other work on it, so a figure means little without the CPU, the core count and the load
 * average at the time it was measured.
 */
import { cpus, freemem, loadavg, totalmem } from 'node:os';

/** One line: CPU model, cores, memory, load average (1, 5, 15 min), Node version, platform. */
export function describeMachine(): string {
  const processors = cpus();
  const model = processors[0]?.model.trim() || 'unknown CPU';
  const gib = (bytes: number) => (bytes / 2 ** 30).toFixed(1);
  return (
    `machine: ${model}, ${processors.length} cores, ${gib(totalmem())} GiB (${gib(freemem())} free), ` +
    `load average ${loadavg().map((l) => l.toFixed(2)).join(' ')}, Node ${process.version} on ${process.platform}-${process.arch}`
  );
}

/** Prints describeMachine() (call it after the figures, so the load average is the run's). */
export function printMachine(): void {
  console.log(describeMachine());
}
