export * from './gremlin-messages.js';
export * from './gremlin-server.js';
