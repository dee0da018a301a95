// Connecting to the graph (Neptune over SigV4-signed WebSocket, or the embedded engine) and the persisted local graph.
export * from './connect-graph.js';
export * from './local-graph-store.js';
export * from './graph-snapshot.js';
export * from './neptune-endpoint.js';
export * from './neptune-sigv4.js';
export * from './neptune-connection.js';
export * from './to-json-value.js';
