import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { listKitTemplateFiles, readTemplate } from '../src/infra/index.js';

// AWS's own CloudFormation linter and checkov's policy checks, from the pinned virtual
// environment `bash .ci/python-env.sh linters` makes (.ci/requirements-linters.txt).
const ROOT = join(import.meta.dirname, '..');
const BIN = join(ROOT, '.venv', 'linters', 'bin');
const CFN_LINT = join(BIN, 'cfn-lint');
const CHECKOV = join(BIN, 'checkov');
const FIXTURES = join(import.meta.dirname, 'fixtures', 'templates');

const installed = existsSync(CFN_LINT) && existsSync(CHECKOV);
const required = process.env.CI === 'true';
if (!installed && !required) {
  console.warn('[templates-linters.test] SKIPPED cfn-lint and checkov: .venv/linters is missing (bash .ci/python-env.sh linters)');
}

interface CheckovFinding {
  check_id: string;
  check_name: string;
  resource: string;
  file_path: string;
  file_line_range: [number, number];
}

interface CheckovReport {
  results: { failed_checks: CheckovFinding[]; skipped_checks: CheckovFinding[] };
  summary: { passed: number; failed: number; skipped: number; parsing_errors: number };
}

/** Runs checkov over template files; offline (--skip-download: no Prisma Cloud look-ups). */
function runCheckov(files: string[]): { reports: CheckovReport[]; stderr: string } {
  const result = spawnSync(CHECKOV, [...files.flatMap((file) => ['-f', file]), '--framework', 'cloudformation', '--skip-download', '--output', 'json'], {
    encoding: 'utf8',
    timeout: 180_000,
    // checkov's JSON report of every template passes spawnSync's 1 MiB default.
    maxBuffer: 256 * 1024 * 1024,
    cwd: ROOT,
    env: { ...process.env, BC_SKIP_MAPPING: 'TRUE', PYTHONWARNINGS: 'ignore' },
  });
  if (result.error) throw result.error;
  const parsed = JSON.parse(result.stdout) as CheckovReport | CheckovReport[];
  // One framework gives one report; a file without resources checkov knows gives a bare summary.
  const reports = (Array.isArray(parsed) ? parsed : [parsed]).map((report) => ({
    results: report.results ?? { failed_checks: [], skipped_checks: [] },
    summary: report.summary,
  }));
  return { reports, stderr: result.stderr };
}

/** `file:line CHECK resource: name`; checkov names files below the working folder from its root (`/cloudformation-templates/...`). */
function formatFinding(finding: CheckovFinding): string {
  const file = existsSync(join(ROOT, finding.file_path)) ? relative(ROOT, join(ROOT, finding.file_path)) : finding.file_path;
  return `${file}:${finding.file_line_range[0]} ${finding.check_id} ${finding.resource}: ${finding.check_name}`;
}

describe('template linters', () => {
  it('are installed under CI=true', () => {
    if (required) expect(installed, '.venv/linters is missing: bash .ci/python-env.sh linters').toBe(true);
  });
});

describe.skipIf(!installed && !required)('cfn-lint and checkov on cloudformation-templates/', () => {
  // checkov drops resources whose Condition is false for the parameters' defaults: the bucket
  // (CreateBucket defaults to 'false') is checked in a copy of iam.yaml with the default 'true'.
  const work = mkdtempSync(join(tmpdir(), 'idgraph-linters-'));
  afterAll(() => rmSync(work, { recursive: true, force: true }));
  const iam = listKitTemplateFiles().find((file) => file.endsWith('iam.yaml'))!;
  const iamText = readFileSync(iam, 'utf8');
  const creatingBucket = iamText.replace(/(\n  CreateBucket:\n(?:    .*\n)*?    Default: )'false'/, "$1'true'");
  const iamCreatingBucket = join(work, 'iam-create-bucket.yaml');
  writeFileSync(iamCreatingBucket, creatingBucket);
  const templates = [...listKitTemplateFiles(), iamCreatingBucket];

  it('the CreateBucket=true copy of iam.yaml differs only in that default', () => {
    expect(creatingBucket).not.toBe(iamText);
    expect(readTemplate(iamCreatingBucket).template.Parameters!.CreateBucket!.Default).toBe('true');
  });

  it('cfn-lint: no error, warning or informational finding in any template', () => {
    const result = spawnSync(CFN_LINT, ['--format', 'parseable', ...templates], { encoding: 'utf8', timeout: 180_000 });
    if (result.error) throw result.error;
    expect((result.stdout + result.stderr).trim().split('\n').filter(Boolean)).toEqual([]);
    expect(result.status).toBe(0);
  });

  it('checkov: no failed check in any template, every suppression carries a one-line reason', () => {
    const { reports, stderr } = runCheckov(templates);
    const failed = reports.flatMap((report) => report.results.failed_checks).map(formatFinding);
    expect(failed).toEqual([]);
    expect(reports.reduce((sum, report) => sum + report.summary.parsing_errors, 0)).toBe(0);
    // A check that crashes on a template is neither passed nor failed: it must not go unnoticed.
    expect(stderr.split('\n').filter((line) => line.includes('Failed to run check'))).toEqual([]);
    expect(reports.reduce((sum, report) => sum + report.summary.passed, 0)).toBeGreaterThan(30);

    for (const file of templates) {
      const parsed = readTemplate(file);
      for (const [id, resource] of Object.entries(parsed.template.Resources)) {
        const skips = ((resource.Metadata as any)?.checkov?.skip ?? []) as { id?: string; comment?: string }[];
        for (const skip of skips) {
          expect(skip.id, `${parsed.name}: ${id}`).toMatch(/^CKV2?_AWS_\d+$/);
          expect(skip.comment?.trim(), `${parsed.name}: ${id} skips ${skip.id} without a reason`).toMatch(/^[^\n]{20,}$/);
        }
      }
    }
  });

  it('cfn-lint and checkov both find the defects of the bad fixtures (the linters can fail)', () => {
    const lint = spawnSync(CFN_LINT, [join(FIXTURES, 'bad-spec.yaml'), join(FIXTURES, 'bad-references.yaml')], { encoding: 'utf8', timeout: 180_000 });
    expect(lint.stdout).toMatch(/E3002 .*IAMAuthEnabled/);
    expect(lint.stdout).toMatch(/E1028 .*IsStaging/);
    const { reports } = runCheckov([join(FIXTURES, 'bad-neptune-storage-encrypted.yaml'), join(FIXTURES, 'bad-bucket-encrypted-private.yaml')]);
    const failed = new Set(reports.flatMap((report) => report.results.failed_checks).map((finding) => finding.check_id));
    expect(failed.has('CKV_AWS_44'), 'Neptune storage encryption').toBe(true);
    expect(failed.has('CKV_AWS_54'), 'S3 block public policy').toBe(true);
  });
});
