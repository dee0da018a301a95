/**
 * Typed access to parts of the `gremlin` driver (3.7.3) that its public index or its bundled type
 * declarations (written for 3.6) do not expose: `CardinalityValue`, `dt`, `merge`, the strategy
 * classes. Using the driver's own classes keeps parsed text identical to driver-built bytecode.
 */
import { createRequire } from 'node:module';
import gremlin from 'gremlin';

const requireDriver = createRequire(import.meta.url);

type EnumValue = gremlin.process.EnumValue;

/** A strategy as the driver models it: Java class name plus configuration. */
export interface DriverStrategy {
  fqcn: string;
  configuration: Record<string, unknown>;
}

export type DriverStrategyClass = new (options?: unknown) => DriverStrategy;

interface GraphTraversalModule {
  GraphTraversal: new (graph: unknown, strategies: unknown, bytecode: gremlin.process.Bytecode) => gremlin.process.GraphTraversal;
  CardinalityValue: {
    new (cardinality: EnumValue, value: unknown): gremlin.process.Bytecode;
    single(value: unknown): gremlin.process.Bytecode;
    set(value: unknown): gremlin.process.Bytecode;
    list(value: unknown): gremlin.process.Bytecode;
  };
}

const graphTraversalModule = requireDriver('gremlin/lib/process/graph-traversal.js') as GraphTraversalModule;

/** The driver's `process` module with the members its type declarations miss. */
export const driverProcess = gremlin.process as unknown as typeof gremlin.process & {
  dt: Record<'second' | 'minute' | 'hour' | 'day', EnumValue>;
  merge: Record<'onCreate' | 'onMatch' | 'outV' | 'inV', EnumValue>;
  withOptions: Record<string, string | number>;
};

export const DriverGraphTraversal = graphTraversalModule.GraphTraversal;
export const DriverCardinalityValue = graphTraversalModule.CardinalityValue;

/** Strategy classes by simple name (`SubgraphStrategy`, `ReadOnlyStrategy`, ...). */
export const driverStrategyClasses = requireDriver('gremlin/lib/process/traversal-strategy.js') as Record<
  string,
  DriverStrategyClass
>;

/** A new empty anonymous traversal, as `__` starts one. */
export function createAnonymousTraversal(): gremlin.process.GraphTraversal {
  return new DriverGraphTraversal(null, null, new gremlin.process.Bytecode());
}

/**
 * Fully-qualified Java class names of strategies the driver does not define, so that
 * `withStrategies(GraphComputerVerificationStrategy)` still names its strategy the way a server
 * expects. Package layout from https://tinkerpop.apache.org/docs/3.7.3/reference/#traversalstrategy
 */
const EXTRA_STRATEGY_CLASSES: Record<string, string> = {
  GraphComputerVerificationStrategy:
    'org.apache.tinkerpop.gremlin.process.traversal.strategy.verification.GraphComputerVerificationStrategy',
  ComputerVerificationStrategy: 'org.apache.tinkerpop.gremlin.process.traversal.strategy.verification.ComputerVerificationStrategy',
  EventStrategy: 'org.apache.tinkerpop.gremlin.process.traversal.strategy.decoration.EventStrategy',
  RequirementsStrategy: 'org.apache.tinkerpop.gremlin.process.traversal.strategy.decoration.RequirementsStrategy',
  StandardVerificationStrategy: 'org.apache.tinkerpop.gremlin.process.traversal.strategy.verification.StandardVerificationStrategy',
};

/**
 * A strategy as the driver would build it, from its simple name (`SubgraphStrategy`) or Java class
 * name, with the given configuration; undefined for a strategy nobody knows. Child traversals in
 * the configuration travel as bytecode, as the driver's SubgraphStrategy sends them.
 */
export function createDriverStrategy(name: string, configuration: Record<string, unknown> = {}): DriverStrategy | undefined {
  const simpleName = name.slice(name.lastIndexOf('.') + 1);
  const StrategyClass = driverStrategyClasses[simpleName];
  let strategy: DriverStrategy;
  if (StrategyClass && simpleName !== 'TraversalStrategies' && simpleName !== 'TraversalStrategy') {
    // Most driver strategies take an options object, some none; SeedStrategy requires one.
    try {
      strategy = new StrategyClass();
    } catch {
      strategy = new StrategyClass({});
    }
    strategy.configuration = Object.fromEntries(Object.entries(strategy.configuration ?? {}).filter(([, value]) => value !== undefined));
  } else {
    const fqcn = EXTRA_STRATEGY_CLASSES[simpleName] ?? (name.includes('.') ? name : undefined);
    if (fqcn === undefined) return undefined;
    strategy = new gremlin.process.TraversalStrategy() as unknown as DriverStrategy;
    strategy.fqcn = fqcn;
    strategy.configuration = {};
  }
  for (const [key, value] of Object.entries(configuration)) {
    strategy.configuration[key] = value instanceof gremlin.process.Traversal ? value.getBytecode() : value;
  }
  return strategy;
}
