import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startApp } from './support/app';
import { anApp, aUser } from './support/factories';

describe('embedded default (no DATABASE_URL)', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'superflag-embedded-'));
  afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

  it('keeps users, tokens, apps and environments across a restart', async () => {
    const first = await startApp({ DATABASE_URL: '', DATA_DIR: dataDir });
    expect(first.config.DATABASE_URL).toBeUndefined();
    const user = await aUser(first);
    const app = await anApp(first, user);
    await first.close();

    const second = await startApp({ DATABASE_URL: '', DATA_DIR: dataDir });
    try {
      const apps = await second.http().get('/api/v1/apps').set(user.auth).expect(200);
      expect(apps.body.data).toEqual([{ id: app.id, name: app.name, createdAt: expect.any(String), role: 'owner' }]);
      const envs = await second.http().get('/api/v1/envs').query({ appId: app.id }).set(user.auth).expect(200);
      expect(Object.fromEntries(envs.body.data.map((e: { name: string; id: string }) => [e.name, e.id]))).toEqual(app.envs);
      await second.http().post('/api/v1/auth/login').send({ email: user.email, password: user.password }).expect(200);
    } finally {
      await second.close();
    }
    // Two boots of the embedded engine on disk (initdb, every migration) take most of it.
  }, 90_000);

  it('serialises concurrent transactions on its single session', async () => {
    const t = await startApp({ DATABASE_URL: '', DATA_DIR: 'memory://' });
    try {
      const user = await aUser(t);
      const results = await Promise.all(
        Array.from({ length: 20 }, (_, i) =>
          t
            .http()
            .post('/api/v1/apps')
            .set(user.auth)
            .send({ name: `parallel-${i % 10}` }),
        ),
      );
      expect(results.filter((r) => r.status === 201)).toHaveLength(10);
      expect(results.filter((r) => r.status === 409)).toHaveLength(10);
      const envs = await Promise.all(
        results.filter((r) => r.status === 201).map((r) => t.http().get('/api/v1/envs').query({ appId: r.body.data.id }).set(user.auth)),
      );
      for (const res of envs) expect(res.body.data).toHaveLength(3);
    } finally {
      await t.close();
    }
    // An embedded boot plus 20 transactions queued on one session: ~6 s alone, past 30 s in a loaded CI run.
  }, 90_000);
});
