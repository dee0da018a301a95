import { getIntrinsicName } from './intrinsics.js';
import type { ResourceSpec, SpecProperty, SpecPropertyType } from './resource-spec.js';
import { createTemplateIssue, type ParsedTemplate, type TemplateIssue } from './template-types.js';

/**
 * Checks every resource against the CloudFormation resource specification: the type exists,
 * every property (nested ones included) exists, required properties are present, and literal
 * values have the right shape (object, list or scalar). Values built by intrinsic functions are
 * not evaluated.
 */
export function checkAgainstSpec(parsed: ParsedTemplate, spec: ResourceSpec): TemplateIssue[] {
  const issues: TemplateIssue[] = [];
  for (const [name, parameter] of Object.entries(parsed.template.Parameters ?? {})) {
    if (!isParameterType(parameter?.Type)) {
      issues.push(createTemplateIssue(parsed, 'spec', `Parameters.${name}.Type`, `parameter ${name} has no valid Type (got ${JSON.stringify(parameter?.Type)})`));
    }
  }
  for (const [name, output] of Object.entries(parsed.template.Outputs ?? {})) {
    if (output?.Value === undefined || output.Value === null) issues.push(createTemplateIssue(parsed, 'spec', `Outputs.${name}`, `output ${name} has no Value`));
  }
  for (const [logicalId, resource] of Object.entries(parsed.template.Resources)) {
    const path = `Resources.${logicalId}`;
    if (typeof resource?.Type !== 'string') {
      issues.push(createTemplateIssue(parsed, 'spec', path, 'resource has no Type'));
      continue;
    }
    // Custom resources carry whatever properties their provider defines.
    if (resource.Type.startsWith('Custom::') || resource.Type === 'AWS::CloudFormation::CustomResource') continue;
    const type = spec.getResourceType(resource.Type);
    if (!type) {
      issues.push(createTemplateIssue(parsed, 'spec', `${path}.Type`, `unknown resource type ${resource.Type}`));
      continue;
    }
    checkObject(resource.Properties ?? {}, type.properties, `${path}.Properties`, resource.Type);
  }
  return issues;

  function checkObject(value: unknown, properties: Record<string, SpecProperty>, path: string, where: string): void {
    if (getIntrinsicName(value)) return;
    if (value === null || typeof value !== 'object' || Array.isArray(value)) {
      issues.push(createTemplateIssue(parsed, 'spec', path, `${where} expects an object`));
      return;
    }
    const given = value as Record<string, unknown>;
    for (const [name, property] of Object.entries(properties)) {
      if (property.required && !(name in given)) {
        issues.push(createTemplateIssue(parsed, 'spec', path, `${where} requires property ${name}`));
      }
    }
    for (const [name, child] of Object.entries(given)) {
      const property = properties[name];
      if (!property) {
        issues.push(createTemplateIssue(parsed, 'spec', `${path}.${name}`, `${where} has no property ${name}`));
        continue;
      }
      checkValue(child, property.type, `${path}.${name}`, `${where}.${name}`);
    }
  }

  function checkValue(value: unknown, type: SpecPropertyType, path: string, where: string): void {
    if (getIntrinsicName(value) || value === null) return;
    switch (type.type) {
      case 'ref': {
        const definition = spec.getTypeDefinition(type.reference.$ref);
        if (definition) checkObject(value, definition.properties, path, `${where} (${definition.name})`);
        return;
      }
      case 'array':
        if (!Array.isArray(value)) {
          issues.push(createTemplateIssue(parsed, 'spec', path, `${where} expects a list`));
          return;
        }
        value.forEach((item, index) => checkValue(item, type.element, `${path}.${index}`, where));
        return;
      case 'map':
        if (typeof value !== 'object' || Array.isArray(value)) {
          issues.push(createTemplateIssue(parsed, 'spec', path, `${where} expects a map`));
          return;
        }
        for (const [key, item] of Object.entries(value)) checkValue(item, type.element, `${path}.${key}`, where);
        return;
      case 'union':
        // Accept the value if it has the shape of any member (a cheap structural test).
        if (!type.types.some((member) => hasShape(value, member))) {
          issues.push(createTemplateIssue(parsed, 'spec', path, `${where} has an unexpected shape`));
        }
        return;
      case 'json':
      case 'tag':
        return;
      default:
        // Scalars: CloudFormation converts between strings, numbers and booleans itself.
        if (typeof value === 'object') issues.push(createTemplateIssue(parsed, 'spec', path, `${where} expects a ${type.type}, got ${Array.isArray(value) ? 'a list' : 'an object'}`));
    }
  }
}

function hasShape(value: unknown, type: SpecPropertyType): boolean {
  switch (type.type) {
    case 'array':
      return Array.isArray(value);
    case 'map':
    case 'ref':
    case 'json':
      return typeof value === 'object' && !Array.isArray(value);
    case 'union':
      return type.types.some((member) => hasShape(value, member));
    case 'tag':
      return typeof value === 'object';
    default:
      return typeof value !== 'object';
  }
}

/**
 * Parameter types CloudFormation accepts:
 * https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/parameters-section-structure.html
 */
function isParameterType(type: unknown): boolean {
  if (typeof type !== 'string') return false;
  if (['String', 'Number', 'List<Number>', 'List<String>', 'CommaDelimitedList'].includes(type)) return true;
  // AWS-specific types (AWS::EC2::Subnet::Id, List<AWS::EC2::SecurityGroup::Id>) and SSM parameter types.
  return /^(List<)?AWS::[A-Za-z0-9]+::[A-Za-z0-9]+(::[A-Za-z0-9]+)?>?$/.test(type) || /^AWS::SSM::Parameter::(Name|Value<.+>)$/.test(type);
}
