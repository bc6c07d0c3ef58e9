import { Injectable } from '@nestjs/common';
import { type Transaction, Transactions } from '@superflag/core';
import { LessThan, MoreThan } from 'typeorm';
import type { QueryDeepPartialEntity } from 'typeorm/query-builder/QueryPartialEntity';
import { FlagChange } from './flag-change.entity';

export type NewFlagChange = Omit<FlagChange, 'createdAt'>;

/** The change history of environments' flags: one record per version. */
@Injectable()
export class FlagChangeStore {
  constructor(private readonly transactions: Transactions) {}

  async record(tx: Transaction, change: NewFlagChange): Promise<void> {
    // The deep-partial type cannot express the json column's union of diffs; it is serialised as JSON.
    await this.transactions.manager(tx).insert(FlagChange, change as QueryDeepPartialEntity<FlagChange>);
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
