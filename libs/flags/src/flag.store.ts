import { Injectable } from '@nestjs/common';
import { type Transaction, Transactions, uniquely } from '@superflag/core';
import type { QueryDeepPartialEntity } from 'typeorm/query-builder/QueryPartialEntity';
import { DeferredWrites } from './deferred-writes';
import { CHANGE_COLUMNS, type NewFlagChange } from './flag-change.store';
import { Flag } from './flag.entity';

/** What a new flag row holds besides its id and environment. */
export type NewFlag = Pick<Flag, 'id' | 'environmentId' | 'key' | 'type' | 'value' | 'clientEnabled' | 'rollout'> & {
  description?: string | null;
};

/**
 * A flags row as the entity's properties. The write path's reads are plain SQL: TypeORM's find builds the same
 * query anew on every call, which costs more CPU than the round trip on a busy replica. The drivers return json
 * columns parsed (key order kept: JSON.parse keeps it) and timestamptz as Date, as TypeORM's hydration does.
 */
const FLAG_COLUMNS = `id, environment_id AS "environmentId", key, type, value, client_enabled AS "clientEnabled", description, rollout,
  created_at AS "createdAt", updated_at AS "updatedAt"`;

/**
 * Writes the rows of `$1` (a json array of rowOf) to their flags. json_to_recordset keeps each json field's text, so
 * its key order (json columns, not jsonb: values come back as they were written).
 */
const SAVE_VALUES = `UPDATE flags AS f SET type = v.type, value = v.value, client_enabled = v.client_enabled, description = v.description, rollout = v.rollout, updated_at = now()
  FROM json_to_recordset($1::json) AS v(id varchar, type varchar, value json, client_enabled boolean, description text, rollout json)
 WHERE f.id = v.id`;

/** The flags of an environment. Without a transaction handle, reads run outside any transaction. */
@Injectable()
export class FlagStore {
  constructor(private readonly transactions: Transactions) {}

  /** Every flag of the environment, keys in order. */
  async list(tx: Transaction | undefined, environmentId: string): Promise<Flag[]> {
    await this.flush(tx);
    return this.transactions.manager(tx).find(Flag, { where: { environmentId }, order: { key: 'ASC' } });
  }

  async find(tx: Transaction | undefined, environmentId: string, key: string): Promise<Flag | null> {
    const deferred = DeferredWrites.of(tx);
    if (deferred?.writes(environmentId)) return deferred.find(key, (keys) => this.read(tx, environmentId, keys));
    await this.flush(tx);
    const rows: Flag[] = await this.transactions
      .manager(tx)
      .query(`SELECT ${FLAG_COLUMNS} FROM flags WHERE environment_id = $1 AND key = $2`, [environmentId, key]);
    return rows[0] ?? null;
  }

  /** The flags among `keys` that exist, by key (one array parameter however many keys). */
  async findByKeys(tx: Transaction, environmentId: string, keys: string[]): Promise<Map<string, Flag>> {
    await this.flush(tx);
    return this.read(tx, environmentId, keys);
  }

  private async read(tx: Transaction | undefined, environmentId: string, keys: string[]): Promise<Map<string, Flag>> {
    const flags: Flag[] = await this.transactions
      .manager(tx)
      .query(`SELECT ${FLAG_COLUMNS} FROM flags WHERE environment_id = $1 AND key = ANY($2::varchar[])`, [environmentId, keys]);
    return new Map(flags.map((f) => [f.key, f]));
  }

  async exists(tx: Transaction, environmentId: string, key: string): Promise<boolean> {
    await this.flush(tx);
    return this.transactions.manager(tx).existsBy(Flag, { environmentId, key });
  }

  async count(tx: Transaction, environmentId: string): Promise<number> {
    await this.flush(tx);
    return this.transactions.manager(tx).countBy(Flag, { environmentId });
  }

  /**
   * Writes what a deferred batch (DeferredWrites) holds back, in one statement: every flag row, the environment's
   * version and every change record. Nothing to do for a transaction that defers nothing.
   */
  async flush(tx: Transaction | undefined): Promise<void> {
    const deferred = DeferredWrites.of(tx);
    if (!deferred?.pending) return;
    const { environmentId, version, flags, changes } = deferred.take();
    const rows: unknown[] = await this.transactions.manager(tx).query(
      `WITH saved AS (
         ${SAVE_VALUES} AND f.environment_id = $2
       ), bumped AS (UPDATE environments SET version = $3 WHERE id = $2 RETURNING version)
       INSERT INTO flag_changes ${CHANGE_COLUMNS}
       SELECT c.id, $2, c.version, c.action, c.diffs, c.actor_user_id, c.actor_token_id, c.actor_app_key_id, c.change_description, c.rolled_back_to
         FROM bumped, json_to_recordset($4::json) AS c(id varchar, version integer, action varchar, diffs json, actor_user_id varchar,
              actor_token_id varchar, actor_app_key_id varchar, change_description text, rolled_back_to integer)
       RETURNING id`,
      [JSON.stringify(flags.map(rowOf)), environmentId, version, JSON.stringify(changes.map(changeRowOf))],
    );
    if (rows.length !== changes.length) throw new Error(`Environment ${environmentId} vanished under its lock`);
  }

  /** 409 `Flag already exists` when the key is taken (a writer that did not hold the environment lock). */
  async insert(tx: Transaction, flag: NewFlag): Promise<void> {
    await this.flush(tx);
    // TypeORM's deep-partial type cannot express a json column holding `unknown[]`; the value is serialised as JSON.
    await uniquely('Flag already exists', () => this.transactions.manager(tx).insert(Flag, flag as QueryDeepPartialEntity<Flag>));
  }

  /** Writes type/value/clientEnabled/description/rollout of loaded flags in one statement (SAVE_VALUES). */
  async saveValues(tx: Transaction, flags: readonly Flag[]): Promise<void> {
    if (flags.length === 0) return;
    const deferred = DeferredWrites.of(tx);
    if (deferred && flags.every((f) => deferred.writes(f.environmentId))) return deferred.save(flags);
    await this.flush(tx);
    await this.transactions.manager(tx).query(SAVE_VALUES, [JSON.stringify(flags.map(rowOf))]);
  }

  /** Its overrides go with it (ON DELETE CASCADE). */
  async delete(tx: Transaction, id: string): Promise<void> {
    await this.flush(tx);
    await this.transactions.manager(tx).delete(Flag, { id });
  }
}

/** A flag's written columns, as json_to_recordset reads them. */
function rowOf(f: Flag) {
  return {
    id: f.id,
    type: f.type,
    value: f.value,
    client_enabled: f.clientEnabled,
    description: f.description,
    rollout: f.rollout ?? null,
  };
}

function changeRowOf(c: NewFlagChange) {
  return {
    id: c.id,
    version: c.version,
    action: c.action,
    diffs: c.diffs,
    actor_user_id: c.actorUserId,
    actor_token_id: c.actorTokenId,
    actor_app_key_id: c.actorAppKeyId,
    change_description: c.changeDescription,
    rolled_back_to: c.rolledBackTo,
  };
}
