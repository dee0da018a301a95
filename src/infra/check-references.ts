import { getIntrinsicName, listSubVariables, PSEUDO_PARAMETERS, walkTemplateValues } from './intrinsics.js';
import type { ResourceSpec } from './resource-spec.js';
import { createTemplateIssue, type ParsedTemplate, type TemplateIssue } from './template-types.js';

/**
 * Checks that every `Ref`, `Fn::GetAtt`, `Fn::Sub` variable, `DependsOn`, condition name and
 * `Fn::FindInMap` map names something the template declares (and, with a spec, that every
 * `GetAtt` attribute exists on the resource type).
 */
export function checkReferences(parsed: ParsedTemplate, spec?: ResourceSpec): TemplateIssue[] {
  const { template } = parsed;
  const issues: TemplateIssue[] = [];
  const parameters = new Set(Object.keys(template.Parameters ?? {}));
  const resources = template.Resources;
  const conditions = new Set(Object.keys(template.Conditions ?? {}));
  const mappings = new Set(Object.keys(template.Mappings ?? {}));
  const report = (path: string, message: string) => issues.push(createTemplateIssue(parsed, 'reference', path, message));

  const checkAttribute = (resourceId: string, attribute: string, path: string) => {
    const resource = resources[resourceId];
    if (!resource) {
      report(path, `GetAtt names unknown resource ${resourceId}`);
      return;
    }
    const type = spec?.getResourceType(resource.Type);
    if (type && !(attribute in type.attributes)) {
      report(path, `${resource.Type} has no attribute ${attribute} (GetAtt ${resourceId}.${attribute})`);
    }
  };

  const checkName = (name: string, path: string, what: string) => {
    if (!parameters.has(name) && !(name in resources) && !PSEUDO_PARAMETERS.has(name)) {
      report(path, `${what} names ${name}, which is neither a parameter, a resource nor a pseudo parameter`);
    }
  };

  const visit = (value: unknown, path: string) => {
    const fn = getIntrinsicName(value);
    if (!fn) return;
    const argument = (value as Record<string, unknown>)[fn];
    switch (fn) {
      case 'Ref':
        if (typeof argument !== 'string') report(path, 'Ref takes a name');
        else checkName(argument, path, 'Ref');
        break;
      case 'Fn::GetAtt':
        if (!Array.isArray(argument) || argument.length !== 2 || typeof argument[0] !== 'string') {
          report(path, 'GetAtt takes [Resource, Attribute]');
        } else if (typeof argument[1] === 'string') {
          checkAttribute(argument[0], argument[1], path);
        }
        break;
      case 'Fn::Sub': {
        const [text, local] = Array.isArray(argument) ? [argument[0], (argument[1] ?? {}) as Record<string, unknown>] : [argument, {}];
        if (typeof text !== 'string') {
          report(path, 'Sub takes a string or [string, variables]');
          break;
        }
        for (const name of listSubVariables(text)) {
          if (name in local) continue;
          const dot = name.indexOf('.');
          if (dot > 0 && name.slice(0, dot) in resources) checkAttribute(name.slice(0, dot), name.slice(dot + 1), path);
          else checkName(name, path, `Sub variable \${${name}}`);
        }
        break;
      }
      case 'Fn::If':
        if (!Array.isArray(argument) || typeof argument[0] !== 'string') report(path, 'If takes [Condition, then, else]');
        else if (!conditions.has(argument[0])) report(path, `If names unknown condition ${argument[0]}`);
        break;
      case 'Condition':
        if (typeof argument !== 'string' || !conditions.has(argument)) report(path, `unknown condition ${String(argument)}`);
        break;
      case 'Fn::FindInMap':
        if (!Array.isArray(argument) || typeof argument[0] !== 'string' || !mappings.has(argument[0])) {
          report(path, `FindInMap names unknown mapping ${Array.isArray(argument) ? String(argument[0]) : ''}`);
        }
        break;
    }
  };

  for (const section of ['Conditions', 'Resources', 'Outputs'] as const) {
    const content = template[section];
    if (content) walkTemplateValues(content, section, visit);
  }

  for (const [logicalId, resource] of Object.entries(resources)) {
    const dependsOn = resource.DependsOn === undefined ? [] : ([] as string[]).concat(resource.DependsOn);
    for (const target of dependsOn) {
      if (!(target in resources)) report(`Resources.${logicalId}.DependsOn`, `DependsOn names unknown resource ${target}`);
    }
    if (resource.Condition !== undefined && !conditions.has(resource.Condition)) {
      report(`Resources.${logicalId}.Condition`, `unknown condition ${resource.Condition}`);
    }
  }
  for (const [name, output] of Object.entries(template.Outputs ?? {})) {
    if (output.Condition !== undefined && !conditions.has(output.Condition)) report(`Outputs.${name}.Condition`, `unknown condition ${output.Condition}`);
  }
  return issues;
}
