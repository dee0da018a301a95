import type { GroundTruth } from '../datagen/ground-truth.js';
import { findShowcaseUser, listMostActiveUsers, type ActiveUser, type ShowcaseUser } from './active-users.js';
import { listBusiestDevices, listBusiestIps, type BusiestOptions, type BusyIdentifier } from './busiest-identifiers.js';
import { getCustomer360, type Customer360 } from './customer-360.js';
import { countByLabel, countDuplicates, type DuplicateCounts, type GraphCounts } from './graph-counts.js';
import type { GraphSource } from './graph-source.js';
import { findHouseholds, type Household, type HouseholdOptions } from './households.js';
import type { Neighbourhood } from '../notebook/neighbourhood-picture.js';
import { fetchNeighbourhood, type NeighbourhoodOptions } from './neighbourhood.js';
import {
  STITCHING_RULES,
  countAnonymousSessions,
  stitchAnonymousSessions,
  type Stitch,
  type StitchOptions,
  type StitchingRule,
} from './session-stitching.js';
import { combineStitches, scoreHouseholds, scoreStitching, type HouseholdScore, type RuleScore } from './stitching-score.js';
import { findLoyaltyChange, type FirstPartyRow, type LoyaltyChange } from './loyalty-change.js';
import { findUserBehind, type UserBehind } from './user-behind.js';
import { listUserIdentifiers, type Identifier } from './user-identifiers.js';

/** Rules from most to least trusted, for the combined rule. */
export const RULE_ORDER: StitchingRule[] = ['shared-device', 'shared-ip', 'shared-user-agent'];

export interface StitchingReport {
  rules: RuleScore[];
  households: HouseholdScore;
}

/**
 * Precision and recall of every stitching rule (and of all rules combined, in order of trust)
 * and of the household rule, against the generator's ground truth.
 */
export async function scoreIdentityRules(g: GraphSource, truth: Pick<GroundTruth, 'sessions' | 'users'>, options: StitchOptions = {}): Promise<StitchingReport> {
  const anonymous = await countAnonymousSessions(g);
  const perRule = new Map<StitchingRule, Awaited<ReturnType<typeof stitchAnonymousSessions>>>();
  for (const rule of RULE_ORDER) perRule.set(rule, await stitchAnonymousSessions(g, rule, options));
  const rules = RULE_ORDER.map((rule) => scoreStitching(rule, perRule.get(rule)!, anonymous, truth));
  rules.push(scoreStitching('all rules, in order', combineStitches(RULE_ORDER.map((r) => perRule.get(r)!)), anonymous, truth));
  return { rules, households: scoreHouseholds(await findHouseholds(g), truth) };
}

/**
 * The named traversals, bound to one graph: what `kit.queries()` returns. Declared explicitly
 * (not inferred) so its declaration names only the queries' own small types.
 */
export interface QueryCatalogue {
  listUserIdentifiers(userId: string): Promise<Identifier[]>;
  findUserBehind(identifierId: string): Promise<UserBehind[]>;
  stitchAnonymousSessions(rule: StitchingRule, options?: StitchOptions): Promise<Stitch[]>;
  countAnonymousSessions(): Promise<number>;
  findHouseholds(options?: HouseholdOptions): Promise<Household[]>;
  getCustomer360(userId: string): Promise<Customer360>;
  listBusiestDevices(options?: BusiestOptions): Promise<BusyIdentifier[]>;
  listBusiestIps(options?: BusiestOptions): Promise<BusyIdentifier[]>;
  listMostActiveUsers(limit?: number): Promise<ActiveUser[]>;
  findShowcaseUser(): Promise<ShowcaseUser | undefined>;
  findLoyaltyChange(rows: readonly FirstPartyRow[]): Promise<LoyaltyChange | undefined>;
  countByLabel(): Promise<GraphCounts>;
  countDuplicates(): Promise<DuplicateCounts>;
  fetchNeighbourhood(id: string, options?: NeighbourhoodOptions): Promise<Neighbourhood>;
  scoreIdentityRules(truth: Pick<GroundTruth, 'sessions' | 'users'>, options?: StitchOptions): Promise<StitchingReport>;
  /** The stitching rules, by name. */
  readonly rules: StitchingRule[];
}

/** Binds every named traversal to one graph. */
export function createQueryCatalogue(g: GraphSource): QueryCatalogue {
  return {
    listUserIdentifiers: (userId) => listUserIdentifiers(g, userId),
    findUserBehind: (identifierId) => findUserBehind(g, identifierId),
    stitchAnonymousSessions: (rule, options) => stitchAnonymousSessions(g, rule, options),
    countAnonymousSessions: () => countAnonymousSessions(g),
    findHouseholds: (options) => findHouseholds(g, options),
    getCustomer360: (userId) => getCustomer360(g, userId),
    listBusiestDevices: (options) => listBusiestDevices(g, options),
    listBusiestIps: (options) => listBusiestIps(g, options),
    listMostActiveUsers: (limit) => listMostActiveUsers(g, limit),
    findShowcaseUser: () => findShowcaseUser(g),
    findLoyaltyChange: (rows) => findLoyaltyChange(g, rows),
    countByLabel: () => countByLabel(g),
    countDuplicates: () => countDuplicates(g),
    fetchNeighbourhood: (id, options) => fetchNeighbourhood(g, id, options),
    scoreIdentityRules: (truth, options) => scoreIdentityRules(g, truth, options),
    rules: Object.keys(STITCHING_RULES) as StitchingRule[],
  };
}
