import { InvalidInputError, kitMessage } from '../errors.js';
import type { DatasetName, GROUND_TRUTH_NAME } from './dataset-schema.js';

export const MIN_RECORDS = 1;
/** Upper bound of --records: ids stay unique by construction up to here (IPv4 index space is 2^24). */
export const MAX_RECORDS = 10_000_000;
export const MIN_UNIQUENESS = 1;
export const MAX_UNIQUENESS = 100;
/** The fixed "now" of a seeded run, so that seeded files are byte-identical whenever they are made. */
export const DEFAULT_REFERENCE_DATE = new Date('2026-01-01T00:00:00Z');

export interface GenerateProgress {
  dataset: string;
  rows: number;
  totalRows: number;
}

export interface GenerateOptions {
  /** N: about N first-party and N transactional rows, N/4 cookie rows, 3N/4 clickstream rows. */
  records: number;
  /** Percent (1..100) of N that the pools of distinct IPv4 addresses and device ids hold. */
  uniqueness: number;
  /**
   * Write the `_data_inc` batch: returning people of the initial batch (same seed and records)
   * with updated profiles, plus new people, with new sessions and purchases.
   */
  incremental: boolean;
  /**
   * Same seed and options → byte-identical files. Omitted: a full batch gets a random seed
   * (reported) and now as the reference date; an incremental batch takes the seed, reference
   * date and size of the last full batch written to `outDir` (its manifest, see
   * GENERATE_MANIFEST_FILE), and fails if there is none.
   */
  seed?: number;
  /**
   * The initial batch an incremental batch updates (its --records and --uniqueness). Default:
   * the manifest of the full batch in `outDir` when its seed matches, else this batch's own.
   */
  base?: { records: number; uniqueness: number };
  /** Folder to write into (created if missing). */
  outDir: string;
  /** Adds population details to the report (the CLI prints them with the first rows of each file). */
  debug?: boolean;
  /** "Now" for dates; default 2026-01-01T00:00:00Z when seeded, the current time otherwise. */
  referenceDate?: Date;
  /** Called as rows are written (about every MiB per file and at each file's end). */
  onProgress?: (progress: GenerateProgress) => void;
}

export interface GeneratedFile {
  dataset: DatasetName | typeof GROUND_TRUTH_NAME;
  path: string;
  rows: number;
  bytes: number;
}

export interface GenerateReport {
  files: GeneratedFile[];
  /** Wall time of generateDatasets, from start to the last rename. */
  elapsedMs: number;
  seed: number;
  referenceDate: string;
  records: number;
  uniqueness: number;
  incremental: boolean;
  /** The initial batch this one builds on (for a full batch: itself). */
  base: { records: number; uniqueness: number };
  /** Sizes of the simulated world (households, address and device pools). */
  population: {
    persons: number;
    households: number;
    ipPool: number;
    devices: number;
    returningPersons: number;
    newPersons: number;
  };
}

function describe(value: unknown): string {
  return typeof value === 'string' ? JSON.stringify(value) : String(value);
}

function checkIntegerInRange(flag: string, value: unknown, min: number, max: number): void {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
    throw new InvalidInputError(
      kitMessage('datagen', `${flag} must be an integer from ${min} to ${max}, got ${describe(value)}`),
    );
  }
}

/** Throws InvalidInputError naming the flag and its accepted range. */
export function validateGenerateOptions(options: GenerateOptions): void {
  checkIntegerInRange('--records', options.records, MIN_RECORDS, MAX_RECORDS);
  checkIntegerInRange('--uniqueness', options.uniqueness, MIN_UNIQUENESS, MAX_UNIQUENESS);
  if (options.seed !== undefined) checkIntegerInRange('--seed', options.seed, 0, 0xffffffff);
  if (options.base !== undefined) {
    checkIntegerInRange('base.records', options.base.records, MIN_RECORDS, MAX_RECORDS);
    checkIntegerInRange('base.uniqueness', options.base.uniqueness, MIN_UNIQUENESS, MAX_UNIQUENESS);
  }
  if (typeof options.outDir !== 'string' || options.outDir === '') {
    throw new InvalidInputError(kitMessage('datagen', '--out must be a folder path'));
  }
  if (options.referenceDate !== undefined && Number.isNaN(options.referenceDate.getTime())) {
    throw new InvalidInputError(kitMessage('datagen', 'referenceDate is not a valid date'));
  }
}

/**
 * Parses a CLI flag value as an integer in [min, max]: digits only (so "abc", "1e3", "5.5" and
 * "" are rejected rather than coerced).
 */
export function parseIntegerFlag(flag: string, text: string, min: number, max: number): number {
  const value = /^-?\d+$/.test(text.trim()) ? Number(text.trim()) : Number.NaN;
  if (!Number.isSafeInteger(value) || value < min || value > max) {
    throw new InvalidInputError(kitMessage('datagen', `${flag} must be an integer from ${min} to ${max}, got ${JSON.stringify(text)}`));
  }
  return value;
}

/** Parses a 0|1 switch such as --incremental. */
export function parseSwitchFlag(flag: string, text: string): boolean {
  if (text === '0' || text === '1') return text === '1';
  throw new InvalidInputError(kitMessage('datagen', `${flag} must be 0 or 1, got ${JSON.stringify(text)}`));
}
