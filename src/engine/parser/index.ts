export { GremlinSyntaxError, tokenizeGremlin } from './gremlin-lexer.js';
export * from './gremlin-parser.js';
export * from './evaluate-gremlin.js';
