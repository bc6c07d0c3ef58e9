import { ConfigStreams, RuntimeAccess } from '@superflag/runtime';
import { connect, type Socket } from 'node:net';
import { TestAppRecord } from './support/factories';
import { metric, until } from './support/poll';
import { TestSession } from './support/session';
import { SseClient } from './support/sse';

/** Just under MAX_VALUE_BYTES: a few of these make a config event of a megabyte. */
const BIG = 60_000;
const big = (tag: string | number) => `${tag}:`.padEnd(BIG, 'x');

describe('runtime stream limits and slow consumers', () => {
  const s = TestSession.perSuite({ LIMIT_STREAMS_PER_KEY: '2', LIMIT_STREAMS: '4', SSE_MAX_BUFFER_BYTES: '1024' });
  let streams: ConfigStreams;
  const metrics = async () => (await s.http().get('/metrics').expect(200)).text;
  const streamUrl = async () => `${await s.url()}/api/v1/config/stream`;

  beforeAll(() => {
    streams = s.get(ConfigStreams);
  });
  afterEach(async () => {
    // Each test closes its streams; the next one starts from an empty replica.
    expect(
      await until(
        () => streams.size,
        (n) => n === 0,
        5_000,
        20,
      ),
    ).toBe(0);
  });

  it('refuses the stream past LIMIT_STREAMS_PER_KEY with 429 and past LIMIT_STREAMS with 503, before it starts, and frees slots however streams end', async () => {
    const app = await s.newApp();
    await s.flag('production', { key: 'on', type: 'bool', value: true }, app);
    const [k1, k2, k3] = [
      await s.key('production', 'sdk', app),
      await s.key('production', 'sdk', app),
      await s.key('production', 'sdk', app),
    ];
    const open: SseClient[] = [];
    try {
      for (const k of [k1, k1]) open.push(await SseClient.connect(await streamUrl(), k.auth));
      for (const client of open) await client.next((e) => e.event === 'config', 2000);

      const perKey = await s.http().get('/api/v1/config/stream').set(k1.auth).expect(429);
      expect(perKey.body).toEqual({ error: 'Stream limit reached for this key (2)' });
      expect(perKey.headers['content-type']).toMatch(/^application\/json/);
      expect(Number(perKey.headers['retry-after'])).toBeGreaterThanOrEqual(1);
      // A plain read with the same key is not a stream: unaffected.
      await s.configFor(k1).expect(200);

      for (const k of [k2, k2]) open.push(await SseClient.connect(await streamUrl(), k.auth));
      expect(open.map((client) => client.status)).toEqual([200, 200, 200, 200]);
      const full = await s.http().get('/api/v1/config/stream').set(k3.auth).expect(503);
      expect(full.body).toEqual({ error: 'Stream limit reached on this replica (4)' });
      expect(Number(full.headers['retry-after'])).toBeGreaterThanOrEqual(1);
      const m = await metrics();
      expect(metric(m, 'superflag_sse_connections')).toBe(4);
      expect(metric(m, 'superflag_sse_refused_total')).toBe(2);

      // The client leaves: its slot is free again.
      open[0].close();
      await until(
        () => streams.size,
        (n) => n === 3,
        5_000,
        20,
      );
      const again = await SseClient.connect(await streamUrl(), k1.auth);
      open.push(again);
      expect(again.status).toBe(200);
      // Full again: the replica's limit is checked first.
      await s.http().get('/api/v1/config/stream').set(k1.auth).expect(503);

      // Revoked: its streams end, their slots are free.
      await s.http().delete('/api/v1/keys').query({ keyId: k2.id }).set(s.user.auth).expect(200);
      await open[2].endedWithin(2000);
      await open[3].endedWithin(2000);
      await until(
        () => streams.size,
        (n) => n === 2,
        5_000,
        20,
      );
      const third = await SseClient.connect(await streamUrl(), k3.auth);
      open.push(third);
      expect(third.status).toBe(200);
      expect(streams.size).toBe(3);
    } finally {
      for (const client of open) client.close();
    }
  });

  it('closes with `revoked` a stream whose key is revoked after it was verified and before the stream registered', async () => {
    const app = await s.newApp();
    await s.flag('production', { key: 'on', type: 'bool', value: true }, app);
    const key = await s.key('production', 'sdk', app);
    const access = s.get(RuntimeAccess);
    const enter = access.enter.bind(access);
    // The hook: the key is verified (and quota counted, snapshot read), then revoked, then the stream registers.
    const spy = jest.spyOn(access, 'enter').mockImplementationOnce((request, reply, options) =>
      Promise.resolve(enter(request, reply, options)).then(async (call) => {
        await s.http().delete('/api/v1/keys').query({ keyId: key.id }).set(s.user.auth).expect(200);
        return call;
      }),
    );
    const stream = await SseClient.connect(await streamUrl(), key.auth);
    try {
      expect(spy).toHaveBeenCalledTimes(1);
      expect(stream.status).toBe(200);
      await stream.next((e) => e.event === 'revoked', 2000);
      await stream.endedWithin(2000);
      expect(stream.events.map((e) => e.event)).toEqual(['revoked']);
      await s.http().get('/api/v1/config/stream').set(key.auth).expect(401);
    } finally {
      spy.mockRestore();
      stream.close();
    }
  });

  it('drops a consumer that does not read once SSE_MAX_BUFFER_BYTES are waiting for it, while a reading one keeps every change', async () => {
    const app = await s.newApp();
    // Sixteen values of 60 kB: each config event is about a megabyte.
    for (let i = 0; i < 16; i++) await s.flag('production', { key: `big-${i}`, type: 'string', value: big(i) }, app);
    const key = await s.key('production', 'sdk', app);
    const fast = await SseClient.connect(await streamUrl(), key.auth);
    const { port } = new URL(await s.url());
    const raw: Socket = connect(Number(port), '127.0.0.1');
    try {
      await new Promise<void>((resolve, reject) => raw.once('connect', resolve).once('error', reject));
      // Never reads: what the server writes piles up in the kernel's buffers, then in the response's.
      raw.pause();
      raw.write(
        `GET /api/v1/config/stream HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: ${key.auth.Authorization}\r\nAccept: text/event-stream\r\n\r\n`,
      );
      await fast.next((e) => e.event === 'config', 5000);
      expect(
        await until(
          () => streams.size,
          (n) => n === 2,
          5_000,
          20,
        ),
      ).toBe(2);

      const deadline = Date.now() + 40_000;
      let version = 16;
      while (streams.dropped === 0 && Date.now() < deadline) {
        const res = await s
          .http()
          .patch('/api/v1/flags')
          .set(s.user.auth)
          .send({ appId: app.id, env: 'production', key: 'big-0', value: big(`v${version}`) })
          .expect(200);
        version = res.body.data.version;
        // The reading client gets every version before the next change: it is never behind.
        await fast.next((e) => e.event === 'config' && e.id === String(version), 10_000);
      }
      expect(streams.dropped).toBe(1);
      expect(
        await until(
          () => streams.size,
          (n) => n === 1,
          5_000,
          20,
        ),
      ).toBe(1);
      const m = await metrics();
      expect(metric(m, 'superflag_sse_dropped_total')).toBe(1);
      expect(metric(m, 'superflag_sse_connections')).toBe(1);

      // The reader is still served, with the full config.
      expect(fast.ended).toBe(false);
      const res = await s
        .http()
        .patch('/api/v1/flags')
        .set(s.user.auth)
        .send({ appId: app.id, env: 'production', key: 'big-1', value: 'small' })
        .expect(200);
      const last = await fast.next((e) => e.event === 'config' && e.id === String(res.body.data.version), 10_000);
      const flags = JSON.parse(last.data).flags;
      expect(Object.keys(flags)).toHaveLength(16);
      expect(flags['big-0']).toBe(big(`v${version - 1}`));
      expect(flags['big-1']).toBe('small');
    } finally {
      raw.destroy();
      fast.close();
    }
  }, 60_000);
});

describe('runtime snapshot cache within CACHE_MEMORY_MB', () => {
  const s = TestSession.perSuite({ CACHE_MEMORY_MB: '1' });
  const metrics = async () => (await s.http().get('/metrics').expect(200)).text;

  it('evicts the least recently read environments past the budget, keeps reads correct, and never evicts one with open streams', async () => {
    const apps: TestAppRecord[] = [await s.newApp(), await s.newApp()];
    // Four environments of about 0.5 MB each (estimated): two fit in 1 MiB.
    const envs: Array<{ name: string; key: { auth: { Authorization: string } } }> = [];
    for (const app of apps) {
      for (const env of ['production', 'staging']) {
        const name = `${app.name}/${env}`;
        await s.flag(env, { key: 'a', type: 'string', value: big(`${name}:a`) }, app);
        await s.flag(env, { key: 'b', type: 'string', value: big(`${name}:b`) }, app);
        envs.push({ name, key: await s.key(env, 'sdk', app) });
      }
    }
    const read = async (i: number) => {
      const res = await s.configFor(envs[i].key).expect(200);
      expect(res.body.data).toEqual({ version: 2, flags: { a: big(`${envs[i].name}:a`), b: big(`${envs[i].name}:b`) } });
    };

    for (let round = 0; round < 2; round++) for (let i = 0; i < envs.length; i++) await read(i);
    let m = await metrics();
    expect(metric(m, 'superflag_config_cache_evictions_total')).toBeGreaterThanOrEqual(6);
    expect(metric(m, 'superflag_config_cache_bytes')).toBeGreaterThan(0);
    expect(metric(m, 'superflag_config_cache_bytes')).toBeLessThanOrEqual(1024 * 1024);
    expect(metric(m, 'superflag_config_cache_environments')).toBeLessThanOrEqual(2);

    // A stream on environment 0 keeps it cached however long since it was read, and changes still reach it.
    const stream = await SseClient.connect(`${await s.url()}/api/v1/config/stream`, envs[0].key.auth);
    try {
      await stream.next((e) => e.event === 'config', 2000);
      for (let i = 1; i < envs.length; i++) await read(i);
      const misses = metric(await metrics(), 'superflag_config_cache_misses_total');
      await read(0);
      m = await metrics();
      expect(metric(m, 'superflag_config_cache_misses_total')).toBe(misses);
      expect(metric(m, 'superflag_config_cache_environments')).toBe(2);

      const seen = stream.events.length;
      await s
        .http()
        .patch('/api/v1/flags')
        .set(s.user.auth)
        .send({ appId: apps[0].id, env: 'production', key: 'a', value: 'changed' })
        .expect(200);
      const pushed = await stream.next((e) => e.event === 'config', 2000, seen);
      expect(JSON.parse(pushed.data).flags.a).toBe('changed');
    } finally {
      stream.close();
    }
  });
});
