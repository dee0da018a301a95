/**
 * `GET /customer-view`: the unified view of one customer, found by user_name, email, customer
 * id or phone: the Customer 360 profile (identifiers, loyalty, purchases and categories), the
 * sessions and the identifiers they used, and the household (users who share the customer's
 * home IP, as findHouseholds defines it, computed for this one customer).
 */
import { NotFoundError, kitMessage } from '../errors.js';
import { getCustomer360, type Customer360 } from '../queries/customer-360.js';
import { __, P, T, fromVertexId, toRecord, toVertexId, type GraphSource } from '../queries/graph-source.js';
import { listUserIdentifiers } from '../queries/user-identifiers.js';
import { CUSTOMER_VIEW_SCHEMA } from './api-schemas.js';
import { RequestInputError } from './api-errors.js';
import { validateJson } from './json-schema.js';

export type CustomerKey = 'user' | 'email' | 'external_id' | 'phone';

export interface CustomerViewQuery {
  kind: CustomerKey;
  value: string;
}

export interface SessionSummary {
  session: string;
  platform?: string;
  start?: string;
  /** Logged in on the session itself, or through its cookie. */
  via: 'session' | 'cookie';
}

export interface CustomerView extends Omit<Customer360, 'sessions' | 'cookies'> {
  userId: string;
  identifiers: { devices: string[]; ips: string[]; userAgents: string[]; cookies: string[] };
  /** Most recent first (the first `maxSessions`), and how many there are. */
  sessions: { count: number; recent: SessionSummary[] };
  household: { homeIp: string; members: string[] } | undefined;
}

const VERTEX_OF: Record<Exclude<CustomerKey, 'user'>, [label: string, edge: string]> = {
  email: ['Email', 'hasEmail'],
  external_id: ['CustomerID', 'hasExternalId'],
  phone: ['PhoneNumber', 'hasPhone'],
};

export function parseCustomerViewQuery(query: Record<string, string | undefined>): CustomerViewQuery {
  const issues = validateJson(CUSTOMER_VIEW_SCHEMA, query, '');
  if (issues.length > 0) throw new RequestInputError(issues.map((i) => ({ ...i, field: i.field === '(body)' ? 'user|email|external_id|phone' : i.field })));
  const kind = (Object.keys(query) as CustomerKey[]).find((k) => query[k] !== undefined)!;
  return { kind, value: query[kind]! };
}

/** The user id behind the key; a phone shared by several users resolves to the first by id. */
async function resolveUser(g: GraphSource, query: CustomerViewQuery): Promise<string> {
  const ids =
    query.kind === 'user'
      ? ((await g.V(toVertexId('User', query.value)).hasLabel('User').id().toList()) as string[])
      : ((await g.V(toVertexId(VERTEX_OF[query.kind][0], query.value)).in_(VERTEX_OF[query.kind][1]).hasLabel('User').id().order().limit(1).toList()) as string[]);
  if (ids.length === 0) throw new NotFoundError(kitMessage('identity-api', `customer-view: no customer with ${query.kind} "${query.value}"`));
  return ids[0]!;
}

const loggedInSessions = () => __.union(__.in_('loggedAs').hasLabel('SessionID'), __.in_('loggedAs').hasLabel('Cookie').in_('hasCookie'));

/** The IP most of a user's sessions were seen at (ties: smallest), unless it is a super-node. */
async function findHomeIp(g: GraphSource, userId: string, maxSessionsPerIp: number): Promise<string | undefined> {
  const counts = toRecord(
    (
      await g
        .V(userId)
        .flatMap(loggedInSessions())
        .out('lastSeenAtIP')
        .where(__.in_('lastSeenAtIP').limit(maxSessionsPerIp + 1).count().is(P.lte(maxSessionsPerIp)))
        .groupCount()
        .by(T.id)
        .next()
    ).value,
  );
  const [home] = Object.entries(counts).sort((a, b) => Number(b[1]) - Number(a[1]) || a[0].localeCompare(b[0]))[0] ?? [];
  return home;
}

async function findHousehold(g: GraphSource, userId: string, maxSessionsPerIp = 200): Promise<CustomerView['household']> {
  const homeIp = await findHomeIp(g, userId, maxSessionsPerIp);
  if (!homeIp) return undefined;
  const candidates = (await g
    .V(homeIp)
    .in_('lastSeenAtIP')
    .coalesce(__.out('loggedAs').hasLabel('User'), __.out('hasCookie').out('loggedAs').hasLabel('User'))
    .dedup()
    .id()
    .toList()) as string[];
  const members: string[] = [];
  for (const candidate of candidates.sort()) {
    if (candidate === userId || (await findHomeIp(g, candidate, maxSessionsPerIp)) === homeIp) members.push(candidate);
  }
  return { homeIp, members };
}

export async function getCustomerView(g: GraphSource, query: CustomerViewQuery, options: { maxSessions?: number } = {}): Promise<CustomerView> {
  const userId = await resolveUser(g, query);
  const { sessions: _sessions, cookies: _cookies, ...profile } = await getCustomer360(g, userId);
  const identifiers = await listUserIdentifiers(g, userId);
  const of = (label: string) => identifiers.filter((i) => i.label === label).map((i) => i.id);
  const sessionRows = await g
    .V(userId)
    .union(__.in_('loggedAs').hasLabel('SessionID').project('s', 'via').by(__.identity()).by(__.constant('session')), __.in_('loggedAs').hasLabel('Cookie').in_('hasCookie').project('s', 'via').by(__.identity()).by(__.constant('cookie')))
    .dedup()
    .by(__.select('s'))
    .project('session', 'via', 'platform', 'start')
    .by(__.select('s').id())
    .by(__.select('via'))
    .by(__.select('s').coalesce(__.values('client_platform'), __.constant('')))
    .by(__.select('s').coalesce(__.values('start_timestamp'), __.constant('')))
    .toList();
  const recent = sessionRows.map((row) => {
    const r = toRecord(row);
    const summary: SessionSummary = { session: String(r.session), via: r.via as SessionSummary['via'] };
    if (r.platform !== '') summary.platform = String(r.platform);
    if (r.start instanceof Date) summary.start = r.start.toISOString();
    return summary;
  });
  recent.sort((a, b) => (b.start ?? '').localeCompare(a.start ?? '') || a.session.localeCompare(b.session));
  return {
    userId,
    ...profile,
    user: fromVertexId(userId),
    identifiers: { devices: of('DeviceID'), ips: of('ClientIP'), userAgents: of('UserAgent'), cookies: of('Cookie') },
    sessions: { count: recent.length, recent: recent.slice(0, options.maxSessions ?? 20) },
    household: await findHousehold(g, userId),
  };
}
