import { Logger } from '@nestjs/common';
import { ThrottlerStorageService } from '@nestjs/throttler';
import {
  CLUSTER_BUS,
  type ClusterBus,
  type ClusterEvent,
  closeRedis,
  openRedis,
  REDIS,
  type RedisClient,
  RedisClusterBus,
  RedisThrottlerStorage,
} from '@superflag/core';
import { RedisQuotaStore } from '@superflag/quotas';
import { sharedServices, startApp, TestApp } from './support/app';
import { aFlag, aKey, anApp, aUser, type TestAppRecord, type TestUser } from './support/factories';
import { freePort, RedisServer } from './support/redis-server';
import { TcpProxy } from './support/tcp-proxy';

/** Polls `check` until it holds; fails with `what` after `ms`. */
async function waitFor(what: string, check: () => boolean | Promise<boolean>, ms: number): Promise<number> {
  const started = Date.now();
  while (!(await check())) {
    if (Date.now() - started > ms) throw new Error(`timed out after ${ms} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
  return Date.now() - started;
}

async function elapsed<T>(work: () => Promise<T>): Promise<[T, number]> {
  const started = Date.now();
  const result = await work();
  return [result, Date.now() - started];
}

/** Every cluster event a replica's bus delivered to its handlers. */
function recordEvents(t: TestApp): ClusterEvent[] {
  const events: ClusterEvent[] = [];
  t.app.get<symbol, ClusterBus>(CLUSTER_BUS).subscribe((e) => events.push(e));
  return events;
}

const redisOf = (t: TestApp) => t.app.get<symbol, RedisClient>(REDIS);
/** Connected both ways: publishing (the client) and hearing the others (the bus's subscription). */
const connected = (t: TestApp) => redisOf(t).isReady && t.app.get<symbol, RedisClusterBus>(CLUSTER_BUS).subscribed;
const redisWarnings = (warn: jest.SpyInstance) => warn.mock.calls.map(([m]) => String(m)).filter((m) => /redis/i.test(m));

interface Scene {
  user: TestUser;
  app: TestAppRecord;
  key: { id: string; auth: { Authorization: string } };
  value: number;
}

async function aScene(t: TestApp): Promise<Scene> {
  const user = await aUser(t);
  const app = await anApp(t, user);
  await aFlag(t, user, app, 'production', { key: 'rollout', type: 'number', value: 0 });
  const key = await aKey(t, user, app, 'production', 'sdk');
  return { user, app, key, value: 0 };
}

/**
 * A flag change written through `from` reaches `to` through pub/sub: `to`'s bus delivers the event and its
 * config endpoint serves the new version, both within 1 s (revalidation alone takes up to 5 s). Returns the
 * time until `to` served it.
 */
async function changeReaches(from: TestApp, to: TestApp, toEvents: ClusterEvent[], scene: Scene): Promise<number> {
  const before = (await to.http().get('/api/v1/config').set(scene.key.auth).expect(200)).body.data.version as number;
  const seen = toEvents.length;
  scene.value++;
  const started = Date.now();
  await from
    .http()
    .patch('/api/v1/flags')
    .set(scene.user.auth)
    .send({ appId: scene.app.id, env: 'production', key: 'rollout', value: scene.value })
    .expect(200);
  let served = await to.http().get('/api/v1/config').set(scene.key.auth).expect(200);
  while (served.body.data.version === before && Date.now() - started < 1000)
    served = await to.http().get('/api/v1/config').set(scene.key.auth).expect(200);
  const took = Date.now() - started;
  expect(served.body.data).toEqual({ version: before + 1, flags: { rollout: scene.value } });
  expect(took).toBeLessThan(1000);
  expect(toEvents.slice(seen).some((e) => e.type === 'flags-changed' && e.version === before + 1)).toBe(true);
  return took;
}

describe('Redis unreachable: every user fails fast', () => {
  it('rate limits count locally, quota store calls and bus publishes answer at once on a client whose connection hangs', async () => {
    // Connections accepted and never answered: without failing fast, callers would wait for the socket timeout.
    const proxy = await TcpProxy.start({ host: '127.0.0.1', port: await freePort() });
    await proxy.cut('blackhole');
    const warn = jest.spyOn(Logger.prototype, 'warn');
    const [redis, took] = await elapsed(() => openRedis(`redis://:secret@127.0.0.1:${proxy.port}`));
    try {
      expect(took).toBeLessThan(4000);
      expect(redis.isReady).toBe(false);
      expect(redisWarnings(warn)).toEqual([
        expect.stringMatching(/^Redis at redis:\/\/127\.0\.0\.1:\d+ unavailable \(no answer within 2\.5 s\): starting degraded/),
      ]);
      expect(redisWarnings(warn)[0]).not.toContain('secret');

      const limiter = new RedisThrottlerStorage(redis, new ThrottlerStorageService());
      const quotas = new RedisQuotaStore(redis);
      const bus = new RedisClusterBus(redis);
      await bus.start();
      const heard: ClusterEvent[] = [];
      bus.subscribe((e) => heard.push(e));
      const started = Date.now();
      expect(await limiter.increment('ip:1', 60_000, 1, 0, 'test')).toMatchObject({ totalHits: 1, isBlocked: false });
      expect(await limiter.increment('ip:1', 60_000, 1, 0, 'test')).toMatchObject({ totalHits: 2, isBlocked: true });
      await expect(quotas.reserve('env_x:2026-12', 1, new Date(Date.now() + 60_000), false)).rejects.toThrow('offline');
      await expect(quotas.get(['sf:quota:env_x:2026-12'])).rejects.toThrow('offline');
      await expect(quotas.unregister()).rejects.toThrow('offline');
      await bus.publish({ type: 'plan-changed', appId: 'a' }, { confirm: true });
      expect(Date.now() - started).toBeLessThan(500);
      expect(heard).toEqual([{ type: 'plan-changed', appId: 'a' }]);
      await bus.close();
      // No line per failed attempt or per failed command.
      expect(redisWarnings(warn)).toHaveLength(1);
    } finally {
      await closeRedis(redis);
      await proxy.close();
      warn.mockRestore();
    }
  });
});

describe('Redis down at boot', () => {
  let port: number;
  let redis: RedisServer | undefined;
  let a: TestApp | undefined;
  let b: TestApp | undefined;
  beforeAll(async () => {
    port = await freePort();
  });
  afterAll(async () => {
    await Promise.all([a?.close(), b?.close()]);
    await redis?.stop();
  });

  it('starts degraded at once with one warning, serves reads and writes, then connects and fans out across replicas within 1 s', async () => {
    const warn = jest.spyOn(Logger.prototype, 'warn');
    const log = jest.spyOn(Logger.prototype, 'log');
    const services = { DATABASE_URL: sharedServices().DATABASE_URL, REDIS_URL: `redis://127.0.0.1:${port}` };
    const [app, bootTook] = await elapsed(() => startApp(services));
    a = app;
    expect(bootTook).toBeLessThan(10_000);
    await a.http().get('/health/live').expect(200);
    expect(redisWarnings(warn)).toEqual([
      expect.stringMatching(
        /^Redis at redis:\/\/127\.0\.0\.1:\d+ unavailable \(ECONNREFUSED\): starting degraded — .*retrying in the background$/,
      ),
    ]);

    // Reads and writes while degraded: changes are seen at once on this replica.
    const scene = await aScene(a);
    await a
      .http()
      .patch('/api/v1/flags')
      .set(scene.user.auth)
      .send({ appId: scene.app.id, env: 'production', key: 'rollout', value: 7 })
      .expect(200);
    scene.value = 7;
    expect((await a.http().get('/api/v1/config').set(scene.key.auth).expect(200)).body.data).toEqual({ version: 2, flags: { rollout: 7 } });
    const aEvents = recordEvents(a);
    // Reconnect attempts during the outage are not logged one by one.
    await new Promise((r) => setTimeout(r, 1500));
    expect(redisWarnings(warn)).toHaveLength(1);

    redis = await RedisServer.start(port);
    const connectTook = await waitFor('the client to connect', () => redisOf(a!).isReady, 5000);
    await waitFor('the subscription and a resync', () => connected(a!) && aEvents.some((e) => e.type === 'resync'), 5000);
    expect(log.mock.calls.map(([m]) => String(m))).toContainEqual(expect.stringMatching(/^Redis at redis:\/\/127\.0\.0\.1:\d+ connected/));
    warn.mockRestore();
    log.mockRestore();

    b = await startApp(services);
    const bEvents = recordEvents(b);
    const aToB = await changeReaches(a, b, bEvents, scene);
    const bToA = await changeReaches(b, a, aEvents, scene);

    // Revocation fan-out is confirmed again: refused on B the moment A answers.
    await b.http().get('/api/v1/config').set(scene.key.auth).expect(200);
    await a.http().delete('/api/v1/keys').query({ keyId: scene.key.id }).set(scene.user.auth).expect(200);
    expect((await b.http().get('/api/v1/config').set(scene.key.auth).expect(401)).body).toEqual({ error: 'Not authenticated' });

    // Shared quotas: what both replicas served is counted in one place.
    const key = await aKey(a, scene.user, scene.app, 'staging', 'sdk');
    for (let i = 0; i < 5; i++) {
      await a.http().get('/api/v1/config').set(key.auth).expect(200);
      await b.http().get('/api/v1/config').set(key.auth).expect(200);
    }
    const usage = () => b!.http().get('/api/v1/usage').query({ appId: scene.app.id, env: 'staging' }).set(scene.user.auth);
    await waitFor('usage from both replicas', async () => ((await usage()).body.data?.used ?? 0) >= 10, 5000);
    console.log(
      `Redis down at boot: started in ${bootTook} ms; connected ${connectTook} ms after Redis appeared; A→B ${aToB} ms, B→A ${bToA} ms`,
    );
  });
});

describe('Redis cut under load', () => {
  let redis: RedisServer;
  let proxy: TcpProxy;
  let a: TestApp;
  let b: TestApp;
  let aEvents: ClusterEvent[];
  let bEvents: ClusterEvent[];
  beforeAll(async () => {
    redis = await RedisServer.start();
    proxy = await TcpProxy.start({ host: '127.0.0.1', port: redis.port });
    const services = { DATABASE_URL: sharedServices().DATABASE_URL, REDIS_URL: proxy.rewrite(redis.url) };
    [a, b] = await Promise.all([startApp(services), startApp(services)]);
    aEvents = recordEvents(a);
    bEvents = recordEvents(b);
  });
  afterAll(async () => {
    await Promise.all([a?.close(), b?.close()]);
    await proxy?.close();
    await redis?.stop();
  });

  for (const kind of ['reset', 'blackhole'] as const) {
    it(`keeps answering reads and writes through a ${kind} cut, and fans out again within 1 s of the restore`, async () => {
      const scene = await aScene(a);
      await changeReaches(a, b, bEvents, scene);

      // Load: SDK reads on both replicas for the whole cut.
      const statuses: number[] = [];
      let slowest = 0;
      let loading = true;
      const loop = async (t: TestApp) => {
        while (loading) {
          const started = Date.now();
          const res = await t.http().get('/api/v1/config').set(scene.key.auth);
          slowest = Math.max(slowest, Date.now() - started);
          statuses.push(res.status);
        }
      };
      const load = Promise.all([loop(a), loop(a), loop(b), loop(b)]);
      try {
        await new Promise((r) => setTimeout(r, 200));
        await proxy.cut(kind);
        const noticed = await waitFor('both replicas to notice the cut', () => !redisOf(a).isReady && !redisOf(b).isReady, 5000);
        const resyncs = [aEvents.length, bEvents.length];

        // Writes answer while Redis is away, and this replica serves its own change at once.
        scene.value++;
        const [, writeTook] = await elapsed(() =>
          a
            .http()
            .patch('/api/v1/flags')
            .set(scene.user.auth)
            .send({ appId: scene.app.id, env: 'production', key: 'rollout', value: scene.value })
            .expect(200),
        );
        expect(writeTook).toBeLessThan(1000);
        expect((await a.http().get('/api/v1/config').set(scene.key.auth).expect(200)).body.data.flags).toEqual({ rollout: scene.value });
        await new Promise((r) => setTimeout(r, 500));

        await proxy.restore();
        // Back once both replicas' connections are: the client's (publishing) and the subscription (which resyncs).
        const recovered = await waitFor(
          'both replicas reconnected and resubscribed',
          () =>
            connected(a) &&
            connected(b) &&
            aEvents.slice(resyncs[0]).some((e) => e.type === 'resync') &&
            bEvents.slice(resyncs[1]).some((e) => e.type === 'resync'),
          8000,
        );
        // The change written during the cut reached B through the resync, without waiting for revalidation.
        await waitFor(
          'B to serve the change made during the cut',
          async () => (await b.http().get('/api/v1/config').set(scene.key.auth)).body.data?.flags?.rollout === scene.value,
          1000,
        );
        const aToB = await changeReaches(a, b, bEvents, scene);
        const bToA = await changeReaches(b, a, aEvents, scene);
        loading = false;
        await load;
        expect(statuses.length).toBeGreaterThan(50);
        expect(statuses.filter((s) => s !== 200)).toEqual([]);
        console.log(
          `Redis ${kind} cut: noticed in ${noticed} ms; write during the cut ${writeTook} ms; resubscribed ${recovered} ms after restore; A→B ${aToB} ms, B→A ${bToA} ms; ${statuses.length} reads, slowest ${slowest} ms`,
        );
      } finally {
        loading = false;
        await load;
      }
    });
  }
});
