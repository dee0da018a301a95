/**
 * A small reader of the Gherkin used by TinkerPop's feature files
 * (https://cucumber.io/docs/gherkin/reference/): `Feature:`, `Scenario:`, `Given/And/When/Then/But`
 * steps, doc strings between `"""`, data tables (`| a | b |`), `@tags` and `#` comments.
 */
import { InvalidInputError, kitMessage } from '../../src/errors.js';

export interface GherkinStep {
  keyword: string;
  text: string;
  line: number;
  docString?: string;
  /** Table rows, cells trimmed; the header row included. */
  table?: string[][];
}

export interface GherkinScenario {
  name: string;
  line: number;
  tags: string[];
  steps: GherkinStep[];
}

export interface GherkinFeature {
  name: string;
  file: string;
  tags: string[];
  scenarios: GherkinScenario[];
}

const STEP_KEYWORDS = ['Given', 'And', 'When', 'Then', 'But'];

/** Parses one feature file's text; `file` is only used in error messages. */
export function parseFeature(text: string, file: string): GherkinFeature {
  const lines = text.split(/\r?\n/);
  const feature: GherkinFeature = { name: '', file, tags: [], scenarios: [] };
  let pendingTags: string[] = [];
  let scenario: GherkinScenario | undefined;
  let step: GherkinStep | undefined;
  const fail = (message: string, lineIndex: number): never => {
    throw new InvalidInputError(kitMessage('conformance', `${file}:${lineIndex + 1}: ${message}`));
  };
  for (let i = 0; i < lines.length; i++) {
    const raw = lines[i]!;
    const trimmed = raw.trim();
    if (trimmed === '' || trimmed.startsWith('#')) continue;
    if (trimmed.startsWith('"""')) {
      if (!step) fail('doc string outside a step', i);
      const indent = raw.indexOf('"""');
      const body: string[] = [];
      i++;
      while (i < lines.length && !lines[i]!.trim().startsWith('"""')) {
        // Doc string lines lose the indentation of the opening delimiter, as Gherkin specifies.
        const line = lines[i]!;
        body.push(line.slice(Math.min(indent, line.length - line.trimStart().length)));
        i++;
      }
      if (i >= lines.length) fail('unterminated doc string', i - 1);
      step!.docString = body.join('\n');
      continue;
    }
    if (trimmed.startsWith('|')) {
      if (!step) fail('table outside a step', i);
      (step!.table ??= []).push(splitTableRow(trimmed));
      continue;
    }
    if (trimmed.startsWith('@')) {
      pendingTags.push(...trimmed.split(/\s+/).filter((t) => t.startsWith('@')));
      continue;
    }
    if (trimmed.startsWith('Feature:')) {
      feature.name = trimmed.slice('Feature:'.length).trim();
      feature.tags = pendingTags;
      pendingTags = [];
      continue;
    }
    const scenarioMatch = /^Scenario(?: Outline)?:\s*(.*)$/.exec(trimmed);
    if (scenarioMatch) {
      scenario = { name: scenarioMatch[1]!, line: i + 1, tags: pendingTags, steps: [] };
      pendingTags = [];
      step = undefined;
      feature.scenarios.push(scenario);
      continue;
    }
    const keyword = STEP_KEYWORDS.find((k) => trimmed.startsWith(k + ' '));
    if (keyword) {
      if (!scenario) fail(`step outside a scenario: ${trimmed}`, i);
      step = { keyword, text: trimmed.slice(keyword.length + 1).trim(), line: i + 1 };
      scenario!.steps.push(step);
      continue;
    }
    if (trimmed.startsWith('Background:')) fail('Background sections are not supported', i);
    // Free text after Feature: (its description) is allowed until the first scenario.
    if (!scenario) continue;
    fail(`unexpected line: ${trimmed}`, i);
  }
  return feature;
}

/** `| a | b\|c |` → ['a', 'b|c'] (Gherkin escapes `\|`, `\\` and `\n` inside cells). */
function splitTableRow(row: string): string[] {
  const cells: string[] = [];
  let current = '';
  for (let i = 1; i < row.length; i++) {
    const c = row[i]!;
    if (c === '\\' && i + 1 < row.length && '|\\n'.includes(row[i + 1]!)) {
      const next = row[i + 1]!;
      current += next === 'n' ? '\n' : next;
      i++;
    } else if (c === '|') {
      cells.push(current.trim());
      current = '';
    } else {
      current += c;
    }
  }
  return cells;
}
