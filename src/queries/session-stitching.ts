import { __, P, T, toRecord, type GraphSource } from './graph-source.js';

/**
 * Rules that tie an anonymous session (no login on the session nor on its cookie) to a user,
 * through an identifier it shares with sessions that did log in.
 */
export const STITCHING_RULES = {
  /** Same mobile device id: a device mostly belongs to one person. */
  'shared-device': 'usedDevice',
  /** Same client IP: a household's router, or an office or carrier network. */
  'shared-ip': 'lastSeenAtIP',
  /** Same browser user-agent string. */
  'shared-user-agent': 'usedUserAgent',
} as const;

export type StitchingRule = keyof typeof STITCHING_RULES;

export interface StitchOptions {
  /**
   * Super-node guard: an identifier used by more sessions than this is skipped (a carrier-grade
   * NAT address ties thousands of strangers together and costs a full scan). Default 50.
   */
  maxSessionsPerIdentifier?: number;
  /** Anonymous sessions examined at most (default: all). */
  limit?: number;
}

/** One piece of evidence: anonymous session -> shared identifier <- known session -> user. */
export interface StitchEvidence {
  via: string;
  knownSession: string;
  user: string;
}

export interface Stitch {
  session: string;
  rule: StitchingRule;
  /** The user with the most evidence (ties: smallest id). */
  user: string;
  /** Evidence paths supporting `user`. */
  evidence: StitchEvidence[];
  /** Other users some evidence pointed at, with their number of paths. */
  alternatives: Record<string, number>;
}

/** Sessions with no login: neither the session nor its cookie has a `loggedAs` edge. */
export const anonymousSessions = (g: GraphSource) =>
  g.V().hasLabel('SessionID').not(__.out('loggedAs')).not(__.out('hasCookie').out('loggedAs'));

/** Number of anonymous sessions in the graph (the denominator of a rule's recall). */
export async function countAnonymousSessions(g: GraphSource): Promise<number> {
  return Number((await anonymousSessions(g).count().next()).value);
}

/**
 * Stitches anonymous sessions to users by one rule, keeping the evidence path of each link.
 * Sessions the rule cannot link are absent from the result. Sorted by session id.
 */
export async function stitchAnonymousSessions(g: GraphSource, rule: StitchingRule, options: StitchOptions = {}): Promise<Stitch[]> {
  const edge = STITCHING_RULES[rule];
  const max = options.maxSessionsPerIdentifier ?? 50;
  let sessions = anonymousSessions(g);
  if (options.limit !== undefined) sessions = sessions.limit(options.limit);
  const rows = await sessions
    .as('session')
    .out(edge)
    .where(__.in_(edge).limit(max + 1).count().is(P.lte(max)))
    .as('via')
    .in_(edge)
    .as('known')
    .coalesce(__.out('loggedAs').hasLabel('User'), __.out('hasCookie').out('loggedAs').hasLabel('User'))
    .as('user')
    .select('session', 'via', 'known', 'user')
    .by(T.id)
    .toList();
  const bySession = new Map<string, StitchEvidence[]>();
  for (const row of rows) {
    const r = toRecord(row) as Record<'session' | 'via' | 'known' | 'user', string>;
    let list = bySession.get(r.session);
    if (!list) bySession.set(r.session, (list = []));
    list.push({ via: r.via, knownSession: r.known, user: r.user });
  }
  const stitches: Stitch[] = [];
  for (const [session, evidence] of bySession) {
    const counts = new Map<string, number>();
    for (const e of evidence) counts.set(e.user, (counts.get(e.user) ?? 0) + 1);
    const [user] = [...counts].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))[0];
    const alternatives = Object.fromEntries([...counts].filter(([u]) => u !== user).sort((a, b) => a[0].localeCompare(b[0])));
    stitches.push({
      session,
      rule,
      user,
      evidence: evidence.filter((e) => e.user === user).sort((a, b) => a.via.localeCompare(b.via) || a.knownSession.localeCompare(b.knownSession)),
      alternatives,
    });
  }
  return stitches.sort((a, b) => a.session.localeCompare(b.session));
}
