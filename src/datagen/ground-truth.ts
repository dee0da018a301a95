import { createReadStream } from 'node:fs';
import { InvalidInputError, kitMessage } from '../errors.js';
import { CsvSyntaxError, readCsvRecords } from '../csv/index.js';
import { GROUND_TRUTH_COLUMNS, type GroundTruthEntityType } from './dataset-schema.js';

/** The real person behind an identifier. */
export interface GroundTruthOwner {
  /** First-party `user_name` of the person. */
  userName: string;
  householdId: string;
}

/**
 * Who is really behind every identifier of a generated batch, for scoring identity-resolution
 * rules (columns: see GROUND_TRUTH_COLUMNS). An incremental batch's file lists the households,
 * users and devices first seen in that batch and all of its sessions and cookies: read it
 * together with the full batch's file for the whole picture.
 */
export interface GroundTruth {
  /** Household id → its home IPv4 address. */
  households: Map<string, { homeIp: string }>;
  /** user_name → household id. */
  users: Map<string, { householdId: string }>;
  devices: Map<string, GroundTruthOwner>;
  sessions: Map<string, GroundTruthOwner>;
  cookies: Map<string, GroundTruthOwner>;
}

const ENTITY_TYPES: ReadonlySet<string> = new Set<GroundTruthEntityType>(['household', 'user', 'device', 'session', 'cookie']);

function fail(path: string, line: number, field: string, problem: string): never {
  throw new InvalidInputError(kitMessage('datagen', `${path}:${line}: field "${field}" ${problem}`));
}

/**
 * Reads one or more ground-truth files (e.g. the full batch's, then the incremental batch's)
 * into one GroundTruth, streaming. A malformed file is an InvalidInputError naming file, line
 * and field.
 */
export async function readGroundTruth(paths: string | readonly string[]): Promise<GroundTruth> {
  const truth: GroundTruth = {
    households: new Map(),
    users: new Map(),
    devices: new Map(),
    sessions: new Map(),
    cookies: new Map(),
  };
  for (const path of typeof paths === 'string' ? [paths] : paths) await readOneFile(path, truth);
  return truth;
}

async function readOneFile(path: string, truth: GroundTruth): Promise<void> {
  let sawHeader = false;
  try {
    for await (const batch of readCsvRecords(createReadStream(path))) {
      for (const { fields, line } of batch) {
        if (!sawHeader) {
          if (fields.join(',') !== GROUND_TRUTH_COLUMNS.join(',')) {
            fail(path, line, 'header', `must be ${GROUND_TRUTH_COLUMNS.join(',')}, got ${fields.join(',')}`);
          }
          sawHeader = true;
          continue;
        }
        if (fields.length !== GROUND_TRUTH_COLUMNS.length) {
          fail(path, line, 'row', `has ${fields.length} fields, expected ${GROUND_TRUTH_COLUMNS.length}`);
        }
        const [type, id, userName, householdId, homeIp] = fields as [string, string, string, string, string];
        if (!ENTITY_TYPES.has(type)) fail(path, line, 'entity_type', `must be one of ${[...ENTITY_TYPES].join('|')}, got "${type}"`);
        if (id === '') fail(path, line, 'entity_id', 'is empty');
        if (householdId === '') fail(path, line, 'household_id', 'is empty');
        if (type === 'household') {
          if (homeIp === '') fail(path, line, 'home_ip', 'is empty');
          truth.households.set(id, { homeIp });
          continue;
        }
        if (userName === '') fail(path, line, 'user_name', 'is empty');
        const owner = { userName, householdId };
        if (type === 'user') truth.users.set(id, { householdId });
        else if (type === 'device') truth.devices.set(id, owner);
        else if (type === 'session') truth.sessions.set(id, owner);
        else truth.cookies.set(id, owner);
      }
    }
  } catch (error) {
    if (error instanceof CsvSyntaxError) {
      throw new InvalidInputError(kitMessage('datagen', `${path}:${error.line}: ${error.message}`), { cause: error });
    }
    if (error instanceof InvalidInputError) throw error;
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') throw new InvalidInputError(kitMessage('datagen', `${path}: no such ground-truth file`), { cause: error });
    throw error;
  }
  if (!sawHeader) fail(path, 1, 'header', 'is missing (empty file)');
}
