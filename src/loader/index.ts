// Bulk loading: Neptune's loader API (aws) and the embedded loader with Neptune's CSV rules (local).
export * from './load-status.js';
export * from './gremlin-csv-values.js';
export * from './gremlin-csv-header.js';
export * from './gremlin-csv-load.js';
export * from './embedded-bulk-loader.js';
export * from './neptune-bulk-loader.js';
export * from './create-bulk-loader.js';
export * from './drop-superseded-edges.js';
