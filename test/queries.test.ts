import gremlin from 'gremlin';
import { beforeAll, describe, expect, it } from 'vitest';
import { LocalConnection, PropertyGraph } from '../src/engine/index.js';
import {
  combineStitches,
  countAnonymousSessions,
  countByLabel,
  countDuplicates,
  fetchNeighbourhood,
  findHouseholds,
  findShowcaseUser,
  findUserBehind,
  getCustomer360,
  listBusiestDevices,
  listBusiestIps,
  listMostActiveUsers,
  listUserIdentifiers,
  scoreHouseholds,
  scoreIdentityRules,
  scoreStitching,
  stitchAnonymousSessions,
  toVertexId,
  type GraphSource,
} from '../src/queries/index.js';

const { t: T } = gremlin.process;

/**
 * A small identity graph with known answers (ids as the ETL writes them, DESIGN §4):
 * alice (home IP .1, device D1, browser UA-A, a cookie login), bob and carol (one household,
 * home IP .2), and three anonymous sessions: a1 (alice's device and IP), a2 (the .2 household,
 * really bob's) and a3 (alice's browser, with an anonymous cookie).
 */
async function buildKnownGraph(g: GraphSource): Promise<void> {
  const v = (label: string, id: string, properties: Record<string, unknown> = {}) => {
    let t = g.addV(label).property(T.id, id);
    for (const [k, value] of Object.entries(properties)) t = t.property(k, value);
    return t.iterate();
  };
  let edgeNumber = 0;
  const e = (from: string, label: string, to: string, properties: Record<string, unknown> = {}) => {
    let t = g.V(from).addE(label).to(gremlin.process.statics.V(to)).property(T.id, `${label}:${from}->${to}:${edgeNumber++}`);
    for (const [k, value] of Object.entries(properties)) t = t.property(k, value);
    return t.iterate();
  };
  await v('User', 'user:alice', { address: '1 Main St' });
  await v('User', 'user:bob');
  await v('User', 'user:carol');
  for (const [label, id] of [
    ['Email', 'email:alice@x'],
    ['Email', 'email:bob@x'],
    ['Email', 'email:carol@x'],
    ['PhoneNumber', 'phone:111'],
    ['CustomerID', 'customerid:C1'],
    ['PostCode', 'postcode:02139'],
    ['City', 'city:Springfield'],
    ['Country', 'country:US'],
    ['LoyaltyLevel', 'loyaltylevel:gold'],
    ['Product', 'product:Espresso'],
    ['Product', 'product:Shoes'],
    ['ProductCategory', 'productcategory:Kitchen'],
    ['ProductCategory', 'productcategory:Sport'],
    ['DeviceID', 'device:D1'],
    ['DeviceID', 'device:D2'],
    ['ClientIP', 'clientip:10.0.0.1'],
    ['ClientIP', 'clientip:10.0.0.2'],
    ['UserAgent', 'useragent:UA-A'],
    ['Cookie', 'cookie:c2'],
    ['Cookie', 'cookie:c3'],
  ]) {
    await v(label, id);
  }
  for (const s of ['s1', 's2', 's3', 's4', 's5', 'a1', 'a2', 'a3']) await v('SessionID', `session:${s}`);

  await e('user:alice', 'hasEmail', 'email:alice@x');
  await e('user:bob', 'hasEmail', 'email:bob@x');
  await e('user:carol', 'hasEmail', 'email:carol@x');
  await e('user:alice', 'hasPhone', 'phone:111');
  await e('user:alice', 'hasExternalId', 'customerid:C1');
  await e('user:alice', 'hasPostCodeAddress', 'postcode:02139');
  await e('user:alice', 'hasCityAddress', 'city:Springfield');
  await e('user:bob', 'hasCityAddress', 'city:Springfield');
  await e('city:Springfield', 'inCountry', 'country:US');
  await e('user:alice', 'hasLoyaltyLevel', 'loyaltylevel:gold', { loyalty_points: 1200 });
  await e('email:alice@x', 'hasPurchased', 'product:Espresso', { purchase_id: 'p1', reward_points: 10, purchased_date: '2025-12-01' });
  await e('customerid:C1', 'hasPurchased', 'product:Shoes', { purchase_id: 'p2', reward_points: 20, purchased_date: '2025-12-02' });
  await e('email:alice@x', 'hasPurchased', 'product:Espresso', { purchase_id: 'p3', reward_points: 5, purchased_date: '2025-12-03' });
  await e('product:Espresso', 'inCategory', 'productcategory:Kitchen');
  await e('product:Shoes', 'inCategory', 'productcategory:Sport');

  await e('session:s1', 'loggedAs', 'user:alice');
  await e('session:s1', 'usedDevice', 'device:D1');
  await e('session:s1', 'lastSeenAtIP', 'clientip:10.0.0.1');
  await e('session:s1', 'usedUserAgent', 'useragent:UA-A');
  await e('session:s2', 'hasCookie', 'cookie:c2');
  await e('cookie:c2', 'loggedAs', 'user:alice');
  await e('session:s2', 'lastSeenAtIP', 'clientip:10.0.0.1');
  await e('session:s2', 'usedUserAgent', 'useragent:UA-A');
  await e('session:s3', 'loggedAs', 'user:bob');
  await e('session:s3', 'lastSeenAtIP', 'clientip:10.0.0.2');
  await e('session:s3', 'usedDevice', 'device:D2');
  await e('session:s4', 'loggedAs', 'user:carol');
  await e('session:s4', 'lastSeenAtIP', 'clientip:10.0.0.2');
  await e('session:s5', 'loggedAs', 'user:carol');
  await e('session:s5', 'lastSeenAtIP', 'clientip:10.0.0.2');
  await e('session:a1', 'usedDevice', 'device:D1');
  await e('session:a1', 'lastSeenAtIP', 'clientip:10.0.0.1');
  await e('session:a2', 'lastSeenAtIP', 'clientip:10.0.0.2');
  await e('session:a3', 'usedUserAgent', 'useragent:UA-A');
  await e('session:a3', 'hasCookie', 'cookie:c3');
}

/** Who really was behind each session (the generator's ground truth, raw ids). */
const truth = {
  sessions: new Map(
    Object.entries({ s1: 'alice', s2: 'alice', s3: 'bob', s4: 'carol', s5: 'carol', a1: 'alice', a2: 'bob', a3: 'alice' }).map(([s, u]) => [
      s,
      { userName: u, householdId: u === 'alice' ? 'hh-1' : 'hh-2' },
    ]),
  ),
  users: new Map([
    ['alice', { householdId: 'hh-1' }],
    ['bob', { householdId: 'hh-2' }],
    ['carol', { householdId: 'hh-2' }],
  ]),
};

let g: GraphSource;

beforeAll(async () => {
  const graph = new PropertyGraph({ defaultCardinality: 'set' });
  g = gremlin.process.AnonymousTraversalSource.traversal().withRemote(new LocalConnection(graph));
  await buildKnownGraph(g);
});

describe('identity queries on a known graph', () => {
  it('lists all identifiers of a user, through direct and cookie logins', async () => {
    expect(await listUserIdentifiers(g, 'user:alice')).toEqual([
      { label: 'ClientIP', id: 'clientip:10.0.0.1' },
      { label: 'Cookie', id: 'cookie:c2' },
      { label: 'CustomerID', id: 'customerid:C1' },
      { label: 'DeviceID', id: 'device:D1' },
      { label: 'Email', id: 'email:alice@x' },
      { label: 'PhoneNumber', id: 'phone:111' },
      { label: 'SessionID', id: 'session:s1' },
      { label: 'SessionID', id: 'session:s2' },
      { label: 'UserAgent', id: 'useragent:UA-A' },
    ]);
  });

  it('finds the user behind a cookie, session, device, IP or email', async () => {
    expect(await findUserBehind(g, 'cookie:c2')).toEqual([{ user: 'user:alice', evidence: 1 }]);
    expect(await findUserBehind(g, 'session:s2')).toEqual([{ user: 'user:alice', evidence: 1 }]);
    expect(await findUserBehind(g, 'session:s3')).toEqual([{ user: 'user:bob', evidence: 1 }]);
    expect(await findUserBehind(g, 'device:D1')).toEqual([{ user: 'user:alice', evidence: 1 }]);
    expect(await findUserBehind(g, 'clientip:10.0.0.2')).toEqual([
      { user: 'user:carol', evidence: 2 },
      { user: 'user:bob', evidence: 1 },
    ]);
    expect(await findUserBehind(g, 'email:alice@x')).toEqual([{ user: 'user:alice', evidence: 1 }]);
    expect(await findUserBehind(g, 'session:a1')).toEqual([]);
  });

  it('rejects an unknown vertex and a label that names no person', async () => {
    await expect(findUserBehind(g, 'user:nobody')).rejects.toMatchObject({ name: 'NotFoundError' });
    await expect(findUserBehind(g, 'city:Springfield')).rejects.toMatchObject({ name: 'InvalidInputError' });
    await expect(listUserIdentifiers(g, 'user:nobody')).rejects.toMatchObject({ name: 'NotFoundError' });
  });

  it('stitches anonymous sessions with their evidence path, per rule', async () => {
    expect(await countAnonymousSessions(g)).toBe(3);
    expect(await stitchAnonymousSessions(g, 'shared-device')).toEqual([
      {
        session: 'session:a1',
        rule: 'shared-device',
        user: 'user:alice',
        evidence: [{ via: 'device:D1', knownSession: 'session:s1', user: 'user:alice' }],
        alternatives: {},
      },
    ]);
    const byIp = await stitchAnonymousSessions(g, 'shared-ip');
    expect(byIp.map((s) => [s.session, s.user, s.evidence.length, s.alternatives])).toEqual([
      ['session:a1', 'user:alice', 2, {}],
      ['session:a2', 'user:carol', 2, { 'user:bob': 1 }],
    ]);
    expect(byIp[1].evidence).toEqual([
      { via: 'clientip:10.0.0.2', knownSession: 'session:s4', user: 'user:carol' },
      { via: 'clientip:10.0.0.2', knownSession: 'session:s5', user: 'user:carol' },
    ]);
    const byAgent = await stitchAnonymousSessions(g, 'shared-user-agent');
    expect(byAgent.map((s) => [s.session, s.user, s.evidence.map((e) => e.knownSession)])).toEqual([
      ['session:a3', 'user:alice', ['session:s1', 'session:s2']],
    ]);
  });

  it('skips super-nodes when stitching', async () => {
    // 10.0.0.2 is used by 4 sessions, 10.0.0.1 by 3: with a guard of 3 only a1 is linked.
    const guarded = await stitchAnonymousSessions(g, 'shared-ip', { maxSessionsPerIdentifier: 3 });
    expect(guarded.map((s) => s.session)).toEqual(['session:a1']);
  });

  it('scores rules against the ground truth: precision and recall', async () => {
    const ip = await stitchAnonymousSessions(g, 'shared-ip');
    expect(scoreStitching('shared-ip', ip, 3, truth)).toEqual({
      rule: 'shared-ip',
      anonymousSessions: 3,
      linked: 2,
      correct: 1,
      precision: 0.5,
      recall: 1 / 3,
    });
    const report = await scoreIdentityRules(g, truth);
    expect(report.rules.map((r) => [r.rule, r.linked, r.correct, r.precision, r.recall])).toEqual([
      ['shared-device', 1, 1, 1, 1 / 3],
      ['shared-ip', 2, 1, 0.5, 1 / 3],
      ['shared-user-agent', 1, 1, 1, 1 / 3],
      ['all rules, in order', 3, 2, 2 / 3, 2 / 3],
    ]);
    expect(report.households).toEqual({ rule: 'shared-home-ip', predictedPairs: 1, correctPairs: 1, truePairs: 1, precision: 1, recall: 1 });
    expect(combineStitches([[], []])).toEqual([]);
  });

  it('finds households: users sharing a home IP', async () => {
    expect(await findHouseholds(g)).toEqual([{ homeIp: 'clientip:10.0.0.2', users: ['user:bob', 'user:carol'] }]);
    expect(scoreHouseholds([{ homeIp: 'x', users: ['user:alice', 'user:bob'] }], truth)).toMatchObject({ predictedPairs: 1, correctPairs: 0, precision: 0 });
  });

  it('assembles a customer 360', async () => {
    const c360 = await getCustomer360(g, 'user:alice');
    expect(c360).toEqual({
      user: 'user:alice',
      profile: { address: '1 Main St' },
      emails: ['email:alice@x'],
      phones: ['phone:111'],
      customerIds: ['customerid:C1'],
      loyalty: { level: 'gold', points: 1200 },
      purchases: [
        { purchaseId: 'p1', product: 'product:Espresso', category: 'productcategory:Kitchen', purchasedDate: '2025-12-01', rewardPoints: 10 },
        { purchaseId: 'p2', product: 'product:Shoes', category: 'productcategory:Sport', purchasedDate: '2025-12-02', rewardPoints: 20 },
        { purchaseId: 'p3', product: 'product:Espresso', category: 'productcategory:Kitchen', purchasedDate: '2025-12-03', rewardPoints: 5 },
      ],
      categories: [
        { category: 'productcategory:Kitchen', purchases: 2 },
        { category: 'productcategory:Sport', purchases: 1 },
      ],
      sessions: 1,
      cookies: 1,
    });
    const bob = await getCustomer360(g, 'user:bob');
    expect([bob.loyalty, bob.purchases, bob.sessions]).toEqual([undefined, [], 1]);
  });

  it('lists the busiest devices and IPs, flagging super-nodes', async () => {
    expect(await listBusiestIps(g)).toEqual([
      { id: 'clientip:10.0.0.2', sessions: 4, users: 2, superNode: false },
      { id: 'clientip:10.0.0.1', sessions: 3, users: 1, superNode: false },
    ]);
    expect(await listBusiestIps(g, { cap: 3, limit: 1 })).toEqual([{ id: 'clientip:10.0.0.2', sessions: 3, users: 0, superNode: true }]);
    expect(await listBusiestDevices(g)).toEqual([
      { id: 'device:D1', sessions: 2, users: 1, superNode: false },
      { id: 'device:D2', sessions: 1, users: 1, superNode: false },
    ]);
  });

  it('lists the most active users', async () => {
    expect(await listMostActiveUsers(g, 3)).toEqual([
      { user: 'user:alice', logins: 2 },
      { user: 'user:carol', logins: 2 },
      { user: 'user:bob', logins: 1 },
    ]);
  });

  it('shows a user with purchases, not the most active one when that one bought nothing', async () => {
    await g.addV('SessionID').property(T.id, 'session:extra').as('s').V('user:carol').addE('loggedAs').from_('s').property(T.id, 'extra-login').iterate();
    try {
      expect((await listMostActiveUsers(g, 1))[0]).toEqual({ user: 'user:carol', logins: 3 });
      expect(await getCustomer360(g, 'user:carol')).toMatchObject({ purchases: [] });
      expect(await findShowcaseUser(g)).toEqual({ user: 'user:alice', logins: 2, purchases: 3 });
    } finally {
      await g.V('session:extra').drop().iterate();
    }
  });

  it('counts vertices and edges per label', async () => {
    const counts = await countByLabel(g);
    expect(counts.vertices).toEqual({
      City: 1,
      ClientIP: 2,
      Cookie: 2,
      Country: 1,
      CustomerID: 1,
      DeviceID: 2,
      Email: 3,
      LoyaltyLevel: 1,
      PhoneNumber: 1,
      PostCode: 1,
      Product: 2,
      ProductCategory: 2,
      SessionID: 8,
      User: 3,
      UserAgent: 1,
    });
    expect(counts.edges).toEqual({
      hasCityAddress: 2,
      hasCookie: 2,
      hasEmail: 3,
      hasExternalId: 1,
      hasLoyaltyLevel: 1,
      hasPhone: 1,
      hasPostCodeAddress: 1,
      hasPurchased: 3,
      inCategory: 2,
      inCountry: 1,
      lastSeenAtIP: 7,
      loggedAs: 5,
      usedDevice: 3,
      usedUserAgent: 3,
    });
    expect([counts.totalVertices, counts.totalEdges]).toEqual([31, 35]);
  });

  it('fetches a neighbourhood for the picture without pulling in other users', async () => {
    const n = await fetchNeighbourhood(g, 'user:alice');
    expect(n.centre).toBe('user:alice');
    expect(n.vertices.map((v) => v.id).sort()).toEqual(
      [
        'user:alice',
        'email:alice@x',
        'phone:111',
        'customerid:C1',
        'postcode:02139',
        'city:Springfield',
        'loyaltylevel:gold',
        'session:s1',
        'cookie:c2',
        'product:Espresso',
        'product:Shoes',
        'country:US',
        'device:D1',
        'clientip:10.0.0.1',
        'useragent:UA-A',
      ].sort(),
    );
    expect(n.edges).toHaveLength(15);
    expect(n.vertices.find((v) => v.id === 'cookie:c2')?.label).toBe('Cookie');
  });

  const noSingleValuedDuplicates = { hasPhone: 0, hasPostCodeAddress: 0, hasCityAddress: 0, hasLoyaltyLevel: 0 };

  it('counts duplicates: none, then one edge appended twice', async () => {
    expect(await countDuplicates(g)).toEqual({ vertices: 0, edges: 0, singleValued: noSingleValuedDuplicates });
    await g.V('user:bob').addE('hasEmail').to(gremlin.process.statics.V('email:bob@x')).property(T.id, 'hasEmail:again').iterate();
    expect(await countDuplicates(g)).toEqual({ vertices: 0, edges: 1, singleValued: noSingleValuedDuplicates });
    await g.E('hasEmail:again').drop().iterate();
  });

  it('counts a user with a second loyalty level as a single-valued duplicate', async () => {
    await g.addV('LoyaltyLevel').property(T.id, 'loyaltylevel:silver').iterate();
    await g.V('user:alice').addE('hasLoyaltyLevel').to(gremlin.process.statics.V('loyaltylevel:silver')).property(T.id, 'old-level').iterate();
    expect(await countDuplicates(g)).toEqual({ vertices: 0, edges: 0, singleValued: { ...noSingleValuedDuplicates, hasLoyaltyLevel: 1 } });
    await g.E('old-level').drop().iterate();
    await g.V('loyaltylevel:silver').drop().iterate();
  });

  it('builds ids with the ETL prefixes', () => {
    expect(toVertexId('User', 'meredith41')).toBe('user:meredith41');
    expect(toVertexId('ClientIP', '10.0.0.1')).toBe('clientip:10.0.0.1');
  });
});
