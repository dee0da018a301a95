// The embedded Gremlin engine: store, interpreter and connection (ENGINE-CORE), parser and server (ENGINE-TEXT).
export * from './property-graph.js';
export * from './values.js';
