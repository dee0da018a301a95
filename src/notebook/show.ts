import { realpathSync } from 'node:fs';
import { createRequire } from 'node:module';
import { basename } from 'node:path';
import { renderBarChartSvg, type BarChartOptions } from './bar-chart.js';
import { formatTextTable, renderHtmlTable, type HtmlTableOptions, type TableRow } from './html-table.js';
import { renderNeighbourhoodSvg, type Neighbourhood, type NeighbourhoodPictureOptions } from './neighbourhood-picture.js';
import { formatProgressLine } from './progress-line.js';

/** The part of tslab's `Display` (https://github.com/yunabe/tslab, `tslab.display`) the kit uses. */
export interface RichDisplay {
  html(html: string): void;
  text(text: string): void;
}

interface TslabModule {
  display: RichDisplay;
  newDisplay(): RichDisplay;
}

export interface Progress {
  /** Reports `done` of `total` units (total may be unknown). */
  update(done: number, total?: number): void;
  /** Ends the line with a closing note (e.g. "done: 40,000 rows"). */
  finish(note?: string): void;
}

/** What notebooks call to show things: rich output under tslab, plain text anywhere else. */
export interface Show {
  /** Whether output goes to a notebook (tslab) rather than text. */
  readonly rich: boolean;
  html(html: string, fallbackText?: string): void;
  table(rows: readonly TableRow[], options?: HtmlTableOptions): void;
  barChart(counts: Record<string, number>, options?: BarChartOptions): void;
  neighbourhood(neighbourhood: Neighbourhood, options?: NeighbourhoodPictureOptions): void;
  progress(step: string, unit?: string): Progress;
}

export interface ShowOptions {
  /**
   * Where rich output goes. Default: tslab's display when running inside a tslab kernel;
   * `null` forces text.
   */
  display?: { main: RichDisplay; create(): RichDisplay } | null;
  /** Where text goes (default: console.log). */
  write?: (text: string) => void;
  /** Clock, for the progress line's elapsed time. */
  now?: () => number;
}

/**
 * Finds the tslab module of the running kernel, if any. tslab is loaded lazily so the kit works
 * outside notebooks. The kernel's own copy is preferred (found from its launcher script, argv[1]);
 * a second copy would not be connected to the kernel.
 */
export function findTslab(): TslabModule | undefined {
  const candidates: (() => TslabModule)[] = [];
  const launcher = process.argv[1];
  if (launcher && basename(launcher) === 'tslab') {
    candidates.push(() => createRequire(realpathSync(launcher))('../dist/public.js') as TslabModule);
  }
  candidates.push(() => createRequire(import.meta.url)('tslab') as TslabModule);
  for (const load of candidates) {
    try {
      const tslab = load();
      if (tslab?.display && typeof tslab.newDisplay === 'function') return tslab;
    } catch {
      // not installed here: try the next place, or fall back to text
    }
  }
  return undefined;
}

function textBars(counts: Record<string, number>): string {
  const entries = Object.entries(counts).sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]));
  const max = Math.max(1, ...entries.map(([, v]) => v));
  const width = Math.max(4, ...entries.map(([k]) => k.length));
  return entries.map(([k, v]) => `${k.padEnd(width)}  ${'█'.repeat(Math.max(v > 0 ? 1 : 0, Math.round((v / max) * 40)))} ${v.toLocaleString('en-US')}`).join('\n');
}

/** Creates the display helpers. Outside a notebook every helper prints text instead. */
export function createShow(options: ShowOptions = {}): Show {
  const write = options.write ?? ((text: string) => console.log(text));
  const now = options.now ?? (() => Date.now());
  let display = options.display;
  if (display === undefined) {
    const tslab = process.argv[1] && basename(process.argv[1]) === 'tslab' ? findTslab() : undefined;
    display = tslab ? { main: tslab.display, create: () => tslab.newDisplay() } : null;
  }
  const rich = display !== null;
  const emitHtml = (html: string, text: string) => {
    if (display) {
      try {
        display.main.html(html);
        return;
      } catch {
        // tslab loaded but not connected to a kernel ("Not ready"): text instead
      }
    }
    write(text);
  };
  return {
    rich,
    html: (html, fallbackText) => emitHtml(html, fallbackText ?? html),
    table: (rows, tableOptions) => emitHtml(renderHtmlTable(rows, tableOptions), formatTextTable(rows, tableOptions)),
    barChart: (counts, chartOptions) =>
      emitHtml(renderBarChartSvg(counts, chartOptions), [chartOptions?.title, textBars(counts)].filter(Boolean).join('\n')),
    neighbourhood: (neighbourhood, pictureOptions) => {
      const summary = new Map<string, number>();
      for (const v of neighbourhood.vertices) summary.set(v.label, (summary.get(v.label) ?? 0) + 1);
      const text = [
        pictureOptions?.title ?? `neighbourhood of ${neighbourhood.centre}`,
        `${neighbourhood.vertices.length} vertices, ${neighbourhood.edges.length} edges: ` +
          [...summary].map(([label, n]) => `${label} ${n}`).join(', '),
      ].join('\n');
      emitHtml(renderNeighbourhoodSvg(neighbourhood, pictureOptions), text);
    },
    progress: (step, unit = '') => {
      const started = now();
      let line: RichDisplay | undefined;
      try {
        line = display?.create();
      } catch {
        line = undefined;
      }
      let lastWrite = -Infinity;
      const emit = (text: string, force: boolean) => {
        if (line) {
          try {
            line.text(text);
            return;
          } catch {
            line = undefined;
          }
        }
        // Text mode: one line a second at most, so logs stay short.
        if (force || now() - lastWrite >= 1000) {
          lastWrite = now();
          write(text);
        }
      };
      return {
        update: (done, total) => emit(formatProgressLine(step, done, total, now() - started, unit), false),
        finish: (note) => emit(`${step}  ${note ?? 'done'}  ${((now() - started) / 1000).toFixed(1)} s`, true),
      };
    },
  };
}
