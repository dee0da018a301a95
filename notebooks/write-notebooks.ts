/**
 * Writes notebooks/NN-Title.ipynb from notebooks/pages/NN-Title.md, so the notebooks are edited
 * as readable text and stored without outputs or execution counts (diffs stay small).
 *
 * Page format: markdown text becomes markdown cells; each ```ts fence becomes one code cell;
 * a line `<!-- cell -->` splits markdown into separate cells.
 *
 * Run: npx tsx notebooks/write-notebooks.ts [--check]   (--check: fail if an .ipynb is stale)
 */
import { readFileSync, readdirSync, renameSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));

export interface NotebookCell {
  cell_type: 'markdown' | 'code';
  metadata: Record<string, never>;
  source: string[];
  execution_count?: null;
  outputs?: [];
}

/** nbformat stores source as lines that keep their newline, except the last. */
function splitSource(text: string): string[] {
  const lines = text.split('\n');
  return lines.map((line, i) => (i < lines.length - 1 ? `${line}\n` : line)).filter((line) => line !== '');
}

function markdownCell(text: string): NotebookCell {
  return { cell_type: 'markdown', metadata: {}, source: splitSource(text) };
}

function codeCell(text: string): NotebookCell {
  return { cell_type: 'code', execution_count: null, metadata: {}, outputs: [], source: splitSource(text) };
}

/** Converts one page to an nbformat 4 notebook (JSON text) for the tslab TypeScript kernel. */
export function convertPage(page: string): string {
  const cells: NotebookCell[] = [];
  let markdown: string[] = [];
  let code: string[] | undefined;
  const flushMarkdown = () => {
    const text = markdown.join('\n').trim();
    if (text) cells.push(markdownCell(text));
    markdown = [];
  };
  for (const line of page.split('\n')) {
    if (code) {
      if (line.trim() === '```') {
        cells.push(codeCell(code.join('\n').trim()));
        code = undefined;
      } else code.push(line);
    } else if (/^```ts\s*$/.test(line)) {
      flushMarkdown();
      code = [];
    } else if (line.trim() === '<!-- cell -->') flushMarkdown();
    else markdown.push(line);
  }
  if (code) throw new Error('unclosed ```ts fence');
  flushMarkdown();
  const notebook = {
    cells,
    metadata: {
      // What `tslab install` registers: kernel "tslab" is TypeScript ("jslab" is JavaScript).
      kernelspec: { display_name: 'TypeScript', language: 'typescript', name: 'tslab' },
      language_info: { name: 'typescript', file_extension: '.ts', mimetype: 'text/typescript' },
    },
    nbformat: 4,
    nbformat_minor: 5,
  };
  // nbformat 4.5 wants a cell id; stable ids keep diffs quiet.
  notebook.cells.forEach((cell, i) => Object.assign(cell, { id: `cell-${String(i).padStart(2, '0')}` }));
  return JSON.stringify(notebook, null, 1) + '\n';
}

function main(): void {
  const check = process.argv.includes('--check');
  const stale: string[] = [];
  for (const file of readdirSync(join(here, 'pages')).filter((f) => f.endsWith('.md')).sort()) {
    const target = join(here, file.replace(/\.md$/, '.ipynb'));
    const text = convertPage(readFileSync(join(here, 'pages', file), 'utf8'));
    let current = '';
    try {
      current = readFileSync(target, 'utf8');
    } catch {
      // new notebook
    }
    if (current === text) continue;
    if (check) stale.push(target);
    else {
      writeFileSync(`${target}.tmp`, text);
      renameSync(`${target}.tmp`, target);
      console.log(`wrote ${target}`);
    }
  }
  if (stale.length) {
    console.error(`stale notebooks (run npx tsx notebooks/write-notebooks.ts):\n${stale.join('\n')}`);
    process.exit(1);
  }
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) main();
