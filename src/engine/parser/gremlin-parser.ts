/**
 * A hand-written recursive-descent parser for Gremlin text — the language of TinkerPop's
 * `gremlin-language` grammar (Gremlin.g4 at 3.7.3:
 * https://github.com/apache/tinkerpop/blob/3.7.3/gremlin-language/src/main/antlr4/Gremlin.g4) —
 * producing the very `Bytecode` the `gremlin` JS driver builds for the same traversal: steps and
 * source instructions by their Gremlin names, child traversals as anonymous `GraphTraversal`s,
 * predicates as `P`/`TextP`, enums as the driver's `EnumValue`s, maps as `Map`, sets as `Set`.
 *
 * The grammar's many step signatures all share one shape (`name(arguments)`), so arguments are
 * parsed generically; the grammar's only context-dependent readings are handled explicitly:
 * a bare name with parentheses inside an argument starts an anonymous traversal unless it is a
 * predicate (`gt(1)`), `datetime(...)`, a cardinality value (`list(x)`) or a vertex; without
 * parentheses it is an enum (`desc`, `OUT`, `values`) or else a variable (a scenario parameter).
 */
import gremlin from 'gremlin';
import { DriverCardinalityValue, createAnonymousTraversal, createDriverStrategy, type DriverStrategy } from './driver-internals.js';
import { GremlinSyntaxError, tokenizeGremlin, type Token } from './gremlin-lexer.js';
import {
  P_PREDICATES,
  SOURCE_SELF_METHODS,
  SOURCE_SPAWN_METHODS,
  TERMINAL_METHODS,
  TEXTP_PREDICATES,
  TRAVERSAL_METHODS,
  isSymbolClass,
  listSymbolMembers,
  lookupBareSymbol,
  lookupQualifiedSymbol,
} from './gremlin-symbols.js';

const { Bytecode, P, TextP } = gremlin.process;
type Bytecode = gremlin.process.Bytecode;
type GraphTraversal = gremlin.process.GraphTraversal;

/** A terminal method that ended the text (`next()`, `toList()`, `iterate()`...). */
export interface TerminalMethod {
  name: string;
  /** `next(2)` keeps its count here. */
  args: unknown[];
}

/** The result of parsing one Gremlin query. */
export interface ParsedGremlin {
  bytecode: Bytecode;
  /** The terminal method the text ended with, if any. */
  terminal?: TerminalMethod;
}

/**
 * Parses Gremlin text into the driver's `Bytecode`. `parameters` supply the values of variables
 * used in the text (as Gremlin Server bindings do). `iterate()` appends the `none` step as the
 * driver's `Traversal.iterate()` does; other terminal methods are not part of the bytecode.
 */
export function parseGremlin(text: string, parameters: Record<string, unknown> = {}): Bytecode {
  return parseGremlinQuery(text, parameters).bytecode;
}

/** Like {@link parseGremlin}, also returning the terminal method the text ended with. */
export function parseGremlinQuery(text: string, parameters: Record<string, unknown> = {}): ParsedGremlin {
  const parser = new GremlinParser(tokenizeGremlin(text), parameters);
  const query = parser.parseQuery();
  parser.expectEnd('the end of the query (several queries need evaluateGremlin or parseGremlinQueries)');
  return query;
}

/**
 * Parses a query list (Gremlin.g4's `queryList`): queries one after the other, separated by `;`
 * or just by a line break, as a notebook cell or a Gremlin Server script may hold them.
 */
export function parseGremlinQueries(text: string, parameters: Record<string, unknown> = {}): ParsedGremlin[] {
  const parser = new GremlinParser(tokenizeGremlin(text), parameters);
  const queries: ParsedGremlin[] = [parser.parseQuery()];
  while (!parser.atEnd()) queries.push(parser.parseQuery());
  return queries;
}

class GremlinParser {
  private position = 0;

  constructor(
    private readonly tokens: Token[],
    private readonly parameters: Record<string, unknown>,
  ) {}

  parseQuery(): ParsedGremlin {
    const first = this.peek();
    if (first.kind === 'string' && first.text === '' && this.peek(1).kind !== 'punct') {
      throw this.error('expected a traversal starting with g, found an empty query', first);
    }
    this.expectIdentifier('g', 'a traversal starting with g');
    const bytecode = new Bytecode();
    let terminal: TerminalMethod | undefined;
    let spawned = false;
    while (this.isPunct('.')) {
      const nameToken = this.peek(1);
      if (nameToken.kind !== 'ident') throw this.error('expected a method name', nameToken);
      const name = nameToken.text;
      if (!spawned && SOURCE_SELF_METHODS.has(name)) {
        this.advance(2);
        this.parseSourceMethod(bytecode, name, nameToken);
        continue;
      }
      if (!spawned && name === 'tx') {
        throw this.error('transactions (g.tx()) are not supported by the embedded engine', nameToken);
      }
      if (!spawned && !SOURCE_SPAWN_METHODS.has(name)) {
        throw this.error(
          `expected a traversal source method (${[...SOURCE_SELF_METHODS, ...SOURCE_SPAWN_METHODS].join(', ')}) but found '${name}'`,
          nameToken,
        );
      }
      if (spawned && TERMINAL_METHODS.has(name)) {
        this.advance(2);
        const args = this.parseArgumentList();
        terminal = { name, args };
        if (name === 'iterate') bytecode.addStep('none', []);
        break;
      }
      if (name === 'toString' && spawned) {
        this.advance(2);
        this.parseArgumentList();
        continue;
      }
      if (spawned) this.checkStepName(nameToken);
      this.advance(2);
      bytecode.addStep(name, this.parseStepArguments(name));
      spawned = true;
    }
    if (terminal && this.isPunct('.')) {
      throw this.error(`nothing may follow the terminal method ${terminal.name}()`, this.peek());
    }
    if (this.isPunct(';')) this.advance(1);
    const end = this.peek();
    // Another query may follow (queryList); anything else is out of place here.
    if (end.kind !== 'eof' && !(end.kind === 'ident' && end.text === 'g')) {
      throw this.error(`expected '.' followed by a step or the end of the query, found ${describe(end)}`, end);
    }
    return terminal ? { bytecode, terminal } : { bytecode };
  }

  atEnd(): boolean {
    return this.peek().kind === 'eof';
  }

  expectEnd(what: string): void {
    const end = this.peek();
    if (end.kind !== 'eof') throw this.error(`expected ${what}, found ${describe(end)}`, end);
  }

  /** Source instructions: `withStrategies(...)`, `withSideEffect('a', 1)`, `with('key', value)`. */
  private parseSourceMethod(bytecode: Bytecode, name: string, at: Token): void {
    if (name === 'withStrategies') {
      this.expectPunct('(');
      const strategies: DriverStrategy[] = [];
      do {
        strategies.push(this.parseStrategy());
      } while (this.acceptPunct(','));
      this.expectPunct(')');
      bytecode.addSource('withStrategies', strategies);
      return;
    }
    if (name === 'withoutStrategies') {
      this.expectPunct('(');
      const strategies: DriverStrategy[] = [];
      do {
        const classToken = this.expectKind('ident', 'a strategy class name');
        strategies.push(this.createStrategy(classToken.text, {}, classToken));
      } while (this.acceptPunct(','));
      this.expectPunct(')');
      bytecode.addSource('withoutStrategies', strategies);
      return;
    }
    const args = this.parseArgumentList();
    if (name === 'with') {
      // The driver's GraphTraversalSource.with_() folds options into one OptionsStrategy.
      if (typeof args[0] !== 'string') throw this.error('with() expects a string key', at);
      const value = args.length > 1 ? args[1] : true;
      const { sourceInstructions } = bytecode as unknown as { sourceInstructions: unknown[][] };
      const existing = sourceInstructions.find(
        (instruction) => instruction[0] === 'withStrategies' && (instruction[1] as DriverStrategy).fqcn?.endsWith('.OptionsStrategy'),
      );
      if (existing) {
        (existing[1] as DriverStrategy).configuration[args[0]] = value;
      } else {
        bytecode.addSource('withStrategies', [this.createStrategy('OptionsStrategy', { [args[0]]: value }, at)]);
      }
      return;
    }
    bytecode.addSource(name, args);
  }

  /** `new SubgraphStrategy(vertices: __.hasLabel('x'))`, `ReadOnlyStrategy`, `SeedStrategy(seed: 1)`. */
  private parseStrategy(): DriverStrategy {
    const hasNew = this.isIdentifier('new');
    if (hasNew) this.advance(1);
    const classToken = this.expectKind('ident', 'a strategy class name');
    const configuration: Record<string, unknown> = {};
    if (this.acceptPunct('(')) {
      if (!this.isPunct(')')) {
        do {
          const key = this.expectKind('ident', 'a configuration key');
          this.expectPunct(':');
          configuration[key.text] = this.parseValue();
        } while (this.acceptPunct(','));
      }
      this.expectPunct(')');
    }
    return this.createStrategy(classToken.text, configuration, classToken);
  }

  private createStrategy(className: string, configuration: Record<string, unknown>, at: Token): DriverStrategy {
    const strategy = createDriverStrategy(className, configuration);
    if (!strategy) throw this.error(`unknown traversal strategy '${className}'`, at);
    return strategy;
  }

  /** Arguments of a step; `(` has not been consumed yet. */
  private parseStepArguments(stepName: string): unknown[] {
    const openToken = this.peek();
    const args = this.parseArgumentList();
    if (stepName === 'with' && args.length === 0) throw this.error('with() expects a key', openToken);
    return args;
  }

  /** `( value, value, ... )` */
  private parseArgumentList(): unknown[] {
    this.expectPunct('(');
    const args: unknown[] = [];
    if (this.acceptPunct(')')) return args;
    do {
      args.push(this.parseValue());
    } while (this.acceptPunct(','));
    this.expectPunct(')');
    return args;
  }

  /** Any argument: literal, collection, map, enum, predicate, variable or anonymous traversal. */
  private parseValue(): unknown {
    return this.parseRange(this.parsePrimary());
  }

  /** `1..5` and `'a'..'e'` (genericLiteralRange) read as inclusive lists, as Groovy ranges are. */
  private parseRange(start: unknown): unknown {
    if (!(this.isPunct('.') && this.peek(1).kind === 'punct' && this.peek(1).text === '.')) return start;
    const at = this.peek();
    this.advance(2);
    const end = this.parsePrimary();
    if (typeof start === 'number' && typeof end === 'number') {
      const values: number[] = [];
      for (let i = start; i <= end; i++) values.push(i);
      return values;
    }
    if (typeof start === 'string' && typeof end === 'string' && start.length === 1 && end.length === 1) {
      const values: string[] = [];
      for (let c = start.charCodeAt(0); c <= end.charCodeAt(0); c++) values.push(String.fromCharCode(c));
      return values;
    }
    throw this.error('a range needs two integers or two single characters', at);
  }

  private parsePrimary(): unknown {
    const token = this.peek();
    switch (token.kind) {
      case 'string':
        this.advance(1);
        return token.text;
      case 'number':
        this.advance(1);
        return token.number!.value;
      case 'punct':
        if (token.text === '[') return this.parseListOrMap();
        if (token.text === '{') return this.parseSet();
        throw this.error(`expected a value, found ${describe(token)}`, token);
      case 'eof':
        throw this.error('expected a value, found the end of the query', token);
      case 'ident':
        return this.parseIdentifierValue();
    }
  }

  private parseIdentifierValue(): unknown {
    const token = this.peek();
    const name = token.text;
    const next = this.peek(1);
    const isCall = next.kind === 'punct' && next.text === '(';
    const isQualified = next.kind === 'punct' && next.text === '.' && this.peek(2).kind === 'ident';
    switch (name) {
      case 'true':
        this.advance(1);
        return true;
      case 'false':
        this.advance(1);
        return false;
      case 'null':
        this.advance(1);
        return null;
      case 'NaN':
        this.advance(1);
        return Number.NaN;
      case 'Infinity':
        this.advance(1);
        return Number.POSITIVE_INFINITY;
      case 'new': {
        this.advance(1);
        const classToken = this.peek();
        if (classToken.kind === 'ident' && (classToken.text === 'Vertex' || classToken.text === 'ReferenceVertex')) {
          return this.parseIdentifierValue();
        }
        throw this.error(`expected Vertex after new, found ${describe(classToken)}`, classToken);
      }
      case 'g':
        throw this.error('a traversal source (g) cannot be used inside an argument; use __ for a child traversal', token);
      case '__': {
        if (!isQualified) throw this.error("expected '.' and a step after __", next);
        this.advance(2);
        return this.parseAnonymousTraversal();
      }
      case 'P':
      case 'TextP': {
        if (!isQualified) throw this.error(`expected '.' and a predicate after ${name}`, next);
        const predicateToken = this.peek(2);
        const known = name === 'P' ? P_PREDICATES : TEXTP_PREDICATES;
        if (!known.has(predicateToken.text)) {
          throw this.error(`unknown predicate ${name}.${predicateToken.text}; expected one of ${[...known].join(', ')}`, predicateToken);
        }
        this.advance(2);
        return this.parsePredicateChain(this.parsePredicateCall());
      }
      case 'Cardinality':
        if (isQualified && this.peek(3).kind === 'punct' && this.peek(3).text === '(') {
          this.advance(2);
          return this.parseCardinalityValue();
        }
        break;
      case 'datetime':
        if (isCall) return this.parseDatetime();
        break;
      case 'Vertex':
      case 'ReferenceVertex':
        if (isCall) return this.parseVertex();
        break;
      case 'single':
      case 'set':
      case 'list':
        if (isCall) return this.parseCardinalityValue();
        break;
      default:
        break;
    }
    if (isQualified && isSymbolClass(name)) {
      const memberToken = this.peek(2);
      const value = lookupQualifiedSymbol(name, memberToken.text);
      if (value === undefined) {
        throw this.error(`unknown ${name}.${memberToken.text}; expected one of ${listSymbolMembers(name).join(', ')}`, memberToken);
      }
      this.advance(3);
      return value;
    }
    if (isCall) {
      if (P_PREDICATES.has(name) || TEXTP_PREDICATES.has(name)) {
        if (name === 'not') return this.parseNot();
        return this.parsePredicateChain(this.parsePredicateCall());
      }
      return this.parseAnonymousTraversal();
    }
    const symbol = lookupBareSymbol(name);
    if (symbol !== undefined) {
      this.advance(1);
      return symbol;
    }
    if (Object.hasOwn(this.parameters, name)) {
      this.advance(1);
      return this.parameters[name];
    }
    throw this.error(`undefined variable '${name}' (not a parameter, enum or step)`, token);
  }

  /** `not(...)`: P.not of a predicate, or the not() step of a child traversal. */
  private parseNot(): unknown {
    const start = this.position;
    this.advance(2);
    const inner = this.parseValue();
    if (isPredicate(inner) && this.acceptPunct(')')) {
      return this.parsePredicateChain(P.not(inner));
    }
    this.position = start;
    return this.parseAnonymousTraversal();
  }

  /** Rejects a name that is no step of the grammar, with the place and a close match if any. */
  private checkStepName(token: Token): void {
    if (TRAVERSAL_METHODS.has(token.text)) return;
    if (TERMINAL_METHODS.has(token.text)) {
      throw this.error(`${token.text}() ends a traversal and cannot be used inside one`, token);
    }
    const suggestion = suggestName(token.text, TRAVERSAL_METHODS);
    throw this.error(`unknown step '${token.text}'${suggestion ? `; did you mean '${suggestion}'?` : ''}`, token);
  }

  /** At a predicate name: `gt(1)`, `within('a', 'b')`, `containing('x')`. */
  private parsePredicateCall(): unknown {
    const nameToken = this.advance(1);
    const name = nameToken.text;
    const args = this.parseArgumentList();
    if (TEXTP_PREDICATES.has(name)) {
      if (args.length !== 1) throw this.error(`${name}() expects one string`, nameToken);
      return new TextP(name as never, args[0] as string);
    }
    switch (name) {
      case 'within':
      case 'without':
        return (P as unknown as Record<string, (...values: unknown[]) => unknown>)[name]!(...args);
      case 'between':
      case 'inside':
      case 'outside':
        if (args.length !== 2) throw this.error(`${name}() expects two values`, nameToken);
        return new P(name as never, args[0], args[1]);
      case 'not':
        if (args.length !== 1 || !isPredicate(args[0])) throw this.error('not() expects a predicate', nameToken);
        return P.not(args[0]);
      default:
        if (args.length !== 1) throw this.error(`${name}() expects one value`, nameToken);
        return new P(name as never, args[0]);
    }
  }

  /** `.and(p)`, `.or(p)` and `.negate()` after a predicate. */
  private parsePredicateChain(predicate: unknown): unknown {
    let current = predicate as gremlin.process.P;
    while (this.isPunct('.') && this.peek(1).kind === 'ident') {
      const method = this.peek(1);
      if (method.text === 'and' || method.text === 'or') {
        this.advance(2);
        this.expectPunct('(');
        const other = this.parseValue();
        if (!isPredicate(other)) throw this.error(`${method.text}() after a predicate expects a predicate`, method);
        this.expectPunct(')');
        current = method.text === 'and' ? current.and(other) : current.or(other);
        continue;
      }
      if (method.text === 'negate') {
        this.advance(2);
        this.expectPunct('(');
        this.expectPunct(')');
        current = negatePredicate(current, method, (m, t) => this.error(m, t)) as gremlin.process.P;
        continue;
      }
      break;
    }
    return current;
  }

  /** At the first step name of a child traversal (after `__.` or bare). */
  private parseAnonymousTraversal(): GraphTraversal {
    const traversal = createAnonymousTraversal();
    const bytecode = traversal.getBytecode();
    for (;;) {
      const nameToken = this.expectKind('ident', 'a step name');
      this.checkStepName(nameToken);
      if (this.peek().kind !== 'punct' || this.peek().text !== '(') {
        throw this.error(`expected '(' after step ${nameToken.text}`, this.peek());
      }
      bytecode.addStep(nameToken.text, this.parseStepArguments(nameToken.text));
      if (!(this.isPunct('.') && this.peek(1).kind === 'ident')) break;
      this.advance(1);
    }
    return traversal;
  }

  /** `datetime('2023-08-02T00:00:00Z')` or `datetime()` (now). */
  private parseDatetime(): Date {
    const nameToken = this.advance(1);
    const args = this.parseArgumentList();
    if (args.length === 0) return new Date();
    if (args.length !== 1 || typeof args[0] !== 'string') throw this.error('datetime() expects one ISO-8601 string', nameToken);
    const date = parseIsoDate(args[0]);
    if (date === undefined) throw this.error(`datetime() cannot read '${args[0]}' as an ISO-8601 date`, nameToken);
    return date;
  }

  /** `Vertex(1, 'person')` as a reference to an existing vertex. */
  private parseVertex(): unknown {
    const nameToken = this.advance(1);
    const args = this.parseArgumentList();
    if (args.length < 1 || args.length > 2) throw this.error(`${nameToken.text}() expects an id and a label`, nameToken);
    return new gremlin.structure.Vertex(args[0] as never, (args[1] as string | undefined) ?? 'vertex', undefined);
  }

  /** `list(x)`, `Cardinality.set(x)`: a value with its cardinality, for property() and mergeV(). */
  private parseCardinalityValue(): unknown {
    const nameToken = this.advance(1);
    const args = this.parseArgumentList();
    if (args.length !== 1) throw this.error(`${nameToken.text}() expects one value`, nameToken);
    const cardinality = lookupQualifiedSymbol('Cardinality', nameToken.text) as gremlin.process.EnumValue;
    return new DriverCardinalityValue(cardinality, args[0]);
  }

  /** `[1, 2]` (list), `[a: 1, (T.id): 2]` (map), `[:]` (empty map). */
  private parseListOrMap(): unknown {
    this.expectPunct('[');
    if (this.isPunct(':') && this.peek(1).kind === 'punct' && this.peek(1).text === ']') {
      this.advance(2);
      return new Map();
    }
    if (this.acceptPunct(']')) return [];
    const first = this.parseMapKeyOrValue();
    if (this.acceptPunct(':')) {
      const map = new Map<unknown, unknown>();
      map.set(first, this.parseValue());
      while (this.acceptPunct(',')) {
        const key = this.parseMapKeyOrValue();
        this.expectPunct(':');
        map.set(key, this.parseValue());
      }
      this.expectPunct(']');
      return map;
    }
    const list: unknown[] = [first];
    while (this.acceptPunct(',')) list.push(this.parseValue());
    this.expectPunct(']');
    return list;
  }

  /**
   * A map key (mapEntry): `name:` is the string "name" unless it is a T or Direction token
   * (`id:`, `label:`, `OUT:`); `(expr):` is the value of expr; anything else is a value.
   */
  private parseMapKeyOrValue(): unknown {
    const token = this.peek();
    const next = this.peek(1);
    if (token.kind === 'ident' && next.kind === 'punct' && next.text === ':') {
      this.advance(1);
      const symbol = lookupQualifiedSymbol('T', token.text) ?? lookupQualifiedSymbol('Direction', token.text);
      return symbol ?? token.text;
    }
    if (token.kind === 'punct' && token.text === '(') {
      this.advance(1);
      const key = this.parseValue();
      this.expectPunct(')');
      return key;
    }
    return this.parseValue();
  }

  /** `{1, 2}` (genericLiteralSet). */
  private parseSet(): Set<unknown> {
    this.expectPunct('{');
    const set = new Set<unknown>();
    if (this.acceptPunct('}')) return set;
    do {
      set.add(this.parseValue());
    } while (this.acceptPunct(','));
    this.expectPunct('}');
    return set;
  }

  // -- token helpers --

  private peek(ahead = 0): Token {
    return this.tokens[Math.min(this.position + ahead, this.tokens.length - 1)]!;
  }

  private advance(count: number): Token {
    const token = this.peek();
    this.position = Math.min(this.position + count, this.tokens.length - 1);
    return token;
  }

  private isPunct(text: string): boolean {
    const token = this.peek();
    return token.kind === 'punct' && token.text === text;
  }

  private isIdentifier(text: string): boolean {
    const token = this.peek();
    return token.kind === 'ident' && token.text === text;
  }

  private acceptPunct(text: string): boolean {
    if (!this.isPunct(text)) return false;
    this.advance(1);
    return true;
  }

  private expectPunct(text: string): Token {
    const token = this.peek();
    if (token.kind !== 'punct' || token.text !== text) throw this.error(`expected '${text}' but found ${describe(token)}`, token);
    return this.advance(1);
  }

  private expectIdentifier(text: string, what: string): Token {
    const token = this.peek();
    if (token.kind !== 'ident' || token.text !== text) throw this.error(`expected ${what} but found ${describe(token)}`, token);
    return this.advance(1);
  }

  private expectKind(kind: Token['kind'], what: string): Token {
    const token = this.peek();
    if (token.kind !== kind) throw this.error(`expected ${what} but found ${describe(token)}`, token);
    return this.advance(1);
  }

  private error(message: string, token: Token): GremlinSyntaxError {
    return new GremlinSyntaxError(message, token.line, token.column);
  }
}

/** The known name closest to `name` (case-insensitive, at most two edits away), if any. */
function suggestName(name: string, known: Iterable<string>): string | undefined {
  let best: string | undefined;
  let bestDistance = 3;
  const lower = name.toLowerCase();
  for (const candidate of known) {
    const distance = editDistance(lower, candidate.toLowerCase());
    if (distance < bestDistance) {
      best = candidate;
      bestDistance = distance;
    }
  }
  return best;
}

function editDistance(a: string, b: string): number {
  const previous = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    let diagonal = previous[0]!;
    previous[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const above = previous[j]!;
      previous[j] = Math.min(above + 1, previous[j - 1]! + 1, diagonal + (a[i - 1] === b[j - 1] ? 0 : 1));
      diagonal = above;
    }
  }
  return previous[b.length]!;
}

function describe(token: Token): string {
  switch (token.kind) {
    case 'eof':
      return 'the end of the query';
    case 'string':
      return `the string ${JSON.stringify(token.text)}`;
    default:
      return `'${token.text}'`;
  }
}

function isPredicate(value: unknown): value is gremlin.process.P {
  return value instanceof P || value instanceof TextP;
}

const NEGATIONS: Record<string, string> = {
  eq: 'neq',
  neq: 'eq',
  lt: 'gte',
  gte: 'lt',
  gt: 'lte',
  lte: 'gt',
  inside: 'outside',
  outside: 'inside',
  within: 'without',
  without: 'within',
  containing: 'notContaining',
  notContaining: 'containing',
  startingWith: 'notStartingWith',
  notStartingWith: 'startingWith',
  endingWith: 'notEndingWith',
  notEndingWith: 'endingWith',
  regex: 'notRegex',
  notRegex: 'regex',
};

/** `p.negate()` as Java's P.negate(): the opposite operator, De Morgan for and/or. */
function negatePredicate(
  predicate: gremlin.process.P,
  at: Token,
  fail: (message: string, token: Token) => Error,
): unknown {
  const { operator, value, other } = predicate as unknown as { operator: string; value: unknown; other: unknown };
  if (operator === 'and' || operator === 'or') {
    const left = negatePredicate(value as gremlin.process.P, at, fail) as gremlin.process.P;
    const right = negatePredicate(other as gremlin.process.P, at, fail) as gremlin.process.P;
    return operator === 'and' ? left.or(right) : left.and(right);
  }
  if (operator === 'not') return value;
  if (operator === 'between') {
    return new P('lt' as never, value).or(new P('gte' as never, other));
  }
  const negated = NEGATIONS[operator];
  if (negated === undefined) throw fail(`cannot negate the predicate ${operator}`, at);
  const Constructor = predicate instanceof TextP ? TextP : P;
  return new Constructor(negated as never, value as never, other === null ? undefined : other);
}

/**
 * Reads the ISO-8601 forms Gremlin's `datetime()` accepts (date, date-time, with `Z` or an offset
 * written `+hh:mm` or `+hhmm`); JavaScript's Date parser needs the colon in the offset.
 */
function parseIsoDate(text: string): Date | undefined {
  const normalized = text.trim().replace(/([+-]\d{2})(\d{2})$/, '$1:$2');
  if (!/^\d{4}-\d{2}-\d{2}/.test(normalized)) return undefined;
  // A date-time without zone is read as UTC, as Gremlin does.
  const withZone = /T.*(Z|[+-]\d{2}:\d{2})$/.test(normalized) || !normalized.includes('T') ? normalized : `${normalized}Z`;
  const date = new Date(withZone);
  return Number.isNaN(date.getTime()) ? undefined : date;
}
