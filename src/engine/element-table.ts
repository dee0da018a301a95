/**
 * The id → index table of the property graph: an open-addressing hash table over typed arrays,
 * with the ids kept in one buffer in insertion order. An element's index is its position in that
 * order; the graph keeps everything else about the element in typed arrays at that index.
 *
 * Why not a `Map`: a bulk load adds millions of elements, and V8's `Map` pays ~0.6 µs per `set`
 * once it holds a million entries (its ordered hash table is reallocated and copied as it grows,
 * and every entry written into the old-space table costs a write-barrier record that each
 * scavenge must revisit). Here the table holds only int32 slots and hashes — nothing for the
 * garbage collector to trace — and growing it re-probes from stored hashes without touching the
 * keys: about twice as fast to fill.
 *
 * The ids themselves are not kept as JavaScript strings either: their UTF-8 bytes go back to back
 * into one growing buffer (a number id as its 8 bytes), each after its index and length. Millions
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

/** The table's hash of an ASCII id (exported for tests that need two ids with one hash). */
export function hashAsciiId(id: string): number {
  return hashWordsOfChars(id, 0, id.length);
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

/** ASCII ids up to this many characters are copied by a JavaScript loop (see appendChars): cheaper than a call into Node. */
const SHORT_ID = 40;

/**
 * Whether an Int32Array reads bytes as a little-endian word (x86, ARM): then an id's stored
 * bytes are compared with its characters four at a time; elsewhere (s390x) one by one.
 */
const LITTLE_ENDIAN = new Uint8Array(new Uint32Array([1]).buffer)[0] === 1;

/** How an id's bytes are stored. */
const KIND_ASCII = 0;
const KIND_UTF8 = 1;
const KIND_NUMBER = 2;

/**
 * Where a reader of ids in sorted order stands in the table: the entry of the id it found last
 * (-1: none). See IdTable.guessIn. A cursor belongs to the one table that moved it.
 */
export interface IdCursor {
  entry: number;
}

/** Bytes in front of each id in the buffer: its index, then its byte length times 4 plus its kind (two int32s). */
const HEADER = 8;

/** An id → index table in insertion order (see the file comment). */
export class IdTable {
  /**
   * Open-addressing slots as pairs `[entry, hash]`: entry is EMPTY, TOMBSTONE or 1 + where the
   * id's entry starts in the buffer, in int32 words. The hash sits beside the entry so that a
   * probe reads one cache line (comparing against a separate hash array cost a cache miss per
   * probe).
   */
  private slots = new Int32Array(MIN_CAPACITY * 2);
  /**
   * The entries, back to back, each at a multiple of 4 bytes: the index and the length-and-kind
   * word (HEADER), then the id's bytes. A lookup that finds an id reads its index, its length
   * and its bytes in one place: one cache miss after the slot's, where a separate array of
   * starts per index cost another. `words` views the same memory as int32s.
   */
  private bytes = Buffer.from(new ArrayBuffer(1 << 16));
  private words = new Int32Array(this.bytes.buffer);
  /** Bytes in use (a multiple of 4). */
  private used = 0;
  /** Per index: where its entry starts, in words (what idAt reads). */
  private entries = new Int32Array(MIN_CAPACITY);
  private count = 0;
  private live = 0;
  private tombstones = 0;
  /**
   * The last id hashed and its hash. An ASCII id (`lastAscii`) is compared with stored ids
   * character by character and encoded only when added. Any other string id is encoded past the
   * buffer's tail, where its entry would go (natively), and hashed over those bytes: that copy is
   * compared against stored ids and, when the id is added, kept; `lastLength` is its byte
   * length, valid until something is appended. The loader asks for an id, then adds it: one
   * hash serves both.
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
   * the slots nor copies the index array, each of which costs a pass over the table.
   */
  reserve(count: number): void {
    if ((count + 1) * 2 > this.capacity) this.rehash(this.capacityFor(count));
    if (count > this.entries.length) this.growEntries(count);
  }

  /** The id of an index (removed ones included): decoded from the buffer, a new string each call. */
  idAt(index: number): ElementId {
    const entry = this.entries[index]!;
    const lengthKind = this.words[entry + 1]!;
    const start = (entry << 2) + HEADER;
    const kind = lengthKind & 3;
    if (kind === KIND_ASCII) return this.bytes.toString('latin1', start, start + (lengthKind >>> 2));
    if (kind === KIND_UTF8) return this.bytes.toString('utf8', start, start + (lengthKind >>> 2));
    return this.bytes.readDoubleLE(start);
  }

  /** The index of this id, or -1. */
  find(id: ElementId): number {
    const slot = this.probe(this.hashOf(id), id, undefined, 0, 0);
    return slot < 0 ? -1 : this.words[this.slots[slot]! - 1]!;
  }

  /**
   * Adds an id the table does not hold and returns its new index; when the id is taken, adds
   * nothing and returns `-1 - index` of the holder. One probe sequence does both.
   */
  add(id: ElementId): number {
    const hash = this.hashOf(id);
    if ((this.live + this.tombstones + 1) * 4 > this.slots.length) this.resize();
    const slot = this.probe(hash, id, undefined, 0, 0);
    if (slot >= 0) return -1 - this.words[this.slots[slot]! - 1]!;
    return this.place(-1 - slot, this.append(id), hash);
  }

  /**
   * find(text.slice(start, end)) without making that string. The bulk loader reads its ids out
   * of a chunk of text: a slice of it is a V8 "sliced string", on which every charCodeAt
   * goes through the parent, and hashing and comparing ids that way cost ~60 % more than on the
   * chunk itself.
   */
  findIn(text: string, start: number, end: number, cursor?: IdCursor): number {
    const hash = hashWordsOfChars(text, start, end);
    if (hash !== hash) return this.find(text.slice(start, end));
    const slot = this.probe(hash, '', text, start, end);
    if (slot < 0) return -1;
    const entry = this.slots[slot]! - 1;
    if (cursor) cursor.entry = entry;
    return this.words[entry]!;
  }

  /**
   * The index of the ASCII span `text.slice(start, end)` when it is the id the cursor stands on
   * or the one added right after it; else -1, and the caller looks it up (findIn, which moves
   * the cursor). Ids read in the order they were added — edges sorted by their `~from`, of
   * vertices added in id order — are then found next to the last one, in memory just read,
   * where a lookup costs two cache misses (its slot, then its entry). A guess that fails reads
   * only that memory too.
   */
  guessIn(text: string, start: number, end: number, cursor: IdCursor): number {
    const last = cursor.entry;
    if (last < 0) return -1;
    const words = this.words;
    // Entries lie back to back: the next one starts after this one's bytes, padded to a word.
    const next = last + 2 + (((words[last + 1]! >>> 2) + 3) >> 2);
    // A removed id's entry holds a negative index (delete): it is not found this way.
    if (next < this.used >> 2 && words[next]! >= 0 && this.holdsChars(next, text, start, end)) {
      cursor.entry = next;
      return words[next]!;
    }
    return words[last]! >= 0 && this.holdsChars(last, text, start, end) ? words[last]! : -1;
  }

  /** add(text.slice(start, end)) without making that string (see findIn). */
  addIn(text: string, start: number, end: number): number {
    const hash = hashWordsOfChars(text, start, end);
    if (hash !== hash) return this.add(text.slice(start, end));
    if ((this.live + this.tombstones + 1) * 4 > this.slots.length) this.resize();
    const slot = this.probe(hash, '', text, start, end);
    if (slot >= 0) return -1 - this.words[this.slots[slot]! - 1]!;
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

  /** Puts the entry of the index just appended in slot `slot` (found free by probe) and returns the index. */
  private place(slot: number, index: number, hash: number): number {
    const slots = this.slots;
    if (slots[slot] === TOMBSTONE) this.tombstones--;
    slots[slot] = this.entries[index]! + 1;
    slots[slot + 1] = hash;
    this.live++;
    return index;
  }

  /** Removes this id; returns the index it had, or -1 when absent. */
  delete(id: ElementId): number {
    const slot = this.probe(this.hashOf(id), id, undefined, 0, 0);
    if (slot < 0) return -1;
    const entry = this.slots[slot]! - 1;
    const index = this.words[entry]!;
    // Marked removed where guessIn looks; idAt still reads the id (through `entries`).
    this.words[entry] = -1 - index;
    this.slots[slot] = TOMBSTONE;
    this.tombstones++;
    // The id's bytes stay: a handle made later for the removed element still shows its id.
    this.live--;
    return index;
  }

  /** Stores the id's bytes (for a string that is not ASCII: already past the tail, from hashOf) under the next index. */
  private append(id: ElementId): number {
    if (typeof id === 'number') {
      this.reserveBytes(HEADER + 8);
      this.bytes.writeDoubleLE(id, this.used + HEADER);
      return this.endEntry(8, KIND_NUMBER);
    }
    if (this.lastAscii) return this.appendChars(id, 0, id.length);
    return this.endEntry(this.lastLength, KIND_UTF8);
  }

  /** Stores `text.slice(start, end)`, known to be ASCII, under the next index. */
  private appendChars(text: string, start: number, end: number): number {
    const length = end - start;
    this.reserveBytes(HEADER + length);
    const bytes = this.bytes;
    const at = this.used + HEADER;
    if (length <= SHORT_ID) {
      for (let k = 0; k < length; k++) bytes[at + k] = text.charCodeAt(start + k);
    } else {
      bytes.write(start === 0 && end === text.length ? text : text.slice(start, end), at, length, 'latin1');
    }
    return this.endEntry(length, KIND_ASCII);
  }

  /** Gives the `length` bytes just written past the tail's header the next index, as ids of `kind`. */
  private endEntry(length: number, kind: number): number {
    const index = this.count;
    if (index >= this.entries.length) this.growEntries(this.entries.length * 2);
    const entry = this.used >> 2;
    this.words[entry] = index;
    this.words[entry + 1] = (length << 2) | kind;
    this.entries[index] = entry;
    // The next entry starts at a multiple of 4 bytes, so that its header reads as int32 words.
    this.used += (HEADER + length + 3) & ~3;
    // The tail holds this id now, not a scratch copy: hash again before comparing anything.
    this.lastId = undefined;
    this.count = index + 1;
    return index;
  }

  private growEntries(length: number): void {
    const entries = new Int32Array(length);
    entries.set(this.entries);
    this.entries = entries;
  }

  /** Makes room for `length` bytes past the tail (and the padding to the next multiple of 4). */
  private reserveBytes(length: number): void {
    if (this.used + length + 3 <= this.bytes.length) return;
    let size = this.bytes.length * 2;
    while (this.used + length + 3 > size) size *= 2;
    // Past 2^31 words an entry's place no longer fits the int32 slots.
    if (size / 4 > 0x7fffffff) throw new RangeError(`the id table cannot hold more than ${0x7fffffff * 4} bytes of ids`);
    const bytes = Buffer.from(new ArrayBuffer(size));
    this.bytes.copy(bytes, 0, 0, this.used);
    this.bytes = bytes;
    this.words = new Int32Array(bytes.buffer);
  }

  /** True when the entry at word `entry` holds this id (SameValueZero, as Map keys: NaN equals NaN), which hashOf has just seen. */
  private holds(entry: number, id: ElementId): boolean {
    const lengthKind = this.words[entry + 1]!;
    const start = (entry << 2) + HEADER;
    if (typeof id === 'number') {
      if ((lengthKind & 3) !== KIND_NUMBER) return false;
      const stored = this.bytes.readDoubleLE(start);
      return stored === id || (stored !== stored && id !== id);
    }
    if (this.lastAscii) return this.holdsChars(entry, id, 0, id.length);
    const length = this.lastLength;
    if (lengthKind !== ((length << 2) | KIND_UTF8)) return false;
    const bytes = this.bytes;
    const scratch = this.used + HEADER;
    for (let k = 0; k < length; k++) if (bytes[start + k] !== bytes[scratch + k]) return false;
    return true;
  }

  /** True when the entry at word `entry` holds `text.slice(start, end)`, an ASCII string: only an ASCII entry can, and its bytes are the characters. */
  private holdsChars(entry: number, text: string, start: number, end: number): boolean {
    const words = this.words;
    if (words[entry + 1] !== ((end - start) << 2) /* | KIND_ASCII, which is 0 */) return false;
    // Four characters against one stored word at a time (the bytes start on a word).
    let w = entry + 2;
    let k = start;
    if (LITTLE_ENDIAN) {
      for (; k + 4 <= end; k += 4, w++) {
        if (words[w] !== (text.charCodeAt(k) | (text.charCodeAt(k + 1) << 8) | (text.charCodeAt(k + 2) << 16) | (text.charCodeAt(k + 3) << 24))) return false;
      }
    }
    const bytes = this.bytes;
    for (let b = w << 2; k < end; k++, b++) if (bytes[b] !== text.charCodeAt(k)) return false;
    return true;
  }

  private hashOf(id: ElementId): number {
    if (id === this.lastId) return this.lastHash;
    let hash: number;
    if (typeof id === 'string') {
      hash = hashWordsOfChars(id, 0, id.length);
      this.lastAscii = hash === hash;
      if (!this.lastAscii) {
        // UTF-8 takes at most 3 bytes per UTF-16 code unit; the copy goes where append keeps it.
        this.reserveBytes(HEADER + id.length * 3);
        const length = writeUtf8(this.bytes, id, this.used + HEADER);
        hash = hashWordsOfBytes(this.bytes, this.used + HEADER, length);
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
