// The embedded Gremlin engine: store, interpreter and connection (ENGINE-CORE), parser and server (ENGINE-TEXT).
export * from './property-graph.js';
export * from './values.js';
export { executeBytecode, executeToDriver, runBytecode, STEP_TABLE } from './execute.js';
export type { ExecuteOptions, ResultTraverser } from './execute.js';
export { toDriverValue } from './to-driver-value.js';
export { LocalConnection } from './local-connection.js';
export type { LocalConnectionOptions } from './local-connection.js';
export { EnginePath, MapEntry, PropertyRef } from './traverser.js';
export * from './parser/index.js';
export * from './server/index.js';
