/**
 * PostgreSQL cut under a running replica, through a TCP proxy (both kinds: the server resets connections,
 * or the network silently drops everything): runtime reads go on from memory, readiness stays 200 and
 * reports the database down, everything that needs the database answers 503 with Retry-After within a few
 * seconds, and the replica recovers by itself when the link is back.
 */
import { Logger } from '@nestjs/common';
import { randomBytes } from 'node:crypto';
import { sharedServices } from './support/app';
import { unique } from './support/factories';
import { TestSession } from './support/session';
import { TcpProxy } from './support/tcp-proxy';

/** What one request may take while the database is away (defaults: connect 3 s, statement 5 s + 1 s). */
const OUTAGE_ANSWER_MS = 8_000;

async function until<T>(what: string, deadlineMs: number, probe: () => Promise<T | undefined>): Promise<T> {
  const deadline = Date.now() + deadlineMs;
  for (;;) {
    const result = await probe();
    if (result !== undefined) return result;
    if (Date.now() > deadline) throw new Error(`${what}: not within ${deadlineMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

describe.each(['reset', 'blackhole'] as const)('PostgreSQL outage (%s)', (kind) => {
  let proxy: TcpProxy;
  let sdk: { auth: { Authorization: string } };
  let config: unknown;

  beforeAll(async () => {
    const target = new URL(sharedServices().DATABASE_URL);
    proxy = await TcpProxy.start({ host: target.hostname, port: Number(target.port || 5432) });
  });
  // Restored before the app closes (afterAll hooks run in declaration order): a cut connection would hold up its shutdown.
  afterAll(() => proxy?.restore());
  // No Redis: this file is about the database alone.
  const s = TestSession.perSuite(() => ({ DATABASE_URL: proxy.rewrite(sharedServices().DATABASE_URL), REDIS_URL: '' }), {
    timeoutMs: 60_000,
  });
  beforeAll(async () => {
    await s.flag('production', { key: 'checkout', clientEnabled: true });
    sdk = await s.key('production', 'sdk');
    config = (await s.configFor(sdk).expect(200)).body;
  });
  afterAll(() => proxy?.close());

  const readiness = async () =>
    (await s.http().get('/health/ready').expect(200)).body as { status: string; database: string; redis: string };
  const databaseUpGauge = async () =>
    /^superflag_dependency_up\{dependency="database"\} (\d)$/m.exec((await s.http().get('/metrics').expect(200)).text)?.[1];

  /** The status, body and Retry-After of a request, and how long it took. */
  const timed = async (request: () => PromiseLike<{ status: number; body: unknown; headers: Record<string, string> }>) => {
    const started = Date.now();
    const res = await request();
    return { status: res.status, body: res.body, retryAfter: res.headers['retry-after'], ms: Date.now() - started };
  };

  it('serves runtime reads, stays ready, answers 503 to the rest, and recovers by itself', async () => {
    expect(await readiness()).toEqual({ status: 'ok', database: 'up', redis: 'off' });
    expect(await databaseUpGauge()).toBe('1');
    const warn = jest.spyOn(Logger.prototype, 'warn');
    const error = jest.spyOn(Logger.prototype, 'error');

    await proxy.cut(kind);

    // The runtime answers from memory the whole time, same body.
    for (let i = 0; i < 5; i++) expect((await s.configFor(sdk).expect(200)).body).toEqual(config);

    // Readiness does not fail; the monitor notices within its ping interval plus its ping timeout.
    await until('readiness reports the database down', 10_000, async () => ((await readiness()).database === 'down' ? true : undefined));
    expect(await readiness()).toEqual({ status: 'ok', database: 'down', redis: 'off' });
    expect(await databaseUpGauge()).toBe('0');

    const unavailable = [
      await timed(() =>
        s
          .http()
          .post('/api/v1/flags')
          .set(s.user.auth)
          .send({ appId: s.appId, env: 'production', key: unique('flag'), type: 'bool', value: true }),
      ),
      await timed(() =>
        s.http().patch('/api/v1/flags').set(s.user.auth).send({ appId: s.appId, env: 'production', key: 'checkout', value: false }),
      ),
      await timed(() => s.http().get('/api/v1/flags').query(s.at('production')).set(s.user.auth)),
      await timed(() => s.http().get('/api/v1/apps').set(s.user.auth)),
      // A token this replica has not seen yet must be looked up: that is not a 401.
      await timed(() =>
        s
          .http()
          .get('/api/v1/apps')
          .set('Authorization', `Bearer cli_${randomBytes(32).toString('base64url').replace(/[-_]/g, 'x').slice(0, 43)}`),
      ),
    ];
    console.log(`PostgreSQL ${kind}: 503 answers took ${unavailable.map((r) => r.ms).join(', ')} ms`);
    for (const res of unavailable) {
      expect({ status: res.status, body: res.body, retryAfter: res.retryAfter }).toEqual({
        status: 503,
        body: { error: 'Service unavailable' },
        retryAfter: '5',
      });
      expect(res.ms).toBeLessThan(OUTAGE_ANSWER_MS);
    }
    // Runtime reads still answer after the pool went through its failures.
    expect((await s.configFor(sdk).expect(200)).body).toEqual(config);
    // One warning for the outage, no error stack per request, and never SQL or parameters.
    const outageWarnings = warn.mock.calls.filter(([m]) => String(m).startsWith('PostgreSQL unavailable'));
    expect(outageWarnings).toHaveLength(1);
    expect(
      error.mock.calls.filter(([m]) => JSON.stringify(m).includes('Service unavailable') || JSON.stringify(m).includes('Connection')),
    ).toEqual([]);
    expect(JSON.stringify(warn.mock.calls)).not.toMatch(/SELECT|INSERT|UPDATE/);

    await proxy.restore();
    const restored = Date.now();
    const written = await until('a flag write succeeds after the restore', 15_000, async () => {
      const res = await s
        .http()
        .patch('/api/v1/flags')
        .set(s.user.auth)
        .send({ appId: s.appId, env: 'production', key: 'checkout', value: false });
      if (res.status === 200) return res;
      expect(res.status).toBe(503);
      return undefined;
    });
    const recoveryMs = Date.now() - restored;
    console.log(`PostgreSQL ${kind}: recovery time (restore → first successful write) ${recoveryMs} ms`);
    expect(recoveryMs).toBeLessThan(10_000);
    expect(written.body.data.flag).toMatchObject({ value: false });

    // The write is really there, and the monitor says so too.
    const flags = await s.http().get('/api/v1/flags').query(s.at('production')).set(s.user.auth).expect(200);
    expect(flags.body.data.checkout).toMatchObject({ value: false });
    await until('readiness reports the database up', 5_000, async () => ((await readiness()).database === 'up' ? true : undefined));
    expect(await databaseUpGauge()).toBe('1');
    warn.mockRestore();
    error.mockRestore();
  }, 60_000);
});
