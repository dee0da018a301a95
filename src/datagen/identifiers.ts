import type { AtomicFileWriter } from './atomic-file-writer.js';
import { mixHash32 } from './random.js';

const DASH = 45;
const DOT = 46;

/**
 * Writes a version-4-shaped UUID (RFC 9562 §5.4 layout: version nibble 4, variant bits 10) for
 * the `index`-th identifier of one kind (`salt`). Its first 32 bits are a bijection of `index`,
 * so two indexes never give the same id — uniqueness holds by construction, not by luck.
 */
export function writeUuid(out: AtomicFileWriter, seed: number, index: number, salt: number): void {
  const w1 = mixHash32(seed, index, salt + 1);
  const w2 = mixHash32(seed, index, salt + 2);
  out.hex(mixHash32(seed, index, salt), 8);
  out.byte(DASH);
  out.hex(w1 >>> 16, 4);
  out.byte(DASH);
  out.hex(0x4000 | (w1 & 0x0fff), 4);
  out.byte(DASH);
  out.hex(0x8000 | ((w2 >>> 16) & 0x3fff), 4);
  out.byte(DASH);
  out.hex(w2 & 0xffff, 4);
  out.hex(mixHash32(seed, index, salt + 3), 8);
}

/**
 * First octets of public unicast IPv4 space (no 0/8, 10/8, 100.64/10, 127/8, 169.254/16,
 * 172.16/12, 192.168/16, documentation or multicast ranges — RFC 6890), so addresses look real.
 */
const PUBLIC_FIRST_OCTETS = [
  23, 24, 31, 37, 45, 46, 50, 62, 64, 66, 68, 71, 73, 74, 76, 81, 82, 86, 88, 91, 94, 98, 99, 104, 107, 108, 109, 121,
  122, 124, 142, 151, 156, 162, 173, 174, 176, 178, 184, 185, 188, 190, 194, 195, 201, 208, 212, 213, 217,
];

/** Largest index writeIpv4 keeps unique (a 24-bit permutation supplies the last three octets). */
export const MAX_IP_INDEX = 1 << 24;

/**
 * Writes the `index`-th IPv4 address of a seeded pool. The last three octets are a bijection of
 * the index on 24 bits (odd multiplies and xorshifts modulo 2^24), so indexes below
 * MAX_IP_INDEX give distinct addresses whatever the first octet is.
 */
export function writeIpv4(out: AtomicFileWriter, seed: number, index: number): void {
  // The seed picks where the permutation starts, so the one index that maps to x.0.0.0 is rarely a small one.
  let x = (index + mixHash32(seed, 0, 0x1f0)) & 0xffffff;
  x = Math.imul(x, 0x2c1b3c6d) & 0xffffff;
  x ^= x >>> 12;
  x = Math.imul(x, 0x297a2d39) & 0xffffff;
  x ^= x >>> 11;
  out.int(PUBLIC_FIRST_OCTETS[mixHash32(seed, x, 0x1f1) % PUBLIC_FIRST_OCTETS.length]!);
  out.byte(DOT);
  out.int(x >>> 16);
  out.byte(DOT);
  out.int((x >>> 8) & 255);
  out.byte(DOT);
  out.int(x & 255);
}

const TWO_DIGITS: readonly string[] = Array.from({ length: 100 }, (_, i) => String(i).padStart(2, '0'));
const SECONDS_PER_DAY = 86_400;

/**
 * Cache of `YYYY-MM-DD` by day number (1700-01-01 to 2243-10-17): the dates of a batch fall on a
 * few tens of thousands of days, each formatted once. An array beats a Map on this hot path.
 */
const DATE_CACHE_OFFSET = 100_000;
// Filled with '' so the array stays densely packed: a holey array this large would fall back to
// slow dictionary elements.
const dateCache: string[] = new Array<string>(2 * DATE_CACHE_OFFSET).fill('');

/** Days since 1970-01-01 → `YYYY-MM-DD` (proleptic Gregorian; civil_from_days of H. Hinnant's date algorithms). */
function formatDay(day: number): string {
  const slot = day + DATE_CACHE_OFFSET;
  const cached = slot >= 0 && slot < dateCache.length ? dateCache[slot]! : '';
  if (cached !== '') return cached;
  const z = day + 719_468;
  const era = Math.floor(z / 146_097);
  const dayOfEra = z - era * 146_097;
  const yearOfEra = Math.floor((dayOfEra - Math.floor(dayOfEra / 1460) + Math.floor(dayOfEra / 36_524) - Math.floor(dayOfEra / 146_096)) / 365);
  const dayOfYear = dayOfEra - (365 * yearOfEra + Math.floor(yearOfEra / 4) - Math.floor(yearOfEra / 100));
  const mp = Math.floor((5 * dayOfYear + 2) / 153);
  const dayOfMonth = dayOfYear - Math.floor((153 * mp + 2) / 5) + 1;
  const month = mp < 10 ? mp + 3 : mp - 9;
  const year = yearOfEra + era * 400 + (month <= 2 ? 1 : 0);
  const text = `${String(year).padStart(4, '0')}-${TWO_DIGITS[month]}-${TWO_DIGITS[dayOfMonth]}`;
  if (slot >= 0 && slot < dateCache.length) dateCache[slot] = text;
  return text;
}

/**
 * Writes seconds since the epoch as `YYYY-MM-DD`. Hand-rolled instead of Date#toISOString: the
 * Date objects of millions of rows were a large share of generation time.
 */
export function writeIsoDate(out: AtomicFileWriter, epochSeconds: number): void {
  out.text(formatDay(Math.floor(epochSeconds / SECONDS_PER_DAY)));
}

/** Writes seconds since the epoch as `YYYY-MM-DDTHH:mm:ssZ` (ISO 8601, accepted by Neptune's Date type). */
export function writeIsoTimestamp(out: AtomicFileWriter, epochSeconds: number): void {
  const day = Math.floor(epochSeconds / SECONDS_PER_DAY);
  const second = epochSeconds - day * SECONDS_PER_DAY;
  const hour = Math.floor(second / 3600);
  const minute = Math.floor((second - hour * 3600) / 60);
  out.text(formatDay(day));
  out.byte(84); // T
  out.digits(hour, 2);
  out.byte(58); // :
  out.digits(minute, 2);
  out.byte(58);
  out.digits(second - hour * 3600 - minute * 60, 2);
  out.byte(90); // Z
}
