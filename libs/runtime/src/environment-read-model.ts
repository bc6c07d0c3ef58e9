import { Injectable } from '@nestjs/common';
import { Transactions } from '@superflag/core';
import type { FlagType, FlagValue, Rollout, TargetType } from '@superflag/flags';

/** A flag as the runtime serves and evaluates it. */
export interface RuntimeFlag {
  key: string;
  type: FlagType;
  value: FlagValue;
  clientEnabled: boolean;
  rollout: Rollout | null;
  /** Overrides by user id and by company id. */
  users: ReadonlyMap<string, FlagValue>;
  companies: ReadonlyMap<string, FlagValue>;
}

export interface EnvironmentData {
  version: number;
  /** Keys in order. */
  flags: RuntimeFlag[];
}

interface Row {
  id: string;
  version: number;
  key: string | null;
  type: FlagType;
  value: FlagValue;
  client_enabled: boolean;
  rollout: Rollout | null;
  targets: Array<[TargetType, string, FlagValue]> | string | null;
}

const byKey = (a: RuntimeFlag, b: RuntimeFlag) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0);

/** Most flags have no overrides: they share one empty map instead of two each (memory per cached environment). */
export const NO_TARGETS: ReadonlyMap<string, FlagValue> = new Map();

/** One copy of each type name for every flag (rows bring a string each). */
const TYPES: Record<string, FlagType> = { bool: 'bool', string: 'string', number: 'number', json: 'json' };

/** Environments per statement: one round trip for a burst of first reads, a statement still small enough to plan quickly. */
export const LOAD_BATCH = 100;
/**
 * Batches in flight at once before new loads wait for the next one: two, so that PostgreSQL executes one while this
 * process receives and parses the other's rows (measured by bench/scale.mts: 10,000 cold environments in about half
 * the time of one at a time, with no gain from more), and batches stay large.
 */
export const LOAD_CONCURRENCY = 2;
/**
 * A batch that has not answered within this long stops holding the next one back (a stalled connection must not
 * stall every first read behind it until query_timeout); its own waiters still wait for its answer.
 */
export const LOAD_STALL_MS = 1_000;

interface Waiter {
  resolve: (data: EnvironmentData | null) => void;
  reject: (err: unknown) => void;
}

/**
 * What the runtime's snapshots are loaded from: the flags tables (which libs/flags writes) read in the shape the
 * runtime serves, kept here rather than in the flags lib so the read side can change without touching writes.
 * Called only on a snapshot (re)load, never per request. No access check: callers hold a verified runtime key.
 *
 * Loads coalesce without a fixed window: with fewer than LOAD_CONCURRENCY batches in flight, a load goes out at
 * the end of the current event-loop turn (together with the loads asked for in that turn), so a lone cold read
 * waits for nothing; otherwise every new load joins the next batch, which goes out when one in flight answers,
 * LOAD_BATCH environments per statement. A replica starting cold behind a busy load balancer sees thousands of first reads
 * of different environments at once: the slower the database answers, the larger the batches, so they cost a
 * statement per LOAD_BATCH environments rather than one each (the query storm).
 */
@Injectable()
export class EnvironmentReadModel {
  /** SQL statements sent to load snapshots (one per chunk of at most LOAD_BATCH; failed ones included) and the environments they loaded, for /metrics. */
  statements = 0;
  loaded = 0;
  private pending = new Map<string, Waiter[]>();
  private scheduled = false;
  /** Batches sent and not yet answered (nor stalled past LOAD_STALL_MS): at LOAD_CONCURRENCY, new loads wait for the next batch. */
  private inFlight = 0;

  constructor(private readonly transactions: Transactions) {}

  /**
   * The current flag set of an environment with its version, read in one statement (so the two always agree).
   * null when the environment no longer exists.
   */
  load(environmentId: string): Promise<EnvironmentData | null> {
    return new Promise((resolve, reject) => {
      const waiters = this.pending.get(environmentId);
      if (waiters) waiters.push({ resolve, reject });
      else this.pending.set(environmentId, [{ resolve, reject }]);
      this.schedule();
    });
  }

  private schedule(): void {
    if (this.scheduled || this.inFlight >= LOAD_CONCURRENCY || this.pending.size === 0) return;
    this.scheduled = true;
    // Not a timer: the end of this turn, so that loads asked for in the same turn (one answer resolving many) go together.
    setImmediate(() => this.flush());
  }

  private flush(): void {
    this.scheduled = false;
    const batch = this.pending;
    this.pending = new Map();
    const ids = [...batch.keys()];
    for (let i = 0; i < ids.length; i += LOAD_BATCH) {
      const chunk = ids.slice(i, i + LOAD_BATCH);
      this.inFlight++;
      let released = false;
      const release = () => {
        if (released) return;
        released = true;
        clearTimeout(stalled);
        this.inFlight--;
        this.schedule();
      };
      const stalled = setTimeout(release, LOAD_STALL_MS);
      stalled.unref?.();
      this.loadMany(chunk)
        .then(
          (found) => {
            for (const id of chunk) for (const w of batch.get(id)!) w.resolve(found.get(id) ?? null);
          },
          (err: unknown) => {
            // Only this chunk's waiters: the other chunks of the batch, and the next batch, stand on their own.
            for (const id of chunk) for (const w of batch.get(id)!) w.reject(err);
          },
        )
        .finally(release);
    }
  }

  /** The environments of `ids` that exist, each with its flags and version, in one statement. */
  private async loadMany(ids: string[]): Promise<Map<string, EnvironmentData>> {
    this.statements++;
    const rows: Row[] = await this.transactions.manager().query(
      `SELECT e.id, e.version, f.key, f.type, f.value, f.client_enabled, f.rollout,
              (SELECT json_agg(json_build_array(t.target_type, t.target_id, t.value)) FROM flag_targets t WHERE t.flag_id = f.id) AS targets
         FROM environments e LEFT JOIN flags f ON f.environment_id = e.id
        WHERE e.id = ANY($1)`,
      [ids],
    );
    const found = new Map<string, EnvironmentData>();
    for (const r of rows) {
      let data = found.get(r.id);
      if (!data) found.set(r.id, (data = { version: r.version, flags: [] }));
      if (r.key !== null) data.flags.push(runtimeFlag(r));
    }
    for (const data of found.values()) data.flags.sort(byKey);
    this.loaded += found.size;
    return found;
  }
}

function runtimeFlag(r: Row): RuntimeFlag {
  const targets = typeof r.targets === 'string' ? (JSON.parse(r.targets) as Array<[TargetType, string, FlagValue]>) : (r.targets ?? []);
  const users = targets.filter((t) => t[0] === 'user');
  const companies = targets.filter((t) => t[0] === 'company');
  return {
    key: r.key!,
    type: TYPES[r.type] ?? r.type,
    value: r.value,
    clientEnabled: r.client_enabled,
    rollout: r.rollout ?? null,
    users: users.length > 0 ? new Map(users.map((t) => [t[1], t[2]])) : NO_TARGETS,
    companies: companies.length > 0 ? new Map(companies.map((t) => [t[1], t[2]])) : NO_TARGETS,
  };
}
