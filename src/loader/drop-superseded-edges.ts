/**
 * The step after a bulk load that makes a single-valued fact (a user's loyalty level, phone,
 * address; `EdgeDecl.singleValued`) replace the old one instead of sitting beside it.
 *
 * Neptune's bulk loader only adds: an edge id it already holds is updated in place, an edge
 * is never deleted or moved to another vertex
 * (https://docs.aws.amazon.com/neptune/latest/userguide/bulk-load-tutorial-format-gremlin.html).
 * The ETL gives a single-valued edge an id made of both its ends, so a returning customer's new
 * level arrives as a new edge, next to the old one. This step then reads the loaded edge files
 * of those labels, and for every edge in them that is now in the graph drops, by id, the other
 * edges of its label on its `from` vertex: those it supersedes. It runs through Gremlin on the
 * graph connection of the mode — Neptune over WebSocket, or the embedded engine — so the aws and
 * local paths are the same code.
 *
 * The order keeps every fact: the new edge is loaded before the old one is dropped, and an edge
 * the load rejected drops nothing. Running the step again drops nothing more.
 */
import gremlin from 'gremlin';
import type { KitConfig } from '../config/kit-config.js';
import { readCsvRecords } from '../csv/csv-parser.js';
import { OperationFailedError, kitMessage } from '../errors.js';
import type { GraphModel } from '../etl/graph-model-types.js';
import { GRAPH_MODEL, listSingleValuedEdges } from '../etl/graph-model.js';
import { connectGraph, type ConnectGraphDeps } from '../graph/connect-graph.js';
import type { ObjectStore } from '../lake/object-store.js';

const { P } = gremlin.process;

export interface DropSupersededOptions {
  /** Where the loaded files are (the kit's bucket: S3 or the embedded S3 server). */
  store: ObjectStore;
  /** The folder that was loaded, holding `edges/<label>.csv` (e.g. `datasets/graph/incremental/<batch>/`). */
  prefix: string;
  /** The graph the files were loaded into. */
  g: gremlin.process.GraphTraversalSource;
  /** The declaration whose single-valued labels are handled (default GRAPH_MODEL). */
  model?: GraphModel;
  /** Edges looked up per traversal (Neptune takes a few hundred ids per `g.E(...)` easily). */
  chunkSize?: number;
}

export interface SupersededEdges {
  label: string;
  /** Edges of the label in the loaded file. */
  loaded: number;
  /** Older edges of the same label and `from` vertex that were dropped. */
  dropped: number;
}

const DEFAULT_CHUNK = 500;

/** The `~id` column of an edge file, in file order. */
async function readEdgeIds(store: ObjectStore, key: string): Promise<string[]> {
  const ids: string[] = [];
  let idColumn = -1;
  for await (const records of readCsvRecords(await store.getObjectStream(key))) {
    for (const record of records) {
      if (idColumn < 0) {
        idColumn = record.fields.indexOf('~id');
        if (idColumn < 0) throw new OperationFailedError(kitMessage('loader', `${key} line 1: no ~id column in the header`));
        continue;
      }
      const id = record.fields[idColumn];
      if (id) ids.push(id);
    }
  }
  return ids;
}

/**
 * Drops the single-valued edges that the files under `prefix` superseded (see the module
 * comment). Labels without a file under the prefix are skipped. Returns one entry per label.
 */
export async function dropSupersededEdges(options: DropSupersededOptions): Promise<SupersededEdges[]> {
  const { store, g } = options;
  const folder = options.prefix.endsWith('/') ? options.prefix : `${options.prefix}/`;
  const chunkSize = options.chunkSize ?? DEFAULT_CHUNK;
  const keys = new Set((await store.listObjects(`${folder}edges/`)).map((o) => o.key));
  const results: SupersededEdges[] = [];
  for (const { label } of listSingleValuedEdges(options.model ?? GRAPH_MODEL)) {
    const key = `${folder}edges/${label}.csv`;
    if (!keys.has(key)) continue;
    const loaded = await readEdgeIds(store, key);
    // An edge of the file is never "superseded" by another edge of the same file.
    const current = new Set(loaded);
    let dropped = 0;
    try {
      for (let start = 0; start < loaded.length; start += chunkSize) {
        const chunk = loaded.slice(start, start + chunkSize);
        const older = (await g
          .E(...chunk)
          .as('current')
          .outV()
          .outE(label)
          .where(P.neq('current'))
          .id()
          .dedup()
          .toList()) as string[];
        const superseded = older.filter((id) => !current.has(id));
        if (superseded.length > 0) {
          await g.E(...superseded).drop().iterate();
          dropped += superseded.length;
        }
      }
    } catch (cause) {
      throw new OperationFailedError(
        kitMessage(
          'loader',
          `the load of ${folder} completed, but dropping the ${label} edges it superseded failed after ${dropped} (${(cause as Error).message}): ` +
            `run the load again, which drops the rest`,
        ),
        { cause },
      );
    }
    results.push({ label, loaded: loaded.length, dropped });
  }
  return results;
}

/**
 * `dropSupersededEdges` on a connection of its own to the configured graph, closed (locally:
 * saved) before it returns, so that every other process sees the replaced facts at once.
 */
export async function dropSupersededEdgesInGraph(
  config: KitConfig,
  options: Omit<DropSupersededOptions, 'g'>,
  deps: ConnectGraphDeps = {},
): Promise<SupersededEdges[]> {
  const connection = await connectGraph(config, deps);
  try {
    return await dropSupersededEdges({ ...options, g: connection.g });
  } finally {
    await connection.close();
  }
}
