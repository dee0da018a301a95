/**
 * A returning customer's new loyalty level or phone replaces the old one, end to end in local
 * mode through the kit (what notebook 09 runs): generate --seed 7, the full pipeline, then an
 * incremental batch through upload, crawl, fix, transform and load. Before the fix the batch left
 * users with two hasLoyaltyLevel and two hasPhone edges, and Customer 360 showed the old level.
 */
import gremlin from 'gremlin';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LocalConnection, PropertyGraph } from '../src/engine/index.js';
import { createKit, type Kit } from '../src/kit.js';
import { dropSupersededEdges } from '../src/loader/drop-superseded-edges.js';
import type { LoadStatus } from '../src/loader/load-status.js';
import type { LoyaltyChange } from '../src/queries/loyalty-change.js';
import { startEtlTestKit, type EtlTestKit } from './fixtures/etl/etl-test-kit.js';

const __ = gremlin.process.statics;
const T = gremlin.process.t;
const RECORDS = 2000;
const BATCH = '20260301_000000';

describe('an incremental batch replaces single-valued facts (local mode, seed 7)', () => {
  let dir: string;
  let kit: Kit;
  let batchLoad: LoadStatus;
  /** Returning customers whose level the batch changes: user id -> [level before, level in the batch]. */
  const changed = new Map<string, [string, string]>();
  let firstChange: LoyaltyChange | undefined;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'idgraph-replace-'));
    kit = await createKit({ mode: 'local', dataDir: dir, records: RECORDS, seed: 7 }, { show: { display: null, write: () => {} } });
    await kit.generate();
    await kit.upload();
    await kit.crawl();
    await kit.fixSchemas();
    await kit.transform();
    const initialLoad = await kit.load();
    expect(initialLoad.overallStatus.status).toBe('LOAD_COMPLETED');
    await kit.generate({ incremental: true });
    await kit.upload({ incremental: true, batch: BATCH });
    await kit.crawl();
    await kit.fixSchemas({ incremental: true });
    await kit.transform({ batch: BATCH });
    const before = await kit.queries();
    for (const row of await kit.preview('first_party', { incremental: true, rows: RECORDS })) {
      const user = `user:${row.user_name}`;
      const { g } = await kit.graph();
      if (Number((await g.V(user).count().next()).value) === 0) continue; // a new person
      const level = (await before.getCustomer360(user)).loyalty?.level;
      if (level !== undefined && level !== row.loyalty_level) changed.set(user, [level, row.loyalty_level!]);
    }
    firstChange = await before.findLoyaltyChange(await kit.preview('first_party', { incremental: true, rows: RECORDS }));
    batchLoad = await kit.load({ batch: BATCH });
  }, 180_000);

  afterAll(async () => {
    await kit?.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('leaves no user with two hasLoyaltyLevel or two hasPhone edges', async () => {
    expect(batchLoad.overallStatus.status).toBe('LOAD_COMPLETED');
    expect(changed.size).toBeGreaterThan(0);
    const { g, query } = await kit.graph();
    for (const label of ['hasLoyaltyLevel', 'hasPhone', 'hasPostCodeAddress', 'hasCityAddress']) {
      expect(await query(`g.V().hasLabel('User').where(out('${label}').count().is(gt(1))).count()`), label).toEqual([0]);
    }
    const duplicates = await (await kit.queries()).countDuplicates();
    expect(duplicates).toEqual({ vertices: 0, edges: 0, singleValued: { hasPhone: 0, hasPostCodeAddress: 0, hasCityAddress: 0, hasLoyaltyLevel: 0 } });
    // Every user of the full batch still has one level: nothing was dropped without a successor.
    expect(Number((await g.V().hasLabel('User').where(__.out('hasLoyaltyLevel')).count().next()).value)).toBeGreaterThanOrEqual(RECORDS);
  });

  it('reports what it dropped, one superseded edge per changed level', () => {
    const loyalty = batchLoad.supersededEdges?.find((s) => s.label === 'hasLoyaltyLevel');
    expect(loyalty?.dropped).toBe(changed.size);
    expect(batchLoad.supersededEdges?.find((s) => s.label === 'hasPhone')?.dropped).toBeGreaterThan(0);
  });

  it("shows the batch's level in Customer 360", async () => {
    const queries = await kit.queries();
    for (const [user, [, level]] of changed) expect((await queries.getCustomer360(user)).loyalty?.level, user).toBe(level);
  });

  it('finds the first returning customer whose level the batch changes (what notebook 09 shows)', () => {
    const [user, [current, incoming]] = [...changed][0]!;
    expect(firstChange).toEqual({ user, current, incoming });
  });

  it('drops nothing more when the batch is loaded again', async () => {
    const again = await kit.load({ batch: BATCH });
    expect(again.supersededEdges?.every((s) => s.dropped === 0)).toBe(true);
  });
});


describe('dropSupersededEdges', () => {
  let kit: EtlTestKit;
  let g: gremlin.process.GraphTraversalSource;
  beforeAll(async () => {
    kit = await startEtlTestKit();
    const graph = new PropertyGraph({ defaultCardinality: 'set' });
    g = gremlin.process.AnonymousTraversalSource.traversal().withRemote(new LocalConnection(graph));
    for (const id of ['user:u1', 'user:u2', 'user:u3']) await g.addV('User').property(T.id, id).iterate();
    for (const id of ['loyaltylevel:gold', 'loyaltylevel:silver', 'loyaltylevel:bronze']) await g.addV('LoyaltyLevel').property(T.id, id).iterate();
    const level = (id: string, user: string, to: string) => g.V(user).addE('hasLoyaltyLevel').to(__.V(to)).property(T.id, id).iterate();
    await level('old-u1', 'user:u1', 'loyaltylevel:gold');
    await level('older-u1', 'user:u1', 'loyaltylevel:bronze');
    await level('new-u1', 'user:u1', 'loyaltylevel:silver');
    await level('old-u2', 'user:u2', 'loyaltylevel:gold'); // its successor new-u2 was not loaded
    await level('a-u3', 'user:u3', 'loyaltylevel:gold');
    await level('b-u3', 'user:u3', 'loyaltylevel:silver');
    await kit.store.putObject(
      'p/edges/hasLoyaltyLevel.csv',
      '~id,~from,~to,~label,loyalty_points:Long\n' +
        'new-u1,user:u1,loyaltylevel:silver,hasLoyaltyLevel,5\n' +
        'new-u2,user:u2,loyaltylevel:silver,hasLoyaltyLevel,5\n' +
        'a-u3,user:u3,loyaltylevel:gold,hasLoyaltyLevel,1\n' +
        'b-u3,user:u3,loyaltylevel:silver,hasLoyaltyLevel,1\n',
    );
  });
  afterAll(async () => kit?.close());

  const levelsOf = async (user: string) => ((await g.V(user).outE('hasLoyaltyLevel').id().toList()) as string[]).sort();

  it('drops by id the edges a loaded one supersedes, one chunk at a time, and nothing else', async () => {
    expect(await dropSupersededEdges({ store: kit.store, prefix: 'p/', g, chunkSize: 1 })).toEqual([{ label: 'hasLoyaltyLevel', loaded: 4, dropped: 2 }]);
    expect(await levelsOf('user:u1')).toEqual(['new-u1']);
    // The new edge is not in the graph (the load rejected it): the old value stays.
    expect(await levelsOf('user:u2')).toEqual(['old-u2']);
    // Two edges of one file never drop each other.
    expect(await levelsOf('user:u3')).toEqual(['a-u3', 'b-u3']);
    expect(await dropSupersededEdges({ store: kit.store, prefix: 'p/', g })).toEqual([{ label: 'hasLoyaltyLevel', loaded: 4, dropped: 0 }]);
  });
});
