/**
 * The id → element table of the property graph: an open-addressing hash table over typed arrays
 * with the elements kept in one array in insertion order.
 *
 * Why not a `Map`: a bulk load adds millions of elements, and V8's `Map` pays ~0.6 µs per `set`
 * once it holds a million entries (its ordered hash table is reallocated and copied as it grows,
 * and every entry written into the old-space table costs a write-barrier record that each
 * scavenge must revisit). Here the table holds only int32 slots and hashes — nothing for the
 * garbage collector to trace — and growing it re-probes from stored hashes without touching the
 * keys: about twice as fast to fill.
 *
 * Keys compare as a `Map` compares them (SameValueZero: `1` and `'1'` differ, `0` and `-0` are
 * one key). Iteration follows insertion order, skips removed elements and, like a `Map`
 * iterator, sees elements appended while it runs — until the table compacts its element array
 * (many removals): an iteration already under way then finishes over the array it started with.
 */
import type { ElementId } from './property-graph.js';

/** What the table holds: anything with an id and a removed flag (vertices, edges). */
export interface TableElement {
  readonly id: ElementId;
  removed: boolean;
}

const EMPTY = 0;
const TOMBSTONE = -1;
const MIN_CAPACITY = 64;

/** Hashes a string with FNV-1a, then murmur3's finaliser so that linear probing sees well-spread bits. */
function hashString(text: string): number {
  let h = 0x811c9dc5 | 0;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 16777619);
  return finalise(h);
}

function finalise(hash: number): number {
  let h = hash;
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h;
}

function hashId(id: ElementId): number {
  if (typeof id === 'string') return hashString(id);
  // Integers hash by value (0 and -0 alike); other numbers by their text, kept apart from strings.
  if ((id | 0) === id) return finalise(Math.imul(id, 0x9e3779b1) ^ 0x5bd1e995);
  return finalise(hashString(String(id)) ^ 0x27d4eb2f);
}

function sameId(a: ElementId, b: ElementId): boolean {
  // SameValueZero, as Map keys: NaN equals NaN.
  return a === b || (a !== a && b !== b);
}

/** An id → element table in insertion order (see the file comment). */
export class ElementTable<T extends TableElement> {
  /**
   * Open-addressing slots as pairs `[entry, hash]`: entry is EMPTY, TOMBSTONE or 1 + the
   * element's index in `items`. The hash sits beside the entry so that a probe reads one cache
   * line (comparing against a separate hash array cost a cache miss per probe).
   */
  private slots = new Int32Array(MIN_CAPACITY * 2);
  /** Elements in insertion order; a removed one leaves `undefined` until the array is compacted. */
  private items: (T | undefined)[] = [];
  private live = 0;
  private tombstones = 0;
  /** The last id hashed and its hash: the loader asks for an id, then adds it. */
  private lastId: ElementId | undefined;
  private lastHash = 0;

  get size(): number {
    return this.live;
  }

  /** The element with this id, or undefined. */
  get(id: ElementId): T | undefined {
    const slot = this.findSlot(id, this.hashOf(id));
    return slot < 0 ? undefined : this.items[this.slots[slot]! - 1];
  }

  has(id: ElementId): boolean {
    return this.findSlot(id, this.hashOf(id)) >= 0;
  }

  /**
   * Adds an element whose id the table does not hold; returns false (and adds nothing) when the
   * id is taken. One probe sequence does both the check and the insertion.
   */
  add(element: T): boolean {
    const id = element.id;
    const hash = this.hashOf(id);
    if ((this.live + this.tombstones + 1) * 4 > this.slots.length) this.resize();
    const slots = this.slots;
    const mask = slots.length - 2;
    let i = (hash << 1) & mask;
    let insertAt = -1;
    for (;;) {
      const s = slots[i]!;
      if (s === EMPTY) break;
      if (s === TOMBSTONE) {
        if (insertAt < 0) insertAt = i;
      } else if (slots[i + 1] === hash && sameId(this.items[s - 1]!.id, id)) return false;
      i = (i + 2) & mask;
    }
    if (insertAt < 0) insertAt = i;
    else this.tombstones--;
    this.items.push(element);
    slots[insertAt] = this.items.length;
    slots[insertAt + 1] = hash;
    this.live++;
    return true;
  }

  /** Removes the element with this id (no-op when absent). */
  delete(id: ElementId): boolean {
    const slot = this.findSlot(id, this.hashOf(id));
    if (slot < 0) return false;
    const index = this.slots[slot]! - 1;
    this.slots[slot] = TOMBSTONE;
    this.tombstones++;
    this.items[index] = undefined;
    this.live--;
    const dead = this.items.length - this.live;
    if (dead > 1024 && dead * 2 > this.items.length) this.compact();
    return true;
  }

  /** Removes everything. */
  clear(): void {
    this.slots = new Int32Array(MIN_CAPACITY * 2);
    this.items = [];
    this.live = 0;
    this.tombstones = 0;
  }

  /** The elements in insertion order (see the file comment for additions and removals meanwhile). */
  *values(): IterableIterator<T> {
    const items = this.items;
    for (let i = 0; i < items.length; i++) {
      const item = items[i];
      if (item !== undefined && !item.removed) yield item;
    }
  }

  private hashOf(id: ElementId): number {
    if (id === this.lastId) return this.lastHash;
    const hash = hashId(id);
    this.lastId = id;
    this.lastHash = hash;
    return hash;
  }

  /** The slot (an even index into `slots`) holding this id, or -1. */
  private findSlot(id: ElementId, hash: number): number {
    const slots = this.slots;
    const mask = slots.length - 2;
    let i = (hash << 1) & mask;
    for (;;) {
      const s = slots[i]!;
      if (s === EMPTY) return -1;
      if (s !== TOMBSTONE && slots[i + 1] === hash && sameId(this.items[s - 1]!.id, id)) return i;
      i = (i + 2) & mask;
    }
  }

  /** Rebuilds the slots without tombstones: doubled when live elements fill a quarter or more. */
  private resize(): void {
    let capacity = this.slots.length >> 1;
    while ((this.live + 1) * 4 > capacity) capacity *= 2;
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

  /** Drops the holes left by removals: a new array (iterations under way keep the old one). */
  private compact(): void {
    const items: T[] = [];
    for (let index = 0; index < this.items.length; index++) {
      const item = this.items[index];
      if (item !== undefined) items.push(item);
    }
    let capacity = MIN_CAPACITY;
    while ((this.live + 1) * 4 > capacity) capacity *= 2;
    const slots = new Int32Array(capacity * 2);
    const mask = slots.length - 2;
    for (let index = 0; index < items.length; index++) {
      const hash = hashId(items[index]!.id);
      let i = (hash << 1) & mask;
      while (slots[i] !== EMPTY) i = (i + 2) & mask;
      slots[i] = index + 1;
      slots[i + 1] = hash;
    }
    this.items = items;
    this.slots = slots;
    this.tombstones = 0;
  }
}
