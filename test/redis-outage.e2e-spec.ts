import { Logger } from '@nestjs/common';
import { startApp, TestApp } from './support/app';
import { aKey, anApp, aUser } from './support/factories';
import { RedisServer } from './support/redis-server';

describe('Redis outage: quotas fail open and catch up', () => {
  let redis: RedisServer;
  let t: TestApp;
  beforeAll(async () => {
    redis = await RedisServer.start();
    t = await startApp({ REDIS_URL: redis.url, DATABASE_URL: '', DATA_DIR: 'memory://', QUOTA_FREE: '1000' });
  });
  afterAll(async () => {
    await t.close();
    await redis.stop();
  });

  it('serves and counts locally while Redis is down, stays ready, warns once, and adds the counts when Redis returns', async () => {
    const warn = jest.spyOn(Logger.prototype, 'warn');
    const user = await aUser(t);
    const app = await anApp(t, user);
    const key = await aKey(t, user, app, 'production', 'sdk'); // 1
    for (let i = 0; i < 10; i++) await t.http().get('/api/v1/config').set(key.auth).expect(200); // 11

    await redis.stop();
    for (let i = 0; i < 30; i++) {
      const res = await t.http().get('/api/v1/config').set(key.auth);
      expect(res.status).toBe(200);
    } // 41
    const ready = await t.http().get('/health/ready').expect(200);
    expect(ready.body).toMatchObject({ redis: 'degraded' });
    const quotaWarnings = warn.mock.calls.filter(([m]) => String(m).startsWith('Quota store unavailable'));
    expect(quotaWarnings).toHaveLength(1);

    await redis.restart(); // empty: everything counted must come from the replica's local counts
    const deadline = Date.now() + 8000;
    let used = 0;
    while (Date.now() < deadline) {
      const res = await t.http().get('/api/v1/usage').query({ appId: app.id, env: 'production' }).set(user.auth);
      used = res.body.data?.used ?? 0;
      if (used >= 30) break;
      await new Promise((r) => setTimeout(r, 100));
    }
    // The 30 requests served during the outage (and the usage reads' neighbours) reach the new Redis.
    expect(used).toBeGreaterThanOrEqual(30);
    expect(used).toBeLessThanOrEqual(41);
    warn.mockRestore();
  });
});
