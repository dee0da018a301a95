import { escapeHtml } from './escape-html.js';
import { getLabelColour } from './label-colours.js';

export interface BarChartOptions {
  title?: string;
  /** Total width in pixels (default 640). */
  width?: number;
  /** Colour of each bar (default: the label's colour). */
  colourOf?: (name: string) => string;
}

/** An SVG bar chart of counts per label, largest first, with the value at the end of each bar. */
export function renderBarChartSvg(counts: Record<string, number>, options: BarChartOptions = {}): string {
  const entries = Object.entries(counts).sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]));
  const width = options.width ?? 640;
  const colourOf = options.colourOf ?? getLabelColour;
  const barHeight = 20;
  const gap = 6;
  const top = options.title ? 34 : 10;
  const nameWidth = Math.min(200, 16 + 7.2 * Math.max(4, ...entries.map(([name]) => name.length)));
  const valueWidth = 70;
  const plotWidth = Math.max(80, width - nameWidth - valueWidth - 10);
  const max = Math.max(1, ...entries.map(([, v]) => v));
  const height = top + entries.length * (barHeight + gap) + 10;
  const bars = entries.map(([name, value], i) => {
    const y = top + i * (barHeight + gap);
    const length = Math.max(value > 0 ? 2 : 0, (value / max) * plotWidth);
    return [
      `<text x="${nameWidth - 8}" y="${y + barHeight / 2}" text-anchor="end" dominant-baseline="central">${escapeHtml(name)}</text>`,
      `<rect x="${nameWidth}" y="${y}" width="${length.toFixed(1)}" height="${barHeight}" rx="3" fill="${colourOf(name)}"><title>${escapeHtml(name)}: ${value}</title></rect>`,
      `<text x="${(nameWidth + length + 6).toFixed(1)}" y="${y + barHeight / 2}" dominant-baseline="central" fill="#333">${value.toLocaleString('en-US')}</text>`,
    ].join('');
  });
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="system-ui, sans-serif" font-size="13">`,
    `<rect width="100%" height="100%" fill="#ffffff"/>`,
    options.title ? `<text x="10" y="22" font-size="15" font-weight="600">${escapeHtml(options.title)}</text>` : '',
    ...bars,
    '</svg>',
  ].join('\n');
}
