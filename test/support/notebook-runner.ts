/**
 * Executes the kit's notebooks headless, the way a reader would run them: through Jupyter
 * (Debian's python3 with nbclient) and the tslab TypeScript kernel, cwd = the notebooks folder.
 *
 * tslab reports a failing cell to Jupyter as an error with an empty name and value, and writes
 * the real stack to the cell's stderr stream; nbconvert's message therefore says nothing useful.
 * This runner drives nbclient cell by cell itself and returns the failing cell's source, its
 * error fields and its stderr, so a failure reads like a stack trace.
 */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, lstatSync, mkdirSync, mkdtempSync, readlinkSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The project root (this file lives in test/support/). */
export const PROJECT_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const NOTEBOOKS_DIR = join(PROJECT_ROOT, 'notebooks');

/**
 * Debian's python3, where Jupyter lives. The `python3` first on PATH may be pyenv's, without
 * nbclient; IDGRAPH_JUPYTER_PYTHON points elsewhere when needed.
 */
export const JUPYTER_PYTHON = process.env.IDGRAPH_JUPYTER_PYTHON ?? '/usr/bin/python3';

/** The kernel spec name `tslab install` registers for TypeScript (`jslab` is JavaScript). */
export const TSLAB_KERNEL = 'tslab';

export interface CellFailure {
  /** Index of the cell in the notebook (0-based, markdown cells included). */
  cellIndex: number;
  source: string;
  ename: string;
  evalue: string;
  traceback: string;
  /** What the cell wrote to stderr: where tslab puts compile errors and stacks. */
  stderr: string;
}

export interface CellOutput {
  cellIndex: number;
  /** stdout, text/plain and text/html outputs joined (what a reader sees). */
  text: string;
  seconds: number;
}

export interface NotebookResult {
  name: string;
  ok: boolean;
  seconds: number;
  outputs: CellOutput[];
  failure?: CellFailure;
  /** Set when the notebook could not run at all (kernel did not start, file unreadable). */
  error?: string;
}

export interface RunNotebooksOptions {
  /** Folder holding the .ipynb files; also the kernel's cwd. */
  notebooksDir?: string;
  /** Extra environment for the kernel (e.g. IDGRAPH_DATA_DIR). */
  env?: Record<string, string | undefined>;
  /** Per-cell timeout in seconds (default 600). */
  cellTimeout?: number;
  /** Where executed copies of the notebooks go (with outputs); omitted = not kept. */
  executedDir?: string;
  /** Stop at the first failing notebook: later ones build on its state (default true). */
  stopOnFailure?: boolean;
  /** Called with each result as soon as its notebook has finished. */
  onResult?: (result: NotebookResult) => void;
}

/** Why Jupyter cannot run here, or undefined when it can. */
export function checkJupyter(python = JUPYTER_PYTHON): string | undefined {
  if (!existsSync(python)) return `${python} not found (install python3, jupyter-client, python3-nbclient)`;
  const probe = spawnSync(python, ['-c', 'import nbclient, nbformat, jupyter_client'], { encoding: 'utf8' });
  if (probe.status !== 0) return `${python} cannot import nbclient/nbformat/jupyter_client: ${probe.stderr.trim()}`;
  if (!existsSync(join(PROJECT_ROOT, 'node_modules', '.bin', 'tslab'))) return 'node_modules/.bin/tslab not found (npm install)';
  return undefined;
}

/**
 * Notebooks import the kit by name. tslab type-checks cells with Node10 module resolution, which
 * does not find the package through the project's own self-link (node_modules/idgraph-kit -> ..)
 * from inside the project, but does through a link next to the notebooks. Idempotent.
 */
export function linkKitForNotebooks(notebooksDir = NOTEBOOKS_DIR): void {
  const modules = join(notebooksDir, 'node_modules');
  const link = join(modules, 'idgraph-kit');
  const target = resolve(PROJECT_ROOT);
  mkdirSync(modules, { recursive: true });
  try {
    const stat = lstatSync(link);
    if (stat.isSymbolicLink() && resolve(modules, readlinkSync(link)) === target) return;
    if (!stat.isSymbolicLink()) return; // a real install: leave it alone
    rmSync(link);
  } catch {
    // no link yet
  }
  symlinkSync(target, link, 'dir');
}

/** Registers the tslab kernels in a private Jupyter data dir and returns it (for JUPYTER_PATH). */
export function installKernel(into: string, python = JUPYTER_PYTHON): string {
  const tslab = join(PROJECT_ROOT, 'node_modules', '.bin', 'tslab');
  const result = spawnSync(tslab, ['install', `--python=${python}`, `--binary=${tslab}`, `--prefix=${into}`], {
    encoding: 'utf8',
    env: { ...process.env, PYDEVD_DISABLE_FILE_VALIDATION: '1' },
  });
  if (result.status !== 0) throw new Error(`tslab install failed: ${result.stderr || result.stdout}`);
  return join(into, 'share', 'jupyter');
}

// The nbclient driver: one kernel per notebook, cells one at a time, one JSON line per notebook.
const DRIVER = String.raw`
import json, sys, time, traceback
import nbformat
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionError
from jupyter_client.manager import AsyncKernelManager
from jupyter_core.utils import run_sync

args = json.loads(sys.argv[1])

def text_of(outputs):
    parts = []
    for out in outputs:
        kind = out.get('output_type')
        if kind == 'stream':
            parts.append(out.get('text', ''))
        elif kind in ('display_data', 'execute_result'):
            data = out.get('data', {})
            for mime in ('text/plain', 'text/html', 'image/svg+xml'):
                if mime in data:
                    parts.append(data[mime] if isinstance(data[mime], str) else ''.join(data[mime]))
                    parts.append('\n')
                    break
        elif kind == 'error':
            parts.append('\n'.join(out.get('traceback', [])))
    return ''.join(parts)

def stderr_of(outputs):
    return ''.join(o.get('text', '') for o in outputs if o.get('output_type') == 'stream' and o.get('name') == 'stderr')

def start_kernel():
    # Started ahead of its notebook: tslab spends seconds loading TypeScript, which then overlaps
    # with the previous notebook's cells instead of adding to them.
    km = AsyncKernelManager(kernel_name=args['kernel'])
    run_sync(km.start_kernel)(cwd=args['cwd'])
    return km

def stop_kernel(km):
    if km is not None:
        try:
            run_sync(km.shutdown_kernel)(now=True)
        except Exception:
            pass

paths = args['notebooks']
next_km = start_kernel() if paths else None
for position, path in enumerate(paths):
    started = time.time()
    km = next_km
    next_km = start_kernel() if position + 1 < len(paths) else None
    result = {'name': path.rsplit('/', 1)[-1], 'ok': True, 'outputs': []}
    try:
        nb = nbformat.read(path, as_version=4)
        client = NotebookClient(nb, km=km, timeout=args['cellTimeout'], kernel_name=args['kernel'],
                                resources={'metadata': {'path': args['cwd']}})
        with client.setup_kernel():
            for index, cell in enumerate(nb.cells):
                if cell.cell_type != 'code':
                    continue
                cell_started = time.time()
                try:
                    client.execute_cell(cell, index)
                except CellExecutionError as error:
                    result['ok'] = False
                    result['failure'] = {'cellIndex': index, 'source': cell.source, 'ename': error.ename,
                                         'evalue': error.evalue, 'traceback': error.traceback,
                                         'stderr': stderr_of(cell.outputs)}
                result['outputs'].append({'cellIndex': index, 'text': text_of(cell.outputs),
                                          'seconds': time.time() - cell_started})
                if not result['ok']:
                    break
        if args.get('executedDir'):
            nbformat.write(nb, args['executedDir'] + '/' + result['name'])
    except Exception as error:
        result['ok'] = False
        result['error'] = ''.join(traceback.format_exception(error))
    finally:
        stop_kernel(km)
    result['seconds'] = time.time() - started
    print(json.dumps(result), flush=True)
    if not result['ok'] and args['stopOnFailure']:
        break
stop_kernel(next_km)
`;

/** Resolves notebook names (`08-Explore-the-Identity-Graph`, with or without .ipynb) to paths. */
export function resolveNotebookPaths(names: string[], notebooksDir = NOTEBOOKS_DIR): string[] {
  return names.map((name) => {
    const file = join(notebooksDir, name.endsWith('.ipynb') ? name : `${name}.ipynb`);
    if (!existsSync(file)) throw new Error(`notebook not found: ${file}`);
    return file;
  });
}

/**
 * Executes the given notebooks in order, each in a fresh tslab kernel, and returns one result per
 * notebook that ran (fewer than asked when one failed and stopOnFailure is on). Never throws for a
 * failing cell; throws when Jupyter itself cannot run.
 */
export async function runNotebooks(paths: string[], options: RunNotebooksOptions = {}): Promise<NotebookResult[]> {
  const notebooksDir = options.notebooksDir ?? NOTEBOOKS_DIR;
  const work = mkdtempSync(join(tmpdir(), 'idgraph-notebooks-'));
  try {
    linkKitForNotebooks(notebooksDir);
    const jupyterPath = installKernel(join(work, 'kernel'));
    const driver = join(work, 'driver.py');
    writeFileSync(driver, DRIVER);
    if (options.executedDir) mkdirSync(options.executedDir, { recursive: true });
    const args = {
      notebooks: paths.map((p) => resolve(p)),
      cwd: notebooksDir,
      kernel: TSLAB_KERNEL,
      cellTimeout: options.cellTimeout ?? 600,
      executedDir: options.executedDir ? resolve(options.executedDir) : undefined,
      stopOnFailure: options.stopOnFailure ?? true,
    };
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      ...options.env,
      JUPYTER_PATH: [jupyterPath, process.env.JUPYTER_PATH].filter(Boolean).join(delimiter),
      // tslab starts through `#!/usr/bin/env node`: the kernel runs on the Node.js running the tests.
      PATH: [join(PROJECT_ROOT, 'node_modules', '.bin'), dirname(process.execPath), process.env.PATH].join(delimiter),
      PYDEVD_DISABLE_FILE_VALIDATION: '1',
    };
    const results: NotebookResult[] = [];
    await new Promise<void>((done, fail) => {
      const child = spawn(JUPYTER_PYTHON, ['-Xfrozen_modules=off', driver, JSON.stringify(args)], {
        env,
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let pending = '';
      let stderr = '';
      child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
        pending += chunk;
        let newline;
        while ((newline = pending.indexOf('\n')) >= 0) {
          const line = pending.slice(0, newline);
          pending = pending.slice(newline + 1);
          if (!line.startsWith('{')) continue;
          const result = JSON.parse(line) as NotebookResult;
          results.push(result);
          options.onResult?.(result);
        }
      });
      child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
        stderr += chunk;
      });
      child.on('error', fail);
      child.on('close', (code) => {
        if (code === 0 && results.length > 0) done();
        else fail(new Error(`the notebook driver exited with ${code} after ${results.length}/${paths.length} notebooks:\n${stderr}`));
      });
    });
    return results;
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

/** A failing notebook as a reader wants to see it: the cell's source, then its error and stack. */
export function formatFailure(result: NotebookResult): string {
  if (result.ok) return `${result.name}: ok`;
  if (result.error) return `${result.name}: could not run\n${result.error}`;
  const failure = result.failure!;
  const numbered = failure.source
    .split('\n')
    .map((line, i) => `${String(i + 1).padStart(4)} | ${line}`)
    .join('\n');
  const error = [failure.ename && failure.ename !== '<Error>' ? `${failure.ename}: ${failure.evalue}` : '', failure.stderr.trim()]
    .filter(Boolean)
    .join('\n');
  return `${result.name}: cell ${failure.cellIndex} failed\n--- cell source ---\n${numbered}\n--- error ---\n${error || failure.traceback}`;
}
