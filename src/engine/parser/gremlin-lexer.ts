/**
 * Tokenizer for Gremlin text, following the lexer rules of TinkerPop's `gremlin-language` grammar
 * (Gremlin.g4 at 3.7.3: https://github.com/apache/tinkerpop/blob/3.7.3/gremlin-language/src/main/antlr4/Gremlin.g4).
 * Whitespace and `//` line comments are skipped; every token keeps its line and column so that
 * parse errors can point at the offending text.
 */
import { InvalidInputError, kitMessage } from '../../errors.js';

export type TokenKind = 'ident' | 'string' | 'number' | 'punct' | 'eof';

/** A numeric literal as written: its value and the kind the suffix (or its absence) gives it. */
export interface NumberToken {
  value: number | bigint;
  /** `int` for an integer literal, `float` for a floating point one. */
  type: 'int' | 'float';
  /** The type suffix in lower case (`l`, `d`, `f`, `m`, `n`, `b`, `s`, `i`), or `''`. */
  suffix: string;
}

export interface Token {
  kind: TokenKind;
  /** The source text of the token (for strings: the decoded value). */
  text: string;
  number?: NumberToken;
  line: number;
  column: number;
  offset: number;
}

const PUNCTUATION = new Set(['(', ')', '[', ']', '{', '}', ',', '.', ':', ';']);

/** Thrown for text that is not Gremlin: names line, column and what was expected. */
export class GremlinSyntaxError extends InvalidInputError {
  readonly line: number;
  readonly column: number;
  constructor(message: string, line: number, column: number) {
    super(kitMessage('gremlin', `line ${line}, column ${column}: ${message}`));
    this.name = 'GremlinSyntaxError';
    this.line = line;
    this.column = column;
  }
}

const IDENTIFIER_START = /[\p{L}$_]/u;
const IDENTIFIER_PART = /[\p{L}\p{N}$_\p{Mn}\p{Mc}]/u;

// ASCII first: nearly every identifier is ASCII, and a regular expression per character is slow.
function isIdentifierStart(c: string): boolean {
  const code = c.charCodeAt(0);
  if (code < 128) return (code >= 97 && code <= 122) || (code >= 65 && code <= 90) || code === 95 || code === 36;
  return IDENTIFIER_START.test(c);
}

function isIdentifierPart(c: string): boolean {
  const code = c.charCodeAt(0);
  if (code < 128) {
    return (code >= 97 && code <= 122) || (code >= 65 && code <= 90) || (code >= 48 && code <= 57) || code === 95 || code === 36;
  }
  return IDENTIFIER_PART.test(c);
}

function isDigit(c: string | undefined): boolean {
  return c !== undefined && c >= '0' && c <= '9';
}

/** Splits Gremlin text into tokens; the last token is always `eof`. */
export function tokenizeGremlin(text: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  let line = 1;
  let lineStart = 0;
  const fail = (message: string, at: number): never => {
    throw new GremlinSyntaxError(message, line, at - lineStart + 1);
  };
  while (i < text.length) {
    const c = text[i]!;
    if (c === '\n') {
      i++;
      line++;
      lineStart = i;
      continue;
    }
    if (c === ' ' || c === '\t' || c === '\r' || c === '\f') {
      i++;
      continue;
    }
    if (c === '/' && text[i + 1] === '/') {
      while (i < text.length && text[i] !== '\n') i++;
      continue;
    }
    const start = i;
    const column = start - lineStart + 1;
    if (c === '"' || c === "'") {
      const startLine = line;
      let value = '';
      i++;
      for (;;) {
        if (i >= text.length) fail(`unterminated string literal starting with ${c}`, start);
        const d = text[i]!;
        if (d === c) {
          i++;
          break;
        }
        if (d === '\n') {
          line++;
          lineStart = i + 1;
        }
        if (d !== '\\') {
          value += d;
          i++;
          continue;
        }
        const e = text[i + 1];
        i += 2;
        switch (e) {
          case 'b': value += '\b'; break;
          case 't': value += '\t'; break;
          case 'n': value += '\n'; break;
          case 'f': value += '\f'; break;
          case 'r': value += '\r'; break;
          case '"': value += '"'; break;
          case "'": value += "'"; break;
          case '\\': value += '\\'; break;
          case '\r':
          case '\n': {
            // JoinLineEscape: a backslash before a line break joins the lines.
            if (e === '\r' && text[i] === '\n') i++;
            line++;
            lineStart = i;
            break;
          }
          case 'u': {
            while (text[i] === 'u') i++;
            const hex = text.slice(i, i + 4);
            if (!/^[0-9a-fA-F]{4}$/.test(hex)) fail('expected 4 hex digits after \\u', i);
            value += String.fromCharCode(parseInt(hex, 16));
            i += 4;
            break;
          }
          default: {
            if (e !== undefined && e >= '0' && e <= '7') {
              // OctalEscape: up to three octal digits, the first 0-3 when there are three.
              let digits = e;
              const max = e <= '3' ? 3 : 2;
              while (digits.length < max && text[i] !== undefined && text[i]! >= '0' && text[i]! <= '7') {
                digits += text[i];
                i++;
              }
              value += String.fromCharCode(parseInt(digits, 8));
              break;
            }
            fail(`invalid escape sequence \\${e ?? ''}`, i - 2);
          }
        }
      }
      tokens.push({ kind: 'string', text: value, line: startLine, column, offset: start });
      continue;
    }
    const signed = (c === '-' || c === '+') && (isDigit(text[i + 1]) || text.startsWith('Infinity', i + 1));
    if (isDigit(c) || signed) {
      if (signed && text.startsWith('Infinity', i + 1)) {
        i += 9;
        tokens.push({
          kind: 'number',
          text: text.slice(start, i),
          number: { value: c === '-' ? -Infinity : Infinity, type: 'float', suffix: '' },
          line,
          column,
          offset: start,
        });
        continue;
      }
      tokens.push({ ...readNumber(text, i, fail), line, column, offset: start });
      i = start + tokens[tokens.length - 1]!.text.length;
      continue;
    }
    if (isIdentifierStart(c)) {
      while (i < text.length && isIdentifierPart(text[i]!)) i++;
      tokens.push({ kind: 'ident', text: text.slice(start, i), line, column, offset: start });
      continue;
    }
    if (PUNCTUATION.has(c)) {
      i++;
      tokens.push({ kind: 'punct', text: c, line, column, offset: start });
      continue;
    }
    fail(`unexpected character '${c}'`, i);
  }
  tokens.push({ kind: 'eof', text: '<end of input>', line, column: i - lineStart + 1, offset: i });
  return tokens;
}

/** Reads one numeric literal at `start` (sign included) following Gremlin.g4's number rules. */
function readNumber(
  text: string,
  start: number,
  fail: (message: string, at: number) => never,
): Pick<Token, 'kind' | 'text' | 'number'> {
  let i = start;
  let sign = 1;
  if (text[i] === '-' || text[i] === '+') {
    if (text[i] === '-') sign = -1;
    i++;
  }
  const digitsFrom = (from: number, allowed: RegExp): number => {
    let j = from;
    while (j < text.length && (allowed.test(text[j]!) || text[j] === '_')) j++;
    return j;
  };
  // Hexadecimal: 0x1F
  if (text[i] === '0' && (text[i + 1] === 'x' || text[i + 1] === 'X')) {
    const end = digitsFrom(i + 2, /[0-9a-fA-F]/);
    if (end === i + 2) fail('expected hex digits after 0x', i);
    const digits = text.slice(i + 2, end).replace(/_/g, '');
    return finishInteger(text, start, end, BigInt('0x' + digits) * BigInt(sign));
  }
  let end = digitsFrom(i, /[0-9]/);
  let isFloat = false;
  if (text[end] === '.' && isDigit(text[end + 1])) {
    isFloat = true;
    end = digitsFrom(end + 1, /[0-9]/);
  }
  if ((text[end] === 'e' || text[end] === 'E') && (isDigit(text[end + 1]) || ((text[end + 1] === '-' || text[end + 1] === '+') && isDigit(text[end + 2])))) {
    isFloat = true;
    end = digitsFrom(end + (isDigit(text[end + 1]) ? 1 : 2), /[0-9]/);
  }
  const body = text.slice(start, end).replace(/_/g, '');
  const suffixChar = text[end]?.toLowerCase();
  if (suffixChar !== undefined && 'fdm'.includes(suffixChar) && !isIdentifierPartAt(text, end + 1)) {
    return {
      kind: 'number',
      text: text.slice(start, end + 1),
      number: { value: Number(body), type: 'float', suffix: suffixChar },
    };
  }
  if (isFloat) {
    return { kind: 'number', text: text.slice(start, end), number: { value: Number(body), type: 'float', suffix: '' } };
  }
  const unsigned = body.replace(/^[-+]/, '');
  // Octal: a leading zero followed by octal digits (Java's rule, kept by Gremlin.g4).
  if (unsigned.length > 1 && unsigned.startsWith('0') && /[89]/.test(unsigned)) {
    fail(`invalid octal literal ${text.slice(start, end)} (a leading 0 means octal: digits 0-7)`, start);
  }
  const magnitude = unsigned.length > 1 && unsigned.startsWith('0') ? BigInt('0o' + unsigned.slice(1)) : BigInt(unsigned);
  return finishInteger(text, start, end, magnitude * BigInt(sign));
}

function isIdentifierPartAt(text: string, index: number): boolean {
  return index < text.length && isIdentifierPart(text[index]!);
}

function finishInteger(text: string, start: number, end: number, value: bigint): Pick<Token, 'kind' | 'text' | 'number'> {
  const suffixChar = text[end]?.toLowerCase();
  let suffix = '';
  if (suffixChar !== undefined && 'bsnil'.includes(suffixChar) && !isIdentifierPartAt(text, end + 1)) {
    suffix = suffixChar;
    end++;
  }
  // JavaScript has one number type: integers that fit exactly become numbers, larger ones BigInt.
  const asNumber = Number(value);
  const numeric: number | bigint = Number.isSafeInteger(asNumber) ? asNumber : value;
  return { kind: 'number', text: text.slice(start, end), number: { value: numeric, type: 'int', suffix } };
}
