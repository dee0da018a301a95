import { loadConfig } from '../../config/index.js';
import { InvalidInputError, kitMessage } from '../../errors.js';
import { openLocalGraph } from '../../graph/local-graph-store.js';
import { createObjectStore } from '../../lake/create-object-store.js';
import { graphPrefix } from '../../lake/dataset-layout.js';
import { createBulkLoader } from '../../loader/create-bulk-loader.js';
import { dropSupersededEdgesInGraph } from '../../loader/drop-superseded-edges.js';
import { listDirectorySources, loadSourcesIntoGraph } from '../../loader/embedded-bulk-loader.js';
import { formatLoadStatus, type LoadOptions, type LoadProgress, type LoadStatus } from '../../loader/load-status.js';
import type { CliCommand, CliIo } from '../cli-command.js';

const PARALLELISM = ['LOW', 'MEDIUM', 'HIGH', 'OVERSUBSCRIBE'] as const;

function createProgressPrinter(io: CliIo): (p: LoadProgress) => void {
  let last = 0;
  return (p) => {
    const now = Date.now();
    if (p.status === 'LOAD_IN_PROGRESS' && now - last < 1000) return;
    last = now;
    const text =
      p.fileRecordsDone === undefined
        ? `load: ${p.fileName} ${p.status} ${p.recordsDone} records`
        : `load: ${p.fileName} ${p.status} ${p.fileRecordsDone} records (${p.recordsDone} in all)`;
    io.stderr(io.isTty ? `\r${text}\u001b[K${p.status === 'LOAD_IN_PROGRESS' ? '' : '\n'}` : `${text}\n`);
  };
}

export const loadCommand: CliCommand = {
  name: 'load',
  summary: 'bulk-load the Gremlin CSV files into the graph (Neptune loader, or the embedded loader)',
  usage: `Usage: idgraph load [--incremental BATCH] [--from-dir DIR] [--fail-on-error] [--update-single-cardinality]
                    [--parallelism LOW|MEDIUM|HIGH|OVERSUBSCRIBE] [--json]

Loads the vertex files, then the edge files, under datasets/graph/initial/ (or
datasets/graph/incremental/BATCH/) of the kit's bucket: with Neptune's loader in aws mode, with
the embedded loader (Neptune's Gremlin CSV rules) into the local graph in local mode. Prints
per-file counts and every error-log entry. Then, through Gremlin, drops the single-valued edges
(a user's loyalty level, phone, address) that the loaded edges superseded: Neptune's loader adds
edges, it never replaces one. Exit code 0 when every record loaded, 1 otherwise.

  --incremental BATCH            load an incremental batch (YYYYMMDD_HHmmss); implies
                                 --update-single-cardinality: a batch updates values (upsert)
  --from-dir DIR                 local mode: load any folder of Neptune Gremlin CSV files from disk
  --fail-on-error                stop at the first error (LOAD_FAILED); default: skip bad records
  --update-single-cardinality    replace values of single-cardinality properties instead of an error
  --parallelism P                Neptune's loader parallelism (default HIGH)
  --json                         print the status document as JSON
`,
  options: {
    incremental: { type: 'string' },
    'from-dir': { type: 'string' },
    'fail-on-error': { type: 'boolean' },
    'update-single-cardinality': { type: 'boolean' },
    parallelism: { type: 'string' },
    json: { type: 'boolean' },
  },
  async run(invocation, io) {
    const config = loadConfig();
    const values = invocation.values;
    const parallelism = values.parallelism === undefined ? undefined : String(values.parallelism).toUpperCase();
    if (parallelism !== undefined && !(PARALLELISM as readonly string[]).includes(parallelism)) {
      throw new InvalidInputError(kitMessage('cli', `--parallelism must be one of ${PARALLELISM.join(', ')}, got "${values.parallelism}"`));
    }
    const options: Omit<LoadOptions, 'prefix'> = {
      failOnError: values['fail-on-error'] === true,
      // An incremental batch updates existing elements: without this, Neptune reports every
      // changed single-cardinality value (all edge properties) as an error.
      updateSingleCardinalityProperties: values['update-single-cardinality'] === true || values.incremental !== undefined,
      parallelism: parallelism as LoadOptions['parallelism'],
      onProgress: createProgressPrinter(io),
    };
    const fromDir = values['from-dir'] === undefined ? undefined : String(values['from-dir']);
    let status: LoadStatus;
    if (fromDir !== undefined) {
      if (config.mode !== 'local') {
        throw new InvalidInputError(kitMessage('cli', '--from-dir loads into the local graph: upload the files and load without it in aws mode'));
      }
      if (values.incremental !== undefined) throw new InvalidInputError(kitMessage('cli', '--from-dir and --incremental cannot be combined'));
      const sources = await listDirectorySources(fromDir);
      if (sources.length === 0) throw new InvalidInputError(kitMessage('cli', `--from-dir: no files in ${fromDir}`));
      status = await loadSourcesIntoGraph(await openLocalGraph(config), sources, fromDir, options);
    } else {
      const prefix = graphPrefix(values.incremental === undefined ? undefined : String(values.incremental));
      // The files are read back for the superseded edges (S3 in aws mode, the embedded S3 locally).
      const store = await createObjectStore(config);
      try {
        status = await createBulkLoader(config, { store: config.mode === 'local' ? store : undefined }).load({ prefix, ...options });
        status.supersededEdges = await dropSupersededEdgesInGraph(config, { store, prefix });
      } finally {
        await store.close();
      }
    }
    io.stdout(values.json ? `${JSON.stringify(status, null, 2)}\n` : formatLoadStatus(status));
    return status.overallStatus.status === 'LOAD_COMPLETED' ? 0 : 1;
  },
};
