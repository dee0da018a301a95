/**
 * The persisted local graph: a PropertyGraph (Neptune's `set` cardinality) kept in
 * `<dataDir>/graph/graph.snapshot`, so that a notebook that loads and a notebook in another
 * kernel that queries see the same graph.
 *
 * A save is atomic: the snapshot is written to a temporary file in the same folder, fsynced,
 * renamed over the old one (rename is atomic on POSIX file systems) and the folder is fsynced.
 * A crash at any point leaves either the old snapshot or the new one, never half of one.
 */
import { closeSync, existsSync, fsyncSync, mkdirSync, openSync, readFileSync, readdirSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { KitConfig } from '../config/kit-config.js';
import { OperationFailedError, kitMessage } from '../errors.js';
import { PropertyGraph } from '../engine/property-graph.js';
import { readGraphSnapshot, writeGraphSnapshot, type WriteSnapshotOptions } from './graph-snapshot.js';

export const SNAPSHOT_FILE_NAME = 'graph.snapshot';
/** Written when a load into the local graph starts, removed when it ends (saved or failed). */
export const LOAD_MARKER_FILE_NAME = 'load-in-progress.json';

export interface SaveOptions extends WriteSnapshotOptions {
  /** Overwrite a snapshot another process saved since this store read it. */
  force?: boolean;
}

export interface LocalGraphStore {
  /** The graph in memory; change it, then `save()`. */
  readonly graph: PropertyGraph;
  /** The snapshot file. */
  readonly path: string;
  /**
   * Writes the graph atomically; returns the snapshot's size in bytes. Refuses (OperationFailedError)
   * when another process replaced the snapshot since this store read or wrote it — saving would
   * silently drop that process's changes — unless `force` is set.
   */
  save(options?: SaveOptions): Promise<number>;
  /** True when the file on disk was replaced (by another process) since this store read or wrote it. */
  isStale(): boolean;
}

/** The folder of the local graph inside the kit's data directory. */
export function localGraphDir(config: Pick<KitConfig, 'dataDir'>): string {
  return join(config.dataDir, 'graph');
}

function fileStamp(path: string): string | undefined {
  if (!existsSync(path)) return undefined;
  const s = statSync(path, { bigint: true });
  return `${s.ino}:${s.size}:${s.mtimeNs}`;
}

/** Opens (or creates, empty) the persisted local graph of a data directory. */
export async function openLocalGraph(config: Pick<KitConfig, 'dataDir'>): Promise<LocalGraphStore> {
  const dir = localGraphDir(config);
  mkdirSync(dir, { recursive: true });
  const path = join(dir, SNAPSHOT_FILE_NAME);
  // Temporary files of a save that crashed are garbage (the rename never happened).
  for (const name of readdirSync(dir)) {
    if (name.startsWith(`${SNAPSHOT_FILE_NAME}.tmp-`)) {
      const pid = Number(name.slice(name.lastIndexOf('-') + 1));
      if (!isProcessAlive(pid)) rmSync(join(dir, name), { force: true });
    }
  }
  let graph: PropertyGraph;
  let stamp = fileStamp(path);
  if (stamp === undefined) {
    graph = new PropertyGraph({ defaultCardinality: 'set' });
  } else {
    const fd = openSync(path, 'r');
    try {
      graph = readGraphSnapshot(fd, path);
    } finally {
      closeSync(fd);
    }
  }
  return {
    graph,
    path,
    async save(options?: SaveOptions): Promise<number> {
      if (!options?.force && fileStamp(path) !== stamp) {
        throw new OperationFailedError(
          kitMessage(
            'local-graph',
            `${path} was replaced by another process since this graph was read: reopen it (openLocalGraph) and redo the change, or save with { force: true }`,
          ),
        );
      }
      const temp = `${path}.tmp-${process.pid}`;
      const fd = openSync(temp, 'w');
      let bytes: number;
      try {
        bytes = writeGraphSnapshot(graph, fd, options);
      } catch (error) {
        closeSync(fd);
        rmSync(temp, { force: true });
        throw error;
      }
      closeSync(fd);
      renameSync(temp, path);
      syncDirectory(dir);
      stamp = fileStamp(path);
      return bytes;
    },
    isStale(): boolean {
      return fileStamp(path) !== stamp;
    },
  };
}

interface LoadMarker {
  pid: number;
  startedAt: string;
  source: string;
}

/**
 * Marks a load into the store's graph as running until the returned function is called. A load
 * keeps its records in memory and saves once at the end, so a process killed midway leaves the
 * snapshot as it was (or none at all): the marker it leaves behind is how a later command can
 * say so, instead of quietly answering from an empty graph.
 */
export function markLoadRunning(store: Pick<LocalGraphStore, 'path'>, source: string): () => void {
  const marker = join(dirname(store.path), LOAD_MARKER_FILE_NAME);
  const content: LoadMarker = { pid: process.pid, startedAt: new Date().toISOString(), source };
  writeFileSync(marker, `${JSON.stringify(content)}\n`);
  return () => rmSync(marker, { force: true });
}

function readLoadMarker(dir: string): LoadMarker | undefined {
  try {
    return JSON.parse(readFileSync(join(dir, LOAD_MARKER_FILE_NAME), 'utf8')) as LoadMarker;
  } catch {
    return undefined;
  }
}

export interface LocalGraphState {
  /** The snapshot file, whether it exists or not. */
  path: string;
  saved: boolean;
  /** A load whose process ended before it finished (killed, crashed). */
  interruptedLoad?: { pid: number; startedAt: string; source: string };
  /** A load running in another process now. */
  runningLoad?: { pid: number; startedAt: string; source: string };
}

/** Whether a graph was saved in the data directory, and whether a load was cut short there. */
export function inspectLocalGraph(config: Pick<KitConfig, 'dataDir'>): LocalGraphState {
  const dir = localGraphDir(config);
  const path = join(dir, SNAPSHOT_FILE_NAME);
  const state: LocalGraphState = { path, saved: existsSync(path) };
  const marker = readLoadMarker(dir);
  if (marker) {
    if (marker.pid === process.pid || isProcessAlive(marker.pid)) state.runningLoad = marker;
    else state.interruptedLoad = marker;
  }
  return state;
}

/**
 * What a reader of the local graph should be told before a query, or undefined when a saved
 * graph is there and no load was cut short: no graph saved yet, a load interrupted (before or
 * after an earlier save), or one still running.
 */
export function describeLocalGraphState(state: LocalGraphState): string | undefined {
  const load = state.interruptedLoad ?? state.runningLoad;
  const what = load && `a load of ${load.source} (process ${load.pid}, started ${load.startedAt})`;
  if (!state.saved) {
    if (state.interruptedLoad) return `no graph was saved yet in ${state.path}: ${what} was interrupted before it saved; run idgraph load again`;
    if (state.runningLoad) return `no graph was saved yet in ${state.path}: ${what} is still running; query when it has finished`;
    return `no graph was saved yet in ${state.path}: load one first (idgraph load)`;
  }
  if (state.interruptedLoad) return `${what} was interrupted before it saved: the graph is the one saved before it; run that load again`;
  if (state.runningLoad) return `${what} is still running: the graph is the one saved before it`;
  return undefined;
}

function syncDirectory(dir: string): void {
  let fd: number | undefined;
  try {
    fd = openSync(dir, 'r');
    fsyncSync(fd);
  } catch {
    // Some file systems refuse fsync on a directory; the rename is still atomic there.
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

function isProcessAlive(pid: number): boolean {
  if (!Number.isInteger(pid) || pid <= 0) return false;
  if (pid === process.pid) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: the process exists but belongs to someone else.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
