export * from './gremlin-server.js';
export type { GremlinRequest, GremlinResponse } from './gremlin-messages.js';
