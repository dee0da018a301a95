/** The machine line every bench prints beside its figures. */
import { cpus } from 'node:os';
import { describe, expect, it } from 'vitest';
import { describeMachine } from '../bench/machine.js';

describe('bench machine line', () => {
  it('names the CPU model, the cores, the load average and the Node version', () => {
    const line = describeMachine();
    expect(line).toContain(cpus()[0]!.model.trim());
    expect(line).toContain(`${cpus().length} cores`);
    expect(line).toMatch(/load average \d+\.\d{2} \d+\.\d{2} \d+\.\d{2}/);
    expect(line).toContain(`Node ${process.version}`);
  });
});
