import { EnvironmentsService } from '@superflag/environments';
import { KeysService } from '@superflag/keys';
import { ConfigSnapshots, EnvironmentReadModel, Snapshot } from '@superflag/runtime';
import { DataSource } from 'typeorm';
import { sharedServices, startApp, TestApp } from './support/app';
import { aFlag, aKey, anApp, aUser } from './support/factories';
import { metric, until } from './support/poll';
import { TestSession } from './support/session';
import { SseClient } from './support/sse';
import { TcpProxy } from './support/tcp-proxy';

/**
 * Stale-if-error: a replica whose PostgreSQL goes away keeps serving each environment's last snapshot, backs off its
 * reloads instead of querying per request, answers 503 + Retry-After for an environment it never loaded, and
 * catches up by itself once PostgreSQL is back. The replica reaches the real PostgreSQL through a TCP proxy;
 * a second instance writes on it directly. Neither uses Redis, so the replica learns of changes only as the
 * test (standing in for the cluster bus) or its own revalidation tells it.
 */
describe('runtime snapshots during a PostgreSQL outage', () => {
  const databaseUrl = sharedServices().DATABASE_URL;
  let proxy: TcpProxy;
  let direct: TestApp;
  let replica: TestApp;
  let loads = 0;

  beforeAll(async () => {
    const target = new URL(databaseUrl);
    proxy = await TcpProxy.start({ host: target.hostname, port: Number(target.port || 5432) });
    [direct, replica] = await Promise.all([
      startApp({ DATABASE_URL: databaseUrl, REDIS_URL: '', METRICS_TOKEN: '' }),
      startApp({ DATABASE_URL: proxy.rewrite(databaseUrl), REDIS_URL: '', METRICS_TOKEN: '' }),
    ]);
    // Every snapshot load the replica attempts, answered or not.
    const readModel = replica.app.get(EnvironmentReadModel);
    const load = readModel.load.bind(readModel);
    readModel.load = (id: string) => {
      loads++;
      return load(id);
    };
  });

  afterAll(async () => {
    await proxy.restore();
    await Promise.all([direct.close(), replica.close()]);
    await proxy.close();
  });

  it('serves the last snapshot, answers 503 for an environment never loaded, and catches up without an event', async () => {
    const user = await aUser(direct);
    const app = await anApp(direct, user);
    await aFlag(direct, user, app, 'production', { key: 'checkout', type: 'number', value: 10 });
    await aFlag(direct, user, app, 'staging', { key: 'checkout', type: 'number', value: 1 });
    const prod = await aKey(direct, user, app, 'production', 'sdk');
    const staging = await aKey(direct, user, app, 'staging', 'sdk');
    const unseen = await aKey(direct, user, app, 'production', 'pub');

    const warm = await replica.http().get('/api/v1/config').set(prod.auth).expect(200);
    expect(warm.body.data).toEqual({ version: 1, flags: { checkout: 10 } });
    expect(warm.headers.etag).toMatch(/^"1-sdk-/);
    // The staging key is known to the replica, its environment never loaded.
    expect(await replica.app.get(KeysService).verify(staging.key)).toMatchObject({ environmentId: app.envs.staging });
    const stream = await SseClient.connect(`${await replica.url()}/api/v1/config/stream`, prod.auth);
    try {
      await stream.next((e) => e.event === 'config', 1000);
      const seen = stream.events.length;

      await proxy.cut('reset');
      // A change committed elsewhere while the replica cannot read it; its event arrives.
      await direct
        .http()
        .patch('/api/v1/flags')
        .set(user.auth)
        .send({ appId: app.id, env: 'production', key: 'checkout', value: 50 })
        .expect(200);
      replica.app.get(ConfigSnapshots).invalidate(app.envs.production, 2);

      const loadsBefore = loads;
      for (let i = 0; i < 50; i++) {
        const res = await replica.http().get('/api/v1/config').set(prod.auth).expect(200);
        expect(res.body.data).toEqual({ version: 1, flags: { checkout: 10 } });
        expect(res.headers.etag).toBe(warm.headers.etag);
      }
      await replica.http().get('/api/v1/config').set(prod.auth).set('If-None-Match', warm.headers.etag).expect(304);
      const evaluated = await replica
        .http()
        .post('/api/v1/evaluate')
        .set(prod.auth)
        .send({ context: { targetingKey: 'u1' } })
        .expect(200);
      expect(evaluated.body.data).toEqual({ version: 1, flags: { checkout: { value: 10, variant: 'default', reason: 'STATIC' } } });
      const ofrep = await replica
        .http()
        .post('/ofrep/v1/evaluate/flags/checkout')
        .set(prod.auth)
        .send({ context: { targetingKey: 'u1' } })
        .expect(200);
      expect(ofrep.body).toMatchObject({ key: 'checkout', value: 10 });
      // One reload attempt per backoff window (250 ms, 500 ms, …), not one per request.
      expect(loads - loadsBefore).toBeLessThanOrEqual(4);

      const metrics = (await replica.http().get('/metrics').expect(200)).text;
      expect(metric(metrics, 'superflag_config_snapshots_stale')).toBe(1);
      expect(metric(metrics, 'superflag_config_snapshot_stale_seconds')).toBeGreaterThan(0);
      expect(metric(metrics, 'superflag_config_reload_failures_total')).toBeGreaterThanOrEqual(1);
      expect(metric(metrics, 'superflag_config_stale_reads_total')).toBeGreaterThanOrEqual(50);

      // Never loaded: nothing to serve. 503 with Retry-After, and no query per request within the backoff window.
      const loadsBeforeStaging = loads;
      for (let i = 0; i < 20; i++) {
        const res = await replica.http().get('/api/v1/config').set(staging.auth).expect(503);
        expect(res.body).toEqual({ error: 'Service unavailable' });
        expect(Number(res.headers['retry-after'])).toBeGreaterThanOrEqual(1);
      }
      expect(loads - loadsBeforeStaging).toBeLessThanOrEqual(3);
      // A key this replica has not verified yet cannot be checked: 503 (retry), not 401 (drop the key).
      const unknown = await replica.http().get('/api/v1/config').set(unseen.auth).expect(503);
      expect(unknown.body).toEqual({ error: 'Service unavailable' });
      expect(unknown.headers['retry-after']).toBeDefined();

      // Let the outage last long enough for the backoff to grow (a few seconds of failed reloads, the next one seconds away).
      const snapshots = replica.app.get(ConfigSnapshots);
      const failures = await until(
        async () => snapshots.reloadFailures,
        (n) => n >= 6,
        15_000,
      );
      expect(failures).toBeGreaterThanOrEqual(6);
      expect((await replica.http().get('/api/v1/config').set(prod.auth).expect(200)).body.data.version).toBe(1);

      // The open stream stayed open on its last snapshot.
      expect(stream.ended).toBe(false);
      expect(stream.events.slice(seen).filter((e) => e.event !== 'config')).toEqual([]);

      await proxy.restore();
      const restoredAt = Date.now();
      // No further event: the backoff timer or the 5-second revalidation, whichever comes first, picks version 2 up.
      const caughtUp = await until(
        () => replica.http().get('/api/v1/config').set(prod.auth),
        (r) => r.body.data?.version === 2,
        7_000,
      );
      const recoveredMs = Date.now() - restoredAt;
      expect(caughtUp.status).toBe(200);
      expect(caughtUp.body.data).toEqual({ version: 2, flags: { checkout: 50 } });
      expect(caughtUp.headers.etag).toBe(warm.headers.etag.replace(/^"1-/, '"2-'));
      const pushed = await stream.next((e) => e.event === 'config', 1000, seen);
      expect(JSON.parse(pushed.data)).toEqual({ version: 2, flags: { checkout: 50 } });
      const stagingServed = await until(
        () => replica.http().get('/api/v1/config').set(staging.auth),
        (r) => r.status === 200,
        12_000,
      );
      expect(stagingServed.body.data).toEqual({ version: 1, flags: { checkout: 1 } });
      expect((await replica.http().get('/api/v1/config').set(unseen.auth).expect(200)).body.data).toEqual({ version: 2, flags: {} });
      // Recovery time, for the operations notes.
      process.stdout.write(`faults-snapshots: stale snapshot refreshed ${recoveredMs} ms after PostgreSQL returned\n`);

      const after = (await replica.http().get('/metrics').expect(200)).text;
      expect(metric(after, 'superflag_config_snapshots_stale')).toBe(0);
      expect(metric(after, 'superflag_config_snapshot_stale_seconds')).toBe(0);
    } finally {
      stream.close();
    }
  }, 60_000);
});

/**
 * Revalidation compares every cached environment with the database every 5 s. Past 65,535 ids one IN (…) list no
 * longer fits in a statement; in chunks it answers for any number, and still repairs a missed invalidation.
 */
describe('revalidation with more cached environments than one statement may carry', () => {
  const COUNT = 70_000;
  const s = TestSession.perSuite({}, { user: false });

  it('answers versionsOf for 70,000 ids and repairs a missed invalidation of the last one', async () => {
    const { user, app } = await s.newUserWithApp();
    const ds = s.get(DataSource);
    await ds.query(
      `INSERT INTO environments (id, app_id, name, version)
       SELECT 'env_' || substr(md5($1 || g::text), 1, 24), $1, 'bulk-' || g, g % 7 FROM generate_series(1, $2::int) g`,
      [app.id, COUNT - 1],
    );
    try {
      const bulk: Array<{ id: string; version: number }> = await ds.query(
        `SELECT id, version FROM environments WHERE app_id = $1 AND name LIKE 'bulk-%'`,
        [app.id],
      );
      expect(bulk).toHaveLength(COUNT - 1);
      const missing = ['env_gone1', 'env_gone2'];
      const versions = await s.get(EnvironmentsService).versionsOf([...bulk.map((e) => e.id), ...missing]);
      expect(versions.size).toBe(COUNT + 1);
      expect(bulk.filter((e) => versions.get(e.id) !== e.version)).toEqual([]);
      for (const id of missing) expect(versions.get(id)).toBeNull();

      // The replica holds all of them at their current versions, as if each had been served…
      const snapshots = s.get(ConfigSnapshots);
      const entries = (snapshots as unknown as { entries: Map<string, unknown> }).entries;
      const atVersion = [0, 1, 2, 3, 4, 5, 6].map((v) => new Snapshot('env_bulk', v, []));
      for (const e of bulk)
        entries.set(e.id, { snapshot: atVersion[e.version], wanted: e.version, backoff: { failures: 0, waiting: () => false } });
      // …and, last in line (beyond the first 65,535), a real one served over HTTP.
      await aFlag(s, user, app, 'production', { key: 'x', type: 'bool', value: false });
      const key = await aKey(s, user, app, 'production', 'sdk');
      expect((await s.configFor(key).expect(200)).body.data).toEqual({ version: 1, flags: { x: false } });
      // A change nobody announced (the event was lost).
      await ds.query(`UPDATE flags SET value = 'true'::jsonb WHERE key = 'x' AND environment_id = $1`, [app.envs.production]);
      await ds.query(`UPDATE environments SET version = version + 1 WHERE id = $1`, [app.envs.production]);

      await (snapshots as unknown as { revalidate: () => Promise<void> }).revalidate();
      const repaired = await until(
        () => s.configFor(key),
        (r) => r.body.data?.version === 2,
        5_000,
      );
      expect(repaired.body.data).toEqual({ version: 2, flags: { x: true } });
      // Nothing was taken for deleted.
      expect(entries.size).toBe(COUNT);
    } finally {
      await ds.query(`DELETE FROM environments WHERE app_id = $1 AND name LIKE 'bulk-%'`, [app.id]);
    }
  }, 60_000);
});
