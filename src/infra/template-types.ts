/** A CloudFormation template after parsing: plain JSON values, short-form tags in long form. */
export interface CfnTemplate {
  AWSTemplateFormatVersion?: string;
  Description?: string;
  Parameters?: Record<string, CfnParameter>;
  Conditions?: Record<string, unknown>;
  Mappings?: Record<string, unknown>;
  Resources: Record<string, CfnResource>;
  Outputs?: Record<string, CfnOutput>;
}

export interface CfnParameter {
  Type: string;
  Default?: unknown;
  Description?: string;
  AllowedValues?: unknown[];
  AllowedPattern?: string;
  NoEcho?: boolean;
  [key: string]: unknown;
}

export interface CfnResource {
  Type: string;
  Properties?: Record<string, unknown>;
  DependsOn?: string | string[];
  Condition?: string;
  DeletionPolicy?: string;
  [key: string]: unknown;
}

export interface CfnOutput {
  Value: unknown;
  Description?: string;
  Export?: { Name: unknown };
  Condition?: string;
}

/** One parsed template file, with the source line of every path for messages. */
export interface ParsedTemplate {
  /** Path of the file, as given. */
  file: string;
  /** Stack-set name: the file name without `.yaml` (`vpc`, `iam`, ...). */
  name: string;
  template: CfnTemplate;
  /** Line (1-based) of a dotted path such as `Resources.Cluster.Properties.StorageEncrypted`. */
  lineOf(path: string): number | undefined;
}

/** One finding of a template check. */
export interface TemplateIssue {
  /** Which check found it: `spec`, `reference`, `import`, or a security rule id. */
  rule: string;
  file: string;
  /** Dotted path of the offending field. */
  path: string;
  line?: number;
  message: string;
}

/** Formats an issue as `file:line: [rule] path: message`. */
export function formatTemplateIssue(issue: TemplateIssue): string {
  const where = issue.line === undefined ? issue.file : `${issue.file}:${issue.line}`;
  return `${where}: [${issue.rule}] ${issue.path}: ${issue.message}`;
}

/** Makes an issue, looking up the line of `path` in the template. */
export function createTemplateIssue(parsed: ParsedTemplate, rule: string, path: string, message: string): TemplateIssue {
  return { rule, file: parsed.file, path, line: parsed.lineOf(path) ?? nearestLine(parsed, path), message };
}

function nearestLine(parsed: ParsedTemplate, path: string): number | undefined {
  const parts = path.split('.');
  while (parts.length > 1) {
    parts.pop();
    const line = parsed.lineOf(parts.join('.'));
    if (line !== undefined) return line;
  }
  return undefined;
}
