import { Injectable } from '@nestjs/common';
import { AppConfig } from '../config/app-config';
import { tooManyRequests } from '../errors/domain-error';
import { WindowLimiter } from './window-limiter';

const MINUTE = 60_000;
/** Addresses tracked at once (one small window each). */
const MAX_ADDRESSES = 100_000;

/**
 * BURST_AUTH_FAIL_IP_LIMIT: failed authentications (unknown, revoked or expired credentials) a minute per client
 * address, shared by the management guard and the runtime key check. Past it, that address's credentials are
 * refused with 429 before they are looked up, so guessing keys or tokens costs the database nothing. Counted per
 * replica, in memory: the point is to keep a flood off PostgreSQL, which a Redis round trip per failure would
 * only move elsewhere.
 */
@Injectable()
export class AuthFailureLimiter {
  private readonly failures: WindowLimiter;

  constructor(config: AppConfig) {
    this.failures = new WindowLimiter(config.BURST_AUTH_FAIL_IP_LIMIT, MINUTE, MAX_ADDRESSES);
  }

  /** 429 `Too many requests` (with Retry-After) when the address is past its failures for this minute. */
  check(address: string): void {
    if (!this.failures.enabled) return;
    const wait = this.failures.blocked(address);
    if (wait > 0) throw tooManyRequests('Too many requests', wait);
  }

  /** Records one failed authentication from the address. */
  failed(address: string): void {
    if (this.failures.enabled) this.failures.hit(address);
  }
}
