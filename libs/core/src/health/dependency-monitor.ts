import { BeforeApplicationShutdown, Inject, Injectable, OnModuleInit, Optional } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { AppConfig } from '../config/app-config';
import { databaseUnavailableReason } from '../errors/error-response';
import { databaseOutage } from '../errors/outage-log';
import { MetricsService } from '../metrics/metrics.service';
import { REDIS, type RedisClient } from '../redis/redis';

export type DatabaseState = 'up' | 'down';
/** `off`: REDIS_URL is not set. `degraded`: configured, but not connected or not answering. */
export type RedisState = 'up' | 'degraded' | 'off';

/** How often the dependencies are pinged, and how long a ping may take before it counts as a failure. */
export const PING_INTERVAL_MS = 2_000;
export const PING_TIMEOUT_MS = 1_500;

/**
 * What this replica knows of PostgreSQL and Redis, kept up to date in the background so that readiness and
 * /metrics read a field instead of waiting on a dependency (a probe must be cheap and never hang). Neither
 * state decides readiness: an outage of a shared dependency hits every replica alike, and pulling them all
 * out of the Service would turn it into a runtime outage too, while runtime reads are served from memory.
 */
@Injectable()
export class DependencyMonitor implements OnModuleInit, BeforeApplicationShutdown {
  private databaseUp = true;
  private redisAnswers = true;
  private timer?: NodeJS.Timeout;
  private pingingDatabase = false;
  private pingingRedis = false;
  private stopped = false;

  constructor(
    private readonly config: AppConfig,
    private readonly dataSource: DataSource,
    private readonly metrics: MetricsService,
    @Optional() @Inject(REDIS) private readonly redis: RedisClient | null,
  ) {}

  get database(): DatabaseState {
    return this.databaseUp ? 'up' : 'down';
  }

  get redisState(): RedisState {
    if (!this.redis) return 'off';
    return this.redis.isReady && this.redisAnswers ? 'up' : 'degraded';
  }

  onModuleInit(): void {
    this.metrics.labelledGauge(
      'superflag_dependency_up',
      'Whether a dependency answers this replica (1) or not (0); redis only when REDIS_URL is set',
      'dependency',
      () => {
        const up: Record<string, number> = { database: this.databaseUp ? 1 : 0 };
        if (this.redis) up.redis = this.redisState === 'up' ? 1 : 0;
        return up;
      },
    );
    this.timer = setInterval(() => void this.check(), PING_INTERVAL_MS).unref();
  }

  beforeApplicationShutdown(): void {
    // The pool and the Redis client close after this: a failure then is the shutdown, not an outage.
    this.stopped = true;
    clearInterval(this.timer);
  }

  /** One round of pings; resolves when both have an outcome (an answer, an error, or PING_TIMEOUT_MS). */
  async check(): Promise<void> {
    await Promise.all([this.pingDatabase(), this.pingRedis()]);
  }

  private async pingDatabase(): Promise<void> {
    // The embedded engine runs in this process: it cannot be unreachable, and a ping would only queue behind
    // the single connection's current holder.
    if (!this.config.DATABASE_URL || this.pingingDatabase) return;
    this.pingingDatabase = true;
    const outcome = await ping(this.dataSource.query('SELECT 1'), () => (this.pingingDatabase = false));
    if (this.stopped) return;
    this.databaseUp = outcome === true;
    if (outcome === true) databaseOutage.recovered();
    else databaseOutage.failed(databaseUnavailableReason(outcome) ?? (outcome === TIMED_OUT ? 'no answer' : 'ping failed'));
  }

  private async pingRedis(): Promise<void> {
    const redis = this.redis;
    if (!redis || this.pingingRedis) return;
    // Connecting and reconnecting are the client's own business (in the background): until it is ready,
    // Redis is degraded.
    if (!redis.isReady) {
      this.redisAnswers = false;
      return;
    }
    this.pingingRedis = true;
    // Ready is not enough: on a partition the socket stays open and only an unanswered command tells.
    const outcome = await ping(redis.ping(), () => (this.pingingRedis = false));
    if (!this.stopped) this.redisAnswers = outcome === true;
  }
}

const TIMED_OUT = Symbol('timed out');

/**
 * `true` when `request` succeeds within PING_TIMEOUT_MS, else its error or TIMED_OUT. `settled` runs only when
 * the request itself ends (not at the timeout), so a ping left hanging on a dead connection, until the pool's
 * query_timeout drops that connection, is not joined by another one holding a second pooled connection.
 */
function ping(request: Promise<unknown>, settled: () => void): Promise<unknown> {
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve(TIMED_OUT), PING_TIMEOUT_MS).unref();
    request
      .then(
        () => resolve(true),
        (err: unknown) => resolve(err ?? new Error('ping failed')),
      )
      .finally(() => {
        clearTimeout(timer);
        settled();
      });
  });
}
