export * from './dataset-schema.js';
export * from './generate-options.js';
export * from './generate-datasets.js';
export * from './generate-manifest.js';
export * from './ground-truth.js';
