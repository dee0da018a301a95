import { readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { InvalidInputError, kitMessage } from '../errors.js';

/**
 * Written beside the files of every full batch: what an incremental batch needs to see the same
 * people (seed, size, uniqueness, reference date), so `idgraph generate --incremental 1` after
 * `idgraph generate` needs no flags repeated. Hidden, so it is not taken for a dataset.
 */
export const GENERATE_MANIFEST_FILE = '.generate_data_full.json';

export interface GenerateManifest {
  seed: number;
  records: number;
  uniqueness: number;
  /** ISO 8601. */
  referenceDate: string;
}

/** The manifest of the full batch in `outDir`, or undefined when there is none. */
export async function readGenerateManifest(outDir: string): Promise<GenerateManifest | undefined> {
  const path = join(outDir, GENERATE_MANIFEST_FILE);
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    // No folder (or not a folder) means no full batch there yet; prepareOutputFolder reports a bad --out.
    if (code === 'ENOENT' || code === 'ENOTDIR') return undefined;
    throw error;
  }
  let manifest: GenerateManifest;
  try {
    manifest = JSON.parse(text) as GenerateManifest;
  } catch (cause) {
    throw new InvalidInputError(kitMessage('datagen', `${path}: not valid JSON`), { cause });
  }
  for (const field of ['seed', 'records', 'uniqueness'] as const) {
    if (!Number.isInteger(manifest[field])) {
      throw new InvalidInputError(kitMessage('datagen', `${path}: field "${field}" must be an integer`));
    }
  }
  if (typeof manifest.referenceDate !== 'string' || Number.isNaN(Date.parse(manifest.referenceDate))) {
    throw new InvalidInputError(kitMessage('datagen', `${path}: field "referenceDate" must be an ISO 8601 date`));
  }
  return manifest;
}

/** Writes the manifest atomically (temp file, then rename). */
export async function writeGenerateManifest(outDir: string, manifest: GenerateManifest): Promise<void> {
  const path = join(outDir, GENERATE_MANIFEST_FILE);
  const temp = `${path}.${process.pid}.tmp`;
  await writeFile(temp, JSON.stringify(manifest, null, 2) + '\n', 'utf8');
  await rename(temp, path);
}
