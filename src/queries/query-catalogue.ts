import type { GroundTruth } from '../datagen/ground-truth.js';
import { listMostActiveUsers } from './active-users.js';
import { listBusiestDevices, listBusiestIps, type BusiestOptions } from './busiest-identifiers.js';
import { getCustomer360 } from './customer-360.js';
import { countByLabel, countDuplicates } from './graph-counts.js';
import type { GraphSource } from './graph-source.js';
import { findHouseholds, type HouseholdOptions } from './households.js';
import { fetchNeighbourhood, type NeighbourhoodOptions } from './neighbourhood.js';
import {
  STITCHING_RULES,
  countAnonymousSessions,
  stitchAnonymousSessions,
  type StitchOptions,
  type StitchingRule,
} from './session-stitching.js';
import { combineStitches, scoreHouseholds, scoreStitching, type HouseholdScore, type RuleScore } from './stitching-score.js';
import { findUserBehind } from './user-behind.js';
import { listUserIdentifiers } from './user-identifiers.js';

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

/** The named traversals, bound to one graph: what `kit.queries` is. */
export function createQueryCatalogue(g: GraphSource) {
  return {
    listUserIdentifiers: (userId: string) => listUserIdentifiers(g, userId),
    findUserBehind: (identifierId: string) => findUserBehind(g, identifierId),
    stitchAnonymousSessions: (rule: StitchingRule, options?: StitchOptions) => stitchAnonymousSessions(g, rule, options),
    countAnonymousSessions: () => countAnonymousSessions(g),
    findHouseholds: (options?: HouseholdOptions) => findHouseholds(g, options),
    getCustomer360: (userId: string) => getCustomer360(g, userId),
    listBusiestDevices: (options?: BusiestOptions) => listBusiestDevices(g, options),
    listBusiestIps: (options?: BusiestOptions) => listBusiestIps(g, options),
    listMostActiveUsers: (limit?: number) => listMostActiveUsers(g, limit),
    countByLabel: () => countByLabel(g),
    countDuplicates: () => countDuplicates(g),
    fetchNeighbourhood: (id: string, options?: NeighbourhoodOptions) => fetchNeighbourhood(g, id, options),
    scoreIdentityRules: (truth: Pick<GroundTruth, 'sessions' | 'users'>, options?: StitchOptions) => scoreIdentityRules(g, truth, options),
    rules: Object.keys(STITCHING_RULES) as StitchingRule[],
  };
}

export type QueryCatalogue = ReturnType<typeof createQueryCatalogue>;
