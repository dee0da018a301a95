export * from './escape-html.js';
export * from './label-colours.js';
export * from './html-table.js';
export * from './bar-chart.js';
export * from './neighbourhood-picture.js';
export * from './progress-line.js';
export * from './show.js';
export * from './demo-report.js';
