import { Logger } from '@nestjs/common';
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { createConnection } from 'node:net';
import { startApp, TestApp } from './support/app';
import { aKey, anApp, aUser } from './support/factories';

/** A throwaway redis-server of this test's own, so it can be stopped and restarted mid-test. */
async function startRedis(port: number): Promise<ChildProcess> {
  const child = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], { stdio: 'ignore' });
  for (;;) {
    const up = await new Promise<boolean>((resolve) => {
      const socket = createConnection({ port, host: '127.0.0.1' }, () => {
        socket.end();
        resolve(true);
      }).on('error', () => resolve(false));
    });
    if (up) return child;
    if (child.exitCode !== null) throw new Error('redis-server did not start');
    await new Promise((r) => setTimeout(r, 20));
  }
}

async function stopRedis(child: ChildProcess): Promise<void> {
  child.kill('SIGKILL');
  await once(child, 'exit');
}

describe('Redis outage: quotas fail open and catch up', () => {
  const port = 20000 + Math.floor(Math.random() * 20000);
  let redis: ChildProcess;
  let t: TestApp;
  beforeAll(async () => {
    redis = await startRedis(port);
    t = await startApp({ REDIS_URL: `redis://127.0.0.1:${port}`, DATABASE_URL: '', DATA_DIR: 'memory://', QUOTA_FREE: '1000' });
  });
  afterAll(async () => {
    await t.close();
    if (redis.exitCode === null) await stopRedis(redis);
  });

  it('serves and counts locally while Redis is down, stays ready, warns once, and adds the counts when Redis returns', async () => {
    const warn = jest.spyOn(Logger.prototype, 'warn');
    const user = await aUser(t);
    const app = await anApp(t, user);
    const key = await aKey(t, user, app, 'production', 'sdk'); // 1
    for (let i = 0; i < 10; i++) await t.http().get('/api/v1/config').set(key.auth).expect(200); // 11

    await stopRedis(redis);
    for (let i = 0; i < 30; i++) {
      const res = await t.http().get('/api/v1/config').set(key.auth);
      expect(res.status).toBe(200);
    } // 41
    const ready = await t.http().get('/health/ready').expect(200);
    expect(ready.body.details.redis).toMatchObject({ status: 'up', degraded: true });
    const quotaWarnings = warn.mock.calls.filter(([m]) => String(m).startsWith('Quota store unavailable'));
    expect(quotaWarnings).toHaveLength(1);

    redis = await startRedis(port); // empty: everything counted must come from the replica's local counts
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
