import { OFREPProvider } from '@openfeature/ofrep-provider';
import { OpenFeature } from '@openfeature/server-sdk';
import { Clock, hashSecret } from '@superflag/core';
import { streamToken } from '../libs/runtime/src/ofrep-stream-tokens';
import { replicasPerSuite, sharedServices, startApp, type TestApp } from './support/app';
import { aFlag, aKey, anApp, aUser } from './support/factories';
import { SseClient, type SseEvent } from './support/sse';
import { TestSession } from './support/session';

describe('OpenFeature Remote Evaluation Protocol (OFREP)', () => {
  const s = TestSession.perSuite({ QUOTA_FREE: '100000' });
  let sdk: { key: string; auth: { Authorization: string } };
  let pub: { key: string; auth: { Authorization: string } };
  beforeAll(async () => {
    await s.flag('production', { key: 'dark-mode', type: 'bool', value: false, clientEnabled: true });
    await s.flag('production', { key: 'greeting', type: 'string', value: 'hello', clientEnabled: false });
    await s.flag('production', { key: 'limit', type: 'number', value: 10, clientEnabled: true });
    await s.flag('production', { key: 'theme', type: 'json', value: { colour: 'blue' }, clientEnabled: true });
    await s
      .http()
      .patch(`/api/apps/${s.appId}/flags/specific-targets/${s.envs.production}`)
      .set(s.user.auth)
      .send({ updates: [{ flagKey: 'dark-mode', value: true, userId: 'u-dark' }] })
      .expect(200);
    sdk = await s.key('production', 'sdk');
    pub = await s.key('production', 'pub');
  });

  it('evaluates one flag with the OFREP success shape', async () => {
    const res = await s
      .http()
      .post('/ofrep/v1/evaluate/flags/dark-mode')
      .set(sdk.auth)
      .send({ context: { targetingKey: 'u-dark' } })
      .expect(200);
    expect(res.headers['content-type']).toMatch(/^application\/json/);
    expect(res.body).toEqual({ key: 'dark-mode', value: true, reason: 'TARGETING_MATCH', variant: 'user-target', metadata: {} });
    const plain = await s
      .http()
      .post('/ofrep/v1/evaluate/flags/limit')
      .set(sdk.auth)
      .send({ context: { targetingKey: 'anyone' } })
      .expect(200);
    expect(plain.body).toEqual({ key: 'limit', value: 10, reason: 'STATIC', variant: 'default', metadata: {} });
  });

  it('answers each error in its OFREP shape', async () => {
    const missing = await s.http().post('/ofrep/v1/evaluate/flags/nope').set(sdk.auth).send({ context: {} }).expect(404);
    expect(missing.body).toMatchObject({ key: 'nope', errorCode: 'FLAG_NOT_FOUND', errorDetails: 'flag nope does not exist' });
    const hidden = await s.http().post('/ofrep/v1/evaluate/flags/greeting').set(pub.auth).send({ context: {} }).expect(404);
    expect(hidden.body).toMatchObject({ key: 'greeting', errorCode: 'FLAG_NOT_FOUND' });
    const invalid = await s
      .http()
      .post('/ofrep/v1/evaluate/flags/limit')
      .set(sdk.auth)
      .send({ context: { targetingKey: { nested: 1 } } })
      .expect(400);
    expect(invalid.body).toMatchObject({ key: 'limit', errorCode: 'INVALID_CONTEXT' });
    const invalidBulk = await s.http().post('/ofrep/v1/evaluate/flags').set(sdk.auth).send({ context: 'user-1' }).expect(400);
    expect(invalidBulk.body).toMatchObject({ errorCode: 'INVALID_CONTEXT', errorDetails: 'context must be an object' });
    await s.http().post('/ofrep/v1/evaluate/flags/limit').send({ context: {} }).expect(401);
    await s.http().post('/ofrep/v1/evaluate/flags').set(s.user.auth).send({ context: {} }).expect(401);
  });

  it('answers 429 with Retry-After when the monthly quota is spent', async () => {
    const small = await TestSession.start({ QUOTA_FREE: '3' });
    try {
      const key = await small.key('production', 'sdk'); // 1
      await small.http().post('/ofrep/v1/evaluate/flags').set(key.auth).send({ context: {} }).expect(200); // 2
      await small.http().post('/ofrep/v1/evaluate/flags').set(key.auth).send({ context: {} }).expect(200); // 3
      const res = await small.http().post('/ofrep/v1/evaluate/flags/x').set(key.auth).send({ context: {} }).expect(429);
      expect(Number(res.headers['retry-after'])).toBeGreaterThan(0);
    } finally {
      await small.close();
    }
  });

  it('evaluates in bulk with an ETag and answers 304 for the same flags and context', async () => {
    const res = await s
      .http()
      .post('/ofrep/v1/evaluate/flags')
      .set(pub.auth)
      .send({ context: { targetingKey: 'u-dark' } })
      .expect(200);
    expect(res.body).toEqual({
      flags: [
        { key: 'dark-mode', value: true, reason: 'TARGETING_MATCH', variant: 'user-target', metadata: {} },
        { key: 'limit', value: 10, reason: 'STATIC', variant: 'default', metadata: {} },
        { key: 'theme', value: { colour: 'blue' }, reason: 'STATIC', variant: 'default', metadata: {} },
      ],
      eventStreams: [{ type: 'sse', endpoint: { requestUri: `/ofrep/v1/stream?key=${pub.key}` }, inactivityDelaySec: 120 }],
    });
    const etag = res.headers.etag;
    expect(etag).toMatch(/^"\d+-pub-/);
    const same = await s
      .http()
      .post('/ofrep/v1/evaluate/flags')
      .set(pub.auth)
      .set('If-None-Match', etag)
      .send({ context: { targetingKey: 'u-dark' } })
      .expect(304);
    expect(same.text).toBe('');
    const otherContext = await s
      .http()
      .post('/ofrep/v1/evaluate/flags')
      .set(pub.auth)
      .set('If-None-Match', etag)
      .send({ context: { targetingKey: 'someone' } })
      .expect(200);
    expect(otherContext.body.flags[0]).toMatchObject({ key: 'dark-mode', value: false });
  });

  it('works with the real OpenFeature server SDK and OFREP provider, and sees a change after an update', async () => {
    const provider = new OFREPProvider({ baseUrl: await s.url(), headers: [['Authorization', `Bearer ${sdk.key}`]] });
    await OpenFeature.setProviderAndWait(provider);
    const client = OpenFeature.getClient();
    try {
      expect(await client.getBooleanValue('dark-mode', false, { targetingKey: 'u-dark' })).toBe(true);
      const details = await client.getBooleanDetails('dark-mode', true, { targetingKey: 'someone-else' });
      expect(details).toMatchObject({ value: false, reason: 'DEFAULT' });
      expect(await client.getStringValue('greeting', 'fallback', { targetingKey: 'x' })).toBe('hello');
      expect(await client.getNumberValue('limit', 0, { targetingKey: 'x' })).toBe(10);
      expect(await client.getObjectValue('theme', {}, { targetingKey: 'x' })).toEqual({ colour: 'blue' });
      const missing = await client.getStringDetails('does-not-exist', 'fallback', { targetingKey: 'x' });
      expect(missing).toMatchObject({ value: 'fallback', errorCode: 'FLAG_NOT_FOUND' });

      await s
        .http()
        .patch('/api/v1/flags')
        .set(s.user.auth)
        .send({ appId: s.appId, env: 'production', key: 'greeting', value: 'bonjour' })
        .expect(200);
      expect(await client.getStringValue('greeting', 'fallback', { targetingKey: 'x' })).toBe('bonjour');
    } finally {
      await OpenFeature.close();
    }
  });
});

const BULK = '/ofrep/v1/evaluate/flags';
const isRefetch = (e: SseEvent) => e.event === 'message' && JSON.parse(e.data).type === 'refetchEvaluation';

describe('OFREP for browsers: CORS, event streams (ADR-0008), flagConfigEtag', () => {
  const s = TestSession.perSuite({ QUOTA_FREE: '100000' });
  let sdk: { id: string; key: string; auth: { Authorization: string } };
  let pub: { id: string; key: string; auth: { Authorization: string } };
  let base: string;
  const streams: SseClient[] = [];
  const connect = async (path: string, headers: Record<string, string> = {}) => {
    const stream = await SseClient.connect(`${base}${path}`, headers);
    streams.push(stream);
    return stream;
  };
  const patch = (key: string, value: unknown) =>
    s.http().patch('/api/v1/flags').set(s.user.auth).send({ appId: s.appId, env: 'production', key, value }).expect(200);
  beforeAll(async () => {
    await s.flag('production', { key: 'banner', type: 'bool', value: false, clientEnabled: true });
    await s.flag('production', { key: 'server-only', type: 'string', value: 'a', clientEnabled: false });
    sdk = await s.key('production', 'sdk');
    pub = await s.key('production', 'pub');
    base = await s.url();
  });
  afterAll(() => streams.forEach((stream) => stream.close()));

  it('answers the CORS preflight of every OFREP route with 204', async () => {
    for (const path of [BULK, `${BULK}/banner`, '/ofrep/v1/stream']) {
      const res = await s
        .http()
        .options(path)
        .set('Origin', 'https://app.example.com')
        .set('Access-Control-Request-Method', 'POST')
        .set('Access-Control-Request-Headers', 'authorization, content-type, if-none-match')
        .expect(204);
      expect({ path, headers: res.headers }).toEqual({
        path,
        headers: expect.objectContaining({
          'access-control-allow-origin': '*',
          'access-control-allow-methods': 'GET, POST, OPTIONS',
          'access-control-allow-headers': expect.stringContaining('Authorization, X-API-Key, If-None-Match, Content-Type'),
          'access-control-max-age': '86400',
        }),
      });
    }
  });

  it('grants any origin to pub_ keys and exposes the ETag; sdk_ keys get no grant; a 401 carries it so pages see it', async () => {
    const browser = await s.http().post(BULK).set(pub.auth).set('Origin', 'https://app.example.com').send({ context: {} }).expect(200);
    expect(browser.headers['access-control-allow-origin']).toBe('*');
    expect(browser.headers['access-control-expose-headers']).toMatch(/\bETag\b/);
    const one = await s.http().post(`${BULK}/banner`).set(pub.auth).send({ context: {} }).expect(200);
    expect(one.headers['access-control-allow-origin']).toBe('*');
    for (const path of [BULK, `${BULK}/banner`]) {
      const server = await s.http().post(path).set(sdk.auth).send({ context: {} }).expect(200);
      expect({ path, cors: server.headers['access-control-allow-origin'] }).toEqual({ path, cors: undefined });
    }
    const refused = await s.http().post(BULK).set('Authorization', 'Bearer pub_prod_nope').send({ context: {} }).expect(401);
    expect(refused.headers['access-control-allow-origin']).toBe('*');
  });

  it('answers 304 after a change this key cannot see, 200 once its answer changes', async () => {
    const first = await s
      .http()
      .post(BULK)
      .set(pub.auth)
      .send({ context: { targetingKey: 'u1' } })
      .expect(200);
    const [, version] = /^"(\d+)-pub-/.exec(first.headers.etag)!;
    await patch('server-only', 'b');
    const unchanged = await s
      .http()
      .post(BULK)
      .set(pub.auth)
      .set('If-None-Match', first.headers.etag)
      .send({ context: { targetingKey: 'u1' } })
      .expect(304);
    // The version in front moved on; the answer (what the tag's digest names) did not.
    expect(unchanged.headers.etag).toBe(first.headers.etag.replace(`"${version}-`, `"${Number(version) + 1}-`));
    // The sdk_ key sees that flag: its answer changed.
    const server = await s
      .http()
      .post(BULK)
      .set(sdk.auth)
      .send({ context: { targetingKey: 'u1' } })
      .expect(200);
    await patch('server-only', 'c');
    await s
      .http()
      .post(BULK)
      .set(sdk.auth)
      .set('If-None-Match', server.headers.etag)
      .send({ context: { targetingKey: 'u1' } })
      .expect(200);
    await patch('banner', true);
    const changed = await s
      .http()
      .post(BULK)
      .set(pub.auth)
      .set('If-None-Match', first.headers.etag)
      .send({ context: { targetingKey: 'u1' } })
      .expect(200);
    expect(changed.body.flags).toEqual([expect.objectContaining({ key: 'banner', value: true })]);
    await patch('banner', false);
  });

  it("pushes refetchEvaluation on a pub_ key's stream (key in the query, as EventSource must), and the re-fetch it prompts is fresh", async () => {
    const before = await s.http().post(BULK).set(pub.auth).send({ context: {} }).expect(200);
    const uri = before.body.eventStreams[0].endpoint.requestUri as string;
    const stream = await connect(uri, { Origin: 'https://app.example.com' });
    expect(stream.status).toBe(200);
    expect(stream.headers['content-type']).toMatch(/^text\/event-stream/);
    expect(stream.headers['access-control-allow-origin']).toBe('*');
    // Opening a stream counts against the monthly quota, like GET /api/v1/config/stream.
    expect(Number(stream.headers['x-ratelimit-remaining'])).toBeLessThan(Number(before.headers['x-ratelimit-remaining']));

    const sent = Date.now();
    const { version } = (await patch('banner', true)).body.data;
    const event = await stream.next(isRefetch, 1000);
    expect(Date.now() - sent).toBeLessThan(1000);
    expect(event.id).toBe(String(version));
    const { etag } = JSON.parse(event.data);
    expect(etag).toMatch(new RegExp(`^"${version}-pub-[\\w-]+"$`));
    expect(JSON.parse(event.data)).toEqual({ type: 'refetchEvaluation', etag });

    const refetched = await s
      .http()
      .post(BULK)
      .query({ flagConfigEtag: etag })
      .set(pub.auth)
      .set('If-None-Match', before.headers.etag)
      .send({ context: {} })
      .expect(200);
    expect(refetched.body.flags).toEqual([expect.objectContaining({ key: 'banner', value: true })]);
    // Nothing changed since: the same re-fetch is 304.
    await s
      .http()
      .post(BULK)
      .query({ flagConfigEtag: etag })
      .set(pub.auth)
      .set('If-None-Match', refetched.headers.etag)
      .send({ context: {} })
      .expect(304);
    // A change of a flag it cannot see is announced too (its re-fetch is then 304).
    const hidden = (await patch('server-only', 'd')).body.data.version;
    expect((await stream.next((e) => isRefetch(e) && e.id === String(hidden), 1000)).id).toBe(String(hidden));
  });

  it('tells a client reconnecting with an older Last-Event-ID to re-fetch at once, and one that is current nothing', async () => {
    const current = (await s.configFor(pub).expect(200)).body.data.version as number;
    const behind = await connect(`/ofrep/v1/stream?key=${pub.key}`, { 'Last-Event-ID': String(current - 1) });
    const missed = await behind.next(isRefetch, 1000);
    expect(missed.id).toBe(String(current));
    const upToDate = await connect(`/ofrep/v1/stream?key=${pub.key}`, { 'Last-Event-ID': String(current) });
    const { version } = (await patch('banner', false)).body.data;
    // Its first event is the change's: nothing was owed on connecting.
    expect((await upToDate.next(isRefetch, 1000)).id).toBe(String(version));
  });

  it('authenticates sdk_ streams with a token the bulk answer mints, never with the secret in the URL', async () => {
    const bulk = await s.http().post(BULK).set(sdk.auth).send({ context: {} }).expect(200);
    const uri = bulk.body.eventStreams[0].endpoint.requestUri as string;
    expect(uri).toMatch(/^\/ofrep\/v1\/stream\?token=key_\w{16}\.\d{10}\.[\w-]{43}$/);
    expect(uri).not.toContain(sdk.key);
    // The same token all window long: the answer, and its ETag, stay the same.
    expect((await s.http().post(BULK).set(sdk.auth).send({ context: {} }).expect(200)).body.eventStreams[0].endpoint.requestUri).toBe(uri);

    const stream = await connect(uri);
    expect(stream.status).toBe(200);
    expect(stream.headers['access-control-allow-origin']).toBeUndefined();
    const { version } = (await patch('server-only', 'e')).body.data;
    expect((await stream.next(isRefetch, 1000)).id).toBe(String(version));

    const token = new URL(uri, base).searchParams.get('token')!;
    const [keyId, expiry] = token.split('.');
    const refused = async (path: string) => {
      const res = await fetch(`${base}${path}`, { headers: { accept: 'text/event-stream' } });
      return { path, status: res.status, body: await res.json() };
    };
    for (const path of [
      `/ofrep/v1/stream?key=${sdk.key}`,
      `/ofrep/v1/stream?token=${keyId}.${expiry}.${'A'.repeat(43)}`,
      `/ofrep/v1/stream?token=${keyId}.${Number(expiry) + 3600}.${token.split('.')[2]}`,
      `/ofrep/v1/stream?token=${streamToken(keyId, hashSecret(sdk.key), Math.floor(Date.now() / 1000) - 1)}`,
      `/ofrep/v1/stream?token=${streamToken(pub.id, hashSecret(pub.key), Number(expiry))}`,
      '/ofrep/v1/stream?token=garbage',
    ]) {
      expect(await refused(path)).toEqual({ path, status: 401, body: { error: 'Not authenticated' } });
    }
    // Well-formed and signed: accepted (the expiry in the past above is the only thing that differs).
    const signed = await connect(`/ofrep/v1/stream?token=${streamToken(keyId, hashSecret(sdk.key), Number(expiry))}`);
    expect(signed.status).toBe(200);
    signed.close();
  });

  it('mints a new token each window: an expired one is 401, and the next bulk answer (a new ETag, not 304) brings a fresh one', async () => {
    const first = await s.http().post(BULK).set(sdk.auth).send({ context: {} }).expect(200);
    const expired = first.body.eventStreams[0].endpoint.requestUri as string;
    // Two windows on: every token minted before has expired.
    const later = jest.spyOn(s.get(Clock), 'now').mockReturnValue(new Date(Date.now() + 2 * 3600_000 + 1000));
    try {
      expect((await fetch(`${base}${expired}`)).status).toBe(401);
      const next = await s.http().post(BULK).set(sdk.auth).set('If-None-Match', first.headers.etag).send({ context: {} }).expect(200);
      expect(next.headers.etag).not.toBe(first.headers.etag);
      const fresh = next.body.eventStreams[0].endpoint.requestUri as string;
      expect(fresh).not.toBe(expired);
      const stream = await connect(fresh);
      expect(stream.status).toBe(200);
    } finally {
      later.mockRestore();
    }
  });

  it("ends a revoked key's OFREP streams with a re-fetch (answered 401) and refuses its token from then on", async () => {
    const key = await s.key('production', 'sdk');
    const uri = (await s.http().post(BULK).set(key.auth).send({ context: {} }).expect(200)).body.eventStreams[0].endpoint.requestUri;
    const stream = await connect(uri);
    expect(stream.status).toBe(200);
    await s.http().delete('/api/v1/keys').query({ keyId: key.id }).set(s.user.auth).expect(200);
    await stream.endedWithin(1000);
    expect(stream.events.map((e) => e.event)).toEqual(['message', 'revoked']);
    expect(JSON.parse(stream.events[0].data)).toEqual({ type: 'refetchEvaluation' });
    await s.http().post(BULK).set(key.auth).send({ context: {} }).expect(401);
    const again = await fetch(`${base}${uri}`);
    expect(again.status).toBe(401);
  });
});

describe('OFREP streams: quota, limits, shutdown', () => {
  it('counts each stream against the monthly quota, applies the per-key limit, and says reconnect on shutdown', async () => {
    const small = await TestSession.start({ QUOTA_FREE: '4', LIMIT_STREAMS_PER_KEY: '1' });
    let stream: SseClient | undefined;
    try {
      const key = await small.key('production', 'pub'); // 1
      const path = `${await small.url()}/ofrep/v1/stream?key=${key.key}`;
      stream = await SseClient.connect(path); // 2
      expect(stream.status).toBe(200);
      const second = await fetch(path); // 3: counted, then refused by the per-key limit
      expect(second.status).toBe(429);
      expect(Number(second.headers.get('retry-after'))).toBeGreaterThan(0);
      expect(second.headers.get('access-control-allow-origin')).toBe('*');
      await small.http().post(BULK).set(key.auth).send({ context: {} }).expect(200); // 4
      const spent = await fetch(path);
      expect(spent.status).toBe(429);
      expect(await spent.json()).toMatchObject({ error: expect.stringMatching(/quota/i) });
    } finally {
      await small.close();
    }
    await stream!.endedWithin(5000);
    expect(stream!.events.map((e) => e.event)).toEqual(['reconnect']);
  });
});

describe('OFREP flagConfigEtag across replicas', () => {
  it("makes a replica that has not heard of a change answer at least the version the client's stream announced", async () => {
    // No Redis: the replicas share PostgreSQL but no bus, so B hears of A's writes only by revalidation (every 5 s).
    const solo = { DATABASE_URL: sharedServices().DATABASE_URL, REDIS_URL: '' };
    const [a, b] = await Promise.all([startApp(solo), startApp(solo)]);
    let stream: SseClient | undefined;
    try {
      const user = await aUser(a);
      const app = await anApp(a, user);
      await aFlag(a, user, app, 'production', { key: 'f', type: 'number', value: 0, clientEnabled: true });
      const key = await aKey(a, user, app, 'production', 'pub');
      const read = (replica: TestApp, flagConfigEtag?: string) =>
        replica
          .http()
          .post(BULK)
          .query(flagConfigEtag ? { flagConfigEtag } : {})
          .set(key.auth)
          .send({ context: {} })
          .expect(200)
          .then((r) => r.body.flags[0].value as number);
      expect(await read(b)).toBe(0);
      stream = await SseClient.connect(`${await a.url()}/ofrep/v1/stream?key=${key.key}`);
      // B's revalidation may land between the write and the read below: then try again with the next write.
      let stale = false;
      for (let value = 1; value <= 3 && !stale; value++) {
        const from = stream.events.length;
        await a.http().patch('/api/v1/flags').set(user.auth).send({ appId: app.id, env: 'production', key: 'f', value }).expect(200);
        const { etag } = JSON.parse((await stream.next(isRefetch, 1000, from)).data);
        stale = (await read(b)) === value - 1;
        if (stale) expect(await read(b, etag)).toBe(value);
      }
      expect(stale).toBe(true);
      // A made-up version is no reason to reload on every read: B answers what it has.
      expect(await read(b, '"999999-pub-x"')).toBeGreaterThan(0);
    } finally {
      stream?.close();
      await Promise.all([a.close(), b.close()]);
    }
  });
});

describe('OFREP event streams across replicas (one PostgreSQL, one Redis)', () => {
  const [a, b] = replicasPerSuite();

  it('announces on a stream held by B a change written through A, within 1 s, and B answers the re-fetch fresh', async () => {
    const user = await aUser(a);
    const app = await anApp(a, user);
    await aFlag(a, user, app, 'production', { key: 'f', type: 'string', value: 'one', clientEnabled: true });
    const key = await aKey(a, user, app, 'production', 'sdk');
    const bulk = await b.http().post(BULK).set(key.auth).send({ context: {} }).expect(200);
    // The token minted by B works on A too: every replica can check it.
    const onA = await SseClient.connect(`${await a.url()}${bulk.body.eventStreams[0].endpoint.requestUri}`);
    const stream = await SseClient.connect(`${await b.url()}${bulk.body.eventStreams[0].endpoint.requestUri}`);
    try {
      expect([onA.status, stream.status]).toEqual([200, 200]);
      const sent = Date.now();
      await a.http().patch('/api/v1/flags').set(user.auth).send({ appId: app.id, env: 'production', key: 'f', value: 'two' }).expect(200);
      const { etag } = JSON.parse((await stream.next(isRefetch, 1000)).data);
      expect(Date.now() - sent).toBeLessThan(1000);
      const refetched = await b
        .http()
        .post(BULK)
        .query({ flagConfigEtag: etag })
        .set(key.auth)
        .set('If-None-Match', bulk.headers.etag)
        .send({ context: {} })
        .expect(200);
      expect(refetched.body.flags).toEqual([expect.objectContaining({ key: 'f', value: 'two' })]);
    } finally {
      onA.close();
      stream.close();
    }
  });
});
