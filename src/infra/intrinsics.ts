/**
 * Helpers for CloudFormation intrinsic functions in their long (JSON) form.
 * https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/intrinsic-function-reference.html
 */

/** The function name if `value` is a one-key `{ Ref | Fn::X | Condition: ... }` object. */
export function getIntrinsicName(value: unknown): string | undefined {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return undefined;
  const keys = Object.keys(value);
  if (keys.length !== 1) return undefined;
  const key = keys[0]!;
  return key === 'Ref' || key === 'Condition' || key.startsWith('Fn::') ? key : undefined;
}

/** Pseudo parameters every template may `Ref`. */
export const PSEUDO_PARAMETERS = new Set([
  'AWS::AccountId',
  'AWS::NotificationARNs',
  'AWS::NoValue',
  'AWS::Partition',
  'AWS::Region',
  'AWS::StackId',
  'AWS::StackName',
  'AWS::URLSuffix',
]);

/** The `${Name}` variables of a Fn::Sub string (`${!Literal}` is an escape, not a variable). */
export function listSubVariables(text: string): string[] {
  const names: string[] = [];
  for (const match of text.matchAll(/\$\{([^}]*)\}/g)) {
    const name = match[1]!.trim();
    if (!name.startsWith('!')) names.push(name);
  }
  return names;
}

/** Calls `visit` for every value in a tree, with its dotted path. */
export function walkTemplateValues(value: unknown, path: string, visit: (value: unknown, path: string) => void): void {
  visit(value, path);
  if (Array.isArray(value)) {
    value.forEach((item, index) => walkTemplateValues(item, `${path}.${index}`, visit));
  } else if (value !== null && typeof value === 'object') {
    for (const [key, child] of Object.entries(value)) walkTemplateValues(child, `${path}.${key}`, visit);
  }
}

/**
 * Evaluates the string a value stands for when it is built only from literals, `Ref`s to the given
 * parameters and `Fn::Sub`/`Fn::Join` over those; undefined when it depends on anything else.
 */
export function evaluateTemplateString(value: unknown, parameters: Record<string, string>): string | undefined {
  if (typeof value === 'string') return value;
  if (typeof value === 'number') return String(value);
  const fn = getIntrinsicName(value);
  const argument = fn ? (value as Record<string, unknown>)[fn] : undefined;
  if (fn === 'Ref' && typeof argument === 'string') return parameters[argument];
  if (fn === 'Fn::Sub') {
    const [text, variables] = Array.isArray(argument) ? [argument[0], argument[1] as Record<string, unknown> | undefined] : [argument, undefined];
    if (typeof text !== 'string') return undefined;
    let failed = false;
    const result = text.replace(/\$\{([^}]*)\}/g, (whole, name: string) => {
      if (name.startsWith('!')) return '${' + name.slice(1) + '}';
      const local = variables?.[name];
      const resolved = local !== undefined ? evaluateTemplateString(local, parameters) : parameters[name];
      if (resolved === undefined) failed = true;
      return resolved ?? whole;
    });
    return failed ? undefined : result;
  }
  if (fn === 'Fn::Join' && Array.isArray(argument) && typeof argument[0] === 'string' && Array.isArray(argument[1])) {
    const parts = argument[1].map((part) => evaluateTemplateString(part, parameters));
    return parts.every((part) => part !== undefined) ? parts.join(argument[0]) : undefined;
  }
  return undefined;
}
