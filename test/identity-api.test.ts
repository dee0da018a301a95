/**
 * The identity API's endpoints through routeRequest (the function both hosts call), over the
 * embedded engine: answers, error paths, idempotence, and concurrent overlapping writes.
 */
import gremlin from 'gremlin';
import { beforeEach, describe, expect, it } from 'vitest';
import { LocalConnection, PropertyGraph } from '../src/engine/index.js';
import { countByLabel, countDuplicates, type GraphSource } from '../src/queries/index.js';
import { DEFAULT_RULE_PRECISION, readRulePrecisionFromEnv, routeRequest, type ApiContext, type ApiRequest, type RulePrecision } from '../src/identity-api/index.js';

const PRECISION: RulePrecision = { precision: { 'shared-device': 0.97, 'shared-ip': 0.4, 'shared-user-agent': 0.1 }, source: 'measured', sampledSessions: 100 };

function request(method: string, path: string, init: { query?: Record<string, string>; body?: unknown; headers?: Record<string, string> } = {}): ApiRequest {
  return {
    method,
    path,
    query: init.query ?? {},
    headers: { 'content-type': 'application/json', ...init.headers },
    ...(init.body !== undefined ? { body: typeof init.body === 'string' ? init.body : JSON.stringify(init.body) } : {}),
  };
}

async function call(context: ApiContext, req: ApiRequest) {
  const response = await routeRequest(req, context);
  return { ...response, json: JSON.parse(response.body) as Record<string, any> };
}

/** Every vertex and edge with its properties, as text: equal texts mean an unchanged graph. */
async function dumpGraph(g: GraphSource): Promise<string> {
  const show = (rows: unknown[]) => rows.map((r) => JSON.stringify([...(r as Map<unknown, unknown>)].map(([k, v]) => [String(k), v]))).sort();
  const vertices = await g.V().valueMap().with_('~tinkerpop.valueMap.tokens').toList();
  const edges = await g.E().project('id', 'label', 'out', 'in', 'props').by(gremlin.process.t.id).by(gremlin.process.t.label).by(gremlin.process.statics.outV().id()).by(gremlin.process.statics.inV().id()).by(gremlin.process.statics.valueMap()).toList();
  return JSON.stringify([show(vertices), show(edges)]);
}

const ALICE_WEB = {
  session_id: 'w1',
  cookie_id: 'c1',
  client_ip: '10.0.0.1',
  user_agent: 'UA-Alice',
  domain_name: 'shop.example.com',
  client_platform: 'web',
  events: 12,
  start_timestamp: '2026-02-01T10:00:00Z',
  end_timestamp: '2026-02-01T10:05:00Z',
  user_name: 'alice',
  email: 'alice@example.com',
  external_id: 'C-1',
  purchase: { purchase_id: 'p1', product_name: 'Espresso', product_category: 'Kitchen', purchased_date: '2026-02-01', reward_points: 30 },
};
const ALICE_APP = { session_id: 'm1', device_id: 'D1', client_ip: '10.0.0.1', client_platform: 'ios', user_name: 'alice' };
const BOB_APP = { session_id: 'm2', device_id: 'D2', client_ip: '10.0.0.1', client_platform: 'android', user_name: 'bob', email: 'bob@example.com' };

describe('identity API (routeRequest over the embedded engine)', () => {
  let graph: PropertyGraph;
  let context: ApiContext;
  let logs: Record<string, unknown>[];

  beforeEach(() => {
    graph = new PropertyGraph();
    const g = gremlin.process.AnonymousTraversalSource.traversal().withRemote(new LocalConnection(graph));
    logs = [];
    context = { writer: g, reader: g, precision: PRECISION, log: (entry) => logs.push(entry) };
  });

  const post = (body: unknown) => call(context, request('POST', '/store-visit', { body }));

  describe('POST /store-visit', () => {
    it('upserts the visit with the graph model ids, in one answer with the request id', async () => {
      const res = await post(ALICE_WEB);
      expect(res.statusCode).toBe(200);
      expect(res.headers['x-request-id']).toBe(res.json.requestId);
      expect(res.json.session).toBe('session:w1');
      expect(res.json.vertices).toEqual(expect.arrayContaining(['session:w1', 'cookie:c1', 'user:alice', 'email:alice@example.com', 'customerid:C-1', 'clientip:10.0.0.1', 'useragent:UA-Alice', 'domain:shop.example.com', 'product:Espresso', 'productcategory:Kitchen']));
      const counts = await countByLabel(context.reader);
      expect(counts.edges).toEqual({ hasCookie: 1, hasEmail: 1, hasExternalId: 1, hasPurchased: 1, inCategory: 1, lastSeenAtDomain: 1, lastSeenAtIP: 1, loggedAs: 2, usedUserAgent: 1 });
      const g = context.reader;
      expect(await g.V('session:w1').values('events').toList()).toEqual([12]);
      expect(await g.V('session:w1').values('start_timestamp').toList()).toEqual([new Date('2026-02-01T10:00:00Z')]);
      expect(await g.E('hasPurchased:p1').outV().id().toList()).toEqual(['email:alice@example.com']);
      expect(await g.E('hasPurchased:p1').values('reward_points').toList()).toEqual([30]);
      expect(logs.at(-1)).toMatchObject({ requestId: res.json.requestId, method: 'POST', path: '/store-visit', status: 200 });
    });

    it('is idempotent: the same visit twice leaves the graph as the first left it', async () => {
      await post(ALICE_WEB);
      await post(ALICE_APP);
      const before = await dumpGraph(context.reader);
      expect((await post(ALICE_WEB)).statusCode).toBe(200);
      expect((await post(ALICE_APP)).statusCode).toBe(200);
      expect(await dumpGraph(context.reader)).toBe(before);
      expect(await countDuplicates(context.reader)).toEqual({ vertices: 0, edges: 0, singleValued: { hasPhone: 0, hasLoyaltyLevel: 0, hasPostCodeAddress: 0, hasCityAddress: 0 } });
    });

    it('a later post of the session updates its single-valued properties instead of adding values', async () => {
      await post(ALICE_WEB);
      await post({ session_id: 'w1', events: 15, end_timestamp: '2026-02-01T10:09:00Z' });
      expect(await context.reader.V('session:w1').values('events').toList()).toEqual([15]);
      expect(await context.reader.V('session:w1').values('end_timestamp').toList()).toEqual([new Date('2026-02-01T10:09:00Z')]);
      expect(await context.reader.V('session:w1').values('client_platform').toList()).toEqual(['web']);
    });

    it('50 concurrent posts of overlapping identifiers leave no duplicate vertex or edge', async () => {
      // 10 sessions posted 5 times each, all sharing one IP, domain and user agent, 5 users and 3 devices between them.
      const visits = Array.from({ length: 50 }, (_, i) => ({
        session_id: `s${i % 10}`,
        client_ip: '192.0.2.7',
        domain_name: 'shop.example.com',
        user_agent: 'UA-Shared',
        device_id: `D${i % 3}`,
        user_name: `u${i % 5}`,
        email: `u${i % 5}@example.com`,
      }));
      const answers = await Promise.all(visits.map((v) => post(v)));
      expect(answers.map((a) => a.statusCode)).toEqual(Array(50).fill(200));
      expect(await countDuplicates(context.reader)).toEqual({ vertices: 0, edges: 0, singleValued: { hasPhone: 0, hasLoyaltyLevel: 0, hasPostCodeAddress: 0, hasCityAddress: 0 } });
      const counts = await countByLabel(context.reader);
      expect(counts.vertices).toEqual({ ClientIP: 1, DeviceID: 3, DomainName: 1, Email: 5, SessionID: 10, User: 5, UserAgent: 1 });
      // Session i is posted with devices i, i+10, ... mod 3 and users i mod 5: the edges of every distinct pair, once.
      const pairs = new Set(visits.map((v) => `${v.session_id}-${v.device_id}`));
      expect(counts.edges).toEqual({ hasEmail: 5, lastSeenAtDomain: 10, lastSeenAtIP: 10, loggedAs: 10, usedDevice: pairs.size, usedUserAgent: 10 });
    });

    it('refuses bad input with 400 naming the field, and writes nothing', async () => {
      const cases: [unknown, string][] = [
        [{}, 'session_id'],
        [{ session_id: '' }, 'session_id'],
        [{ session_id: 'x', events: -1 }, 'events'],
        [{ session_id: 'x', events: 1.5 }, 'events'],
        [{ session_id: 'x', start_timestamp: '2026-02-30T10:00:00Z' }, 'start_timestamp'],
        [{ session_id: 'x', client_ip: 'not an ip' }, 'client_ip'],
        [{ session_id: 'x', colour: 'red' }, 'colour'],
        [{ session_id: 'x', email: 'a@b.c' }, 'user_name'],
        [{ session_id: 'x', user_name: 'u', purchase: { purchase_id: 'p' } }, 'purchase.product_name'],
        [{ session_id: 'x', user_name: 'u', purchase: { purchase_id: 'p', product_name: 'P' } }, 'purchase'],
        [{ session_id: 'x\u0000y' }, 'session_id'],
        [{ session_id: 'x', start_timestamp: '2026-02-01T10:00:00Z', end_timestamp: '2026-02-01T09:00:00Z' }, 'end_timestamp'],
        [[1, 2], '(body)'],
        ['{"session_id": ', '(body)'],
        ['', '(body)'],
      ];
      for (const [body, field] of cases) {
        const res = await post(body);
        expect({ body, status: res.statusCode, field: res.json.field, error: res.json.error }).toEqual({ body, status: 400, field, error: 'RequestInputError' });
        expect(res.json.message).toContain(field);
      }
      const wrongType = await call(context, request('POST', '/store-visit', { body: 'session_id=x', headers: { 'content-type': 'text/plain' } }));
      expect(wrongType.json).toMatchObject({ error: 'RequestInputError', field: 'content-type' });
      const huge = await post({ session_id: 'x', canonical_url: 'u'.repeat(70_000) });
      expect(huge.json).toMatchObject({ field: '(body)' });
      expect(graph.vertexCount).toBe(0);
    });
  });

  describe('GET /map-user', () => {
    beforeEach(async () => {
      for (const visit of [ALICE_WEB, ALICE_APP, BOB_APP]) expect((await post(visit)).statusCode).toBe(200);
      // Anonymous: a1 on alice's device; a2 at the shared IP only; a3 with alice's user agent and an anonymous cookie; a4 with nothing shared.
      await post({ session_id: 'a1', device_id: 'D1', client_ip: '10.0.0.1' });
      await post({ session_id: 'a3', cookie_id: 'c9', user_agent: 'UA-Alice' });
      await post({ session_id: 'a4', client_ip: '10.9.9.9' });
    });
    const mapUser = (query: Record<string, string>) => call(context, request('GET', '/map-user', { query }));

    it('a logged-in session resolves to its user with confidence 1; a cookie through its login', async () => {
      const res = await mapUser({ session: 'w1' });
      expect(res.statusCode).toBe(200);
      expect(res.json.users).toEqual([{ user: 'alice', userId: 'user:alice', rule: 'login', confidence: 1, evidenceCount: 2, evidence: [['session:w1', 'user:alice'], ['session:w1', 'cookie:c1', 'user:alice']] }]);
      expect((await mapUser({ cookie: 'c1' })).json.users).toMatchObject([{ user: 'alice', rule: 'login', confidence: 1 }]);
    });

    it('an anonymous session resolves through every rule, with the rule precision as confidence and the evidence paths', async () => {
      const res = await mapUser({ session: 'a1' });
      expect(res.json.users).toEqual([
        { user: 'alice', userId: 'user:alice', rule: 'shared-device', confidence: 0.97, evidenceCount: 1, evidence: [['session:a1', 'device:D1', 'session:m1', 'user:alice']] },
        {
          user: 'alice',
          userId: 'user:alice',
          rule: 'shared-ip',
          confidence: 0.4,
          evidenceCount: 3,
          evidence: [
            ['session:a1', 'clientip:10.0.0.1', 'session:m1', 'user:alice'],
            ['session:a1', 'clientip:10.0.0.1', 'session:w1', 'user:alice'],
            ['session:a1', 'clientip:10.0.0.1', 'session:w1', 'cookie:c1', 'user:alice'],
          ],
        },
        { user: 'bob', userId: 'user:bob', rule: 'shared-ip', confidence: 0.4, evidenceCount: 1, evidence: [['session:a1', 'clientip:10.0.0.1', 'session:m2', 'user:bob']] },
      ]);
      expect((await mapUser({ cookie: 'c9' })).json.users).toMatchObject([{ user: 'alice', rule: 'shared-user-agent', confidence: 0.1, evidence: [['cookie:c9', 'session:a3', 'useragent:UA-Alice', 'session:w1', 'user:alice'], expect.anything()] }]);
      expect((await mapUser({ device: 'D1' })).json.users).toEqual([
        { user: 'alice', userId: 'user:alice', rule: 'shared-device', confidence: 0.97, evidenceCount: 1, evidence: [['device:D1', 'session:m1', 'user:alice']] },
      ]);
    });

    it('an identifier with no evidence has no users; an unknown one is 404; a bad query is 400', async () => {
      expect((await mapUser({ session: 'a4' })).json).toMatchObject({ identifier: 'session:a4', label: 'SessionID', users: [] });
      const unknown = await mapUser({ session: 'nope' });
      expect(unknown.statusCode).toBe(404);
      expect(unknown.json).toMatchObject({ error: 'NotFoundError', requestId: unknown.headers['x-request-id'] });
      expect((await mapUser({ device: 'c1' })).statusCode).toBe(404);
      for (const [query, field] of [
        [{}, 'session|cookie|device'],
        [{ session: 'a1', cookie: 'c1' }, 'session|cookie|device'],
        [{ user: 'alice' }, 'user'],
        [{ session: '' }, 'session'],
      ] as const) {
        const res = await mapUser(query);
        expect({ query, status: res.statusCode, field: res.json.field }).toEqual({ query, status: 400, field });
      }
    });

    it('a super-node (an identifier of more than 50 sessions) is no evidence', async () => {
      for (let i = 0; i < 51; i++) await post({ session_id: `crowd${i}`, client_ip: '203.0.113.9', user_name: `crowd${i}` });
      await post({ session_id: 'a5', client_ip: '203.0.113.9' });
      expect((await mapUser({ session: 'a5' })).json.users).toEqual([]);
    });
  });

  describe('GET /customer-view', () => {
    beforeEach(async () => {
      for (const visit of [ALICE_WEB, ALICE_APP, BOB_APP]) await post(visit);
    });
    const view = (query: Record<string, string>) => call(context, request('GET', '/customer-view', { query }));

    it('answers the unified view by user, email or external id', async () => {
      const res = await view({ user: 'alice' });
      expect(res.statusCode).toBe(200);
      expect(res.json).toMatchObject({
        user: 'alice',
        userId: 'user:alice',
        emails: ['email:alice@example.com'],
        customerIds: ['customerid:C-1'],
        purchases: [{ purchaseId: 'p1', product: 'product:Espresso', category: 'productcategory:Kitchen', rewardPoints: 30 }],
        categories: [{ category: 'productcategory:Kitchen', purchases: 1 }],
        identifiers: { devices: ['device:D1'], ips: ['clientip:10.0.0.1'], userAgents: ['useragent:UA-Alice'], cookies: ['cookie:c1'] },
        sessions: { count: 2, recent: [{ session: 'session:w1', start: '2026-02-01T10:00:00.000Z', platform: 'web' }, { session: 'session:m1', platform: 'ios' }] },
        household: { homeIp: 'clientip:10.0.0.1', members: ['user:alice', 'user:bob'] },
      });
      expect((await view({ email: 'alice@example.com' })).json.userId).toBe('user:alice');
      expect((await view({ external_id: 'C-1' })).json.userId).toBe('user:alice');
      expect((await view({ email: 'bob@example.com' })).json).toMatchObject({ userId: 'user:bob', purchases: [], household: { members: ['user:alice', 'user:bob'] } });
    });

    it('unknown customer is 404, a bad query 400 naming the field', async () => {
      expect((await view({ user: 'zed' })).statusCode).toBe(404);
      expect((await view({ phone: '555' })).statusCode).toBe(404);
      const both = await view({ user: 'alice', email: 'alice@example.com' });
      expect(both.statusCode).toBe(400);
      expect((await view({ name: 'alice' })).json).toMatchObject({ field: 'name' });
    });
  });

  it('unknown routes are 404, wrong methods 405, the schemas are served; a given x-request-id is kept', async () => {
    expect((await call(context, request('GET', '/nope'))).statusCode).toBe(404);
    const wrong = await call(context, request('GET', '/store-visit'));
    expect(wrong.statusCode).toBe(405);
    expect(wrong.headers.allow).toBe('POST');
    const schema = await call(context, request('GET', '/schemas/store-visit'));
    expect(schema.json).toMatchObject({ title: 'POST /store-visit', required: ['session_id'] });
    const tagged = await call(context, request('GET', '/map-user', { query: { session: 'x' }, headers: { 'x-request-id': 'trace-42' } }));
    expect(tagged.json.requestId).toBe('trace-42');
    expect(logs.at(-1)).toMatchObject({ requestId: 'trace-42', status: 404 });
  });

  it('the Lambda functions read the precision from IDGRAPH_RULE_PRECISION, else the defaults', () => {
    expect(readRulePrecisionFromEnv({})).toBe(DEFAULT_RULE_PRECISION);
    expect(readRulePrecisionFromEnv({ IDGRAPH_RULE_PRECISION: JSON.stringify(PRECISION) })).toEqual(PRECISION);
    expect(() => readRulePrecisionFromEnv({ IDGRAPH_RULE_PRECISION: '{"source":"measured","precision":{"shared-device":1}}' })).toThrow(/IDGRAPH_RULE_PRECISION: field "precision.shared-ip"/);
    expect(() => readRulePrecisionFromEnv({ IDGRAPH_RULE_PRECISION: '{' })).toThrow(/IDGRAPH_RULE_PRECISION: not valid JSON/);
  });
});
