import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { type Transaction, Transactions } from '@superflag/core';
import { IsNull, Repository } from 'typeorm';
import { ManagementKey } from './management-key.entity';

/** What a new key row holds (created_at is the database's). */
export type NewManagementKey = Pick<ManagementKey, 'id' | 'appId' | 'name' | 'keyHash' | 'scopes' | 'createdBy' | 'expiresAt'>;

/** Persistence of apps' mgmt_ keys: every query of `management_keys`. */
@Injectable()
export class ManagementKeyStore {
  constructor(
    // The credential lookup goes through the repository, one call per lookup (tests count them).
    @InjectRepository(ManagementKey) private readonly keys: Repository<ManagementKey>,
    private readonly transactions: Transactions,
  ) {}

  /** The key whose secret hashes to `keyHash`, unless revoked (expired ones too: the caller decides). */
  findUnrevokedByHash(keyHash: string): Promise<ManagementKey | null> {
    return this.keys.findOneBy({ keyHash, revokedAt: IsNull() });
  }

  async touch(id: string, lastUsedAt: Date): Promise<void> {
    await this.keys.update({ id }, { lastUsedAt });
  }

  /** An app's keys that are not revoked (expired ones included), newest first. */
  listUnrevoked(appId: string): Promise<ManagementKey[]> {
    return this.keys.find({ where: { appId, revokedAt: IsNull() }, order: { createdAt: 'DESC', id: 'ASC' } });
  }

  findUnrevoked(appId: string, id: string, tx: Transaction): Promise<ManagementKey | null> {
    return this.transactions.manager(tx).findOneBy(ManagementKey, { id, appId, revokedAt: IsNull() });
  }

  insert(key: NewManagementKey, tx: Transaction): Promise<ManagementKey> {
    const manager = this.transactions.manager(tx);
    return manager.save(manager.create(ManagementKey, { ...key, lastUsedAt: null, revokedAt: null }));
  }

  /** Whether this call revoked it (false when it was revoked meanwhile). */
  async markRevoked(id: string, at: Date, tx: Transaction): Promise<boolean> {
    const result = await this.transactions.manager(tx).update(ManagementKey, { id, revokedAt: IsNull() }, { revokedAt: at });
    return Boolean(result.affected);
  }

  /** Revokes the app's unrevoked keys that `userId` created; returns them (id, name, hash). */
  async revokeCreatedBy(appId: string, userId: string, at: Date, tx: Transaction): Promise<ManagementKey[]> {
    const result = await this.transactions
      .manager(tx)
      .createQueryBuilder()
      .update(ManagementKey)
      .set({ revokedAt: at })
      .where('app_id = :appId AND created_by = :userId AND revoked_at IS NULL', { appId, userId })
      .returning('id, name, key_hash')
      .execute();
    return (result.raw as Array<{ id: string; name: string; key_hash: string }>).map((r) =>
      Object.assign(new ManagementKey(), { id: r.id, name: r.name, keyHash: r.key_hash, appId }),
    );
  }
}
