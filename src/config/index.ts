export * from './kit-config.js';
