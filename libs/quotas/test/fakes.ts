import type { QuotaStore } from '../src/quota-store';
import type { UsageDelta, UsageStore } from '../src/usage.store';

/** PostgreSQL's environment_usage in memory, with a switch to make it fail. */
export class MemoryUsageStore implements UsageStore {
  readonly rows = new Map<string, number>();
  down = false;
  writes = 0;

  async add(deltas: UsageDelta[]): Promise<void> {
    if (this.down) throw new Error('connect ECONNREFUSED');
    this.writes++;
    for (const d of deltas)
      this.rows.set(`${d.environmentId}:${d.month}`, (this.rows.get(`${d.environmentId}:${d.month}`) ?? 0) + d.served);
  }

  async served(environmentIds: string[], month: string): Promise<Map<string, number>> {
    if (this.down) throw new Error('connect ECONNREFUSED');
    return new Map(environmentIds.filter((id) => this.rows.has(`${id}:${month}`)).map((id) => [id, this.rows.get(`${id}:${month}`)!]));
  }
}

/**
 * The rules of RedisQuotaStore's scripts over plain maps: per-replica registrations, heartbeats on a
 * settable clock, a flush that loses everything. One `SharedStore`, one `view(replica)` per replica.
 */
export class SharedStore {
  readonly values = new Map<string, number>();
  readonly registries = new Map<string, Map<string, number>>();
  readonly heartbeats = new Map<string, number>();
  now = 0;

  flushAll(): void {
    this.values.clear();
    this.registries.clear();
    this.heartbeats.clear();
  }

  view(replica: string, ttlMs = 10_000): QuotaStore {
    const registry = () => {
      if (!this.registries.has(replica)) this.registries.set(replica, new Map());
      return this.registries.get(replica)!;
    };
    const value = (key: string) => this.values.get(key) ?? 0;
    const apply = async (key: string, id: string, by: number, registration: number, registered: boolean) => {
      if (registered && !this.registries.get(replica)?.has(id)) return null;
      this.values.set(key, value(key) + by);
      registry().set(id, (registry().get(id) ?? 0) + registration);
      return value(key);
    };
    return {
      reserve: (id, by, _at, registered) => apply(`sf:quota:${id}`, id, by, by, registered),
      addServed: (id, by, _at, registered) => apply(`sf:quota-served:${id}`, id, by, -by, registered),
      get: async (keys) => keys.map(value),
      restore: async (id, served, own) => {
        const s = Math.max(value(`sf:quota-served:${id}`), served);
        const total = Math.max(value(`sf:quota:${id}`) + own - (this.registries.get(replica)?.get(id) ?? 0), s + own);
        this.values.set(`sf:quota-served:${id}`, s);
        this.values.set(`sf:quota:${id}`, total);
        registry().set(id, own);
        return { total, served: s };
      },
      heartbeat: async () => {
        this.heartbeats.set(replica, this.now + ttlMs);
        let reclaimed = 0;
        for (const [dead, expires] of this.heartbeats) {
          if (expires > this.now) continue;
          for (const [id, amount] of this.registries.get(dead) ?? []) {
            if (!this.values.has(`sf:quota:${id}`)) continue;
            this.values.set(`sf:quota:${id}`, Math.max(value(`sf:quota:${id}`) - amount, value(`sf:quota-served:${id}`)));
          }
          this.registries.delete(dead);
          this.heartbeats.delete(dead);
          reclaimed++;
        }
        return reclaimed;
      },
      forget: async (id) => void this.registries.get(replica)?.delete(id),
      unregister: async () => {
        this.registries.delete(replica);
        this.heartbeats.delete(replica);
      },
    };
  }
}
