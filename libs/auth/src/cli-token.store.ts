import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { encodeCursor, type Page, type PageRequest, type Transaction, Transactions } from '@superflag/core';
import { IsNull, Repository } from 'typeorm';
import { CliToken } from './cli-token.entity';

/** What a new token row holds (created_at is the database's). */
export type NewCliToken = Pick<CliToken, 'id' | 'userId' | 'name' | 'tokenHash' | 'scopes' | 'session' | 'expiresAt'>;

/** Which of a user's active tokens a bulk revocation takes: one, all but one, or all. */
export interface TokenSelection {
  only?: string;
  except?: string;
}

/** created_at as whole microseconds (text), exactly as stored: a JS date keeps milliseconds only. */
const CREATED_MICROS = `(extract(epoch from t.created_at) * 1000000)::bigint::text`;
const AFTER_MICROS = `(timestamptz 'epoch' + CAST(:at AS bigint) * interval '1 microsecond')`;
const ACTIVE = 't.user_id = :userId AND t.revoked_at IS NULL AND (t.expires_at IS NULL OR t.expires_at > :now)';

/** Users' cli_ tokens. Without a transaction handle, a call runs on its own. */
@Injectable()
export class CliTokenStore {
  constructor(
    // The credential lookup goes through the repository, one call per lookup (tests count them).
    @InjectRepository(CliToken) private readonly tokens: Repository<CliToken>,
    private readonly transactions: Transactions,
  ) {}

  /** The token whose secret hashes to `tokenHash`, unless revoked (expired ones too: the caller decides). */
  findUnrevokedByHash(tokenHash: string): Promise<CliToken | null> {
    return this.tokens.findOneBy({ tokenHash, revokedAt: IsNull() });
  }

  findById(tx: Transaction | undefined, id: string): Promise<CliToken | null> {
    return this.transactions.manager(tx).findOneBy(CliToken, { id });
  }

  async touch(id: string, lastUsedAt: Date, expiresAt?: Date): Promise<void> {
    await this.tokens.update({ id }, expiresAt ? { lastUsedAt, expiresAt } : { lastUsedAt });
  }

  /** Tokens of the user that are neither revoked nor expired at `now`. */
  countActive(tx: Transaction, userId: string, now: Date): Promise<number> {
    return this.transactions.manager(tx).createQueryBuilder(CliToken, 't').where(ACTIVE, { userId, now }).getCount();
  }

  /** The user's `count` active sessions (not minted tokens) used least recently. */
  leastRecentlyUsedSessions(tx: Transaction, userId: string, now: Date, count: number): Promise<CliToken[]> {
    return this.transactions
      .manager(tx)
      .createQueryBuilder(CliToken, 't')
      .where(`${ACTIVE} AND t.session`, { userId, now })
      .orderBy('COALESCE(t.last_used_at, t.created_at)', 'ASC')
      .addOrderBy('t.id', 'ASC')
      .limit(count)
      .getMany();
  }

  async insert(tx: Transaction, token: NewCliToken): Promise<CliToken> {
    const manager = this.transactions.manager(tx);
    return manager.save(manager.create(CliToken, { ...token, lastUsedAt: null, revokedAt: null }));
  }

  async revokeByIds(tx: Transaction, ids: string[], at: Date): Promise<void> {
    await this.transactions.manager(tx).update(CliToken, ids, { revokedAt: at });
  }

  /** Marks the selected active tokens of a user revoked; returns their hashes. */
  async revokeWhere(tx: Transaction | undefined, userId: string, which: TokenSelection, at: Date): Promise<string[]> {
    const qb = this.transactions
      .manager(tx)
      .createQueryBuilder()
      .update(CliToken)
      .set({ revokedAt: at })
      .where('user_id = :userId AND revoked_at IS NULL', { userId });
    if (which.only !== undefined) qb.andWhere('id = :only', { only: which.only });
    if (which.except !== undefined) qb.andWhere('id <> :except', { except: which.except });
    const result = await qb.returning('token_hash').execute();
    return (result.raw as Array<{ token_hash: string }>).map((r) => r.token_hash);
  }

  /** The user's unrevoked tokens, newest first; the whole list without a page request. The cursor is [created µs, id]. */
  async page(userId: string, page?: PageRequest): Promise<Page<CliToken>> {
    const qb = this.transactions
      .manager()
      .createQueryBuilder(CliToken, 't')
      .addSelect(CREATED_MICROS, 'created_micros')
      .where('t.user_id = :userId AND t.revoked_at IS NULL', { userId })
      .orderBy('t.created_at', 'DESC')
      .addOrderBy('t.id', 'ASC');
    if (page?.after) {
      const [at, id] = page.after as [string, string];
      qb.andWhere(`(t.created_at < ${AFTER_MICROS} OR (t.created_at = ${AFTER_MICROS} AND t.id > :id))`, { at, id });
    }
    if (page) qb.limit(page.limit + 1);
    const { entities, raw } = await qb.getRawAndEntities<{ t_id: string; created_micros: string }>();
    if (!page || entities.length <= page.limit) return { items: entities, nextCursor: null };
    const items = entities.slice(0, page.limit);
    const last = items[items.length - 1];
    // The cursor keeps created_at to the microsecond: a JS date would repeat or skip tokens made in the same ms.
    const lastMicros = raw.find((r) => r.t_id === last.id)!.created_micros;
    return { items, nextCursor: encodeCursor([lastMicros, last.id]) };
  }
}
