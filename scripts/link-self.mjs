// Notebooks import the kit by package name (`import { createKit } from 'idgraph-kit'`).
// tslab only compiles local .ts files under the notebook's folder and ignores tsconfig paths,
// so the name must resolve through node_modules: link node_modules/idgraph-kit -> .. (the
// package root, whose exports point at dist/). Idempotent; safe on every build.
import { existsSync, lstatSync, mkdirSync, readlinkSync, symlinkSync, unlinkSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const name = JSON.parse(await import('node:fs').then((fs) => fs.readFileSync(join(root, 'package.json'), 'utf8'))).name;
const nodeModules = join(root, 'node_modules');
const link = join(nodeModules, name);

// Installed as a dependency of another project: nothing to link.
if (root.split(/[\\/]/).includes('node_modules')) process.exit(0);

mkdirSync(nodeModules, { recursive: true });
if (existsSync(link) || isDanglingLink(link)) {
  const stat = lstatSync(link);
  if (stat.isSymbolicLink() && resolve(nodeModules, readlinkSync(link)) === root) process.exit(0);
  if (!stat.isSymbolicLink()) process.exit(0); // a real install of the package: leave it alone
  unlinkSync(link);
}
symlinkSync('..', link, 'dir');

function isDanglingLink(path) {
  try {
    return lstatSync(path).isSymbolicLink();
  } catch {
    return false;
  }
}
