/**
 * Builds the Lambda functions' code: esbuild bundles the compiled entry point
 * (dist/identity-api/lambda-entry.js) with its dependencies (gremlin, ws, the credential
 * provider) into one ES module, index.mjs, zipped under a content-addressed key so that a new
 * bundle is a new S3 key and CloudFormation updates the functions. esbuild is a development
 * dependency: the bundle is built where the kit is developed or provisioned from a checkout.
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { InvalidInputError, kitMessage } from '../errors.js';
import { createZipArchive } from './zip-archive.js';

/** Beside the kit's tarball: `idgraph destroy` empties kit/ with the rest of what provision uploaded. */
export const IDENTITY_API_BUNDLE_PREFIX = 'kit/';

export interface LambdaBundle {
  /** The zip on disk. */
  path: string;
  /** Its key in the kit's bucket: kit/identity-api-<sha256, 16 hex>.zip. */
  key: string;
  /** Bytes of index.mjs and of the zip. */
  scriptBytes: number;
  zipBytes: number;
}

export interface BuildLambdaBundleOptions {
  /** Where the zip is written (default: <package>/dist-lambda/). */
  outDir?: string;
  /** The compiled entry point (default: this package's dist/identity-api/lambda-entry.js). */
  entry?: string;
}

export async function buildLambdaBundle(options: BuildLambdaBundleOptions = {}): Promise<LambdaBundle> {
  // The package's compiled entry, whether this module runs from dist/ or (under tests) from src/.
  const entry = options.entry ?? fileURLToPath(new URL('../../dist/identity-api/lambda-entry.js', import.meta.url));
  if (!existsSync(entry)) throw new InvalidInputError(kitMessage('identity-api', `bundle: ${entry} does not exist: run npm run build first`));
  let esbuild: typeof import('esbuild');
  try {
    esbuild = await import('esbuild');
  } catch (cause) {
    throw new InvalidInputError(kitMessage('identity-api', 'bundle: esbuild is not installed (a development dependency: npm install in a checkout of the kit)'), { cause });
  }
  const result = await esbuild.build({
    entryPoints: [entry],
    bundle: true,
    platform: 'node',
    target: 'node22',
    format: 'esm',
    write: false,
    minify: true,
    legalComments: 'none',
    // ws loads these native speed-ups only if present; Lambda has neither.
    external: ['bufferutil', 'utf-8-validate'],
    // CommonJS dependencies call require(): give the ES module one.
    banner: { js: "import { createRequire as __kitCreateRequire } from 'node:module'; const require = __kitCreateRequire(import.meta.url);" },
    logLevel: 'silent',
  });
  const script = Buffer.from(result.outputFiles[0]!.contents);
  const zip = createZipArchive([{ name: 'index.mjs', data: script }]);
  const hash = createHash('sha256').update(zip).digest('hex').slice(0, 16);
  const outDir = options.outDir ?? fileURLToPath(new URL('../../dist-lambda/', import.meta.url));
  mkdirSync(outDir, { recursive: true });
  const name = `identity-api-${hash}.zip`;
  const path = join(outDir, name);
  writeFileSync(path, zip);
  return { path, key: IDENTITY_API_BUNDLE_PREFIX + name, scriptBytes: script.length, zipBytes: zip.length };
}
