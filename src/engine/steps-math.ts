/**
 * `math("a + b")`: an exp4j-style arithmetic expression over the current value (`_`) and step
 * labels, each variable read through the `by()` modulators in turn
 * (https://tinkerpop.apache.org/docs/3.7.3/reference/#math-step).
 */
import type { StepCompiler } from './compiler.js';
import { stepError } from './compiler.js';
import type { ByModulator } from './step-helpers.js';
import { NONE, makeByList } from './step-helpers.js';
import { selectValue } from './steps-select.js';

type Node =
  | { kind: 'num'; value: number }
  | { kind: 'var'; name: string }
  | { kind: 'neg'; arg: Node }
  | { kind: 'bin'; op: string; left: Node; right: Node }
  | { kind: 'fn'; name: string; arg: Node };

const FUNCTIONS: Record<string, (x: number) => number> = {
  abs: Math.abs,
  acos: Math.acos,
  asin: Math.asin,
  atan: Math.atan,
  cbrt: Math.cbrt,
  ceil: Math.ceil,
  cos: Math.cos,
  cosh: Math.cosh,
  exp: Math.exp,
  expm1: Math.expm1,
  floor: Math.floor,
  log: Math.log,
  log10: Math.log10,
  log1p: Math.log1p,
  log2: Math.log2,
  sin: Math.sin,
  sinh: Math.sinh,
  sqrt: Math.sqrt,
  tan: Math.tan,
  tanh: Math.tanh,
  signum: Math.sign,
};

/** Parses an expression into a tree (precedence: unary minus < ^ < * / % < + -). */
export function parseMathExpression(text: string): Node {
  const tokens = text.match(/\d+\.?\d*(?:[eE][-+]?\d+)?|\.\d+|[A-Za-z_][A-Za-z0-9_]*|[-+*/%^()]/g) ?? [];
  let i = 0;
  const peek = (): string | undefined => tokens[i];
  const take = (): string => {
    const t = tokens[i++];
    if (t === undefined) stepError('math', `unexpected end of expression "${text}"`);
    return t;
  };
  const primary = (): Node => {
    const t = take();
    if (t === '(') {
      const e = additive();
      if (take() !== ')') stepError('math', `missing ) in "${text}"`);
      return e;
    }
    if (t === '-') return { kind: 'neg', arg: unary() };
    if (t === '+') return unary();
    if (/^[\d.]/.test(t)) return { kind: 'num', value: Number(t) };
    if (t === 'pi') return { kind: 'num', value: Math.PI };
    if (t === 'e' && peek() !== '(') return { kind: 'num', value: Math.E };
    if (FUNCTIONS[t] && (peek() === '(' || (peek() !== undefined && /^[\w(]/.test(peek()!)))) return { kind: 'fn', name: t, arg: unary() };
    if (/^[A-Za-z_]/.test(t)) return { kind: 'var', name: t };
    return stepError('math', `unexpected "${t}" in "${text}"`);
  };
  const unary = (): Node => primary();
  const power = (): Node => {
    const base = unary();
    if (peek() === '^') {
      take();
      return { kind: 'bin', op: '^', left: base, right: power() };
    }
    return base;
  };
  const multiplicative = (): Node => {
    let left = power();
    while (peek() === '*' || peek() === '/' || peek() === '%') left = { kind: 'bin', op: take(), left, right: power() };
    return left;
  };
  const additive = (): Node => {
    let left = multiplicative();
    while (peek() === '+' || peek() === '-') left = { kind: 'bin', op: take(), left, right: multiplicative() };
    return left;
  };
  const tree = additive();
  if (i < tokens.length) stepError('math', `unexpected "${tokens[i]}" in "${text}"`);
  return tree;
}

function variablesOf(node: Node, out: string[] = []): string[] {
  if (node.kind === 'var' && !out.includes(node.name)) out.push(node.name);
  else if (node.kind === 'neg' || node.kind === 'fn') variablesOf(node.arg, out);
  else if (node.kind === 'bin') {
    variablesOf(node.left, out);
    variablesOf(node.right, out);
  }
  return out;
}

function evaluate(node: Node, vars: Map<string, number>): number {
  switch (node.kind) {
    case 'num':
      return node.value;
    case 'var':
      return vars.get(node.name)!;
    case 'neg':
      return -evaluate(node.arg, vars);
    case 'fn':
      return FUNCTIONS[node.name]!(evaluate(node.arg, vars));
    case 'bin': {
      const a = evaluate(node.left, vars);
      const b = evaluate(node.right, vars);
      switch (node.op) {
        case '+':
          return a + b;
        case '-':
          return a - b;
        case '*':
          return a * b;
        case '/':
          if (b === 0) stepError('math', 'Division by zero!');
          return a / b;
        case '%':
          return a % b;
        default:
          return a ** b;
      }
    }
  }
}

const compileMath: StepCompiler = (args, mods, c) => {
  const tree = parseMathExpression(String(args[0]));
  const variables = variablesOf(tree);
  const bys: ByModulator[] = makeByList(mods.by, c, 'math');
  return function* (input) {
    next: for (const t of input) {
      const vars = new Map<string, number>();
      let byIndex = 0;
      for (const name of variables) {
        let v: unknown = name === '_' ? t.obj : selectValue(t, name, 'last', c);
        if (v === NONE) stepError('math', `no variable "${name}" in the path or side-effects`);
        if (bys.length > 0) {
          v = bys[byIndex++ % bys.length]!.get(t.withObject(v));
          if (v === NONE) continue next;
        }
        if (typeof v !== 'number') stepError('math', `the variable "${name}" is not a number: ${String(v)}`);
        vars.set(name, v);
      }
      yield t.split(evaluate(tree, vars), c.ctx.trackPath);
    }
  };
};

export const mathSteps: Record<string, StepCompiler> = { math: compileMath };
