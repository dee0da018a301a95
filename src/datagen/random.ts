/**
 * Fast seeded randomness for row generation. faker is far too slow to call per row (the
 * original generator's cost), so faker only fills value pools once; rows draw from those pools
 * with the generators below.
 */

/**
 * sfc32 ("Small Fast Counting" generator by Chris Doty-Humphrey, from PractRand): 128-bit state,
 * passes PractRand/BigCrush, and is a handful of 32-bit integer operations per draw.
 */
export class Sfc32 {
  private a: number;
  private b: number;
  private c: number;
  private d = 1;

  constructor(seed: number, stream = 0) {
    this.a = seed >>> 0;
    this.b = mixHash32(seed, stream, 0x9e3779b9);
    this.c = mixHash32(seed, stream, 0x85ebca6b);
    // Discard the first outputs: the state needs a few rounds to decorrelate from the seed.
    for (let i = 0; i < 12; i++) this.nextUint32();
  }

  nextUint32(): number {
    const t = (((this.a + this.b) | 0) + this.d) | 0;
    this.d = (this.d + 1) | 0;
    this.a = this.b ^ (this.b >>> 9);
    this.b = (this.c + (this.c << 3)) | 0;
    this.c = (this.c << 21) | (this.c >>> 11);
    this.c = (this.c + t) | 0;
    return t >>> 0;
  }

  /** A float in [0, 1). */
  nextFloat(): number {
    return this.nextUint32() / 4294967296;
  }

  /** An integer in [0, n), n ≤ 2^32 (multiply-shift: no modulo bias worth measuring here). */
  nextInt(n: number): number {
    return Math.floor((this.nextUint32() / 4294967296) * n);
  }

  /** An integer in [min, max]. */
  nextIntBetween(min: number, max: number): number {
    return min + this.nextInt(max - min + 1);
  }

  /** True with probability p. */
  chance(p: number): boolean {
    return this.nextUint32() < p * 4294967296;
  }

  pick<T>(values: readonly T[]): T {
    return values[this.nextInt(values.length)]!;
  }
}

/**
 * "lowbias32" integer finalizer (Chris Wellons, hash-prospector): xorshifts and odd multiplies
 * only, so it is a bijection on 32-bit integers — distinct inputs give distinct outputs, which is
 * what makes ids derived from counters unique.
 */
export function permute32(x: number): number {
  x ^= x >>> 16;
  x = Math.imul(x, 0x7feb352d);
  x ^= x >>> 15;
  x = Math.imul(x, 0x846ca68b);
  x ^= x >>> 16;
  return x >>> 0;
}

/**
 * Stateless hash of (seed, index, salt) to 32 bits: lets a person's attributes be recomputed
 * from the person's index at any time, so nothing per person has to be kept in memory.
 */
export function mixHash32(seed: number, index: number, salt: number): number {
  return permute32((permute32((seed ^ salt) >>> 0) + Math.imul(index, 0x9e3779b1)) >>> 0 ^ salt);
}

/** mixHash32 as a float in [0, 1). */
export function mixUnit(seed: number, index: number, salt: number): number {
  return mixHash32(seed, index, salt) / 4294967296;
}
