import { __, Order, T, toRecord, type GraphSource } from './graph-source.js';

export interface ActiveUser {
  user: string;
  /** Sessions and cookies logged in as the user. */
  logins: number;
}

/**
 * The users with the most logins (sessions and cookies with a `loggedAs` edge), most first, ties by
 * id: good examples to explore, since their neighbourhood has something to show.
 */
export async function listMostActiveUsers(g: GraphSource, limit = 5): Promise<ActiveUser[]> {
  const rows = await g
    .V()
    .hasLabel('User')
    .project('user', 'logins')
    .by(T.id)
    .by(__.in_('loggedAs').count())
    .order()
    .by(__.select('logins'), Order.desc)
    .by(__.select('user'), Order.asc)
    .limit(limit)
    .toList();
  return rows.map((row) => {
    const r = toRecord(row);
    return { user: String(r.user), logins: Number(r.logins) };
  });
}

export interface ShowcaseUser extends ActiveUser {
  /** Purchases made with the user's email or customer id. */
  purchases: number;
}

/**
 * The user a walkthrough should show: the most logins among users who have at least one
 * purchase and at least one session logged in as them, so that every part of their identity
 * neighbourhood and Customer 360 has rows (the most active user overall may have bought
 * nothing: about 4 in 10 users have no purchase). Ties: more purchases, then the smaller id.
 * Undefined when no user has both.
 */
export async function findShowcaseUser(g: GraphSource): Promise<ShowcaseUser | undefined> {
  const purchases = () => __.out('hasEmail', 'hasExternalId').outE('hasPurchased');
  const rows = await g
    .V()
    .hasLabel('User')
    .where(__.in_('loggedAs').hasLabel('SessionID'))
    .where(purchases())
    .project('user', 'logins', 'purchases')
    .by(T.id)
    .by(__.in_('loggedAs').count())
    .by(purchases().count())
    .order()
    .by(__.select('logins'), Order.desc)
    .by(__.select('purchases'), Order.desc)
    .by(__.select('user'), Order.asc)
    .limit(1)
    .toList();
  if (rows.length === 0) return undefined;
  const r = toRecord(rows[0]);
  return { user: String(r.user), logins: Number(r.logins), purchases: Number(r.purchases) };
}
