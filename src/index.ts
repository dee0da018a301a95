import './node-version-notice.js';
// The kit's public API, as notebooks import it: `import { ... } from 'idgraph-kit'`.
export * from './errors.js';
export * from './poll.js';
export * from './config/index.js';
export * from './csv/index.js';
export * from './lake/index.js';
export * from './catalog/index.js';
export * from './engine/index.js';
export * from './datagen/index.js';
export * from './etl/index.js';
export * from './loader/index.js';
export * from './graph/index.js';
export * from './notebook/index.js';
export * from './queries/index.js';
export * from './infra/index.js';
export * from './identity-api/index.js';
export * from './kit.js';
