/**
 * `POST /store-visit`: one interaction and its identifiers upserted in one traversal of
 * mergeV/mergeE steps, with the graph model's vertex ids (`<prefix>:<value>`) and the ETL's edge
 * ids. Posting the same visit again matches every element and changes nothing; concurrent posts
 * that share identifiers name the same ids, so they merge into one vertex or edge — on the
 * embedded engine a traversal runs to its end before the next starts, on Neptune the losing
 * transaction fails with a conflict and is retried (retryOnWriteConflict), then matches.
 */
import gremlin from 'gremlin';
import { toVertexId, type GraphSource } from '../queries/graph-source.js';
import { STORE_VISIT_SCHEMA } from './api-schemas.js';
import { RequestInputError } from './api-errors.js';
import { retryOnWriteConflict } from './conflict-retry.js';
import { toPairEdgeId, toPurchaseEdgeId } from './edge-ids.js';
import { validateJson } from './json-schema.js';

const { t: T, merge: Merge, direction: Direction, cardinality: Cardinality } = gremlin.process;

export interface StoreVisitPurchase {
  purchase_id: string;
  product_name: string;
  product_category?: string;
  /** YYYY-MM-DD. */
  purchased_date?: string;
  reward_points?: number;
}

/** The body of `POST /store-visit` (see STORE_VISIT_SCHEMA for every field's meaning). */
export interface StoreVisit {
  session_id: string;
  cookie_id?: string;
  device_id?: string;
  client_ip?: string;
  user_agent?: string;
  domain_name?: string;
  client_platform?: string;
  canonical_url?: string;
  app_id?: string;
  events?: number;
  start_timestamp?: string;
  start_event?: string;
  end_timestamp?: string;
  end_event?: string;
  session_duration_sec?: number;
  user_name?: string;
  email?: string;
  external_id?: string;
  purchase?: StoreVisitPurchase;
}

export interface StoreVisitResult {
  session: string;
  /** Vertex ids upserted, in traversal order. */
  vertices: string[];
  /** Edge ids upserted, in traversal order. */
  edges: string[];
  /** Traversals run: more than 1 when Neptune reported a write conflict and the upsert was retried. */
  attempts: number;
}

/** Checks a parsed body against the schema and the rules a schema cannot say; throws RequestInputError. */
export function parseStoreVisit(body: unknown): StoreVisit {
  const issues = validateJson(STORE_VISIT_SCHEMA, body);
  if (issues.length === 0) {
    const visit = body as StoreVisit;
    if ((visit.email !== undefined || visit.external_id !== undefined) && visit.user_name === undefined) {
      issues.push({ field: 'user_name', problem: 'is required with email or external_id (whose identifiers they are)' });
    }
    if (visit.purchase && visit.email === undefined && visit.external_id === undefined) {
      issues.push({ field: 'purchase', problem: 'needs the email or external_id of the buyer in the visit' });
    }
    if (visit.start_timestamp && visit.end_timestamp && Date.parse(visit.end_timestamp) < Date.parse(visit.start_timestamp)) {
      issues.push({ field: 'end_timestamp', problem: 'is before start_timestamp' });
    }
  }
  if (issues.length > 0) throw new RequestInputError(issues);
  return body as StoreVisit;
}

/** The SessionID vertex's properties, typed as the graph model declares them (timestamps as Dates). */
function sessionProperties(visit: StoreVisit): Map<string, unknown> {
  const props = new Map<string, unknown>();
  for (const key of ['client_platform', 'canonical_url', 'app_id', 'start_event', 'end_event'] as const) {
    if (visit[key] !== undefined) props.set(key, visit[key]);
  }
  for (const key of ['events', 'session_duration_sec'] as const) if (visit[key] !== undefined) props.set(key, visit[key]);
  for (const key of ['start_timestamp', 'end_timestamp'] as const) if (visit[key] !== undefined) props.set(key, new Date(visit[key]!));
  return props;
}

/** The vertices and edges a visit names, with their ids. */
export function planStoreVisit(visit: StoreVisit) {
  const vertices: { label: string; id: string }[] = [];
  const edges: { label: string; id: string; from: string; to: string; properties?: Map<string, unknown> }[] = [];
  const add = (label: string, value: string | undefined) => {
    if (value === undefined) return undefined;
    const id = toVertexId(label, value);
    if (!vertices.some((v) => v.id === id)) vertices.push({ label, id });
    return id;
  };
  const link = (label: string, from: string | undefined, to: string | undefined) => {
    if (from !== undefined && to !== undefined) edges.push({ label, id: toPairEdgeId(label, from, to), from, to });
  };
  const session = add('SessionID', visit.session_id)!;
  const cookie = add('Cookie', visit.cookie_id);
  const user = add('User', visit.user_name);
  const email = add('Email', visit.email);
  const customer = add('CustomerID', visit.external_id);
  link('hasCookie', session, cookie);
  link('loggedAs', session, user);
  link('loggedAs', cookie, user);
  link('lastSeenAtIP', session, add('ClientIP', visit.client_ip));
  link('lastSeenAtDomain', session, add('DomainName', visit.domain_name));
  link('usedDevice', session, add('DeviceID', visit.device_id));
  link('usedUserAgent', session, add('UserAgent', visit.user_agent));
  link('hasEmail', user, email);
  link('hasExternalId', user, customer);
  if (visit.purchase) {
    const p = visit.purchase;
    const product = add('Product', p.product_name)!;
    link('inCategory', product, add('ProductCategory', p.product_category));
    const properties = new Map<string, unknown>([['purchase_id', p.purchase_id]]);
    if (p.purchased_date !== undefined) properties.set('purchased_date', new Date(`${p.purchased_date}T00:00:00Z`));
    if (p.reward_points !== undefined) properties.set('reward_points', p.reward_points);
    // The buyer as the transactional data names it: the email when known, else the customer id.
    edges.push({ label: 'hasPurchased', id: toPurchaseEdgeId(p.purchase_id), from: (email ?? customer)!, to: product, properties });
  }
  return { session, vertices, edges, sessionProperties: sessionProperties(visit) };
}

/**
 * Upserts the visit in one traversal: mergeV on `[id, label]` for every vertex (the session's
 * properties set on create and, single-valued, on match), then mergeE on `[id, label, out, in]`
 * for every edge. The edges name their ends by id, so the traversal carries no path.
 */
export async function upsertStoreVisit(g: GraphSource, visit: StoreVisit): Promise<StoreVisitResult> {
  const plan = planStoreVisit(visit);
  const { value, attempts } = await retryOnWriteConflict(async () => {
    const [first, ...rest] = plan.vertices;
    let t = g
      .mergeV(new Map<unknown, unknown>([[T.id, first!.id], [T.label, first!.label]]))
      .option(Merge.onCreate, plan.sessionProperties)
      .option(Merge.onMatch, plan.sessionProperties, Cardinality.single);
    for (const v of rest) t = t.mergeV(new Map<unknown, unknown>([[T.id, v.id], [T.label, v.label]]));
    for (const e of plan.edges) {
      t = t.mergeE(new Map<unknown, unknown>([[T.id, e.id], [T.label, e.label], [Direction.out, e.from], [Direction.in, e.to]]));
      if (e.properties) t = t.option(Merge.onCreate, e.properties);
    }
    return t.id().toList();
  });
  if (value.length !== 1) throw new Error(`store-visit: the upsert traversal returned ${value.length} results, expected 1`);
  return { session: plan.session, vertices: plan.vertices.map((v) => v.id), edges: plan.edges.map((e) => e.id), attempts };
}
