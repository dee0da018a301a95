import { __, Order, T, toRecord, type GraphSource } from './graph-source.js';

export interface BusyIdentifier {
  id: string;
  /** Sessions seen with it, counted up to the guard (`superNode` when the guard was hit). */
  sessions: number;
  /** Distinct users of those sessions (logged in on the session or its cookie). */
  users: number;
  superNode: boolean;
}

export interface BusiestOptions {
  /** How many to return (default 10). */
  limit?: number;
  /**
   * Super-node guard: sessions are counted up to this many per identifier (default 1,000), so a
   * carrier-grade NAT address with a million sessions costs no more than a busy home router, and
   * is flagged as a super-node instead of being expanded.
   */
  cap?: number;
}

const EDGE_OF = { DeviceID: 'usedDevice', ClientIP: 'lastSeenAtIP' } as const;

/** The devices or IPs with the most sessions, busiest first (ties: by id). */
export async function listBusiestIdentifiers(g: GraphSource, label: keyof typeof EDGE_OF, options: BusiestOptions = {}): Promise<BusyIdentifier[]> {
  const edge = EDGE_OF[label];
  const limit = options.limit ?? 10;
  const cap = options.cap ?? 1000;
  const rows = await g
    .V()
    .hasLabel(label)
    .project('id', 'sessions')
    .by(T.id)
    .by(__.in_(edge).limit(cap + 1).count())
    .order()
    .by(__.select('sessions'), Order.desc)
    .by(__.select('id'), Order.asc)
    .limit(limit)
    .toList();
  const result: BusyIdentifier[] = [];
  for (const row of rows) {
    const r = toRecord(row);
    const sessions = Number(r.sessions);
    const superNode = sessions > cap;
    // Users are counted only below the guard: expanding a super-node is what the guard prevents.
    const users = superNode
      ? 0
      : Number(
          (
            await g
              .V(String(r.id))
              .in_(edge)
              .coalesce(__.out('loggedAs').hasLabel('User'), __.out('hasCookie').out('loggedAs').hasLabel('User'))
              .dedup()
              .count()
              .next()
          ).value,
        );
    result.push({ id: String(r.id), sessions: Math.min(sessions, cap), users, superNode });
  }
  return result;
}

export const listBusiestDevices = (g: GraphSource, options?: BusiestOptions) => listBusiestIdentifiers(g, 'DeviceID', options);
export const listBusiestIps = (g: GraphSource, options?: BusiestOptions) => listBusiestIdentifiers(g, 'ClientIP', options);
