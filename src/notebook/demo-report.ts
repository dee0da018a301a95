import type { RuleScore, HouseholdScore } from '../queries/stitching-score.js';
import { renderBarChartSvg } from './bar-chart.js';
import { escapeHtml } from './escape-html.js';
import { renderHtmlTable } from './html-table.js';
import { renderNeighbourhoodSvg, type Neighbourhood } from './neighbourhood-picture.js';

export interface DemoReportInput {
  records: number;
  dataDir: string;
  timings: { step: string; seconds: number; detail: string }[];
  vertices: Record<string, number>;
  edges: Record<string, number>;
  rules: RuleScore[];
  households: HouseholdScore;
  exampleUser?: string;
  neighbourhood?: Neighbourhood;
  generatedAt: Date;
}

/** The demo's HTML report: one self-contained page (inline SVG, no script, no external file). */
export function renderDemoReport(input: DemoReportInput): string {
  const total = input.timings.reduce((sum, t) => sum + t.seconds, 0);
  const section = (title: string, body: string) => `<section><h2>${escapeHtml(title)}</h2>\n${body}\n</section>`;
  const scoreRows = input.rules.map((r) => ({
    rule: r.rule,
    'anonymous sessions': r.anonymousSessions,
    linked: r.linked,
    correct: r.correct,
    precision: r.precision,
    recall: r.recall,
  }));
  return [
    '<!doctype html>',
    '<html lang="en"><head><meta charset="utf-8">',
    '<title>Identity graph demo report</title>',
    '<style>body{font:14px/1.5 system-ui,sans-serif;margin:24px auto;max-width:1200px;color:#222;padding:0 16px}h1{font-size:22px}h2{font-size:17px;margin-top:28px;border-bottom:1px solid #e5e5e5}svg{max-width:100%;height:auto}</style>',
    '</head><body>',
    `<h1>Identity graph demo: ${input.records.toLocaleString('en-US')} records, offline</h1>`,
    `<p>Generated ${escapeHtml(input.generatedAt.toISOString())} in ${escapeHtml(input.dataDir)}; the whole pipeline took ${total.toFixed(1)} s.</p>`,
    section('Timings per step', renderHtmlTable(input.timings.map((t) => ({ step: t.step, seconds: Number(t.seconds.toFixed(2)), detail: t.detail })))),
    section('Vertices per label', renderBarChartSvg(input.vertices, { width: 720 })),
    section('Edges per label', renderBarChartSvg(input.edges, { width: 720, colourOf: () => '#6b7b8c' })),
    section('Session stitching: precision and recall per rule (against the generator\'s ground truth)', renderHtmlTable(scoreRows)),
    section('Households (users sharing a home IP), scored as user pairs', renderHtmlTable([{ ...input.households }])),
    input.neighbourhood && input.exampleUser
      ? section(`Identity neighbourhood of ${input.exampleUser}`, renderNeighbourhoodSvg(input.neighbourhood))
      : '',
    '</body></html>',
  ]
    .filter(Boolean)
    .join('\n');
}
