import { __, T, fromVertexId, toRecord, type GraphSource } from './graph-source.js';
import { requireVertex } from './user-identifiers.js';

export interface Purchase {
  purchaseId: string;
  product: string;
  category: string;
  /** As stored (a Date on the embedded engine and Neptune). */
  purchasedDate: unknown;
  rewardPoints: number;
}

export interface Customer360 {
  user: string;
  profile: Record<string, unknown>;
  emails: string[];
  phones: string[];
  customerIds: string[];
  /** The level's name (`Bronze`, from the vertex `loyaltylevel:Bronze`) and the points with it. */
  loyalty: { level: string; points: number } | undefined;
  purchases: Purchase[];
  /** Purchases per product category, largest first. */
  categories: { category: string; purchases: number }[];
  sessions: number;
  cookies: number;
}

/** Single-valued properties of a valueMap: `{ address: ['1 Main St'] }` -> `{ address: '1 Main St' }`. */
function flattenValueMap(value: unknown): Record<string, unknown> {
  const record = toRecord(value);
  return Object.fromEntries(
    Object.keys(record)
      .sort()
      .map((k) => {
        const v = record[k];
        return [k, Array.isArray(v) && v.length === 1 ? v[0] : v];
      }),
  );
}

/**
 * Customer 360: the user's profile properties, identifiers, loyalty level with points, every
 * purchase (through the user's email or customer id) with its product category, purchases per
 * category, and how many sessions and cookies logged in as the user.
 */
export async function getCustomer360(g: GraphSource, userId: string): Promise<Customer360> {
  await requireVertex(g, userId);
  const ids = async (edge: string) => ((await g.V(userId).out(edge).id().toList()) as string[]).sort();
  const profile = flattenValueMap((await g.V(userId).valueMap().next()).value);
  const loyaltyRows = await g
    .V(userId)
    .outE('hasLoyaltyLevel')
    .project('level', 'points')
    .by(__.inV().id())
    .by(__.coalesce(__.values('loyalty_points'), __.constant(0)))
    .toList();
  const purchaseRows = await g
    .V(userId)
    .out('hasEmail', 'hasExternalId')
    .outE('hasPurchased')
    .project('purchaseId', 'product', 'category', 'purchasedDate', 'rewardPoints')
    .by(__.coalesce(__.values('purchase_id'), __.id()))
    .by(__.inV().id())
    .by(__.coalesce(__.inV().out('inCategory').id(), __.constant('')))
    .by(__.coalesce(__.values('purchased_date'), __.constant('')))
    .by(__.coalesce(__.values('reward_points'), __.constant(0)))
    .toList();
  const purchases = purchaseRows
    .map((r) => {
      const p = toRecord(r);
      return { ...p, rewardPoints: Number(p.rewardPoints) } as Purchase;
    })
    .sort((a, b) => a.purchaseId.localeCompare(b.purchaseId));
  const perCategory = new Map<string, number>();
  for (const p of purchases) perCategory.set(p.category, (perCategory.get(p.category) ?? 0) + 1);
  const loginCounts = toRecord((await g.V(userId).in_('loggedAs').groupCount().by(T.label).next()).value);
  const loyalty = loyaltyRows.length ? toRecord(loyaltyRows[0]) : undefined;
  return {
    user: userId,
    profile,
    emails: await ids('hasEmail'),
    phones: await ids('hasPhone'),
    customerIds: await ids('hasExternalId'),
    // A reader expects `Bronze`, not the vertex id: LoyaltyLevel vertices hold their name only in it.
    loyalty: loyalty ? { level: fromVertexId(String(loyalty.level)), points: Number(loyalty.points) } : undefined,
    purchases,
    categories: [...perCategory]
      .map(([category, n]) => ({ category, purchases: n }))
      .sort((a, b) => b.purchases - a.purchases || a.category.localeCompare(b.category)),
    sessions: Number(loginCounts.SessionID ?? 0),
    cookies: Number(loginCounts.Cookie ?? 0),
  };
}
