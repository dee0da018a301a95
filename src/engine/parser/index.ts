export * from './gremlin-lexer.js';
export * from './gremlin-parser.js';
