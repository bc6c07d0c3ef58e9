/**
 * GET /api/v1/config in the steady state is answered ahead of Fastify (FastLane, libs/core/src/http/fast-lane.ts;
 * ConfigFastLane in libs/runtime). These tests prove that what it answers is what Fastify's route answers, header
 * for header, and that nothing around it changed: quotas count it exactly, burst limits and the client address
 * are the same, a revoked key stops working at once on a connection that used it, and the request metrics and
 * log lines are written for it. A GET carrying `Content-Length: 0` is one the lane declines: it shows Fastify's
 * answer to the same request.
 */
import { FastLane } from '@superflag/core';
import { Agent, request as httpRequest } from 'node:http';
import { TestSession } from './support/session';

/** Headers that differ between any two responses. */
const VOLATILE = new Set(['date', 'x-request-id', 'x-ratelimit-remaining', 'connection', 'keep-alive']);

function comparable(headers: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(
    Object.entries(headers)
      .filter(([name]) => !VOLATILE.has(name))
      .sort(([a], [b]) => a.localeCompare(b)),
  );
}

interface Answer {
  status: number;
  headers: Record<string, unknown>;
  body: Buffer;
}

/** One request over `agent` (a kept-alive connection when the agent has one socket). */
function get(url: string, headers: Record<string, string>, agent: Agent): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(url, { headers, agent }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }));
    });
    req.on('error', reject);
    req.end();
  });
}

describe('config reads answered ahead of Fastify (FastLane)', () => {
  const s = TestSession.perSuite({ QUOTAS_ENABLED: 'true', QUOTA_FREE: '1000', BURST_PUB_IP_LIMIT: '3', TRUST_PROXY: '1' });
  const agent = new Agent({ keepAlive: true, maxSockets: 1 });
  afterAll(() => agent.destroy());
  const lane = () => s.get(FastLane);

  it('answers exactly what the Fastify route answers: 200, 304, pub_ CORS, compressed bodies', async () => {
    // Over 1 KB, so that gzip and brotli apply.
    for (let i = 0; i < 40; i++)
      await s.flag('production', { key: `flag-${String(i).padStart(2, '0')}`, type: 'string', value: 'x'.repeat(20) });
    const sdk = await s.key('production', 'sdk');
    const pub = await s.key('production', 'pub');
    const url = `${await s.url()}/api/v1/config`;
    // The first read of each key verifies it and loads the snapshot: Fastify's route.
    await get(url, sdk.auth, agent);
    await get(url, { ...pub.auth, 'x-forwarded-for': '203.0.113.50' }, agent);
    const cases: Array<Record<string, string>> = [
      sdk.auth,
      { ...sdk.auth, 'accept-encoding': 'gzip' },
      { ...sdk.auth, 'accept-encoding': 'gzip, deflate, br' },
      { 'x-api-key': sdk.key },
      { ...pub.auth, 'x-forwarded-for': '203.0.113.51' },
    ];
    // pub_ reads are limited to 3 a minute per address (BURST_PUB_IP_LIMIT): each read below comes from another one.
    let address = 100;
    const send = (headers: Record<string, string>, extra: Record<string, string> = {}) =>
      get(url, { ...headers, ...extra, ...(headers['x-forwarded-for'] ? { 'x-forwarded-for': `203.0.113.${address++}` } : {}) }, agent);
    for (const headers of cases) {
      const before = lane().served;
      const fast = await send(headers);
      expect(lane().served).toBe(before + 1);
      const declined = lane().declined;
      const slow = await send(headers, { 'content-length': '0' });
      expect(lane().declined).toBe(declined + 1);
      expect(fast.status).toBe(200);
      expect(slow.status).toBe(200);
      expect(comparable(fast.headers)).toEqual(comparable(slow.headers));
      expect(fast.body.equals(slow.body)).toBe(true);
      expect(fast.headers['x-request-id']).toEqual(expect.any(String));
      expect(Number(fast.headers['x-ratelimit-remaining'])).toBe(Number(slow.headers['x-ratelimit-remaining']) + 1);

      const notModified = await send(headers, { 'if-none-match': String(fast.headers.etag) });
      const notModifiedSlow = await send(headers, { 'if-none-match': String(fast.headers.etag), 'content-length': '0' });
      expect(notModified.status).toBe(304);
      expect(notModifiedSlow.status).toBe(304);
      expect(comparable(notModified.headers)).toEqual(comparable(notModifiedSlow.headers));
      expect(notModified.body.length).toBe(0);
    }
    const compressed = await get(url, { ...sdk.auth, 'accept-encoding': 'br' }, agent);
    expect(compressed.headers['content-encoding']).toBe('br');
    const pubAnswer = await get(url, { ...pub.auth, 'x-forwarded-for': '203.0.113.52' }, agent);
    expect(pubAnswer.headers['access-control-allow-origin']).toBe('*');
  });

  it('counts every request it answers against the monthly quota, exactly', async () => {
    const sdk = await s.key('staging', 'sdk');
    const url = `${await s.url()}/api/v1/config`;
    const q = s.at('staging');
    const used = async () => (await s.http().get('/api/v1/usage').query(q).set(s.user.auth).expect(200)).body.data.used as number;
    const start = await used();
    const served = lane().served;
    for (let i = 0; i < 50; i++) expect((await get(url, sdk.auth, agent)).status).toBe(200);
    expect(lane().served - served).toBeGreaterThan(40);
    expect(await used()).toBe(start + 50);
  });

  it('applies the pub_ burst limit per client address as Fastify sees it (TRUST_PROXY), answered by the route once spent', async () => {
    const pub = await s.key('development', 'pub');
    const url = `${await s.url()}/api/v1/config`;
    const from = (address: string) => ({ ...pub.auth, 'x-forwarded-for': address });
    const statuses: number[] = [];
    for (let i = 0; i < 4; i++) statuses.push((await get(url, from('198.51.100.7'), agent)).status);
    expect(statuses).toEqual([200, 200, 200, 429]);
    // Another address behind the same proxy has its own window.
    expect((await get(url, from('198.51.100.8'), agent)).status).toBe(200);
  });

  it('stops serving a key the moment it is revoked, also on a connection that presented it before', async () => {
    const sdk = await s.key('production', 'sdk');
    const url = `${await s.url()}/api/v1/config`;
    await get(url, sdk.auth, agent);
    const before = lane().served;
    expect((await get(url, sdk.auth, agent)).status).toBe(200);
    expect(lane().served).toBe(before + 1);
    await s.http().delete('/api/v1/keys').query({ keyId: sdk.id }).set(s.user.auth).expect(200);
    const after = await get(url, sdk.auth, agent);
    expect(after.status).toBe(401);
    expect(JSON.parse(after.body.toString())).toEqual({ error: 'Not authenticated' });
  });

  it('records the requests it answers in /metrics under the route pattern', async () => {
    const sdk = await s.key('production', 'sdk');
    const url = `${await s.url()}/api/v1/config`;
    const metric = async (prefix: string) => {
      const text = (await s.http().get('/metrics').expect(200)).text;
      const line = text.split('\n').find((l) => l.startsWith(prefix));
      return Number(line?.split(' ').pop() ?? 0);
    };
    const count = () => metric('superflag_http_requests_total{method="GET",route="/api/v1/config",status="200"}');
    await get(url, sdk.auth, agent);
    const before = await count();
    const laneBefore = await metric('superflag_fast_lane_served_total ');
    const served = lane().served;
    for (let i = 0; i < 5; i++) await get(url, sdk.auth, agent);
    expect(lane().served).toBe(served + 5);
    expect(await count()).toBe(before + 5);
    expect(await metric('superflag_fast_lane_served_total ')).toBe(laneBefore + 5);
    expect(await metric('superflag_fast_lane_declined_total ')).toBe(lane().declined);
  });
});

describe('FAST_LANE=false', () => {
  const s = TestSession.perSuite({ FAST_LANE: 'false' });

  it('leaves every config read to Fastify', async () => {
    const sdk = await s.key('production', 'sdk');
    for (let i = 0; i < 3; i++) await s.http().get('/api/v1/config').set(sdk.auth).expect(200);
    expect(s.get(FastLane).served).toBe(0);
  });
});
