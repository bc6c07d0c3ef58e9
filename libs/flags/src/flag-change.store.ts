import { Injectable } from '@nestjs/common';
import { type Transaction, Transactions } from '@superflag/core';
import { LessThan, MoreThan } from 'typeorm';
import type { QueryDeepPartialEntity } from 'typeorm/query-builder/QueryPartialEntity';
import { DeferredWrites } from './deferred-writes';
import { FlagChange } from './flag-change.entity';

export type NewFlagChange = Omit<FlagChange, 'createdAt'>;

/** The columns a change record is inserted with (created_at takes its default). */
export const CHANGE_COLUMNS =
  '(id, environment_id, version, action, diffs, actor_user_id, actor_token_id, actor_app_key_id, change_description, rolled_back_to)';

/** The change history of environments' flags: one record per version. */
@Injectable()
export class FlagChangeStore {
  constructor(private readonly transactions: Transactions) {}

  async record(tx: Transaction, change: NewFlagChange): Promise<void> {
    // The deep-partial type cannot express the json column's union of diffs; it is serialised as JSON.
    await this.transactions.manager(tx).insert(FlagChange, change as QueryDeepPartialEntity<FlagChange>);
  }

  /**
   * Raises the environment's version by exactly 1 and records the change under the new version, in one statement:
   * one round trip, not two, inside the environment's row lock (which the caller holds: VersionedWrite), where
   * every round trip is time other writers of the environment wait. The version and its change record are one
   * fact, so the version column is written here rather than by the environments store. Returns the new version.
   */
  async recordNextVersion(tx: Transaction, change: Omit<NewFlagChange, 'version'>): Promise<number> {
    // A deferred batch numbers its changes itself (it holds the lock at a known version) and writes them at its flush.
    const deferred = DeferredWrites.of(tx);
    if (deferred?.writes(change.environmentId)) return deferred.record(change);
    const rows: Array<{ version: number }> = await this.transactions.manager(tx).query(
      `WITH bumped AS (UPDATE environments SET version = version + 1 WHERE id = $2 RETURNING version)
       INSERT INTO flag_changes ${CHANGE_COLUMNS}
       SELECT $1, $2, bumped.version, $3, $4::json, $5, $6, $7, $8, $9 FROM bumped
       RETURNING version`,
      [
        change.id,
        change.environmentId,
        change.action,
        JSON.stringify(change.diffs),
        change.actorUserId,
        change.actorTokenId,
        change.actorAppKeyId,
        change.changeDescription,
        change.rolledBackTo,
      ],
    );
    if (rows.length !== 1) throw new Error(`Environment ${change.environmentId} vanished under its lock`);
    return rows[0].version;
  }

  /** The changes that produced versions after `version`, newest first: what a rollback to it undoes. */
  after(tx: Transaction, environmentId: string, version: number): Promise<FlagChange[]> {
    return this.transactions
      .manager(tx)
      .find(FlagChange, { where: { environmentId, version: MoreThan(version) }, order: { version: 'DESC' } });
  }

  /** At most `limit` changes, newest first, older than version `before` when given. */
  newest(environmentId: string, limit: number, before?: number): Promise<FlagChange[]> {
    return this.transactions.manager().find(FlagChange, {
      where: { environmentId, ...(before !== undefined ? { version: LessThan(before) } : {}) },
      order: { version: 'DESC' },
      take: limit,
    });
  }
}
