import { join } from 'node:path';
import { InvalidInputError, kitMessage } from '../errors.js';
import { checkCrossStackImports } from './check-exports.js';
import { checkReferences } from './check-references.js';
import { checkAgainstSpec } from './check-spec.js';
import { KIT_STACKS, TEMPLATES_DIR } from './kit-stacks.js';
import { readTemplate } from './parse-template.js';
import { loadResourceSpec, type ResourceSpec } from './resource-spec.js';
import { checkSecurityRules } from './security-rules.js';
import { formatTemplateIssue, type ParsedTemplate, type TemplateIssue } from './template-types.js';

export interface TemplateValidation {
  templates: ParsedTemplate[];
  issues: TemplateIssue[];
}

export interface ValidateTemplatesOptions {
  /** Template files in deployment order (default: the kit's five, from cloudformation-templates/). */
  files?: string[];
  /** The specification (default: loaded from @aws-cdk/aws-service-spec). */
  spec?: ResourceSpec;
  /** Parameter values for evaluating export and import names (e.g. the configured StackPrefix). */
  parameters?: Record<string, string>;
}

/** The kit's template files, in deployment order. */
export function listKitTemplateFiles(dir = TEMPLATES_DIR): string[] {
  return KIT_STACKS.map((stack) => join(dir, stack.templateFile));
}

/**
 * Parses the templates and runs every check: the resource specification, references inside each
 * template, imports between them, and the security rules. Returns all findings (empty = valid).
 */
export async function validateTemplates(options: ValidateTemplatesOptions = {}): Promise<TemplateValidation> {
  const files = options.files ?? listKitTemplateFiles();
  const spec = options.spec ?? (await loadResourceSpec());
  const templates = files.map((file) => readTemplate(file));
  const issues: TemplateIssue[] = [];
  for (const parsed of templates) {
    issues.push(...checkAgainstSpec(parsed, spec), ...checkReferences(parsed, spec), ...checkSecurityRules(parsed));
  }
  issues.push(...checkCrossStackImports(templates, options.parameters));
  return { templates, issues };
}

/** Validates and throws InvalidInputError listing every finding (`file:line: [rule] path: message`). */
export async function assertTemplatesValid(options: ValidateTemplatesOptions = {}): Promise<ParsedTemplate[]> {
  const { templates, issues } = await validateTemplates(options);
  if (issues.length > 0) {
    throw new InvalidInputError(kitMessage('templates', `${issues.length} problem(s):\n${issues.map(formatTemplateIssue).join('\n')}`));
  }
  return templates;
}
