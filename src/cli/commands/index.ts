import type { CliCommand } from '../cli-command.js';
import { generateCommand } from './generate.js';
import { uploadCommand } from './upload.js';
import { provisionCommand } from './provision.js';
import { destroyCommand } from './destroy.js';
import { crawlCommand } from './crawl.js';
import { fixSchemaCommand } from './fix-schema.js';
import { tablesCommand } from './tables.js';
import { transformCommand } from './transform.js';
import { loadCommand } from './load.js';
import { queryCommand } from './query.js';
import { serveCommand } from './serve.js';
import { demoCommand } from './demo.js';
import { apiCommand } from './api.js';

/**
 * Every `idgraph` step, in pipeline order (DESIGN §1). Each command lives in its own file;
 * add one line here to register it.
 */
export const commands: CliCommand[] = [generateCommand, uploadCommand, provisionCommand, crawlCommand, fixSchemaCommand, tablesCommand, transformCommand, loadCommand, queryCommand, serveCommand, apiCommand, destroyCommand, demoCommand];
