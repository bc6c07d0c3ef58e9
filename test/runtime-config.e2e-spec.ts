import { get, type IncomingHttpHeaders } from 'node:http';
import { brotliDecompressSync, gunzipSync } from 'node:zlib';
import { TestSession } from './support/session';
import { SseClient } from './support/sse';

describe('runtime config API', () => {
  const s = TestSession.perSuite();
  beforeAll(async () => {
    await s.flag('production', { key: 'dark-mode', type: 'bool', value: true, clientEnabled: true });
    await s.flag('production', { key: 'api-url', type: 'string', value: 'https://api.example.com', clientEnabled: false });
    await s.flag('production', { key: 'limits', type: 'json', value: { max: 3 }, clientEnabled: true });
    await s.flag('staging', { key: 'dark-mode', type: 'bool', value: false, clientEnabled: true });
  });

  it('serves an sdk key every flag and a pub key only clientEnabled ones, for its own environment', async () => {
    const sdk = await s.key('production', 'sdk');
    const pub = await s.key('production', 'pub');
    const stg = await s.key('staging', 'sdk');
    const all = await s.configFor(sdk).expect(200);
    expect(all.body).toEqual({
      data: { version: 3, flags: { 'api-url': 'https://api.example.com', 'dark-mode': true, limits: { max: 3 } } },
    });
    expect(all.headers['content-type']).toMatch(/^application\/json/);
    expect(all.headers['cache-control']).toBe('no-cache');
    expect(all.headers.etag).toMatch(/^"3-sdk-[\w-]{10}"$/);
    expect(all.headers['access-control-allow-origin']).toBeUndefined();
    const client = await s.configFor(pub).expect(200);
    expect(client.body).toEqual({ data: { version: 3, flags: { 'dark-mode': true, limits: { max: 3 } } } });
    expect(client.headers.etag).toBe(all.headers.etag.replace('-sdk-', '-pub-'));
    expect(client.headers['access-control-allow-origin']).toBe('*');
    const staging = await s.http().get('/api/v1/config').set('X-API-Key', stg.key).expect(200);
    expect(staging.body).toEqual({ data: { version: 1, flags: { 'dark-mode': false } } });
  });

  it('answers 304 with no body for a matching If-None-Match, and 200 after a change', async () => {
    const a = await s.newApp();
    await s.flag('production', { key: 'f', type: 'number', value: 1, clientEnabled: true }, a);
    const key = await s.key('production', 'pub', a);
    const first = await s.configFor(key).expect(200);
    const cached = await s.configFor(key).set('If-None-Match', first.headers.etag).expect(304);
    expect(cached.text).toBe('');
    expect(cached.headers.etag).toBe(first.headers.etag);
    await s.http().patch('/api/v1/flags').set(s.user.auth).send({ appId: a.id, env: 'production', key: 'f', value: 2 }).expect(200);
    const fresh = await s.configFor(key).set('If-None-Match', first.headers.etag).expect(200);
    expect(fresh.body.data).toEqual({ version: 2, flags: { f: 2 } });
    expect(fresh.headers.etag).toBe(first.headers.etag.replace(/^"1-/, '"2-'));
  });

  it('reflects a write on the very next read (read-your-writes on one replica)', async () => {
    const a = await s.newApp();
    const key = await s.key('development', 'sdk', a);
    for (let i = 0; i < 5; i++) {
      const created = await s
        .http()
        .post('/api/v1/flags')
        .set(s.user.auth)
        .send({ appId: a.id, env: 'development', key: `k${i}`, type: 'number', value: i })
        .expect(201);
      const res = await s.configFor(key).expect(200);
      expect(res.body.data.version).toBe(created.body.data.version);
      expect(res.body.data.flags[`k${i}`]).toBe(i);
    }
  });

  it('compresses large payloads with gzip or brotli when asked', async () => {
    const a = await s.newApp();
    const flags = Object.fromEntries(Array.from({ length: 60 }, (_, i) => [`feature-${i}`, `value-${'x'.repeat(40)}-${i}`]));
    for (const k of Object.keys(flags)) await s.flag('production', { key: k, type: 'string', value: flags[k] }, a);
    const key = await s.key('production', 'sdk', a);
    const base = await s.url();
    // Raw HTTP: supertest would decompress the body before the test could see the encoding.
    const raw = (encoding: string) =>
      new Promise<{ headers: IncomingHttpHeaders; body: Buffer }>((resolve, reject) => {
        get(`${base}/api/v1/config`, { headers: { ...key.auth, 'accept-encoding': encoding } }, (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () => resolve({ headers: res.headers, body: Buffer.concat(chunks) }));
        }).on('error', reject);
      });
    const gz = await raw('gzip');
    expect(gz.headers['content-encoding']).toBe('gzip');
    expect(JSON.parse(gunzipSync(gz.body).toString()).data.flags).toEqual(flags);
    const br = await raw('br, gzip');
    expect(br.headers['content-encoding']).toBe('br');
    expect(JSON.parse(brotliDecompressSync(br.body).toString()).data.flags).toEqual(flags);
    const plain = await raw('identity');
    expect(plain.headers['content-encoding']).toBeUndefined();
    expect(JSON.parse(plain.body.toString()).data.flags).toEqual(flags);
    expect(gz.headers.vary).toContain('Accept-Encoding');
  });

  it.each([
    ['no key', {}],
    ['a garbled key', { Authorization: 'Bearer pub_prod_nope' }],
    ['an unknown key', { Authorization: `Bearer pub_prod_${'A'.repeat(43)}` }],
    ['an unknown X-API-Key', { 'X-API-Key': `sdk_prod_${'B'.repeat(43)}` }],
    ['a cli_ token', 'cli'],
  ])('answers 401 Not authenticated for %s', async (_, headers) => {
    const h = headers === 'cli' ? s.user.auth : (headers as Record<string, string>);
    const res = await s.http().get('/api/v1/config').set(h).expect(401);
    expect(res.body).toEqual({ error: 'Not authenticated' });
    const stream = await s.http().get('/api/v1/config/stream').set(h).expect(401);
    expect(stream.body).toEqual({ error: 'Not authenticated' });
  });

  it('answers CORS preflights', async () => {
    const res = await s
      .http()
      .options('/api/v1/config')
      .set('Origin', 'https://app.example.com')
      .set('Access-Control-Request-Method', 'GET')
      .expect(204);
    expect(res.headers['access-control-allow-origin']).toBe('*');
    expect(res.headers['access-control-allow-headers']).toContain('Authorization');
  });

  it('streams the config, then every change within 1 s, as Server-Sent Events', async () => {
    const a = await s.newApp();
    await s.flag('production', { key: 'live', type: 'bool', value: false, clientEnabled: true }, a);
    await s.flag('production', { key: 'secret', type: 'string', value: 's', clientEnabled: false }, a);
    const pub = await s.key('production', 'pub', a);
    const stream = await SseClient.connect(`${await s.url()}/api/v1/config/stream`, pub.auth);
    try {
      expect(stream.status).toBe(200);
      expect(stream.headers['content-type']).toMatch(/^text\/event-stream/);
      const initial = await stream.next((e) => e.event === 'config', 1000);
      expect(JSON.parse(initial.data)).toEqual({ version: 2, flags: { live: false } });
      expect(initial.id).toBe('2');

      const seen = stream.events.length;
      await s.http().patch('/api/v1/flags').set(s.user.auth).send({ appId: a.id, env: 'production', key: 'live', value: true }).expect(200);
      const changed = await stream.next((e) => e.event === 'config', 1000, seen);
      expect(JSON.parse(changed.data)).toEqual({ version: 3, flags: { live: true } });

      // A change a pub key cannot see still moves the version.
      const seen2 = stream.events.length;
      await s
        .http()
        .patch('/api/v1/flags')
        .set(s.user.auth)
        .send({ appId: a.id, env: 'production', key: 'secret', value: 't' })
        .expect(200);
      expect(JSON.parse((await stream.next((e) => e.event === 'config', 1000, seen2)).data)).toEqual({ version: 4, flags: { live: true } });
    } finally {
      stream.close();
    }
  });

  it('accepts a pub key as ?key= on the stream (EventSource) but never an sdk key', async () => {
    const a = await s.newApp();
    const pub = await s.key('production', 'pub', a);
    const sdk = await s.key('production', 'sdk', a);
    const stream = await SseClient.connect(`${await s.url()}/api/v1/config/stream?key=${pub.key}`);
    try {
      expect(stream.status).toBe(200);
      await stream.next((e) => e.event === 'config', 1000);
    } finally {
      stream.close();
    }
    await s.http().get('/api/v1/config/stream').query({ key: sdk.key }).expect(401);
  });

  it("closes a revoked key's open streams", async () => {
    const a = await s.newApp();
    const key = await s.key('production', 'sdk', a);
    const stream = await SseClient.connect(`${await s.url()}/api/v1/config/stream`, key.auth);
    await stream.next((e) => e.event === 'config', 1000);
    await s.http().delete('/api/v1/keys').query({ keyId: key.id }).set(s.user.auth).expect(200);
    await stream.endedWithin(1000);
    expect(stream.events[stream.events.length - 1].event).toBe('revoked');
  });

  it('stops serving keys of a deleted app', async () => {
    const a = await s.newApp();
    const key = await s.key('production', 'sdk', a);
    await s.configFor(key).expect(200);
    await s.http().delete(`/api/v1/apps/${a.id}`).set(s.user.auth).expect(200);
    // The key row is gone with the app; the cached copy is dropped by revalidation within seconds.
    const keys = s.get((await import('@superflag/keys')).KeysService);
    await (keys as unknown as { revalidate: () => Promise<void> }).revalidate();
    await s.configFor(key).expect(401);
  });
});
