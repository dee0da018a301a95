import type { CliCommand } from '../cli-command.js';
import { generateCommand } from './generate.js';

/**
 * Every `idgraph` step, in pipeline order (DESIGN §1). Each command lives in its own file;
 * add one line here to register it.
 */
export const commands: CliCommand[] = [generateCommand];
