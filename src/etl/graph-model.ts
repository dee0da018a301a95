import { InvalidInputError, kitMessage } from '../errors.js';
import type { EdgeDecl, GraphModel, GraphPropertyDecl, VertexDecl } from './graph-model-types.js';

const str = (name: string, column = name): GraphPropertyDecl => ({ name, column, type: 'String' });
const long = (name: string, column = name): GraphPropertyDecl => ({ name, column, type: 'Long' });
const date = (name: string, column = name): GraphPropertyDecl => ({ name, column, type: 'Date', precision: 'day' });
const timestamp = (name: string, column = name): GraphPropertyDecl => ({ name, column, type: 'Date', precision: 'second' });

/** A vertex attribute that a later load replaces (see GraphPropertyDecl.cardinality). */
const single = (p: GraphPropertyDecl): GraphPropertyDecl => ({ ...p, cardinality: 'single' });

function vertex(label: string, idPrefix: string, dataset: string, idColumn: string, properties: GraphPropertyDecl[] = []): VertexDecl {
  return { label, idPrefix, sources: [{ dataset, idColumn, properties }] };
}

function edge(label: string, dataset: string, from: [string, string], to: [string, string], properties: GraphPropertyDecl[] = [], idColumn?: string): EdgeDecl {
  const decl: EdgeDecl = {
    label,
    dataset,
    from: [{ label: from[0], column: from[1] }],
    to: [{ label: to[0], column: to[1] }],
    properties,
  };
  if (idColumn !== undefined) decl.idColumn = idColumn;
  return decl;
}

/** A fact of the user that a later batch replaces (see EdgeDecl.singleValued). */
const singleValued = (decl: EdgeDecl): EdgeDecl => ({ ...decl, singleValued: true });

/**
 * The identity-graph model of DESIGN §4, declared once. The seed PoC's labels are kept; its
 * defects are fixed: the user-agent edge has its own label (`usedUserAgent`), edge ids are
 * unique and stable (96 bits of `md5(<label>:<from>-><to>)` in base64, or
 * `hasPurchased:<purchase_id>` so that every purchase is its own edge), postcodes stay strings,
 * no regular expression filters rows, and every vertex id carries its label's prefix.
 *
 * Users and sessions are also taken (without properties) from the tables that only refer to
 * them, so that every edge of a batch finds its endpoints inside that batch's vertex files.
 *
 * A first-party row is the customer's profile as it is now: its phone, address and loyalty level
 * are single-valued (a returning customer's new level replaces the old one, see
 * EdgeDecl.singleValued), while an email or customer id stays an identifier of the person even
 * after a newer one appears (purchases made with it still lead to them).
 */
export const GRAPH_MODEL: GraphModel = {
  version: 1,
  vertices: [
    {
      label: 'User',
      idPrefix: 'user',
      sources: [
        { dataset: 'first_party', idColumn: 'user_name', properties: [str('address', 'street_address'), date('birthday')].map(single) },
        { dataset: 'cookie', idColumn: 'user_name', properties: [] },
        { dataset: 'clickstream', idColumn: 'user_name', properties: [] },
      ],
    },
    vertex('Email', 'email', 'first_party', 'email'),
    vertex('PhoneNumber', 'phone', 'first_party', 'phone_number'),
    vertex('CustomerID', 'customerid', 'first_party', 'external_id'),
    vertex('PostCode', 'postcode', 'first_party', 'postcode'),
    vertex('City', 'city', 'first_party', 'city'),
    vertex('Country', 'country', 'first_party', 'country'),
    vertex('LoyaltyLevel', 'loyaltylevel', 'first_party', 'loyalty_level'),
    vertex('Product', 'product', 'transactional', 'product_name'),
    vertex('ProductCategory', 'productcategory', 'transactional', 'product_category'),
    vertex('Cookie', 'cookie', 'cookie', 'cookie_id', [str('last_action'), str('conversion_id'), long('session_duration_sec')].map(single)),
    {
      label: 'SessionID',
      idPrefix: 'session',
      sources: [
        {
          dataset: 'clickstream',
          idColumn: 'session_id',
          properties: [
            str('client_platform'),
            str('canonical_url'),
            str('app_id'),
            long('events'),
            timestamp('start_timestamp'),
            str('start_event'),
            timestamp('end_timestamp'),
            str('end_event'),
            long('session_duration_sec'),
          ].map(single),
        },
        { dataset: 'cookie', idColumn: 'session_id', properties: [] },
      ],
    },
    vertex('ClientIP', 'clientip', 'clickstream', 'client_ip'),
    vertex('DomainName', 'domain', 'clickstream', 'domain_name'),
    vertex('DeviceID', 'device', 'clickstream', 'device_id'),
    vertex('UserAgent', 'useragent', 'clickstream', 'user-agent'),
  ],
  edges: [
    edge('hasEmail', 'first_party', ['User', 'user_name'], ['Email', 'email']),
    singleValued(edge('hasPhone', 'first_party', ['User', 'user_name'], ['PhoneNumber', 'phone_number'])),
    edge('hasExternalId', 'first_party', ['User', 'user_name'], ['CustomerID', 'external_id']),
    singleValued(edge('hasPostCodeAddress', 'first_party', ['User', 'user_name'], ['PostCode', 'postcode'])),
    singleValued(edge('hasCityAddress', 'first_party', ['User', 'user_name'], ['City', 'city'])),
    edge('inCountry', 'first_party', ['City', 'city'], ['Country', 'country']),
    singleValued(edge('hasLoyaltyLevel', 'first_party', ['User', 'user_name'], ['LoyaltyLevel', 'loyalty_level'], [long('loyalty_points')])),
    {
      label: 'hasPurchased',
      dataset: 'transactional',
      // customer_id holds a known email or external_id (DESIGN §5): whichever vertex exists.
      from: [
        { label: 'Email', column: 'customer_id' },
        { label: 'CustomerID', column: 'customer_id' },
      ],
      to: [{ label: 'Product', column: 'product_name' }],
      idColumn: 'purchase_id',
      properties: [str('purchase_id'), date('purchased_date'), long('reward_points')],
    },
    edge('inCategory', 'transactional', ['Product', 'product_name'], ['ProductCategory', 'product_category']),
    edge('hasCookie', 'cookie', ['SessionID', 'session_id'], ['Cookie', 'cookie_id']),
    edge('loggedAs', 'cookie', ['Cookie', 'cookie_id'], ['User', 'user_name']),
    edge('loggedAs', 'clickstream', ['SessionID', 'session_id'], ['User', 'user_name']),
    edge('lastSeenAtIP', 'clickstream', ['SessionID', 'session_id'], ['ClientIP', 'client_ip']),
    edge('lastSeenAtDomain', 'clickstream', ['SessionID', 'session_id'], ['DomainName', 'domain_name']),
    edge('usedDevice', 'clickstream', ['SessionID', 'session_id'], ['DeviceID', 'device_id']),
    edge('usedUserAgent', 'clickstream', ['SessionID', 'session_id'], ['UserAgent', 'user-agent']),
  ],
};

/** Labels and names end up inside SQL literals and identifiers: keep them plain. */
const LABEL = /^[A-Za-z][A-Za-z0-9_]*$/;
const ID_PREFIX = /^[a-z][a-z0-9_]*$/;
const NAME = /^[A-Za-z_][A-Za-z0-9_.-]*$/;
const DATASET = /^[a-z][a-z0-9_]*$/;

function fail(message: string): never {
  throw new InvalidInputError(kitMessage('etl', `graph model: ${message}`));
}

/**
 * Checks a declaration before any SQL is built from it: plain labels and names, known vertex
 * labels at both ends of every edge, one property list per edge label (one file per label).
 */
export function validateGraphModel(model: GraphModel): void {
  if (model.version !== 1) fail(`unsupported version ${String(model.version)}`);
  const labels = new Set<string>();
  for (const v of model.vertices) {
    if (!LABEL.test(v.label)) fail(`vertex label "${v.label}" must match ${LABEL}`);
    if (labels.has(v.label)) fail(`vertex label "${v.label}" declared twice`);
    labels.add(v.label);
    if (!ID_PREFIX.test(v.idPrefix)) fail(`vertex ${v.label}: id prefix "${v.idPrefix}" must match ${ID_PREFIX}`);
    if (v.sources.length === 0) fail(`vertex ${v.label} has no source`);
    for (const s of v.sources) {
      if (!DATASET.test(s.dataset)) fail(`vertex ${v.label}: dataset "${s.dataset}" must match ${DATASET}`);
      checkProperties(`vertex ${v.label}`, s.properties);
    }
  }
  const edgeProperties = new Map<string, string>();
  for (const e of model.edges) {
    if (!LABEL.test(e.label)) fail(`edge label "${e.label}" must match ${LABEL}`);
    if (labels.has(e.label)) fail(`edge label "${e.label}" is also a vertex label`);
    if (!DATASET.test(e.dataset)) fail(`edge ${e.label}: dataset "${e.dataset}" must match ${DATASET}`);
    for (const end of [...e.from, ...e.to]) {
      if (!labels.has(end.label)) fail(`edge ${e.label}: endpoint label "${end.label}" is not a declared vertex label`);
    }
    if (e.from.length === 0 || e.to.length === 0) fail(`edge ${e.label} needs at least one from and one to endpoint`);
    checkProperties(`edge ${e.label}`, e.properties, true);
    if (e.singleValued && (e.idColumn !== undefined || e.from.length !== 1)) {
      fail(`edge ${e.label}: a single-valued edge needs one from endpoint and the pair id (no idColumn): its id must change with its value`);
    }
    const signature = JSON.stringify([e.idColumn !== undefined, e.singleValued === true, e.properties.map((p) => [p.name, p.type, p.precision ?? 'day'])]);
    const seen = edgeProperties.get(e.label);
    if (seen !== undefined && seen !== signature) fail(`edge label "${e.label}" is declared twice with different properties or id rules (one file per label)`);
    edgeProperties.set(e.label, signature);
  }
}

function checkProperties(owner: string, properties: GraphPropertyDecl[], isEdge = false): void {
  const names = new Set<string>();
  for (const p of properties) {
    if (!NAME.test(p.name)) fail(`${owner}: property name "${p.name}" must match ${NAME}`);
    if (names.has(p.name)) fail(`${owner}: property "${p.name}" declared twice`);
    names.add(p.name);
    if (!['String', 'Long', 'Date'].includes(p.type)) fail(`${owner}: property "${p.name}" has unsupported type "${p.type}"`);
    if (p.cardinality !== undefined && (isEdge || !['single', 'set'].includes(p.cardinality))) {
      fail(`${owner}: property "${p.name}" cannot have cardinality "${p.cardinality}" (vertex properties only: single or set)`);
    }
  }
}

/**
 * The single-valued edge labels (EdgeDecl.singleValued) with the label of their `from` vertex:
 * what the post-load step and the duplicate checks go through.
 */
export function listSingleValuedEdges(model: GraphModel): { label: string; fromLabel: string }[] {
  const seen = new Map<string, string>();
  for (const e of model.edges) if (e.singleValued && !seen.has(e.label)) seen.set(e.label, e.from[0]!.label);
  return [...seen].map(([label, fromLabel]) => ({ label, fromLabel }));
}

/** How a source column is read: the type its declared use needs (ids are strings). */
export type SourceColumnType = 'String' | 'Long' | 'Date' | 'Timestamp';

/**
 * Every source column the model reads, per dataset, with the type its use needs. A column
 * used with two different types is read as a string (the SQL casts it where needed).
 */
export function listModelColumns(model: GraphModel): Map<string, Map<string, SourceColumnType>> {
  const byDataset = new Map<string, Map<string, SourceColumnType>>();
  const use = (dataset: string, column: string, type: SourceColumnType) => {
    let columns = byDataset.get(dataset);
    if (!columns) byDataset.set(dataset, (columns = new Map()));
    const seen = columns.get(column);
    columns.set(column, seen === undefined || seen === type ? type : 'String');
  };
  const propertyType = (p: GraphPropertyDecl): SourceColumnType =>
    p.type === 'Date' ? (p.precision === 'second' ? 'Timestamp' : 'Date') : p.type;
  for (const v of model.vertices) {
    for (const s of v.sources) {
      use(s.dataset, s.idColumn, 'String');
      for (const p of s.properties) use(s.dataset, p.column, propertyType(p));
    }
  }
  for (const e of model.edges) {
    for (const end of [...e.from, ...e.to]) use(e.dataset, end.column, 'String');
    if (e.idColumn !== undefined) use(e.dataset, e.idColumn, 'String');
    for (const p of e.properties) use(e.dataset, p.column, propertyType(p));
  }
  return byDataset;
}

/** The datasets the model reads, in first-use order. */
export function listModelDatasets(model: GraphModel): string[] {
  return [...listModelColumns(model).keys()];
}
