/**
 * Packs the running kit (`npm pack` of the package this code was loaded from) into a tarball the
 * Workbench's install-kit.sh installs from s3://<bucket>/kit/idgraph-kit.tgz. So `idgraph
 * provision` from a checkout or an installed package gives the Workbench exactly the kit that
 * provisioned it, with no tarball to build by hand.
 */
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { NotFoundError, OperationFailedError, kitMessage } from '../errors.js';
import { KIT_PACKAGE_ROOT } from './kit-stacks.js';

const run = promisify(execFile);

export interface PackedKit {
  /** The tarball written. */
  file: string;
  /** `<name>@<version>` from the package's package.json. */
  spec: string;
}

/**
 * `npm pack --ignore-scripts` in `rootDir` (default: the running kit's package root) into a new
 * temporary folder. Scripts are skipped: `prepare` would rebuild with the dev dependencies an
 * installed kit does not have, and what runs is the built `dist/` already there. npm is the one
 * that started this process when there is one (npm_execpath), else `npm` on PATH.
 */
export async function packKit(rootDir = KIT_PACKAGE_ROOT, env: NodeJS.ProcessEnv = process.env): Promise<PackedKit> {
  const manifestFile = join(rootDir, 'package.json');
  if (!existsSync(manifestFile)) throw new NotFoundError(kitMessage('npm', `no package.json in ${rootDir}: nothing to pack`));
  const manifest = JSON.parse(readFileSync(manifestFile, 'utf8')) as { name: string; version: string; main?: string };
  if (manifest.main && !existsSync(join(rootDir, manifest.main))) {
    throw new NotFoundError(kitMessage('npm', `${join(rootDir, manifest.main)} is missing: build the kit (npm run build) before packing it`));
  }
  const destination = mkdtempSync(join(tmpdir(), 'idgraph-kit-pack-'));
  const npmCli = env.npm_execpath && /npm-cli\.c?js$/.test(env.npm_execpath) ? env.npm_execpath : undefined;
  const [command, prefix] = npmCli ? [process.execPath, [npmCli]] : ['npm', []];
  let stdout: string;
  try {
    ({ stdout } = await run(command, [...prefix, 'pack', '--ignore-scripts', '--json', '--pack-destination', destination], { cwd: rootDir, maxBuffer: 64 * 1024 * 1024 }));
  } catch (cause) {
    throw new OperationFailedError(kitMessage('npm', `npm pack in ${rootDir} failed: ${(cause as Error).message}`), { cause });
  }
  const packed = JSON.parse(stdout) as { filename: string }[];
  const file = join(destination, packed[0]!.filename);
  if (!existsSync(file)) throw new OperationFailedError(kitMessage('npm', `npm pack reported ${file}, which is not there`));
  return { file, spec: `${manifest.name}@${manifest.version}` };
}
