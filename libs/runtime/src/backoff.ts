import { DomainError } from '@superflag/core';

/** First retry after a failure, doubled with each further failure up to `BACKOFF_MAX_MS`. */
export const BACKOFF_BASE_MS = 250;
export const BACKOFF_MAX_MS = 10_000;

/**
 * When to call a failing dependency again: exponential backoff with jitter, so that a PostgreSQL outage costs
 * one attempt per window rather than one per request, and replicas that failed together do not retry together.
 */
export class Backoff {
  /** Consecutive failures; 0 once a call succeeded. */
  failures = 0;
  /** Epoch ms before which no new attempt should be made. */
  retryAt = 0;

  constructor(private readonly random: () => number = Math.random) {}

  /** Records a failure at `now`; returns the delay (ms) until the next attempt. */
  failed(now: number): number {
    this.failures++;
    const ceiling = Math.min(BACKOFF_MAX_MS, BACKOFF_BASE_MS * 2 ** Math.min(this.failures - 1, 30));
    // "Equal jitter": at least half the window, so retries stay spaced out however unlucky the draw.
    const delay = Math.round(ceiling / 2 + (this.random() * ceiling) / 2);
    this.retryAt = now + delay;
    return delay;
  }

  succeeded(): void {
    this.failures = 0;
    this.retryAt = 0;
  }

  /** True while the last attempt failed and its window has not passed. */
  waiting(now: number): boolean {
    return this.failures > 0 && now < this.retryAt;
  }

  /** Whole seconds until the next attempt, at least 1: the `Retry-After` a caller is given meanwhile. */
  retryAfterSeconds(now: number): number {
    return Math.max(1, Math.ceil((this.retryAt - now) / 1000));
  }
}

/** What a runtime caller gets when its data cannot be read now: the same answer the error mapper gives for a database outage. */
export const serviceUnavailable = (retryAfterSeconds: number) =>
  new DomainError(503, 'Service unavailable', {}, { 'retry-after': String(Math.max(1, Math.ceil(retryAfterSeconds))) });
