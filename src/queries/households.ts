import { __, P, T, toRecord, type GraphSource } from './graph-source.js';

export interface Household {
  homeIp: string;
  /** Users whose home IP this is, sorted. */
  users: string[];
}

export interface HouseholdOptions {
  /** Super-node guard: an IP seen in more sessions than this is not a home (default 200). */
  maxSessionsPerIp?: number;
}

/**
 * Households: users who share a home IP. A user's home IP is the address most of their logged-in
 * sessions were seen at (ties: smallest address). Only IPs with two or more users are returned,
 * largest household first.
 */
export async function findHouseholds(g: GraphSource, options: HouseholdOptions = {}): Promise<Household[]> {
  const max = options.maxSessionsPerIp ?? 200;
  const rows = await g
    .V()
    .hasLabel('SessionID')
    .as('session')
    .coalesce(__.out('loggedAs').hasLabel('User'), __.out('hasCookie').out('loggedAs').hasLabel('User'))
    .as('user')
    .select('session')
    .out('lastSeenAtIP')
    .where(__.in_('lastSeenAtIP').limit(max + 1).count().is(P.lte(max)))
    .as('ip')
    .select('user', 'ip')
    .by(T.id)
    .toList();
  const seen = new Map<string, Map<string, number>>();
  for (const row of rows) {
    const r = toRecord(row) as Record<'user' | 'ip', string>;
    let ips = seen.get(r.user);
    if (!ips) seen.set(r.user, (ips = new Map()));
    ips.set(r.ip, (ips.get(r.ip) ?? 0) + 1);
  }
  const byIp = new Map<string, string[]>();
  for (const [user, ips] of seen) {
    const [home] = [...ips].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))[0];
    let users = byIp.get(home);
    if (!users) byIp.set(home, (users = []));
    users.push(user);
  }
  return [...byIp]
    .filter(([, users]) => users.length >= 2)
    .map(([homeIp, users]) => ({ homeIp, users: users.sort() }))
    .sort((a, b) => b.users.length - a.users.length || a.homeIp.localeCompare(b.homeIp));
}
