/** One file the transform wrote. */
export interface TransformFileReport {
  kind: 'vertices' | 'edges';
  label: string;
  /** Object key in the store. */
  key: string;
  rows: number;
  bytes: number;
}

export interface TransformSourceReport {
  dataset: string;
  tableName: string;
  /** Object keys read. */
  files: string[];
  rows: number;
}

export interface TransformReport {
  runner: 'local' | 'glue';
  batch?: string;
  /** Graph prefix written: `datasets/graph/initial/` or `datasets/graph/incremental/<batch>/`. */
  prefix: string;
  sources: TransformSourceReport[];
  /** Vertex files first, then edge files: the order to load them in. */
  files: TransformFileReport[];
  /** Files an earlier run left under the prefix that this run no longer produces, now deleted. */
  deletedKeys: string[];
  elapsedMs: number;
}

const formatCount = (n: number) => n.toLocaleString('en-US');

/**
 * The report as a plain-text table: rows written per label (vertices, then edges), then totals
 * and the rate in source records per second.
 */
export function formatTransformReport(report: TransformReport): string {
  const rows = report.files.map((f) => [f.kind === 'vertices' ? 'vertex' : 'edge', f.label, formatCount(f.rows), f.key]);
  const head = ['kind', 'label', 'rows', 'file'];
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]) => cells.map((c, i) => (i === 2 ? c.padStart(widths[i]!) : c.padEnd(widths[i]!))).join('  ').trimEnd();
  const vertices = report.files.filter((f) => f.kind === 'vertices').reduce((sum, f) => sum + f.rows, 0);
  const edges = report.files.filter((f) => f.kind === 'edges').reduce((sum, f) => sum + f.rows, 0);
  const sourceRows = report.sources.reduce((sum, s) => sum + s.rows, 0);
  const seconds = report.elapsedMs / 1000;
  const out = [line(head), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)];
  out.push('');
  out.push(
    `${formatCount(vertices)} vertices and ${formatCount(edges)} edges in ${report.files.length} files under ${report.prefix}` +
      ` from ${formatCount(sourceRows)} source records in ${seconds.toFixed(1)} s` +
      (seconds > 0 && sourceRows > 0 ? ` (${formatCount(Math.round(sourceRows / seconds))} records/s)` : ''),
  );
  if (report.deletedKeys.length > 0) out.push(`deleted ${report.deletedKeys.length} stale file(s): ${report.deletedKeys.join(', ')}`);
  return out.join('\n') + '\n';
}
