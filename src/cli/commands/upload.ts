import { loadConfig } from '../../config/index.js';
import { alignTextColumns } from '../../catalog/describe-tables.js';
import { InvalidInputError } from '../../errors.js';
import { checkBatchId, createObjectStore, uploadDatasets } from '../../lake/index.js';
import type { CliCommand } from '../cli-command.js';

const PROGRESS_INTERVAL_MS = 1_000;

export const uploadCommand: CliCommand = {
  name: 'upload',
  summary: 'upload the generated source datasets to the S3 dataset layout (embedded S3 server in local mode)',
  usage: `Usage: idgraph upload [--incremental] [--batch YYYYMMDD_HHmmss] [--dir DIR]

Uploads <dataset>_data_full.csv of first_party, transactional, cookie and clickstream to
s3://<bucket>/datasets/sources/initial/<dataset>/ (and ground_truth_data_full.csv, if present, to
datasets/ground-truth/initial/). With --incremental, the _data_inc.csv files go to
datasets/sources/incremental/<dataset>/<batch>/, the batch being the current UTC time unless given.

  --incremental     upload the incremental batch (files written by "idgraph generate --incremental 1")
  --batch ID        batch folder name for --incremental (default: now, UTC, as YYYYMMDD_HHmmss)
  --dir DIR         folder holding the generated files (default: <data dir>/generated)
`,
  options: {
    incremental: { type: 'boolean' },
    batch: { type: 'string' },
    dir: { type: 'string' },
  },
  async run(invocation, io) {
    const config = loadConfig();
    const incremental = invocation.values.incremental === true;
    const batch = typeof invocation.values.batch === 'string' ? checkBatchId(invocation.values.batch) : undefined;
    if (batch !== undefined && !incremental) throw new InvalidInputError('--batch names an incremental batch folder: use it with --incremental');
    const dir = typeof invocation.values.dir === 'string' ? invocation.values.dir : config.generatedDir;
    const store = await createObjectStore(config);
    let lastPrinted = Date.now();
    try {
      const report = await uploadDatasets(store, {
        dir,
        incremental,
        batch,
        onProgress: (p) => {
          const now = Date.now();
          if (now - lastPrinted < PROGRESS_INTERVAL_MS) return;
          lastPrinted = now;
          const text = `upload: ${p.key} ${p.loadedBytes}/${p.totalBytes ?? '?'} bytes`;
          io.stderr(io.isTty ? `\r${text}\u001b[K` : `${text}\n`);
        },
      });
      const rows = [['dataset', 'bytes', 'key']];
      for (const object of report.objects) rows.push([object.dataset, String(object.bytes), `s3://${store.bucket}/${object.key}`]);
      if (report.groundTruthKey) rows.push(['ground truth', '', `s3://${store.bucket}/${report.groundTruthKey}`]);
      io.stdout(alignTextColumns(rows));
      io.stdout(`uploaded ${report.objects.length} datasets, ${report.totalBytes} bytes${report.batch ? `, batch ${report.batch}` : ''} (${store.name})\n`);
    } finally {
      await store.close();
    }
  },
};
