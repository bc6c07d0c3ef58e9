import { Logger } from '@nestjs/common';
import type { DataSource } from 'typeorm';
import { AppConfig } from '../src/config/app-config';
import { databaseOutage } from '../src/errors/outage-log';
import { DependencyMonitor, PING_TIMEOUT_MS } from '../src/health/dependency-monitor';
import { MetricsService } from '../src/metrics/metrics.service';
import type { RedisClient } from '../src/redis/redis';

/** A promise settled from outside, for a ping that answers when the test says so. */
function pending<T>() {
  let resolve!: (v: T) => void;
  let reject!: (e: unknown) => void;
  const promise = new Promise<T>((res, rej) => ((resolve = res), (reject = rej)));
  return { promise, resolve, reject };
}

function setup(opts: { databaseUrl?: string; redis?: { isReady: boolean; ping: jest.Mock } | null } = {}) {
  const config = Object.assign(new AppConfig(), { DATABASE_URL: opts.databaseUrl ?? 'postgres://127.0.0.1:1/x' });
  const query = jest.fn<Promise<unknown>, [string]>().mockResolvedValue([{ '?column?': 1 }]);
  const metrics = new MetricsService(config);
  const monitor = new DependencyMonitor(
    config,
    { query } as unknown as DataSource,
    metrics,
    (opts.redis ?? null) as unknown as RedisClient | null,
  );
  monitor.onModuleInit();
  const gauge = async (dependency: string) => {
    const text = await metrics.registry.getSingleMetricAsString('superflag_dependency_up');
    return new RegExp(`dependency="${dependency}"\\} (\\d)`).exec(text)?.[1];
  };
  return { monitor, query, gauge };
}

describe('DependencyMonitor', () => {
  let monitors: DependencyMonitor[] = [];
  const track = <T extends { monitor: DependencyMonitor }>(s: T) => (monitors.push(s.monitor), s);
  beforeEach(() => jest.useFakeTimers({ doNotFake: ['nextTick', 'setImmediate'] }));
  afterEach(() => {
    for (const m of monitors) m.beforeApplicationShutdown();
    monitors = [];
    databaseOutage.recovered();
    jest.useRealTimers();
    jest.restoreAllMocks();
  });

  it('reports the database down when the ping fails or does not answer in time, and up again when it answers; one warning per outage', async () => {
    const warn = jest.spyOn(Logger.prototype, 'warn').mockImplementation(() => undefined);
    jest.spyOn(Logger.prototype, 'log').mockImplementation(() => undefined);
    const { monitor, query, gauge } = track(setup());
    expect(monitor.database).toBe('up');
    expect(await gauge('database')).toBe('1');

    query.mockRejectedValueOnce(Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:1'), { code: 'ECONNREFUSED' }));
    await monitor.check();
    expect(monitor.database).toBe('down');
    expect(await gauge('database')).toBe('0');

    // A ping that hangs (a partition) counts as down after PING_TIMEOUT_MS, and is not sent again while it hangs.
    const hanging = pending<unknown>();
    query.mockReturnValueOnce(hanging.promise);
    const round = monitor.check();
    await jest.advanceTimersByTimeAsync(PING_TIMEOUT_MS);
    await round;
    expect(monitor.database).toBe('down');
    await monitor.check();
    expect(query).toHaveBeenCalledTimes(2);
    hanging.reject(new Error('Query read timeout'));
    await new Promise((resolve) => setImmediate(resolve));

    await monitor.check();
    expect(query).toHaveBeenCalledTimes(3);
    expect(monitor.database).toBe('up');
    expect(await gauge('database')).toBe('1');
    expect(warn.mock.calls.map(([m]) => m)).toEqual([
      'PostgreSQL unavailable (ECONNREFUSED): requests that need the database answer 503 until it is back; runtime reads are served from memory',
    ]);
  });

  it('does not ping the embedded engine', async () => {
    const { monitor, query } = track(setup({ databaseUrl: '' }));
    await monitor.check();
    expect(query).not.toHaveBeenCalled();
    expect(monitor.database).toBe('up');
  });

  it('follows Redis: off without REDIS_URL, degraded until the client is ready and while PING fails, up when it answers', async () => {
    expect(track(setup({ redis: null })).monitor.redisState).toBe('off');
    expect(await track(setup({ redis: null })).gauge('redis')).toBeUndefined();

    const redis = { isReady: false, ping: jest.fn().mockResolvedValue('PONG') };
    const { monitor, gauge } = track(setup({ redis }));
    expect(monitor.redisState).toBe('degraded');
    expect(await gauge('redis')).toBe('0');
    await monitor.check();
    // Connecting is the client's business: not ready means no command is sent.
    expect(redis.ping).not.toHaveBeenCalled();

    redis.isReady = true;
    await monitor.check();
    expect(monitor.redisState).toBe('up');
    expect(await gauge('redis')).toBe('1');

    // Ready but silent (a partition): degraded once PING goes unanswered.
    redis.ping.mockReturnValueOnce(new Promise(() => undefined));
    const round = monitor.check();
    await jest.advanceTimersByTimeAsync(PING_TIMEOUT_MS);
    await round;
    expect(monitor.redisState).toBe('degraded');

    redis.isReady = false;
    expect(monitor.redisState).toBe('degraded');
  });
});
