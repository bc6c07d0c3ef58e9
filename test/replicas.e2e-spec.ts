import { replicasPerSuite } from './support/app';
import { aFlag, aKey, anApp, aUser } from './support/factories';
import { SseClient } from './support/sse';

/** Two app instances on one PostgreSQL and one Redis behave like two replicas behind a load balancer. */
describe('runtime across replicas', () => {
  const [a, b] = replicasPerSuite();

  it("serves a write made through A from B's config endpoint and stream within 1 s", async () => {
    const user = await aUser(a);
    const app = await anApp(a, user);
    await aFlag(a, user, app, 'production', { key: 'rollout', type: 'number', value: 0 });
    const key = await aKey(a, user, app, 'production', 'sdk');

    const before = await b.http().get('/api/v1/config').set(key.auth).expect(200);
    expect(before.body.data).toEqual({ version: 1, flags: { rollout: 0 } });
    const stream = await SseClient.connect(`${await b.url()}/api/v1/config/stream`, key.auth);
    try {
      await stream.next((e) => e.event === 'config', 1000);
      const seen = stream.events.length;

      await a
        .http()
        .patch('/api/v1/flags')
        .set(user.auth)
        .send({ appId: app.id, env: 'production', key: 'rollout', value: 50 })
        .expect(200);
      const pushed = await stream.next((e) => e.event === 'config', 1000, seen);
      expect(JSON.parse(pushed.data)).toEqual({ version: 2, flags: { rollout: 50 } });

      const deadline = Date.now() + 1000;
      let served = await b.http().get('/api/v1/config').set(key.auth);
      while (served.body.data.version !== 2 && Date.now() < deadline) served = await b.http().get('/api/v1/config').set(key.auth);
      expect(served.body.data).toEqual({ version: 2, flags: { rollout: 50 } });
    } finally {
      stream.close();
    }
  });

  it('refuses on B, at once, a key revoked through A, and closes its streams on B', async () => {
    const user = await aUser(a);
    const app = await anApp(a, user);
    const key = await aKey(a, user, app, 'production', 'pub');
    await b.http().get('/api/v1/config').set(key.auth).expect(200);
    const stream = await SseClient.connect(`${await b.url()}/api/v1/config/stream`, key.auth);
    await stream.next((e) => e.event === 'config', 1000);

    await a.http().delete('/api/v1/keys').query({ keyId: key.id }).set(user.auth).expect(200);
    const res = await b.http().get('/api/v1/config').set(key.auth).expect(401);
    expect(res.body).toEqual({ error: 'Not authenticated' });
    await stream.endedWithin(1000);
  });

  it('refuses on B, at once, a cli_ token revoked through A (B had it cached)', async () => {
    const user = await aUser(a);
    await b.http().get('/api/v1/apps').set(user.auth).expect(200);
    await a.http().post('/api/v1/auth/logout').set(user.auth).expect(200);
    expect((await b.http().get('/api/v1/apps').set(user.auth).expect(401)).body).toEqual({ error: 'Not authenticated' });
  });

  it('converges even when a change event is lost (revalidation)', async () => {
    const user = await aUser(a);
    const app = await anApp(a, user);
    await aFlag(a, user, app, 'staging', { key: 'x', type: 'bool', value: false });
    const key = await aKey(a, user, app, 'staging', 'sdk');
    await b.http().get('/api/v1/config').set(key.auth).expect(200);
    // Change the database behind both replicas' backs: no event is published.
    const { DataSource } = await import('typeorm');
    const ds = a.app.get(DataSource);
    await ds.query(
      `UPDATE flags SET value = 'true'::jsonb WHERE key = 'x' AND environment_id = (SELECT id FROM environments WHERE app_id = $1 AND name = 'staging')`,
      [app.id],
    );
    await ds.query(`UPDATE environments SET version = version + 1 WHERE app_id = $1 AND name = 'staging'`, [app.id]);
    const { ConfigSnapshots } = await import('@superflag/runtime');
    await (b.app.get(ConfigSnapshots) as unknown as { revalidate: () => Promise<void> }).revalidate();
    const res = await b.http().get('/api/v1/config').set(key.auth).expect(200);
    expect(res.body.data).toEqual({ version: 2, flags: { x: true } });
  });
});
