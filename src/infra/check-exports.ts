import { evaluateTemplateString, getIntrinsicName, walkTemplateValues } from './intrinsics.js';
import { createTemplateIssue, type ParsedTemplate, type TemplateIssue } from './template-types.js';

/** An export a template declares, with its name for a given prefix. */
export interface TemplateExport {
  name: string;
  template: string;
  output: string;
}

/**
 * Checks the links between stacks: every export name is unique, and every `Fn::ImportValue`
 * resolves to an export of a template deployed earlier in `templates` (which is in deployment
 * order). Names are evaluated with the templates' parameter defaults and `parameters` on top
 * (e.g. `{ StackPrefix: 'identity-graph' }`), so a misspelt name or a prefix mismatch shows.
 */
export function checkCrossStackImports(templates: ParsedTemplate[], parameters: Record<string, string> = {}): TemplateIssue[] {
  const issues: TemplateIssue[] = [];
  const exports = new Map<string, TemplateExport>();
  const report = (parsed: ParsedTemplate, path: string, message: string) => issues.push(createTemplateIssue(parsed, 'import', path, message));

  for (const [index, parsed] of templates.entries()) {
    const values = { ...readParameterDefaults(parsed), ...parameters };
    walkTemplateValues(parsed.template.Resources, 'Resources', (value, path) => {
      if (getIntrinsicName(value) !== 'Fn::ImportValue') return;
      const name = evaluateTemplateString((value as Record<string, unknown>)['Fn::ImportValue'], values);
      if (name === undefined) {
        report(parsed, path, 'ImportValue name must be built from literals and parameters only');
        return;
      }
      const found = exports.get(name);
      if (!found) {
        const later = templates.slice(index).some((other) => exportsOf(other, values).some((e) => e.name === name));
        report(parsed, path, later ? `imports ${name}, exported by a stack deployed later` : `imports ${name}, which no stack exports`);
      }
    });
    for (const declared of exportsOf(parsed, values)) {
      const previous = exports.get(declared.name);
      if (previous) {
        report(parsed, `Outputs.${declared.output}.Export.Name`, `export ${declared.name} is already exported by ${previous.template}`);
      } else {
        exports.set(declared.name, declared);
      }
    }
    for (const [output, definition] of Object.entries(parsed.template.Outputs ?? {})) {
      if (definition.Export && evaluateTemplateString(definition.Export.Name, values) === undefined) {
        report(parsed, `Outputs.${output}.Export.Name`, 'export name must be built from literals and parameters only');
      }
    }
  }
  return issues;
}

/** The exports a template declares, named with the given parameter values. */
export function exportsOf(parsed: ParsedTemplate, parameters: Record<string, string>): TemplateExport[] {
  const result: TemplateExport[] = [];
  for (const [output, definition] of Object.entries(parsed.template.Outputs ?? {})) {
    if (!definition.Export) continue;
    const name = evaluateTemplateString(definition.Export.Name, parameters);
    if (name !== undefined) result.push({ name, template: parsed.name, output });
  }
  return result;
}

function readParameterDefaults(parsed: ParsedTemplate): Record<string, string> {
  const values: Record<string, string> = {};
  for (const [name, parameter] of Object.entries(parsed.template.Parameters ?? {})) {
    if (parameter.Default !== undefined) values[name] = String(parameter.Default);
  }
  return values;
}
