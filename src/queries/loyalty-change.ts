import { __, T, fromVertexId, toRecord, toVertexId, type GraphSource } from './graph-source.js';

export interface LoyaltyChange {
  user: string;
  /** The level in the graph now, by name (`Silver`). */
  current: string;
  /** The level the first-party row brings. */
  incoming: string;
}

/** A first-party row as the generator writes it (only the columns read here). */
export interface FirstPartyRow {
  user_name?: string;
  loyalty_level?: string;
}

/**
 * The first row, in order, of a customer already in the graph whose loyalty level the row
 * changes: what an incremental batch's load should replace. Undefined when no row does.
 */
export async function findLoyaltyChange(g: GraphSource, rows: readonly FirstPartyRow[], chunkSize = 200): Promise<LoyaltyChange | undefined> {
  const wanted = rows.filter((r) => r.user_name && r.loyalty_level);
  for (let start = 0; start < wanted.length; start += chunkSize) {
    const chunk = wanted.slice(start, start + chunkSize);
    const found = await g
      .V(...chunk.map((r) => toVertexId('User', r.user_name!)))
      .project('user', 'levels')
      .by(T.id)
      .by(__.out('hasLoyaltyLevel').id().fold())
      .toList();
    const levels = new Map<string, string[]>();
    for (const row of found) {
      const r = toRecord(row);
      levels.set(String(r.user), (r.levels as string[]).map(fromVertexId));
    }
    for (const row of chunk) {
      const user = toVertexId('User', row.user_name!);
      const current = levels.get(user);
      if (current && current.length > 0 && !current.includes(row.loyalty_level!)) return { user, current: current[0]!, incoming: row.loyalty_level! };
    }
  }
  return undefined;
}
