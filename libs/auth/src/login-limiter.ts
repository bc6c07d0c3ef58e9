import { Inject, Injectable } from '@nestjs/common';
import type { ThrottlerStorage } from '@nestjs/throttler';
import { AppConfig, RATE_LIMIT_STORE, tooManyRequests } from '@superflag/core';

const WINDOW_MS = 60_000;

/**
 * Bounds password guessing: LOGIN_RATE_LIMIT attempts a minute per email and per client IP, counted in
 * the shared store so the bound holds across replicas.
 */
@Injectable()
export class LoginLimiter {
  constructor(@Inject(RATE_LIMIT_STORE) private readonly store: ThrottlerStorage, private readonly config: AppConfig) {}

  async check(email: string, ip: string): Promise<void> {
    const limit = this.config.LOGIN_RATE_LIMIT;
    const [byEmail, byIp] = await Promise.all([
      this.store.increment(`email:${email}`, WINDOW_MS, limit, 0, 'login'),
      this.store.increment(`ip:${ip}`, WINDOW_MS, limit, 0, 'login'),
    ]);
    const over = [byEmail, byIp].filter((r) => r.totalHits > limit);
    if (over.length > 0) {
      throw tooManyRequests('Too many login attempts', Math.max(...over.map((r) => r.timeToExpire)));
    }
  }
}
