/**
 * Cell → value conversion for Neptune's Gremlin CSV property types
 * (https://docs.aws.amazon.com/neptune/latest/userguide/bulk-load-tutorial-format-gremlin.html#bulk-load-tutorial-format-gremlin-datatypes).
 * Written as character loops rather than regular expressions: the loader converts millions of
 * cells per second. Each converter returns `INVALID` when the text is not a value of its type.
 */

/** The property types of the Gremlin load format (names are case-insensitive in headers). */
export type GremlinCsvType = 'Bool' | 'Byte' | 'Short' | 'Int' | 'Long' | 'Float' | 'Double' | 'String' | 'Date';

/** Marker for a cell that does not hold a value of the column's type. */
export const INVALID: unique symbol = Symbol('invalid');

export type CellConverter = (text: string) => unknown;

const TYPE_BY_LOWER_NAME: Record<string, GremlinCsvType> = {
  bool: 'Bool',
  boolean: 'Bool',
  byte: 'Byte',
  short: 'Short',
  int: 'Int',
  long: 'Long',
  float: 'Float',
  double: 'Double',
  string: 'String',
  date: 'Date',
};

/** Resolves a header's type name (case-insensitive), or undefined for an unknown type. */
export function resolveGremlinCsvType(name: string): GremlinCsvType | undefined {
  return TYPE_BY_LOWER_NAME[name.toLowerCase()];
}

function convertString(text: string): unknown {
  return text;
}

/** `true` / `false`, any case. */
function convertBool(text: string): unknown {
  if (text.length === 4 && text.toLowerCase() === 'true') return true;
  if (text.length === 5 && text.toLowerCase() === 'false') return false;
  return INVALID;
}

/** A decimal integer with an optional sign, within [min, max] (Java's byte/short/int/long ranges). */
function makeIntegerConverter(min: number, max: number): CellConverter {
  return (text: string) => {
    const length = text.length;
    let i = 0;
    const first = text.charCodeAt(0);
    if (first === 45 /* - */ || first === 43 /* + */) i = 1;
    if (i === length) return INVALID;
    for (let j = i; j < length; j++) {
      const c = text.charCodeAt(j);
      if (c < 48 || c > 57) return INVALID;
    }
    // The engine stores JS numbers: a Long beyond 2^53 keeps its magnitude, not every digit.
    const value = Number(text);
    if (value < min || value > max) return INVALID;
    return value;
  };
}

/**
 * A Java float/double literal: decimal or scientific notation, `Infinity`, `-Infinity`, `NaN`
 * (Neptune's documented forms; `INF` is not one), optionally with an `f`/`d` suffix.
 */
function convertFloating(text: string): unknown {
  switch (text) {
    case 'NaN':
      return Number.NaN;
    case 'Infinity':
    case '+Infinity':
      return Number.POSITIVE_INFINITY;
    case '-Infinity':
      return Number.NEGATIVE_INFINITY;
  }
  let end = text.length;
  const last = text.charCodeAt(end - 1) | 0x20;
  if (last === 102 /* f */ || last === 100 /* d */) end--;
  let digits = 0;
  for (let i = 0; i < end; i++) {
    const c = text.charCodeAt(i);
    if (c >= 48 && c <= 57) digits++;
    else if (c !== 46 && c !== 43 && c !== 45 && (c | 0x20) !== 101) return INVALID; // . + - e E
  }
  if (digits === 0) return INVALID;
  const value = Number(end === text.length ? text : text.slice(0, end));
  return Number.isNaN(value) ? INVALID : value;
}

function digitsAt(text: string, from: number, count: number): number {
  let n = 0;
  for (let i = from; i < from + count; i++) {
    const c = text.charCodeAt(i) - 48;
    if (c < 0 || c > 9) return -1;
    n = n * 10 + c;
  }
  return n;
}

const DAYS_IN_MONTH = [31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

/**
 * Days from 1970-01-01 to a date of the proleptic Gregorian calendar (H. Hinnant's
 * days_from_civil). Not `Date.UTC`, which reads the years 0-99 as 1900-1999.
 */
function daysFromCivil(year: number, month: number, day: number): number {
  const y = month <= 2 ? year - 1 : year;
  const era = Math.floor(y / 400);
  const yearOfEra = y - era * 400;
  const dayOfYear = Math.floor((153 * (month > 2 ? month - 3 : month + 9) + 2) / 5) + day - 1;
  return era * 146_097 + yearOfEra * 365 + Math.floor(yearOfEra / 4) - Math.floor(yearOfEra / 100) + dayOfYear - 719_468;
}

/**
 * Neptune's Date forms (ISO-8601): `yyyy-MM-dd`, `yyyy-MM-ddTHH:mm`, `yyyy-MM-ddTHH:mm:ss`,
 * `yyyy-MM-ddTHH:mm:ssZ`; also fractional seconds and `±HH:mm` offsets. Without a zone the
 * time is UTC (Neptune stores dates as epoch milliseconds).
 */
export function convertDate(text: string): unknown {
  const length = text.length;
  if (length < 10 || text.charCodeAt(4) !== 45 || text.charCodeAt(7) !== 45) return INVALID;
  const year = digitsAt(text, 0, 4);
  const month = digitsAt(text, 5, 2);
  const day = digitsAt(text, 8, 2);
  if (year < 0 || month < 1 || month > 12 || day < 1 || day > DAYS_IN_MONTH[month - 1]!) return INVALID;
  if (month === 2 && day === 29 && !(year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0))) return INVALID;
  let hour = 0;
  let minute = 0;
  let second = 0;
  let millis = 0;
  let offsetMinutes = 0;
  let pos = 10;
  if (pos < length) {
    const t = text.charCodeAt(pos);
    if (t !== 84 /* T */ && t !== 32 /* space */) return INVALID;
    hour = digitsAt(text, pos + 1, 2);
    if (text.charCodeAt(pos + 3) !== 58) return INVALID;
    minute = digitsAt(text, pos + 4, 2);
    if (hour < 0 || hour > 23 || minute < 0 || minute > 59) return INVALID;
    pos += 6;
    if (pos < length && text.charCodeAt(pos) === 58) {
      second = digitsAt(text, pos + 1, 2);
      if (second < 0 || second > 59) return INVALID;
      pos += 3;
      if (pos < length && text.charCodeAt(pos) === 46 /* . */) {
        let scale = 100;
        pos++;
        const start = pos;
        while (pos < length) {
          const c = text.charCodeAt(pos) - 48;
          if (c < 0 || c > 9) break;
          millis += c * scale;
          scale /= 10;
          pos++;
        }
        if (pos === start) return INVALID;
        millis = Math.floor(millis);
      }
    }
    if (pos < length) {
      const z = text.charCodeAt(pos);
      if (z === 90 /* Z */ && pos + 1 === length) {
        pos++;
      } else if ((z === 43 || z === 45) && (length - pos === 6 || length - pos === 5 || length - pos === 3)) {
        const oh = digitsAt(text, pos + 1, 2);
        const colon = text.charCodeAt(pos + 3) === 58 ? 1 : 0;
        const om = length - pos === 3 ? 0 : digitsAt(text, pos + 3 + colon, 2);
        if (oh < 0 || om < 0 || oh > 18 || om > 59) return INVALID;
        offsetMinutes = (z === 45 ? -1 : 1) * (oh * 60 + om);
        pos = length;
      } else {
        return INVALID;
      }
    }
  }
  if (pos !== length) return INVALID;
  const epoch = daysFromCivil(year, month, day) * 86_400_000 + hour * 3_600_000 + (minute - offsetMinutes) * 60_000 + second * 1000 + millis;
  return new Date(epoch);
}

/** The converter for one type. */
export function converterFor(type: GremlinCsvType): CellConverter {
  switch (type) {
    case 'String':
      return convertString;
    case 'Bool':
      return convertBool;
    case 'Byte':
      return makeIntegerConverter(-128, 127);
    case 'Short':
      return makeIntegerConverter(-32768, 32767);
    case 'Int':
      return makeIntegerConverter(-2147483648, 2147483647);
    case 'Long':
      return makeIntegerConverter(-9223372036854775808, 9223372036854775807);
    case 'Float':
    case 'Double':
      return convertFloating;
    case 'Date':
      return convertDate;
  }
}

/**
 * Splits an array cell on `;`, turning `\;` into a literal `;` (the format's only escape) and
 * dropping empty elements.
 */
export function splitArrayCell(text: string): string[] {
  if (text.indexOf('\\') === -1) {
    return text.indexOf(';') === -1 ? [text] : text.split(';').filter((x) => x !== '');
  }
  const out: string[] = [];
  let current = '';
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (c === '\\' && text[i + 1] === ';') {
      current += ';';
      i++;
    } else if (c === ';') {
      if (current !== '') out.push(current);
      current = '';
    } else {
      current += c;
    }
  }
  if (current !== '') out.push(current);
  return out;
}
