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

/** What a replica reserves from the shared counter at once to start with, and never less far from the limit. */
export const BASE_LEASE = 100;
/** The most a replica reserves at once, however fast it serves an environment. */
export const MAX_LEASE = 10_000;
/** How long a lease should last: a replica serving faster takes larger leases, so it asks Redis ~5 times a second. */
export const LEASE_TARGET_MS = 200;

/**
 * How many requests a replica reserves from the shared counter at once, given what is left of the month's
 * quota and the lease it wants (sized by nextLeaseWant from how fast it serves). Far from the limit a replica
 * takes what it wants, so the hot path rarely talks to Redis even at tens of thousands of requests a second;
 * near the limit the lease shrinks to 1, so the last requests are counted one by one and the limit is exact.
 * A lease is capped by what is left, so replicas together never admit more than the limit (while Redis is
 * reachable), and by 1/64 of it, so one replica never holds what the others need.
 */
export function leaseSize(remaining: number, wanted = BASE_LEASE): number {
  const cap = Math.max(1, Math.min(MAX_LEASE, Math.floor(wanted)));
  if (!Number.isFinite(remaining)) return cap;
  return Math.max(1, Math.min(cap, Math.floor(remaining / 64)));
}

/**
 * The lease to want next, from the one wanted now and how long ago the previous reservation was made: doubled
 * while reservations come faster than half of LEASE_TARGET_MS, halved (down to BASE_LEASE) once they come
 * slower than four times it. Between the two the size holds, so a steady rate settles on one size.
 */
export function nextLeaseWant(wanted: number, sinceLastMs: number): number {
  if (sinceLastMs < LEASE_TARGET_MS / 2) return Math.min(MAX_LEASE, wanted * 2);
  if (sinceLastMs > LEASE_TARGET_MS * 4) return Math.max(BASE_LEASE, Math.floor(wanted / 2));
  return wanted;
}

/**
 * What part of a reservation of `block` requests fits under `limit`, given the counter's value right after
 * the reservation was added.
 */
export function granted(limit: number, totalAfter: number, block: number): number {
  if (!Number.isFinite(limit)) return block;
  return Math.max(0, Math.min(block, limit - (totalAfter - block)));
}
