/** One line of progress: `generate  12,000 / 40,000 rows  30%  1.2 s`. */
export function formatProgressLine(step: string, done: number, total: number | undefined, elapsedMs: number, unit = ''): string {
  const count = total ? `${done.toLocaleString('en-US')} / ${total.toLocaleString('en-US')}` : done.toLocaleString('en-US');
  const percent = total ? `  ${Math.min(100, Math.floor((done / total) * 100))}%` : '';
  return `${step}  ${count}${unit ? ` ${unit}` : ''}${percent}  ${(elapsedMs / 1000).toFixed(1)} s`;
}
