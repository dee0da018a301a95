import { NotFoundError, kitMessage } from '../errors.js';
import { __, T, toRecord, type GraphSource } from './graph-source.js';

export interface Identifier {
  label: string;
  id: string;
}

/** Identifier edges out of a User (DESIGN §4). */
const PROFILE_EDGES = ['hasEmail', 'hasPhone', 'hasExternalId'];
/** What a logged-in session reveals about the person using it. */
const SESSION_EDGES = ['hasCookie', 'usedDevice', 'lastSeenAtIP', 'usedUserAgent'];

function sortIdentifiers(rows: Identifier[]): Identifier[] {
  return rows.sort((a, b) => a.label.localeCompare(b.label) || a.id.localeCompare(b.id));
}

/** Fails with NotFoundError when no vertex has the id. */
export async function requireVertex(g: GraphSource, id: string): Promise<string> {
  const labels = (await g.V(id).label().toList()) as string[];
  if (labels.length === 0) throw new NotFoundError(kitMessage('queries', `no vertex with id "${id}"`));
  return labels[0];
}

/**
 * All identifiers of a user: email, phone and customer id from the profile, every session and
 * cookie logged in as the user, and the cookies, devices, IPs and user agents those sessions used.
 * Sorted by label, then id.
 */
export async function listUserIdentifiers(g: GraphSource, userId: string): Promise<Identifier[]> {
  await requireVertex(g, userId);
  // Sessions logged in directly, or through their cookie.
  const sessions = () => __.union(__.in_('loggedAs').hasLabel('SessionID'), __.in_('loggedAs').hasLabel('Cookie').in_('hasCookie'));
  const rows = await g
    .V(userId)
    .union(__.out(...PROFILE_EDGES), __.in_('loggedAs'), sessions(), sessions().out(...SESSION_EDGES))
    .dedup()
    .project('label', 'id')
    .by(T.label)
    .by(T.id)
    .toList();
  return sortIdentifiers(rows.map((r) => toRecord(r) as unknown as Identifier));
}
