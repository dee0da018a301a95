export * from './graph-model-types.js';
export * from './graph-model.js';
export * from './transform-sql.js';
export * from './source-tables.js';
export * from './gremlin-csv-header.js';
export * from './transform-report.js';
export * from './run-local-transform.js';
