/** One fixed window of one (address, subject) pair; reused when its window ends, so a steady client allocates nothing. */
interface Window {
  count: number;
  endsAt: number;
}

/**
 * A per-replica fixed-window counter keyed by client address and a subject (a key id, or nothing), for limits
 * checked on every request where a shared store's round trip would cost more than the request itself (the
 * runtime read path). Counts are this replica's own: behind N replicas a client gets at most N times the limit,
 * which is what these limits are for (keeping one address from burning a month or guessing keys), not billing.
 *
 * Two levels (address, then subject) so a lookup never concatenates a key string. Memory is bounded: past
 * `maxEntries` windows, ended windows are swept and, when all are live, the address tracked longest is dropped
 * (an attacker rotating addresses resets its own oldest counters first). Ended windows are also swept lazily at
 * most once per window length, when a new window opens: no timer.
 */
export class WindowLimiter {
  private readonly byAddress = new Map<string, Map<string, Window>>();
  private entries = 0;
  private nextSweep = 0;

  constructor(
    readonly limit: number,
    private readonly windowMs: number,
    private readonly maxEntries = 100_000,
    private readonly now: () => number = Date.now,
  ) {}

  /** Whether the limit is on (0 = off). */
  get enabled(): boolean {
    return this.limit > 0;
  }

  /** Number of live (address, subject) windows tracked. */
  get size(): number {
    return this.entries;
  }

  /**
   * Counts one hit; returns 0 when it is within the limit, otherwise the seconds until the window ends
   * (for Retry-After). Hits past the limit are not counted further: a refused client cannot extend its own block.
   */
  hit(address: string, subject = ''): number {
    const now = this.now();
    const window = this.window(address, subject, now);
    if (window.count >= this.limit) return retryAfter(window, now);
    window.count++;
    return 0;
  }

  /** Like hit, without counting: seconds until the pair may go on (0 = it may now). */
  blocked(address: string, subject = ''): number {
    const window = this.byAddress.get(address)?.get(subject);
    if (!window) return 0;
    const now = this.now();
    return window.endsAt > now && window.count >= this.limit ? retryAfter(window, now) : 0;
  }

  private window(address: string, subject: string, now: number): Window {
    let subjects = this.byAddress.get(address);
    const existing = subjects?.get(subject);
    if (existing) {
      if (existing.endsAt <= now) {
        existing.count = 0;
        existing.endsAt = now + this.windowMs;
      }
      return existing;
    }
    if (now >= this.nextSweep || this.entries >= this.maxEntries) this.sweep(now);
    while (this.entries >= this.maxEntries) this.dropOldest();
    if (!subjects || !this.byAddress.has(address)) {
      subjects = new Map();
      this.byAddress.set(address, subjects);
    }
    const created = { count: 0, endsAt: now + this.windowMs };
    subjects.set(subject, created);
    this.entries++;
    return created;
  }

  private sweep(now: number): void {
    this.nextSweep = now + this.windowMs;
    for (const [address, subjects] of this.byAddress) {
      for (const [subject, window] of subjects) {
        if (window.endsAt > now) continue;
        subjects.delete(subject);
        this.entries--;
      }
      if (subjects.size === 0) this.byAddress.delete(address);
    }
  }

  private dropOldest(): void {
    const first = this.byAddress.entries().next();
    if (first.done) {
      this.entries = 0;
      return;
    }
    const [address, subjects] = first.value;
    this.entries -= subjects.size;
    this.byAddress.delete(address);
  }
}

function retryAfter(window: Window, now: number): number {
  return Math.max(1, Math.ceil((window.endsAt - now) / 1000));
}
