export * from './csv-format.js';
export * from './csv-parser.js';
export * from './csv-fields.js';
