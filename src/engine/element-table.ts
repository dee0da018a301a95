/**
 * The id → index table of the property graph: an open-addressing hash table over typed arrays,
 * with the ids kept in one array in insertion order. An element's index is its position in that
 * array; the graph keeps everything else about the element in typed arrays at that index.
 *
 * Why not a `Map`: a bulk load adds millions of elements, and V8's `Map` pays ~0.6 µs per `set`
 * once it holds a million entries (its ordered hash table is reallocated and copied as it grows,
 * and every entry written into the old-space table costs a write-barrier record that each
 * scavenge must revisit). Here the table holds only int32 slots and hashes — nothing for the
 * garbage collector to trace — and growing it re-probes from stored hashes without touching the
 * keys: about twice as fast to fill.
 *
 * The ids themselves are not kept as JavaScript strings either: their UTF-8 bytes go back to back
 * into one growing buffer (a number id as its 8 bytes), with a start offset per index. Millions
 * of id strings held in an array cost ~64 bytes each and were most of what the collector marked
 * and copied during a bulk load; copied into the buffer, the caller's strings die young, and an
 * id is decoded again (`idAt`) only when something reads it.
 *
 * Keys compare as a `Map` compares them (SameValueZero: `1` and `'1'` differ, `0` and `-0` are
 * one key). Indexes are never reused: a removed id keeps its index and its bytes (the graph
 * marks the element removed), so that an index held by an element handle stays valid.
 */
import type { ElementId } from './property-graph.js';

const EMPTY = 0;
const TOMBSTONE = -1;
const MIN_CAPACITY = 64;

/** Finaliser of murmur3, so that linear probing sees well-spread bits. */
function finalise(hash: number): number {
  let h = hash;
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h;
}

/** FNV-1a over the UTF-16 code units of a string (before the finaliser). */
function hashChars(text: string): number {
  let h = 0x811c9dc5 | 0;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 16777619);
  return h;
}

function hashNumber(id: number): number {
  // Integers hash by value (0 and -0 alike); other numbers by their text, kept apart from strings.
  if ((id | 0) === id) return finalise(Math.imul(id, 0x9e3779b1) ^ 0x5bd1e995);
  return finalise(hashChars(String(id)) ^ 0x27d4eb2f);
}

/*
 * A string id is hashed over its UTF-8 bytes taken four at a time (a little-endian word per
 * step, FNV-1a style, with the length mixed in at the end): a quarter of the serial multiplies
 * of a byte-at-a-time FNV, which was most of the cost of hashing ids of a few dozen characters.
 * An ASCII id's characters are its bytes, so hashWordsOfChars gives the same hash without
 * encoding the id first.
 */

/** The hash of `text.slice(start, end)`, an ASCII string, from its character codes; NaN when a character is past ASCII. */
function hashWordsOfChars(text: string, start: number, end: number): number {
  let h = 0x811c9dc5 | 0;
  let any = 0;
  let k = start;
  for (; k + 4 <= end; k += 4) {
    const c0 = text.charCodeAt(k);
    const c1 = text.charCodeAt(k + 1);
    const c2 = text.charCodeAt(k + 2);
    const c3 = text.charCodeAt(k + 3);
    any |= c0 | c1 | c2 | c3;
    h = Math.imul(h ^ (c0 | (c1 << 8) | (c2 << 16) | (c3 << 24)), 16777619);
  }
  let last = 0;
  for (let shift = 0; k < end; k++, shift += 8) {
    const c = text.charCodeAt(k);
    any |= c;
    last |= c << shift;
  }
  if (any >= 0x80) return NaN;
  return finalise(Math.imul(h ^ last, 16777619) ^ (end - start));
}

/** The same hash over `length` bytes from `start`. */
function hashWordsOfBytes(bytes: Uint8Array, start: number, length: number): number {
  let h = 0x811c9dc5 | 0;
  const end = start + length;
  let k = start;
  for (; k + 4 <= end; k += 4) h = Math.imul(h ^ (bytes[k]! | (bytes[k + 1]! << 8) | (bytes[k + 2]! << 16) | (bytes[k + 3]! << 24)), 16777619);
  let last = 0;
  for (let shift = 0; k < end; k++, shift += 8) last |= bytes[k]! << shift;
  return finalise(Math.imul(h ^ last, 16777619) ^ length);
}

/**
 * Node's own UTF-8 writer, `Buffer.prototype.utf8Write` (what `buf.write()` calls after checking
 * its arguments and looking up the encoding by name, which cost as much as the encoding itself
 * for ids of a few dozen bytes). Not in Node's typings; `write` is the fallback.
 */
type Utf8Writer = (this: Buffer, text: string, offset: number, length: number) => number;
const nativeUtf8Write = (Buffer.prototype as unknown as { utf8Write?: Utf8Writer }).utf8Write;

function writeUtf8(bytes: Buffer, text: string, offset: number): number {
  return nativeUtf8Write ? nativeUtf8Write.call(bytes, text, offset, bytes.length - offset) : bytes.write(text, offset, 'utf8');
}

/** ASCII ids up to this many characters are copied by a JavaScript loop (see append): cheaper than a call into Node. */
const SHORT_ID = 40;

/** How an id's bytes are stored. */
const KIND_ASCII = 0;
const KIND_UTF8 = 1;
const KIND_NUMBER = 2;

/** An id → index table in insertion order (see the file comment). */
export class IdTable {
  /**
   * Open-addressing slots as pairs `[entry, hash]`: entry is EMPTY, TOMBSTONE or 1 + the
   * element's index. The hash sits beside the entry so that a probe reads one cache line
   * (comparing against a separate hash array cost a cache miss per probe).
   */
  private slots = new Int32Array(MIN_CAPACITY * 2);
  /** The ids' bytes, back to back. */
  private bytes = Buffer.allocUnsafe(1 << 16);
  private used = 0;
  /**
   * Per index: where its id starts in `bytes`, times 4, plus its kind (one array, not two: a
   * lookup that finds an id touches one cache line less); the next index's start is where it ends.
   */
  private starts = new Float64Array(MIN_CAPACITY + 1);
  private count = 0;
  private live = 0;
  private tombstones = 0;
  /**
   * The last id hashed and its hash. An ASCII id (`lastAscii`) is compared with stored ids
   * character by character and encoded only when added. Any other string id is encoded at the
   * buffer's tail (natively) and hashed over those bytes: that copy is compared against stored
   * ids and, when the id is added, kept; `lastLength` is its byte length, valid until something
   * is appended. The loader asks for an id, then adds it: one hash serves both.
   */
  private lastId: ElementId | undefined;
  private lastHash = 0;
  private lastLength = 0;
  private lastAscii = false;

  /** Number of ids held. */
  get size(): number {
    return this.live;
  }

  /** Number of indexes handed out so far (removed ones included). */
  get length(): number {
    return this.count;
  }

  /** Number of slots (at least twice the ids held). */
  get capacity(): number {
    return this.slots.length >> 1;
  }

  /**
   * Makes room for `count` ids in all (an estimate is fine): adding them then neither rehashes
   * the slots nor copies the index arrays, each of which costs a pass over the table.
   */
  reserve(count: number): void {
    if ((count + 1) * 2 > this.capacity) this.rehash(this.capacityFor(count));
    if (count + 1 >= this.starts.length) this.growIndexArrays(count + 2);
  }

  /** The id of an index (removed ones included): decoded from the buffer, a new string each call. */
  idAt(index: number): ElementId {
    const mark = this.starts[index]!;
    const start = Math.floor(mark / 4);
    const kind = mark - start * 4;
    const end = Math.floor(this.starts[index + 1]! / 4);
    if (kind === KIND_ASCII) return this.bytes.toString('latin1', start, end);
    if (kind === KIND_UTF8) return this.bytes.toString('utf8', start, end);
    return this.bytes.readDoubleLE(start);
  }

  /** The index of this id, or -1. */
  find(id: ElementId): number {
    const slot = this.probe(this.hashOf(id), id, undefined, 0, 0);
    return slot < 0 ? -1 : this.slots[slot]! - 1;
  }

  /**
   * Adds an id the table does not hold and returns its new index; when the id is taken, adds
   * nothing and returns `-1 - index` of the holder. One probe sequence does both.
   */
  add(id: ElementId): number {
    const hash = this.hashOf(id);
    if ((this.live + this.tombstones + 1) * 4 > this.slots.length) this.resize();
    const slot = this.probe(hash, id, undefined, 0, 0);
    if (slot >= 0) return -this.slots[slot]!;
    return this.place(-1 - slot, this.append(id), hash);
  }

  /**
   * find(text.slice(start, end)) without making that string. The bulk loader reads its ids out
   * of a chunk of text: a slice of it is a V8 "sliced string", on which every charCodeAt
   * goes through the parent, and hashing and comparing ids that way cost ~60 % more than on the
   * chunk itself.
   */
  findIn(text: string, start: number, end: number): number {
    const hash = hashWordsOfChars(text, start, end);
    if (hash !== hash) return this.find(text.slice(start, end));
    const slot = this.probe(hash, '', text, start, end);
    return slot < 0 ? -1 : this.slots[slot]! - 1;
  }

  /** add(text.slice(start, end)) without making that string (see findIn). */
  addIn(text: string, start: number, end: number): number {
    const hash = hashWordsOfChars(text, start, end);
    if (hash !== hash) return this.add(text.slice(start, end));
    if ((this.live + this.tombstones + 1) * 4 > this.slots.length) this.resize();
    const slot = this.probe(hash, '', text, start, end);
    if (slot >= 0) return -this.slots[slot]!;
    return this.place(-1 - slot, this.appendChars(text, start, end), hash);
  }

  /**
   * Looks for an id along `hash`'s probe sequence: the span `text.slice(start, end)` (an ASCII
   * string) when `text` is given, else `id`, which hashOf has just seen. Returns the slot holding
   * it (an even index into `slots`), or `-1 - ` the slot where it would be added (the first
   * tombstone on the way, else the empty slot that ended the search).
   */
  private probe(hash: number, id: ElementId, text: string | undefined, start: number, end: number): number {
    const slots = this.slots;
    const mask = slots.length - 2;
    let i = (hash << 1) & mask;
    let insertAt = -1;
    for (;;) {
      const s = slots[i]!;
      if (s === EMPTY) return -1 - (insertAt < 0 ? i : insertAt);
      if (s === TOMBSTONE) {
        if (insertAt < 0) insertAt = i;
      } else if (slots[i + 1] === hash && (text === undefined ? this.holds(s - 1, id) : this.holdsChars(s - 1, text, start, end))) {
        return i;
      }
      i = (i + 2) & mask;
    }
  }

  /** Puts the index just appended in slot `slot` (found free by probe) and returns it. */
  private place(slot: number, index: number, hash: number): number {
    const slots = this.slots;
    if (slots[slot] === TOMBSTONE) this.tombstones--;
    slots[slot] = index + 1;
    slots[slot + 1] = hash;
    this.live++;
    return index;
  }

  /** Removes this id; returns the index it had, or -1 when absent. */
  delete(id: ElementId): number {
    const slot = this.probe(this.hashOf(id), id, undefined, 0, 0);
    if (slot < 0) return -1;
    const index = this.slots[slot]! - 1;
    this.slots[slot] = TOMBSTONE;
    this.tombstones++;
    // The id's bytes stay: a handle made later for the removed element still shows its id.
    this.live--;
    return index;
  }

  /** Stores the id's bytes (for a string: already at the tail, from hashOf) under the next index. */
  private append(id: ElementId): number {
    if (typeof id === 'number') {
      this.reserveBytes(8);
      this.bytes.writeDoubleLE(id, this.used);
      return this.endEntry(8, KIND_NUMBER);
    }
    if (this.lastAscii) return this.appendChars(id, 0, id.length);
    return this.endEntry(this.lastLength, KIND_UTF8);
  }

  /** Stores `text.slice(start, end)`, known to be ASCII, under the next index. */
  private appendChars(text: string, start: number, end: number): number {
    const length = end - start;
    this.reserveBytes(length);
    const bytes = this.bytes;
    const tail = this.used;
    if (length <= SHORT_ID) {
      for (let k = 0; k < length; k++) bytes[tail + k] = text.charCodeAt(start + k);
    } else {
      bytes.write(start === 0 && end === text.length ? text : text.slice(start, end), tail, length, 'latin1');
    }
    return this.endEntry(length, KIND_ASCII);
  }

  /** Gives the `length` bytes just written at the tail the next index, as ids of `kind`. */
  private endEntry(length: number, kind: number): number {
    const index = this.count;
    if (index + 1 >= this.starts.length) this.growIndexArrays(this.starts.length * 2);
    this.used += length;
    this.starts[index] += kind;
    // The tail holds this id now, not a scratch copy: hash again before comparing anything.
    this.lastId = undefined;
    this.starts[index + 1] = this.used * 4;
    this.count = index + 1;
    return index;
  }

  private growIndexArrays(length: number): void {
    const starts = new Float64Array(length);
    starts.set(this.starts);
    this.starts = starts;
  }

  private reserveBytes(length: number): void {
    if (this.used + length <= this.bytes.length) return;
    let size = this.bytes.length * 2;
    while (this.used + length > size) size *= 2;
    const bytes = Buffer.allocUnsafe(size);
    this.bytes.copy(bytes, 0, 0, this.used);
    this.bytes = bytes;
  }

  /** True when index `index` holds this id (SameValueZero, as Map keys: NaN equals NaN), which hashOf has just seen. */
  private holds(index: number, id: ElementId): boolean {
    const mark = this.starts[index]!;
    // Not `mark % 4`: on a double that is a call to fmod, which cost more than the rest of a lookup.
    const start = Math.floor(mark / 4);
    const kind = mark - start * 4;
    if (typeof id === 'number') {
      if (kind !== KIND_NUMBER) return false;
      const stored = this.bytes.readDoubleLE(start);
      return stored === id || (stored !== stored && id !== id);
    }
    if (this.lastAscii) return this.holdsChars(index, id, 0, id.length);
    if (kind !== KIND_UTF8) return false;
    const bytes = this.bytes;
    const length = this.lastLength;
    if (Math.floor(this.starts[index + 1]! / 4) - start !== length) return false;
    const tail = this.used;
    for (let k = 0; k < length; k++) if (bytes[start + k] !== bytes[tail + k]) return false;
    return true;
  }

  /** True when index `index` holds `text.slice(start, end)`, an ASCII string: only an ASCII entry can, and its bytes are the characters. */
  private holdsChars(index: number, text: string, start: number, end: number): boolean {
    const mark = this.starts[index]!;
    const from = Math.floor(mark / 4);
    if (mark - from * 4 !== KIND_ASCII || Math.floor(this.starts[index + 1]! / 4) - from !== end - start) return false;
    const bytes = this.bytes;
    const shift = from - start;
    for (let k = start; k < end; k++) if (bytes[k + shift] !== text.charCodeAt(k)) return false;
    return true;
  }

  private hashOf(id: ElementId): number {
    if (id === this.lastId) return this.lastHash;
    let hash: number;
    if (typeof id === 'string') {
      hash = hashWordsOfChars(id, 0, id.length);
      this.lastAscii = hash === hash;
      if (!this.lastAscii) {
        // UTF-8 takes at most 3 bytes per UTF-16 code unit.
        this.reserveBytes(id.length * 3);
        const length = writeUtf8(this.bytes, id, this.used);
        hash = hashWordsOfBytes(this.bytes, this.used, length);
        this.lastLength = length;
      }
    } else {
      hash = hashNumber(id);
    }
    this.lastId = id;
    this.lastHash = hash;
    return hash;
  }

  /** Rebuilds the slots without tombstones, at least twice as many as live ids (grown by doubling: load 25-50 %). */
  private resize(): void {
    this.rehash(this.capacityFor(this.live));
  }

  /** The smallest slot count, doubling from the current one, that keeps `count` ids at most half full. */
  private capacityFor(count: number): number {
    let capacity = this.capacity;
    while ((count + 1) * 2 > capacity) capacity *= 2;
    return capacity;
  }

  private rehash(capacity: number): void {
    const old = this.slots;
    const slots = new Int32Array(capacity * 2);
    const mask = slots.length - 2;
    for (let j = 0; j < old.length; j += 2) {
      const s = old[j]!;
      if (s === EMPTY || s === TOMBSTONE) continue;
      const hash = old[j + 1]!;
      let i = (hash << 1) & mask;
      while (slots[i] !== EMPTY) i = (i + 2) & mask;
      slots[i] = s;
      slots[i + 1] = hash;
    }
    this.slots = slots;
    this.tombstones = 0;
  }
}
