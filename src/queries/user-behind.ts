import { InvalidInputError, kitMessage } from '../errors.js';
import { __, T, toCounts, type GraphSource } from './graph-source.js';
import { requireVertex } from './user-identifiers.js';

export interface UserBehind {
  user: string;
  /** How many paths lead to the user (e.g. sessions on a device logged in as them). */
  evidence: number;
}

/** From a session (or its cookie) to the user it logged in as. */
const sessionToUser = () => __.coalesce(__.out('loggedAs').hasLabel('User'), __.out('hasCookie').out('loggedAs').hasLabel('User'));

/**
 * Step from an identifier vertex to the user(s) behind it, by the identifier's label. A device or
 * an IP can be behind several users (a shared tablet, a household's router): all are returned.
 */
function pathToUsers(label: string) {
  switch (label) {
    case 'User':
      return __.identity();
    case 'Email':
    case 'PhoneNumber':
    case 'CustomerID':
      return __.in_('hasEmail', 'hasPhone', 'hasExternalId').hasLabel('User');
    case 'Cookie':
      return __.coalesce(__.out('loggedAs').hasLabel('User'), __.in_('hasCookie').out('loggedAs').hasLabel('User'));
    case 'SessionID':
      return sessionToUser();
    case 'DeviceID':
      return __.in_('usedDevice').flatMap(sessionToUser());
    case 'ClientIP':
      return __.in_('lastSeenAtIP').flatMap(sessionToUser());
    default:
      return undefined;
  }
}

export const RESOLVABLE_LABELS = ['User', 'Email', 'PhoneNumber', 'CustomerID', 'Cookie', 'SessionID', 'DeviceID', 'ClientIP'];

/**
 * The user behind a cookie, session, device, IP, email, phone or customer id, with the number of
 * paths as evidence; most evidence first, then by id. Empty when the identifier is anonymous.
 */
export async function findUserBehind(g: GraphSource, identifierId: string): Promise<UserBehind[]> {
  const label = await requireVertex(g, identifierId);
  const path = pathToUsers(label);
  if (!path) {
    throw new InvalidInputError(kitMessage('queries', `findUserBehind: "${identifierId}" is a ${label}; expected one of ${RESOLVABLE_LABELS.join(', ')}`));
  }
  const counts = toCounts(await g.V(identifierId).flatMap(path).groupCount().by(T.id).next().then((r) => r.value));
  return Object.entries(counts)
    .map(([user, evidence]) => ({ user, evidence }))
    .sort((a, b) => b.evidence - a.evidence || a.user.localeCompare(b.user));
}
