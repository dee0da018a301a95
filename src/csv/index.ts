export * from './csv-format.js';
export * from './csv-parser.js';
