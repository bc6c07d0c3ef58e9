import { Logger } from '@nestjs/common';
import { aKey } from './support/factories';
import { redisPerSuite } from './support/redis-server';
import { TestSession } from './support/session';

describe('Redis outage: quotas fail open and catch up', () => {
  const redis = redisPerSuite();
  const s = TestSession.perSuite(() => ({ REDIS_URL: redis.url, DATABASE_URL: '', DATA_DIR: 'memory://', QUOTA_FREE: '1000' }), {
    user: false,
  });
  afterAll(() => redis.stop());

  it('serves and counts locally while Redis is down, stays ready, warns once, and adds the counts when Redis returns', async () => {
    const warn = jest.spyOn(Logger.prototype, 'warn');
    const { user, app } = await s.newUserWithApp();
    const key = await aKey(s, user, app, 'production', 'sdk'); // 1
    for (let i = 0; i < 10; i++) await s.configFor(key).expect(200); // 11

    await redis.server.stop();
    for (let i = 0; i < 30; i++) {
      const res = await s.configFor(key);
      expect(res.status).toBe(200);
    } // 41
    const ready = await s.http().get('/health/ready').expect(200);
    expect(ready.body).toMatchObject({ redis: 'degraded' });
    const quotaWarnings = warn.mock.calls.filter(([m]) => String(m).startsWith('Quota store unavailable'));
    expect(quotaWarnings).toHaveLength(1);

    await redis.server.restart(); // empty: everything counted must come from the replica's local counts
    const deadline = Date.now() + 8000;
    let used = 0;
    while (Date.now() < deadline) {
      const res = await s.http().get('/api/v1/usage').query({ appId: app.id, env: 'production' }).set(user.auth);
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
