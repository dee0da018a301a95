import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import { isMap, isScalar, isSeq, LineCounter, parseDocument, type Node } from 'yaml';
import { InvalidInputError, kitMessage } from '../errors.js';
import type { CfnTemplate, ParsedTemplate } from './template-types.js';

/**
 * CloudFormation's short-form YAML tags and the intrinsic function each stands for.
 * https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/intrinsic-function-reference.html
 */
const SHORT_FORM_TAGS: Record<string, string> = {
  '!Ref': 'Ref',
  '!Condition': 'Condition',
  '!GetAtt': 'Fn::GetAtt',
  '!Sub': 'Fn::Sub',
  '!ImportValue': 'Fn::ImportValue',
  '!Join': 'Fn::Join',
  '!Split': 'Fn::Split',
  '!Select': 'Fn::Select',
  '!GetAZs': 'Fn::GetAZs',
  '!Base64': 'Fn::Base64',
  '!Cidr': 'Fn::Cidr',
  '!FindInMap': 'Fn::FindInMap',
  '!If': 'Fn::If',
  '!Not': 'Fn::Not',
  '!Equals': 'Fn::Equals',
  '!And': 'Fn::And',
  '!Or': 'Fn::Or',
  '!Transform': 'Fn::Transform',
  '!Length': 'Fn::Length',
  '!ToJsonString': 'Fn::ToJsonString',
};

/**
 * Parses a CloudFormation YAML template: short-form tags become their long form
 * (`!GetAtt A.B` → `{ "Fn::GetAtt": ["A", "B"] }`), and every path keeps its source line.
 * Throws InvalidInputError naming file and line for YAML errors and unknown `!` tags.
 */
export function parseTemplate(text: string, file: string): ParsedTemplate {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, keepSourceTokens: false, uniqueKeys: true });
  const lineAt = (offset: number | undefined) => (offset === undefined ? undefined : lineCounter.linePos(offset).line);
  if (doc.errors.length > 0) {
    const error = doc.errors[0]!;
    throw new InvalidInputError(kitMessage('templates', `${file}:${lineAt(error.pos[0])}: ${error.message.split('\n')[0]}`), { cause: error });
  }
  const lines = new Map<string, number>();

  const convert = (node: unknown, path: string): unknown => {
    if (node === null || node === undefined) return null;
    const yamlNode = node as Node;
    let value: unknown;
    if (isMap(yamlNode)) {
      const object: Record<string, unknown> = {};
      for (const pair of yamlNode.items) {
        const key = isScalar(pair.key) ? String(pair.key.value) : String(pair.key);
        const childPath = path === '' ? key : `${path}.${key}`;
        const keyLine = lineAt(isScalar(pair.key) ? pair.key.range?.[0] : undefined);
        if (keyLine !== undefined) lines.set(childPath, keyLine);
        object[key] = convert(pair.value, childPath);
      }
      value = object;
    } else if (isSeq(yamlNode)) {
      value = yamlNode.items.map((item, index) => {
        const childPath = `${path}.${index}`;
        const itemLine = lineAt((item as Node | null)?.range?.[0]);
        if (itemLine !== undefined) lines.set(childPath, itemLine);
        return convert(item, childPath);
      });
    } else if (isScalar(yamlNode)) {
      value = yamlNode.value;
    } else {
      value = (yamlNode as { toJSON?: () => unknown }).toJSON?.() ?? null;
    }
    const tag = yamlNode.tag;
    if (tag && tag.startsWith('!') && !tag.startsWith('!!')) {
      const fn = SHORT_FORM_TAGS[tag];
      if (!fn) {
        throw new InvalidInputError(kitMessage('templates', `${file}:${lineAt(yamlNode.range?.[0])}: unknown tag ${tag} at ${path}`));
      }
      // !GetAtt Resource.Attribute is the one short form whose scalar splits (at the first dot).
      if (fn === 'Fn::GetAtt' && typeof value === 'string') {
        const dot = value.indexOf('.');
        value = dot < 0 ? [value] : [value.slice(0, dot), value.slice(dot + 1)];
      }
      if (fn === 'Fn::GetAZs' && value === null) value = '';
      value = { [fn]: value };
    }
    return value;
  };

  const root = convert(doc.contents, '');
  if (root === null || typeof root !== 'object' || Array.isArray(root)) {
    throw new InvalidInputError(kitMessage('templates', `${file}: a template must be a mapping`));
  }
  const template = root as CfnTemplate;
  if (!template.Resources || typeof template.Resources !== 'object') {
    throw new InvalidInputError(kitMessage('templates', `${file}: the template has no Resources section`));
  }
  return { file, name: basename(file).replace(/\.ya?ml$/, ''), template, lineOf: (path) => lines.get(path) };
}

/** Reads and parses a template file. */
export function readTemplate(file: string): ParsedTemplate {
  return parseTemplate(readFileSync(file, 'utf8'), file);
}
