import { Injectable } from '@nestjs/common';
import { type Transaction, Transactions, uniquely } from '@superflag/core';
import type { QueryDeepPartialEntity } from 'typeorm/query-builder/QueryPartialEntity';
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

/** The flags of an environment. Without a transaction handle, reads run outside any transaction. */
@Injectable()
export class FlagStore {
  constructor(private readonly transactions: Transactions) {}

  /** Every flag of the environment, keys in order. */
  list(tx: Transaction | undefined, environmentId: string): Promise<Flag[]> {
    return this.transactions.manager(tx).find(Flag, { where: { environmentId }, order: { key: 'ASC' } });
  }

  async find(tx: Transaction | undefined, environmentId: string, key: string): Promise<Flag | null> {
    const rows: Flag[] = await this.transactions
      .manager(tx)
      .query(`SELECT ${FLAG_COLUMNS} FROM flags WHERE environment_id = $1 AND key = $2`, [environmentId, key]);
    return rows[0] ?? null;
  }

  /** The flags among `keys` that exist, by key (one array parameter however many keys). */
  async findByKeys(tx: Transaction, environmentId: string, keys: string[]): Promise<Map<string, Flag>> {
    const flags: Flag[] = await this.transactions
      .manager(tx)
      .query(`SELECT ${FLAG_COLUMNS} FROM flags WHERE environment_id = $1 AND key = ANY($2::varchar[])`, [environmentId, keys]);
    return new Map(flags.map((f) => [f.key, f]));
  }

  exists(tx: Transaction, environmentId: string, key: string): Promise<boolean> {
    return this.transactions.manager(tx).existsBy(Flag, { environmentId, key });
  }

  count(tx: Transaction, environmentId: string): Promise<number> {
    return this.transactions.manager(tx).countBy(Flag, { environmentId });
  }

  /** 409 `Flag already exists` when the key is taken (a writer that did not hold the environment lock). */
  async insert(tx: Transaction, flag: NewFlag): Promise<void> {
    // TypeORM's deep-partial type cannot express a json column holding `unknown[]`; the value is serialised as JSON.
    await uniquely('Flag already exists', () => this.transactions.manager(tx).insert(Flag, flag as QueryDeepPartialEntity<Flag>));
  }

  /**
   * Writes type/value/clientEnabled/description/rollout of loaded flags in one statement. json_to_recordset keeps
   * each json field's text, so its key order (json columns, not jsonb: values come back as they were written).
   */
  async saveValues(tx: Transaction, flags: readonly Flag[]): Promise<void> {
    if (flags.length === 0) return;
    await this.transactions.manager(tx).query(
      `UPDATE flags AS f SET type = v.type, value = v.value, client_enabled = v.client_enabled, description = v.description, rollout = v.rollout, updated_at = now()
         FROM json_to_recordset($1::json) AS v(id varchar, type varchar, value json, client_enabled boolean, description text, rollout json)
        WHERE f.id = v.id`,
      [
        JSON.stringify(
          flags.map((f) => ({
            id: f.id,
            type: f.type,
            value: f.value,
            client_enabled: f.clientEnabled,
            description: f.description,
            rollout: f.rollout ?? null,
          })),
        ),
      ],
    );
  }

  /** Its overrides go with it (ON DELETE CASCADE). */
  async delete(tx: Transaction, id: string): Promise<void> {
    await this.transactions.manager(tx).delete(Flag, { id });
  }
}
