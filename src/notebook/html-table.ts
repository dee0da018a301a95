import { escapeHtml } from './escape-html.js';

/** Any object is a row (interfaces too, which have no index signature); its own keys are the columns. */
export type TableRow = object;

const cellOf = (row: TableRow, column: string): unknown => (row as Record<string, unknown>)[column];

export interface HtmlTableOptions {
  /** Columns in order (default: the keys of the first row, then any new keys of later rows). */
  columns?: string[];
  caption?: string;
  /** Rows shown at most; the caption then says how many were left out (default 50). */
  maxRows?: number;
}

/** The columns of a list of rows: first-seen order across all rows. */
export function listColumns(rows: readonly TableRow[]): string[] {
  const columns = new Set<string>();
  for (const row of rows) for (const key of Object.keys(row)) columns.add(key);
  return [...columns];
}

/** A cell as text: numbers with thousands separators, ratios to 3 decimals, arrays joined. */
export function formatCell(value: unknown): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'number') return Number.isInteger(value) ? value.toLocaleString('en-US') : value.toFixed(3);
  // A Date property (Neptune `Date`) at midnight UTC is a day: show it as one.
  if (value instanceof Date) return value.toISOString().replace(/T00:00:00\.000Z$/, '');
  if (Array.isArray(value)) return value.map(formatCell).join(', ');
  if (value instanceof Map) return formatCell(Object.fromEntries(value));
  if (typeof value === 'object') return JSON.stringify(value);
  return String(value);
}

/** Renders rows as an HTML table; every value is escaped, numbers are right-aligned. */
export function renderHtmlTable(rows: readonly TableRow[], options: HtmlTableOptions = {}): string {
  const columns = options.columns ?? listColumns(rows);
  const maxRows = options.maxRows ?? 50;
  const shown = rows.slice(0, maxRows);
  const hidden = rows.length - shown.length;
  const caption = [options.caption, hidden > 0 ? `(first ${shown.length} of ${rows.length} rows)` : '']
    .filter(Boolean)
    .join(' ');
  const style =
    'border-collapse:collapse;font:13px/1.4 system-ui,sans-serif;margin:4px 0;';
  const cellStyle = 'border-bottom:1px solid #ddd;padding:3px 10px;';
  const head = columns.map((c) => `<th style="${cellStyle}text-align:left;background:#f4f4f4">${escapeHtml(c)}</th>`).join('');
  const body = shown
    .map((row) => {
      const cells = columns.map((c) => {
        const value = cellOf(row, c);
        const align = typeof value === 'number' ? 'right' : 'left';
        return `<td style="${cellStyle}text-align:${align}">${escapeHtml(formatCell(value))}</td>`;
      });
      return `<tr>${cells.join('')}</tr>`;
    })
    .join('\n');
  return [
    `<table style="${style}">`,
    caption ? `<caption style="text-align:left;font-weight:600;padding:2px 0">${escapeHtml(caption)}</caption>` : '',
    `<thead><tr>${head}</tr></thead>`,
    `<tbody>\n${body}\n</tbody>`,
    '</table>',
  ]
    .filter(Boolean)
    .join('\n');
}

/** The same rows as aligned plain text, for terminals and logs. */
export function formatTextTable(rows: readonly TableRow[], options: HtmlTableOptions = {}): string {
  const columns = options.columns ?? listColumns(rows);
  const shown = rows.slice(0, options.maxRows ?? 50);
  const cells = shown.map((row) => columns.map((c) => formatCell(cellOf(row, c))));
  const widths = columns.map((c, i) => Math.max(c.length, ...cells.map((r) => r[i].length)));
  const numeric = columns.map((c) => shown.length > 0 && shown.every((row) => typeof cellOf(row, c) === 'number' || cellOf(row, c) == null));
  const line = (values: string[]) =>
    values.map((v, i) => (numeric[i] ? v.padStart(widths[i]) : v.padEnd(widths[i]))).join('  ').trimEnd();
  const out = [line(columns), widths.map((w) => '-'.repeat(w)).join('  '), ...cells.map(line)];
  if (options.caption) out.unshift(options.caption);
  if (rows.length > shown.length) out.push(`(first ${shown.length} of ${rows.length} rows)`);
  return out.join('\n');
}
