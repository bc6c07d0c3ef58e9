/** Plans sold by monthly requests per environment. */
export const PLANS = ['free', 'pro', 'enterprise'] as const;
export type Plan = (typeof PLANS)[number];

/** `2026-11`: the calendar month (UTC) a counter belongs to. */
export function monthOf(now: Date): string {
  return now.toISOString().slice(0, 7);
}

/** The first instant of the next UTC month: when every counter of `now`'s month resets. */
export function nextMonthStart(now: Date): Date {
  return new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() + 1, 1));
}

/** The most a replica reserves from the shared counter at once. */
export const MAX_LEASE = 100;

/**
 * How many requests a replica reserves from the shared counter at once, given what is left of the month's
 * quota. Far from the limit a replica takes up to MAX_LEASE at a time, so the hot path rarely talks to Redis;
 * near it the lease shrinks to 1, so the last requests are counted one by one and the limit is exact. A lease
 * is capped by what is left, so replicas together never admit more than the limit (while Redis is reachable).
 */
export function leaseSize(remaining: number): number {
  if (!Number.isFinite(remaining)) return MAX_LEASE;
  return Math.max(1, Math.min(MAX_LEASE, Math.floor(remaining / 64)));
}

/**
 * What part of a reservation of `block` requests fits under `limit`, given the counter's value right after
 * the reservation was added.
 */
export function granted(limit: number, totalAfter: number, block: number): number {
  if (!Number.isFinite(limit)) return block;
  return Math.max(0, Math.min(block, limit - (totalAfter - block)));
}
