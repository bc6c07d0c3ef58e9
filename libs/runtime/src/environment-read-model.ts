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
/** How long the first of a burst of loads waits for the others (cold reads arrive as their key checks answer, not all at once). */
const LOAD_WINDOW_MS = 2;

interface Waiter {
  resolve: (data: EnvironmentData | null) => void;
  reject: (err: unknown) => void;
}

/**
 * What the runtime's snapshots are loaded from: the flags tables (which libs/flags writes) read in the shape the
 * runtime serves, kept here rather than in the flags lib so the read side can change without touching writes.
 * Called only on a snapshot (re)load, never per request. No access check: callers hold a verified runtime key.
 *
 * Loads asked for within LOAD_WINDOW_MS of each other go out together, LOAD_BATCH environments per statement: a
 * replica starting cold behind a busy load balancer sees thousands of first reads of different environments at
 * once, and answers them with a few dozen statements rather than one each (the query storm).
 */
@Injectable()
export class EnvironmentReadModel {
  /** Statements issued and environments they loaded, for /metrics. */
  statements = 0;
  loaded = 0;
  private pending = new Map<string, Waiter[]>();
  private scheduled = false;

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
      if (!this.scheduled) {
        this.scheduled = true;
        setTimeout(() => this.flush(), LOAD_WINDOW_MS);
      }
    });
  }

  private flush(): void {
    this.scheduled = false;
    const batch = this.pending;
    this.pending = new Map();
    const ids = [...batch.keys()];
    for (let i = 0; i < ids.length; i += LOAD_BATCH) {
      const chunk = ids.slice(i, i + LOAD_BATCH);
      this.loadMany(chunk).then(
        (found) => {
          for (const id of chunk) for (const w of batch.get(id)!) w.resolve(found.get(id) ?? null);
        },
        (err: unknown) => {
          for (const id of chunk) for (const w of batch.get(id)!) w.reject(err);
        },
      );
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
