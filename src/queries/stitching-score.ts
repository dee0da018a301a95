import type { GroundTruth } from '../datagen/ground-truth.js';
import { fromVertexId } from './graph-source.js';
import type { Household } from './households.js';
import type { Stitch } from './session-stitching.js';

export interface RuleScore {
  rule: string;
  /** Anonymous sessions in the graph: what a perfect rule would link. */
  anonymousSessions: number;
  /** Sessions the rule linked to a user. */
  linked: number;
  /** Links to the right person (by the generator's ground truth). */
  correct: number;
  /** correct / linked (1 when nothing was linked: no wrong link was made). */
  precision: number;
  /** correct / anonymousSessions. */
  recall: number;
}

/**
 * Scores one rule's stitches against the generator's ground truth (the person behind every
 * session, anonymous or not). Session and user ids are the graph's prefixed ids.
 */
export function scoreStitching(rule: string, stitches: Stitch[], anonymousSessions: number, truth: Pick<GroundTruth, 'sessions'>): RuleScore {
  let correct = 0;
  for (const stitch of stitches) {
    const owner = truth.sessions.get(fromVertexId(stitch.session));
    if (owner && owner.userName === fromVertexId(stitch.user)) correct++;
  }
  const linked = stitches.length;
  return {
    rule,
    anonymousSessions,
    linked,
    correct,
    precision: linked === 0 ? 1 : correct / linked,
    recall: anonymousSessions === 0 ? 0 : correct / anonymousSessions,
  };
}

/**
 * Rules applied in order of trust: a session keeps the first rule's link, later rules only fill
 * in the sessions earlier ones could not link.
 */
export function combineStitches(ordered: Stitch[][]): Stitch[] {
  const chosen = new Map<string, Stitch>();
  for (const stitches of ordered) for (const s of stitches) if (!chosen.has(s.session)) chosen.set(s.session, s);
  return [...chosen.values()].sort((a, b) => a.session.localeCompare(b.session));
}

export interface HouseholdScore {
  rule: string;
  /** User pairs the rule put in one household. */
  predictedPairs: number;
  /** Of those, pairs really in one household. */
  correctPairs: number;
  /** User pairs really in one household (among users in the ground truth). */
  truePairs: number;
  precision: number;
  recall: number;
}

function countPairs(n: number): number {
  return (n * (n - 1)) / 2;
}

/** Scores households (users sharing a home IP) as same-household user pairs. */
export function scoreHouseholds(households: Household[], truth: Pick<GroundTruth, 'users'>): HouseholdScore {
  let predictedPairs = 0;
  let correctPairs = 0;
  for (const household of households) {
    predictedPairs += countPairs(household.users.length);
    const perTrueHousehold = new Map<string, number>();
    for (const user of household.users) {
      const owner = truth.users.get(fromVertexId(user));
      if (owner) perTrueHousehold.set(owner.householdId, (perTrueHousehold.get(owner.householdId) ?? 0) + 1);
    }
    for (const n of perTrueHousehold.values()) correctPairs += countPairs(n);
  }
  const sizes = new Map<string, number>();
  for (const { householdId } of truth.users.values()) sizes.set(householdId, (sizes.get(householdId) ?? 0) + 1);
  let truePairs = 0;
  for (const n of sizes.values()) truePairs += countPairs(n);
  return {
    rule: 'shared-home-ip',
    predictedPairs,
    correctPairs,
    truePairs,
    precision: predictedPairs === 0 ? 1 : correctPairs / predictedPairs,
    recall: truePairs === 0 ? 0 : correctPairs / truePairs,
  };
}
