/**
 * POST /api/v1/evaluate and OFREP bulk (POST /ofrep/v1/evaluate/flags) in the steady state are answered ahead of
 * Fastify (FastLane.registerPost; EvaluationFastLane in libs/runtime), from the snapshot's answer templates. These
 * tests prove that what the lane answers is what the Fastify route answers, header for header and byte for byte,
 * that a request the lane reads and then declines (a malformed body or context) reaches the route with its body
 * intact, and that quotas count it exactly. A body sent as `application/json;charset=utf-8` (no space) is one the
 * lane leaves to Fastify at once: it shows the route's answer to the same request.
 */
import { FastLane } from '@superflag/core';
import { Agent, request as httpRequest } from 'node:http';
import { TestSession } from './support/session';

const VOLATILE = new Set(['date', 'x-request-id', 'x-ratelimit-remaining', 'connection', 'keep-alive']);
const comparable = (headers: Record<string, unknown>) =>
  Object.fromEntries(
    Object.entries(headers)
      .filter(([name]) => !VOLATILE.has(name))
      .sort(([a], [b]) => a.localeCompare(b)),
  );

interface Answer {
  status: number;
  headers: Record<string, unknown>;
  body: Buffer;
}

/** One POST over `agent`; `chunks` are written one by one, the next only once the previous is on its way. */
function post(url: string, headers: Record<string, string>, agent: Agent, chunks: string[]): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const length = chunks.reduce((n, c) => n + Buffer.byteLength(c), 0);
    const req = httpRequest(url, { method: 'POST', headers: { 'content-length': String(length), ...headers }, agent }, (res) => {
      const body: Buffer[] = [];
      res.on('data', (c: Buffer) => body.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(body) }));
    });
    req.on('error', reject);
    const write = (i: number): void => {
      if (i === chunks.length) {
        req.end();
        return;
      }
      req.write(chunks[i], () => setImmediate(() => write(i + 1)));
    };
    write(0);
  });
}

const JSON_TYPE = { 'content-type': 'application/json' };
const FASTIFY_TYPE = { 'content-type': 'application/json;charset=utf-8' };
const CONTEXT = JSON.stringify({ context: { targetingKey: 'user-42', companyId: 'acme', plan: 'pro' } });

describe('evaluations answered ahead of Fastify (FastLane)', () => {
  const s = TestSession.perSuite({ QUOTAS_ENABLED: 'true', QUOTA_FREE: '100000', BURST_PUB_IP_LIMIT: '0' });
  const agent = new Agent({ keepAlive: true, maxSockets: 1 });
  afterAll(() => agent.destroy());
  const lane = () => s.get(FastLane);
  let sdk: { auth: Record<string, string> };
  let pub: { auth: Record<string, string> };

  beforeAll(async () => {
    // Static flags, integer-like keys (first in a JS object's order), a user and a company override and a rollout.
    // pub_ keys see the clientEnabled ones: alpha, 42, colour.
    for (const key of ['alpha', 'beta', '42', '7', 'zeta'])
      await s.flag('production', { key, type: 'bool', value: false, clientEnabled: key === 'alpha' || key === '42' });
    await s.flag('production', { key: 'colour', type: 'string', value: 'blue', clientEnabled: true });
    await s
      .http()
      .patch(`/api/apps/${s.appId}/flags/specific-targets/${s.envs.production}`)
      .set(s.user.auth)
      .send({
        updates: [
          { flagKey: 'alpha', userId: 'user-42', value: true },
          { flagKey: 'colour', companyId: 'acme', value: 'red' },
        ],
      })
      .expect(200);
    await s
      .http()
      .patch('/api/v1/flags')
      .set(s.user.auth)
      .send({ ...s.at('production'), key: 'beta', rollout: { percentage: 50, value: true } })
      .expect(200);
    sdk = await s.key('production', 'sdk');
    pub = await s.key('production', 'pub');
  });

  for (const path of ['/api/v1/evaluate', '/ofrep/v1/evaluate/flags']) {
    it(`${path}: answers exactly what the Fastify route answers, for sdk_ and pub_ keys and several contexts`, async () => {
      const url = `${await s.url()}${path}`;
      const contexts = [
        CONTEXT,
        '{}',
        JSON.stringify({ context: { userId: 'someone', companyId: 'acme' } }),
        JSON.stringify({ context: { targetingKey: 12345 } }),
      ];
      for (const key of [sdk, pub]) {
        // The first request verifies the key and loads the snapshot: the route's.
        await post(url, { ...key.auth, ...FASTIFY_TYPE }, agent, [CONTEXT]);
        for (const body of contexts) {
          const served = lane().served;
          const fast = await post(url, { ...key.auth, ...JSON_TYPE }, agent, [body]);
          expect(lane().served).toBe(served + 1);
          const slow = await post(url, { ...key.auth, ...FASTIFY_TYPE }, agent, [body]);
          expect(lane().served).toBe(served + 1);
          expect(fast.status).toBe(200);
          expect(slow.status).toBe(200);
          expect(comparable(fast.headers)).toEqual(comparable(slow.headers));
          expect(fast.body.toString()).toBe(slow.body.toString());
          expect(Number(fast.headers['x-ratelimit-remaining'])).toBe(Number(slow.headers['x-ratelimit-remaining']) + 1);
        }
      }
      const answer = JSON.parse((await post(url, { ...sdk.auth, ...JSON_TYPE }, agent, [CONTEXT])).body.toString());
      const flags =
        path === '/api/v1/evaluate' ? answer.data.flags : Object.fromEntries(answer.flags.map((f: { key: string }) => [f.key, f]));
      expect(flags.alpha).toMatchObject({ value: true, reason: 'TARGETING_MATCH' });
      expect(flags.colour).toMatchObject({ value: 'red', reason: 'TARGETING_MATCH', variant: 'company-target' });
      expect(flags.beta.reason).toBe('SPLIT');
      expect(flags.zeta).toMatchObject({ value: false, reason: 'STATIC' });
      if (path === '/api/v1/evaluate') expect(Object.keys(flags).slice(0, 2)).toEqual(['7', '42']);
    });
  }

  it('OFREP bulk: 304 for a matching If-None-Match, as the route answers it', async () => {
    const url = `${await s.url()}/ofrep/v1/evaluate/flags`;
    for (const key of [sdk, pub]) {
      const first = await post(url, { ...key.auth, ...JSON_TYPE }, agent, [CONTEXT]);
      const etag = String(first.headers.etag);
      const served = lane().served;
      const fast = await post(url, { ...key.auth, ...JSON_TYPE, 'if-none-match': etag }, agent, [CONTEXT]);
      const slow = await post(url, { ...key.auth, ...FASTIFY_TYPE, 'if-none-match': etag }, agent, [CONTEXT]);
      expect(lane().served).toBe(served + 1);
      expect([fast.status, slow.status]).toEqual([304, 304]);
      expect(comparable(fast.headers)).toEqual(comparable(slow.headers));
      expect(fast.body.length).toBe(0);
      // Another context's answer differs: its tag does not match.
      const other = await post(url, { ...key.auth, ...JSON_TYPE, 'if-none-match': etag }, agent, ['{"context":{"targetingKey":"x"}}']);
      expect(other.status).toBe(200);
    }
  });

  it('hands a body it read and cannot answer back to the route intact: malformed JSON, a bad context, a poisoned key', async () => {
    const url = `${await s.url()}/api/v1/evaluate`;
    const cases: Array<[string, number, unknown]> = [
      ['{"context":', 400, { error: 'Invalid JSON body' }],
      ['{"context":{"userId":["a"]}}', 400, { error: expect.stringContaining('context.userId') }],
      ['{"context":{"targetingKey":"u"},"__proto__":{"x":1}}', 400, { error: expect.any(String) }],
    ];
    for (const [body, status, error] of cases) {
      const declined = lane().declined;
      const fast = await post(url, { ...sdk.auth, ...JSON_TYPE }, agent, [body]);
      expect(lane().declined).toBe(declined + 1);
      const slow = await post(url, { ...sdk.auth, ...FASTIFY_TYPE }, agent, [body]);
      expect(fast.status).toBe(status);
      expect(JSON.parse(fast.body.toString())).toEqual(error);
      expect(fast.body.toString()).toBe(slow.body.toString());
    }
    // The connection is still good for the next request, which the lane answers.
    const served = lane().served;
    expect((await post(url, { ...sdk.auth, ...JSON_TYPE }, agent, [CONTEXT])).status).toBe(200);
    expect(lane().served).toBe(served + 1);
  });

  it('reads a body that arrives in several packets', async () => {
    const url = `${await s.url()}/api/v1/evaluate`;
    const served = lane().served;
    const whole = await post(url, { ...sdk.auth, ...JSON_TYPE }, agent, [CONTEXT]);
    const split = await post(url, { ...sdk.auth, ...JSON_TYPE }, agent, [CONTEXT.slice(0, 10), CONTEXT.slice(10, 30), CONTEXT.slice(30)]);
    expect(lane().served).toBe(served + 2);
    expect(split.status).toBe(200);
    expect(split.body.toString()).toBe(whole.body.toString());
  });

  it('leaves unknown keys, query strings and other methods to the route', async () => {
    const base = await s.url();
    const served = lane().served;
    const unknown = await post(`${base}/api/v1/evaluate`, { authorization: 'Bearer sdk_unknown', ...JSON_TYPE }, agent, [CONTEXT]);
    expect(unknown.status).toBe(401);
    expect(JSON.parse(unknown.body.toString())).toEqual({ error: 'Not authenticated' });
    const withQuery = await post(`${base}/ofrep/v1/evaluate/flags?flagConfigEtag=x`, { ...sdk.auth, ...JSON_TYPE }, agent, [CONTEXT]);
    expect(withQuery.status).toBe(200);
    expect(lane().served).toBe(served);
  });

  it('counts every evaluation it answers against the monthly quota, exactly', async () => {
    const key = await s.key('staging', 'sdk');
    const url = `${await s.url()}/api/v1/evaluate`;
    const q = s.at('staging');
    const used = async () => (await s.http().get('/api/v1/usage').query(q).set(s.user.auth).expect(200)).body.data.used as number;
    const start = await used();
    const served = lane().served;
    for (let i = 0; i < 40; i++) expect((await post(url, { ...key.auth, ...JSON_TYPE }, agent, [CONTEXT])).status).toBe(200);
    expect(lane().served - served).toBeGreaterThan(30);
    expect(await used()).toBe(start + 40);
  });
});
