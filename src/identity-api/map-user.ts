/**
 * `GET /map-user`: the known users an anonymous session, cookie or device resolves to. A login
 * (the session's, its cookie's, or a session of the cookie's) is certain; otherwise each
 * stitching rule (shared device, IP, user agent) links through sessions that shared the
 * identifier and did log in, with the rule's measured precision as confidence. One traversal
 * per request: the vertex's id (to tell "unknown" from "no user") and every evidence path.
 */
import { NotFoundError, kitMessage } from '../errors.js';
import { GRAPH_MODEL } from '../etl/graph-model.js';
import { __, P, T, fromVertexId, toVertexId, type GraphSource } from '../queries/graph-source.js';
import { STITCHING_RULES, type StitchingRule } from '../queries/session-stitching.js';
import { MAP_USER_SCHEMA } from './api-schemas.js';
import { RequestInputError } from './api-errors.js';
import { validateJson } from './json-schema.js';
import { LOGIN_CONFIDENCE, type RulePrecision } from './rule-precision.js';

export type MapUserKind = 'session' | 'cookie' | 'device';

export interface MapUserQuery {
  kind: MapUserKind;
  value: string;
}

export interface UserMatch {
  /** user_name. */
  user: string;
  userId: string;
  rule: 'login' | StitchingRule;
  confidence: number;
  /** Evidence paths found (the first `maxEvidence` are listed). */
  evidenceCount: number;
  /** Each path a list of vertex ids, from the identifier asked about to the user. */
  evidence: string[][];
}

export interface MapUserResult {
  identifier: string;
  label: string;
  /** Strongest first: confidence, then evidence, then user id. */
  users: UserMatch[];
}

export interface MapUserOptions {
  precision: RulePrecision;
  /** Super-node guard: a device, IP or user agent of more sessions than this is no evidence (default 50, as stitchAnonymousSessions). */
  maxSessionsPerIdentifier?: number;
  /** Evidence paths listed per user (default 5). */
  maxEvidence?: number;
  /** Paths read at most (default 1,000). */
  maxPaths?: number;
}

const LABEL_OF: Record<MapUserKind, string> = { session: 'SessionID', cookie: 'Cookie', device: 'DeviceID' };

/** Which rule a path went through, by the label prefix of its ids (prefixes are unique per label). */
const RULE_OF_PREFIX = new Map<string, StitchingRule>();
for (const [rule, edge] of Object.entries(STITCHING_RULES) as [StitchingRule, string][]) {
  const label = GRAPH_MODEL.edges.find((e) => e.label === edge)!.to[0]!.label;
  RULE_OF_PREFIX.set(GRAPH_MODEL.vertices.find((v) => v.label === label)!.idPrefix, rule);
}

export function parseMapUserQuery(query: Record<string, string | undefined>): MapUserQuery {
  const issues = validateJson(MAP_USER_SCHEMA, query, '');
  if (issues.length > 0) throw new RequestInputError(issues.map((i) => ({ ...i, field: i.field === '(body)' ? 'session|cookie|device' : i.field })));
  const kind = (Object.keys(query) as MapUserKind[]).find((k) => query[k] !== undefined)!;
  return { kind, value: query[kind]! };
}

/**
 * From a session to the user it logged in as, directly or through its cookie: branches of a
 * union, not a flatMap, whose inner steps would be missing from the evidence path.
 */
const sessionLogin = () => [__.out('loggedAs').hasLabel('User'), __.out('hasCookie').out('loggedAs').hasLabel('User')];

/** From an anonymous session, through one rule's identifier, to users of the known sessions that shared it. */
function stitchThrough(edge: string, max: number) {
  return __.out(edge)
    .where(__.in_(edge).limit(max + 1).count().is(P.lte(max)))
    .in_(edge)
    .union(...sessionLogin());
}

function evidenceTraversal(kind: MapUserKind, max: number) {
  const rules = () => __.union(...Object.values(STITCHING_RULES).map((edge) => stitchThrough(edge, max)));
  switch (kind) {
    case 'session':
      return __.coalesce(__.union(...sessionLogin()), rules());
    case 'cookie':
      return __.coalesce(__.union(__.out('loggedAs').hasLabel('User'), __.in_('hasCookie').out('loggedAs').hasLabel('User')), __.in_('hasCookie').union(...Object.values(STITCHING_RULES).map((edge) => stitchThrough(edge, max))));
    case 'device':
      return __.where(__.in_('usedDevice').limit(max + 1).count().is(P.lte(max))).in_('usedDevice').union(...sessionLogin());
  }
}

function pathIds(value: unknown): string[] | undefined {
  const objects = Array.isArray(value) ? value : (value as { objects?: unknown[] } | null)?.objects;
  return Array.isArray(objects) ? objects.map(String) : undefined;
}

function ruleOfPath(path: string[]): 'login' | StitchingRule {
  for (const id of path) {
    const rule = RULE_OF_PREFIX.get(id.slice(0, id.indexOf(':')));
    if (rule) return rule;
  }
  return 'login';
}

export async function mapUser(g: GraphSource, query: MapUserQuery, options: MapUserOptions): Promise<MapUserResult> {
  const label = LABEL_OF[query.kind];
  const id = toVertexId(label, query.value);
  const max = options.maxSessionsPerIdentifier ?? 50;
  const rows = await g
    .V(id)
    .hasLabel(label)
    .union(__.id(), evidenceTraversal(query.kind, max).path().by(T.id).limit(options.maxPaths ?? 1000))
    .toList();
  if (rows.length === 0) throw new NotFoundError(kitMessage('identity-api', `map-user: no ${label} "${query.value}" in the graph`));
  const byUser = new Map<string, { rule: 'login' | StitchingRule; paths: string[][] }>();
  for (const row of rows) {
    const path = pathIds(row);
    if (!path) continue;
    const rule = ruleOfPath(path);
    const user = path[path.length - 1]!;
    const key = `${user}\u0000${rule}`;
    let entry = byUser.get(key);
    if (!entry) byUser.set(key, (entry = { rule, paths: [] }));
    entry.paths.push(path);
  }
  const confidence = (rule: 'login' | StitchingRule) => (rule === 'login' ? LOGIN_CONFIDENCE : options.precision.precision[rule]);
  const users: UserMatch[] = [...byUser].map(([key, { rule, paths }]) => {
    const userId = key.slice(0, key.indexOf('\u0000'));
    paths.sort((a, b) => a.length - b.length || a.join('\u0000').localeCompare(b.join('\u0000')));
    return { user: fromVertexId(userId), userId, rule, confidence: confidence(rule), evidenceCount: paths.length, evidence: paths.slice(0, options.maxEvidence ?? 5) };
  });
  users.sort((a, b) => b.confidence - a.confidence || b.evidenceCount - a.evidenceCount || a.userId.localeCompare(b.userId));
  return { identifier: id, label, users };
}
