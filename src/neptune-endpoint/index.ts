export * from './start-neptune-endpoint.js';
export * from './sigv4-verifier.js';
export * from './neptune-error.js';
export * from './loader-jobs.js';
