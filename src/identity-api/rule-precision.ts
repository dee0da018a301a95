/**
 * The confidence `/map-user` gives a link is the measured precision of the rule that made it:
 * of the anonymous sessions the rule links, the share it links to the right person, scored once
 * against the generator's ground truth (scoreStitching) — never per request. `idgraph api`
 * reads it from `<data dir>/identity-api/rule-precision.json`, measures and writes that file at
 * start when it is missing and ground truth is at hand, and otherwise uses the defaults below;
 * the Lambda functions read it from the IDGRAPH_RULE_PRECISION environment variable.
 */
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { GroundTruth } from '../datagen/ground-truth.js';
import { InvalidInputError, kitMessage } from '../errors.js';
import type { GraphSource } from '../queries/graph-source.js';
import { countAnonymousSessions, STITCHING_RULES, stitchAnonymousSessions, type StitchingRule } from '../queries/session-stitching.js';
import { scoreStitching } from '../queries/stitching-score.js';

export interface RulePrecision {
  /** Per stitching rule: correct links / links made, 0..1. */
  precision: Record<StitchingRule, number>;
  /** Where the figures come from: `measured` (against ground truth, with the sample size) or `default`. */
  source: 'measured' | 'default';
  /** Anonymous sessions examined per rule when measured. */
  sampledSessions?: number;
  measuredAt?: string;
}

/**
 * Measured on the demo's graph (10,000 people, seed 42, all 1,757 anonymous sessions; `npm run
 * demo` prints them): a device is one person's, an IP is a household's or a network's, a user agent
 * is shared by thousands.
 */
export const DEFAULT_RULE_PRECISION: RulePrecision = {
  precision: { 'shared-device': 1, 'shared-ip': 0.329, 'shared-user-agent': 0.123 },
  source: 'default',
};

/** A login (on the session or its cookie) is not inferred: its confidence is 1. */
export const LOGIN_CONFIDENCE = 1;

export const RULE_PRECISION_FILE = join('identity-api', 'rule-precision.json');

/**
 * Scores each rule on at most `sampleSessions` anonymous sessions (default 2,000: about ±2
 * points of precision, in a second or two on a 1,000,000-record graph).
 */
export async function measureRulePrecision(g: GraphSource, truth: Pick<GroundTruth, 'sessions'>, options: { sampleSessions?: number } = {}): Promise<RulePrecision> {
  const limit = options.sampleSessions ?? 2000;
  const anonymous = Math.min(limit, await countAnonymousSessions(g));
  const precision = {} as Record<StitchingRule, number>;
  for (const rule of Object.keys(STITCHING_RULES) as StitchingRule[]) {
    const score = scoreStitching(rule, await stitchAnonymousSessions(g, rule, { limit }), anonymous, truth);
    precision[rule] = Math.round(score.precision * 1000) / 1000;
  }
  return { precision, source: 'measured', sampledSessions: anonymous, measuredAt: new Date().toISOString() };
}

/** Checks a parsed precision document; `where` names the file or variable in the error. */
export function parseRulePrecision(value: unknown, where: string): RulePrecision {
  const fail = (field: string, problem: string): never => {
    throw new InvalidInputError(kitMessage('identity-api', `${where}: field "${field}" ${problem}`));
  };
  if (!value || typeof value !== 'object' || Array.isArray(value)) fail('(document)', 'must be a JSON object');
  const doc = value as Record<string, unknown>;
  const precision = doc.precision as Record<string, unknown> | undefined;
  if (!precision || typeof precision !== 'object') fail('precision', 'must be an object of rule -> 0..1');
  for (const rule of Object.keys(STITCHING_RULES)) {
    const p = precision![rule];
    if (typeof p !== 'number' || !(p >= 0 && p <= 1)) fail(`precision.${rule}`, `must be a number from 0 to 1, got ${JSON.stringify(p)}`);
  }
  if (doc.source !== 'measured' && doc.source !== 'default') fail('source', 'must be "measured" or "default"');
  return doc as unknown as RulePrecision;
}

/** Reads the precision file of a data folder; undefined when there is none. */
export function readRulePrecisionFile(dataDir: string): RulePrecision | undefined {
  const path = join(dataDir, RULE_PRECISION_FILE);
  if (!existsSync(path)) return undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(path, 'utf8'));
  } catch (cause) {
    throw new InvalidInputError(kitMessage('identity-api', `${path}: not valid JSON (${(cause as Error).message})`), { cause });
  }
  return parseRulePrecision(parsed, path);
}

/** Writes the precision file whole (temporary file, then rename): a reader never sees half of it. */
export function writeRulePrecisionFile(dataDir: string, precision: RulePrecision): string {
  const path = join(dataDir, RULE_PRECISION_FILE);
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(`${path}.tmp`, `${JSON.stringify(precision, null, 2)}\n`);
  renameSync(`${path}.tmp`, path);
  return path;
}

/** The Lambda functions' precision: IDGRAPH_RULE_PRECISION (JSON) when set, else the defaults. */
export function readRulePrecisionFromEnv(env: Record<string, string | undefined> = process.env): RulePrecision {
  const text = env.IDGRAPH_RULE_PRECISION;
  if (!text) return DEFAULT_RULE_PRECISION;
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (cause) {
    throw new InvalidInputError(kitMessage('identity-api', `IDGRAPH_RULE_PRECISION: not valid JSON (${(cause as Error).message})`), { cause });
  }
  return parseRulePrecision(parsed, 'IDGRAPH_RULE_PRECISION');
}
