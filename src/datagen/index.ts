export * from './dataset-schema.js';
export {
  DEFAULT_REFERENCE_DATE,
  MAX_RECORDS,
  MAX_UNIQUENESS,
  MIN_RECORDS,
  MIN_UNIQUENESS,
  validateGenerateOptions,
  type GenerateOptions,
  type GenerateProgress,
  type GenerateReport,
  type GeneratedFile,
} from './generate-options.js';
export * from './generate-datasets.js';
export * from './generate-manifest.js';
export * from './ground-truth.js';
