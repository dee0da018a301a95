import type { GlueTable } from './catalog-types.js';
import { HEADER_SKIP_PARAMETER, type SchemaFixReport } from './fix-table-schemas.js';

/** Aligns rows of cells into columns separated by two spaces (plain text for terminals and notebooks). */
export function alignTextColumns(rows: string[][]): string {
  const widths = rows[0]!.map((_, column) => Math.max(...rows.map((row) => (row[column] ?? '').length)));
  return rows.map((row) => row.map((cell, column) => cell.padEnd(widths[column]!)).join('  ').trimEnd()).join('\n') + '\n';
}

/** Whether the crawler missed the header: columns came out `col0, col1, ...`. */
export function hasLostHeader(table: GlueTable): boolean {
  const columns = table.StorageDescriptor.Columns;
  return columns.length > 0 && columns.every((c, i) => c.Name === `col${i}`);
}

/** One line per table: name, column count, header handling, location. */
export function describeTableList(tables: readonly GlueTable[]): string {
  const rows = [['table', 'columns', 'header', 'location']];
  for (const table of tables) {
    const header = hasLostHeader(table) ? 'LOST (col0, col1, ...)' : table.Parameters?.[HEADER_SKIP_PARAMETER] === '1' ? 'detected' : 'not skipped';
    rows.push([table.Name, String(table.StorageDescriptor.Columns.length), header, table.StorageDescriptor.Location]);
  }
  return alignTextColumns(rows);
}

/** Each table's columns (position, name, type), partition keys last — what `idgraph tables` prints. */
export function describeTableColumns(tables: readonly GlueTable[]): string {
  return tables
    .map((table) => {
      const rows = [['#', 'column', 'type']];
      table.StorageDescriptor.Columns.forEach((c, i) => rows.push([String(i), c.Name, c.Type]));
      for (const key of table.PartitionKeys ?? []) rows.push(['partition', key.Name, key.Type]);
      const skip = table.Parameters?.[HEADER_SKIP_PARAMETER];
      return `${table.Name}  (${table.StorageDescriptor.Location}${skip ? `, ${HEADER_SKIP_PARAMETER}=${skip}` : ''})\n${alignTextColumns(rows)}`;
    })
    .join('\n');
}

/** What the schema fix changed, table by table. */
export function describeSchemaFix(report: SchemaFixReport): string {
  const lines: string[] = [];
  for (const fix of report.tables) {
    if (!fix.updated) {
      lines.push(`${fix.table}: already correct`);
      continue;
    }
    const what = [
      fix.lostHeader ? 'header was lost' : undefined,
      fix.changedColumns.length > 0 ? `${fix.changedColumns.length} column(s) changed` : undefined,
      fix.headerSkipBefore !== '1' ? `${HEADER_SKIP_PARAMETER} ${fix.headerSkipBefore ?? 'unset'} → 1` : undefined,
    ].filter(Boolean);
    lines.push(`${fix.table}: ${what.join(', ')}`);
    for (const change of fix.changedColumns) {
      lines.push(`  ${String(change.index).padStart(2)}  ${change.from.Name}:${change.from.Type} → ${change.to.Name}:${change.to.Type}`);
    }
  }
  lines.push(report.verified ? 'verified: every table read back matches the expected schema' : 'NOT verified');
  return lines.join('\n') + '\n';
}
