/**
 * The names Gremlin text may use without arguments or qualified by a class (`T.id`, `desc`,
 * `Scope.local`, `WithOptions.tokens`...), mapped to the values the `gremlin` JS driver uses for
 * them (its `EnumValue`s and option constants), so parsed text and driver-built traversals agree.
 * Token lists follow Gremlin.g4 3.7.3 (traversalToken, traversalOrder, traversalScope, ...).
 */
import type gremlin from 'gremlin';
import { driverProcess } from './driver-internals.js';

const gp = driverProcess;

type EnumTable = Record<string, gremlin.process.EnumValue>;

/** Enum classes by the name Gremlin text uses for them, with their members by Gremlin name. */
const ENUM_CLASSES: Record<string, EnumTable> = {
  T: { id: gp.t.id, label: gp.t.label, key: gp.t.key, value: gp.t.value },
  Order: {
    asc: gp.order.asc,
    desc: gp.order.desc,
    shuffle: gp.order.shuffle,
    // incr/decr were removed from the driver; the grammar keeps them as synonyms of asc/desc.
    incr: gp.order.asc,
    decr: gp.order.desc,
  },
  Scope: { local: gp.scope.local, global: gp.scope.global },
  Column: { keys: gp.column.keys, values: gp.column.values },
  Direction: {
    OUT: gp.direction.out,
    IN: gp.direction.in,
    BOTH: gp.direction.both,
    from: gp.direction.out,
    to: gp.direction.in,
  },
  Cardinality: { single: gp.cardinality.single, set: gp.cardinality.set, list: gp.cardinality.list },
  Pop: { first: gp.pop.first, last: gp.pop.last, all: gp.pop.all, mixed: gp.pop.mixed },
  Operator: {
    addAll: gp.operator.addAll,
    and: gp.operator.and,
    assign: gp.operator.assign,
    div: gp.operator.div,
    max: gp.operator.max,
    min: gp.operator.min,
    minus: gp.operator.minus,
    mult: gp.operator.mult,
    or: gp.operator.or,
    sum: gp.operator.sum,
    sumLong: gp.operator.sumLong,
  },
  Merge: {
    onCreate: driverProcess.merge.onCreate!,
    onMatch: driverProcess.merge.onMatch!,
    outV: driverProcess.merge.outV!,
    inV: driverProcess.merge.inV!,
  },
  Pick: { any: gp.pick.any, none: gp.pick.none },
  DT: {
    second: driverProcess.dt.second!,
    minute: driverProcess.dt.minute!,
    hour: driverProcess.dt.hour!,
    day: driverProcess.dt.day!,
  },
  Barrier: { normSack: gp.barrier.normSack },
};

/**
 * Names usable bare (without their class) as the grammar allows. Where a name belongs to several
 * classes the grammar's reading wins: `all` is Pop.all, `and`/`or`/`min`/`max`/`sum` are operators
 * (as steps they take parentheses and never reach this table).
 */
const BARE_ORDER: string[] = ['T', 'Order', 'Scope', 'Column', 'Direction', 'Cardinality', 'Pop', 'Operator', 'Merge', 'Pick', 'DT', 'Barrier'];

const BARE_SYMBOLS = new Map<string, gremlin.process.EnumValue>();
for (const className of BARE_ORDER) {
  for (const [name, value] of Object.entries(ENUM_CLASSES[className]!)) {
    if (!BARE_SYMBOLS.has(name)) BARE_SYMBOLS.set(name, value);
  }
}

/** Constant holders whose members are plain strings or numbers in the driver. */
const CONSTANT_CLASSES: Record<string, Record<string, string | number>> = {
  WithOptions: driverProcess.withOptions,
  // The driver keeps these holders private (lib/process/traversal.js); their values are the
  // configuration keys Gremlin Server expects, so they are spelled out here.
  IO: {
    graphml: 'graphml',
    graphson: 'graphson',
    gryo: 'gryo',
    reader: '~tinkerpop.io.reader',
    registry: '~tinkerpop.io.registry',
    writer: '~tinkerpop.io.writer',
  },
  ConnectedComponent: {
    component: 'gremlin.connectedComponentVertexProgram.component',
    edges: '~tinkerpop.connectedComponent.edges',
    propertyName: '~tinkerpop.connectedComponent.propertyName',
  },
  ShortestPath: {
    distance: '~tinkerpop.shortestPath.distance',
    edges: '~tinkerpop.shortestPath.edges',
    includeEdges: '~tinkerpop.shortestPath.includeEdges',
    maxDistance: '~tinkerpop.shortestPath.maxDistance',
    target: '~tinkerpop.shortestPath.target',
  },
  PageRank: {
    edges: '~tinkerpop.pageRank.edges',
    propertyName: '~tinkerpop.pageRank.propertyName',
    times: '~tinkerpop.pageRank.times',
  },
  PeerPressure: {
    edges: '~tinkerpop.peerPressure.edges',
    propertyName: '~tinkerpop.peerPressure.propertyName',
    times: '~tinkerpop.peerPressure.times',
  },
};

/** The value of a bare enum name such as `desc` or `OUT`, or undefined if it is not one. */
export function lookupBareSymbol(name: string): gremlin.process.EnumValue | undefined {
  return BARE_SYMBOLS.get(name);
}

/** True when `name` is a class whose members can be named as `Class.member`. */
export function isSymbolClass(name: string): boolean {
  return name in ENUM_CLASSES || name in CONSTANT_CLASSES;
}

/** The value of `Class.member` (an EnumValue or a driver constant), or undefined. */
export function lookupQualifiedSymbol(className: string, member: string): unknown {
  const enumTable = ENUM_CLASSES[className];
  if (enumTable && Object.hasOwn(enumTable, member)) return enumTable[member];
  const constants = CONSTANT_CLASSES[className];
  if (constants && Object.hasOwn(constants, member)) return constants[member];
  return undefined;
}

/** The members of a class, for "expected one of" error messages. */
export function listSymbolMembers(className: string): string[] {
  return Object.keys(ENUM_CLASSES[className] ?? CONSTANT_CLASSES[className] ?? {});
}

/** P predicates by name with their arity rule (`within`/`without` take varargs). */
export const P_PREDICATES = new Set(['eq', 'neq', 'lt', 'lte', 'gt', 'gte', 'inside', 'outside', 'between', 'within', 'without', 'not']);

/** TextP predicates by name. */
export const TEXTP_PREDICATES = new Set([
  'containing',
  'notContaining',
  'startingWith',
  'notStartingWith',
  'endingWith',
  'notEndingWith',
  'regex',
  'notRegex',
]);

/** Methods of the traversal source that configure it (source instructions). */
export const SOURCE_SELF_METHODS = new Set([
  'withBulk',
  'withPath',
  'withSack',
  'withSideEffect',
  'withStrategies',
  'withoutStrategies',
  'with',
  'withComputer',
]);

/** Methods of the traversal source that start a traversal. */
export const SOURCE_SPAWN_METHODS = new Set(['addE', 'addV', 'E', 'V', 'mergeE', 'mergeV', 'inject', 'io', 'call', 'union']);

/** Terminal methods that may end a root traversal. */
export const TERMINAL_METHODS = new Set(['explain', 'iterate', 'hasNext', 'tryNext', 'next', 'toList', 'toSet', 'toBulkSet']);

/** The step names of Gremlin.g4's `traversalMethod` rule (3.7.3), plus `discard` (traversalSelfMethod). */
export const TRAVERSAL_METHODS = new Set(
  (
    'V E addE addV mergeE mergeV aggregate all and any as barrier both bothE bothV branch by cap choose coalesce coin ' +
    'conjoin connectedComponent constant count cyclicPath dedup difference disjunct drop elementMap emit filter flatMap ' +
    'fold from group groupCount has hasId hasKey hasLabel hasNot hasValue id identity in inE intersect inV index inject ' +
    'is key label limit local loops map match math max mean min none not option optional or order otherV out outE outV ' +
    'pageRank path peerPressure profile project properties property propertyMap range read repeat sack sample select ' +
    'combine product merge shortestPath sideEffect simplePath skip store subgraph sum tail fail timeLimit times to toE ' +
    'toV tree unfold union until value valueMap values where with write element call concat asString format toUpper ' +
    'toLower length trim lTrim rTrim reverse replace split substring asDate dateAdd dateDiff discard'
  ).split(' '),
);
