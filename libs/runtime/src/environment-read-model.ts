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
  version: number;
  key: string | null;
  type: FlagType;
  value: FlagValue;
  client_enabled: boolean;
  rollout: Rollout | null;
  targets: Array<[TargetType, string, FlagValue]> | string | null;
}

const byKey = (a: RuntimeFlag, b: RuntimeFlag) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0);

/**
 * What the runtime's snapshots are loaded from: the flags tables (which libs/flags writes) read in the shape the
 * runtime serves, kept here rather than in the flags lib so the read side can change without touching writes.
 * Called only on a snapshot (re)load, never per request. No access check: callers hold a verified runtime key.
 */
@Injectable()
export class EnvironmentReadModel {
  constructor(private readonly transactions: Transactions) {}

  /**
   * The current flag set of an environment with its version, read in one statement (so the two always agree).
   * null when the environment no longer exists.
   */
  async load(environmentId: string): Promise<EnvironmentData | null> {
    const rows: Row[] = await this.transactions.manager().query(
      `SELECT e.version, f.key, f.type, f.value, f.client_enabled, f.rollout,
              (SELECT json_agg(json_build_array(t.target_type, t.target_id, t.value)) FROM flag_targets t WHERE t.flag_id = f.id) AS targets
         FROM environments e LEFT JOIN flags f ON f.environment_id = e.id
        WHERE e.id = $1`,
      [environmentId],
    );
    if (rows.length === 0) return null;
    const flags = rows
      .filter((r) => r.key !== null)
      .map((r): RuntimeFlag => {
        const targets =
          typeof r.targets === 'string' ? (JSON.parse(r.targets) as Array<[TargetType, string, FlagValue]>) : (r.targets ?? []);
        return {
          key: r.key!,
          type: r.type,
          value: r.value,
          clientEnabled: r.client_enabled,
          rollout: r.rollout ?? null,
          users: new Map(targets.filter((t) => t[0] === 'user').map((t) => [t[1], t[2]])),
          companies: new Map(targets.filter((t) => t[0] === 'company').map((t) => [t[1], t[2]])),
        };
      })
      .sort(byKey);
    return { version: rows[0].version, flags };
  }
}
