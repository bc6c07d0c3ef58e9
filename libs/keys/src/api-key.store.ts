import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { type Page, type PageRequest, readCreatedPage, type Transaction, Transactions } from '@superflag/core';
import { DataSource, In, IsNull } from 'typeorm';
import { ApiKey } from './api-key.entity';

/** Persistence of runtime keys: every query of `api_keys`. Revoked keys stay as rows (revoked_at set). */
@Injectable()
export class ApiKeyStore {
  constructor(
    private readonly transactions: Transactions,
    @InjectDataSource() private readonly dataSource: DataSource,
  ) {}

  /** Whether the database is connected yet (background checks skip a round before it is). */
  get connected(): boolean {
    return this.dataSource.isInitialized;
  }

  /** The environment's active keys, oldest first: all of them, or one page. */
  pageActive(environmentId: string, page?: PageRequest): Promise<Page<ApiKey>> {
    const qb = this.transactions
      .manager()
      .createQueryBuilder(ApiKey, 'key')
      .where('key.environment_id = :environmentId', { environmentId })
      .andWhere('key.revoked_at IS NULL');
    return readCreatedPage(qb, 'key', 'id', page);
  }

  countActive(environmentId: string, tx: Transaction): Promise<number> {
    return this.transactions.manager(tx).countBy(ApiKey, { environmentId, revokedAt: IsNull() });
  }

  /** The key as stored (with its creation time). */
  async insert(key: Omit<ApiKey, 'createdAt'>, tx: Transaction): Promise<ApiKey> {
    const manager = this.transactions.manager(tx);
    await manager.insert(ApiKey, manager.create(ApiKey, key));
    return manager.findOneByOrFail(ApiKey, { id: key.id });
  }

  findActive(id: string): Promise<ApiKey | null> {
    return this.transactions.manager().findOneBy(ApiKey, { id, revokedAt: IsNull() });
  }

  /** The active keys among these hashes, in one statement (`key_hash = ANY($1)`, one parameter however many). */
  findActiveByHash(keyHashes: readonly string[]): Promise<ApiKey[]> {
    return this.transactions
      .manager()
      .createQueryBuilder(ApiKey, 'key')
      .where('key.key_hash = ANY(:keyHashes)', { keyHashes })
      .andWhere('key.revoked_at IS NULL')
      .getMany();
  }

  /** Marks the key revoked; false when it was not active any more (revoked meanwhile). */
  async revoke(id: string, at: Date, tx: Transaction): Promise<boolean> {
    const result = await this.transactions.manager(tx).update(ApiKey, { id, revokedAt: IsNull() }, { revokedAt: at });
    return !!result.affected;
  }

  /** Sets lastUsedAt of each key to its time, in one statement; a key already used later keeps its time. */
  async touch(uses: ReadonlyMap<string, Date>): Promise<void> {
    await this.transactions.manager().query(
      `UPDATE api_keys k SET last_used_at = GREATEST(k.last_used_at, u.at)
         FROM unnest($1::varchar[], $2::timestamptz[]) AS u(id, at)
        WHERE k.id = u.id`,
      [[...uses.keys()], [...uses.values()].map((at) => at.toISOString())],
    );
  }

  /** Which of `ids` are still active keys (one statement). */
  async activeAmong(ids: string[]): Promise<Set<string>> {
    const rows = await this.transactions.manager().find(ApiKey, { select: { id: true }, where: { id: In(ids), revokedAt: IsNull() } });
    return new Set(rows.map((k) => k.id));
  }
}
