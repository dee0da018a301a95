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
