import { Inject, Injectable } from '@nestjs/common';
import type { ThrottlerStorage } from '@nestjs/throttler';
import { AppConfig, DomainError, RATE_LIMIT_STORE, tooManyRequests } from '@superflag/core';

const WINDOW_MS = 60_000;

/**
 * Bounds password guessing: LOGIN_RATE_LIMIT attempts a minute per email and per client IP, counted in the shared
 * store so the bound holds across replicas. While Redis is down that store counts in this replica's memory (see
 * RedisThrottlerStorage), so the bound still holds per replica. It fails closed: should the store itself fail,
 * the attempt is refused (503) rather than let through uncounted.
 */
@Injectable()
export class LoginLimiter {
  constructor(
    @Inject(RATE_LIMIT_STORE) private readonly store: ThrottlerStorage,
    private readonly config: AppConfig,
  ) {}

  async check(email: string, ip: string): Promise<void> {
    const limit = this.config.LOGIN_RATE_LIMIT;
    let records;
    try {
      records = await Promise.all([
        this.store.increment(`email:${email}`, WINDOW_MS, limit, 0, 'login'),
        this.store.increment(`ip:${ip}`, WINDOW_MS, limit, 0, 'login'),
      ]);
    } catch {
      throw new DomainError(503, 'Service unavailable', {}, { 'retry-after': '1' });
    }
    const over = records.filter((r) => r.totalHits > limit);
    if (over.length > 0) {
      throw tooManyRequests('Too many login attempts', Math.max(...over.map((r) => r.timeToExpire)));
    }
  }
}
