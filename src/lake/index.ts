export * from './object-store.js';
export * from './dataset-layout.js';
export * from './s3-object-store.js';
export * from './local-s3-server.js';
export * from './create-object-store.js';
export * from './upload-datasets.js';
