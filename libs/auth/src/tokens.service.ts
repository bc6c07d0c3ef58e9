import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import {
  AppConfig, badRequest, Clock, encodeCursor, hashSecret, IdGenerator, limitReached, newSecret, notFound, type Page, type PageRequest,
} from '@superflag/core';
import { DataSource, EntityManager } from 'typeorm';
import { CliToken } from './cli-token.entity';
import { CredentialCache } from './credential-cache';
import type { UserPrincipal } from './principal';
import { SCOPES, type Scope } from './scopes';
import { User } from './user.entity';

const DAY_MS = 86_400_000;
/** created_at as whole microseconds (text), exactly as stored: a JS date keeps milliseconds only. */
const CREATED_MICROS = `(extract(epoch from t.created_at) * 1000000)::bigint::text`;
const AFTER_MICROS = `(timestamptz 'epoch' + CAST(:at AS bigint) * interval '1 microsecond')`;

export interface IssuedToken {
  token: CliToken;
  secret: string;
}

/** A session issued inside a transaction, with the sessions it pushed out (forget them once it has committed). */
export interface IssuedSession extends IssuedToken {
  displaced: string[];
}

/** The shape of a token list's cursor: created_at in microseconds, then id. */
export const TOKEN_CURSOR = ['digits', 'string'] as const;

/**
 * A user's cli_ tokens: sessions (signup, login) that expire LOGIN_TOKEN_TTL_DAYS after their last use, and
 * tokens minted from another token, never wider nor longer-lived than it. At most LIMIT_TOKENS_PER_USER are active.
 */
@Injectable()
export class TokensService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly config: AppConfig,
    private readonly clock: Clock,
    private readonly ids: IdGenerator,
    private readonly cache: CredentialCache,
  ) {}

  /** When a session used now should expire. */
  sessionExpiry(now: number): Date {
    return new Date(now + this.config.LOGIN_TOKEN_TTL_DAYS * DAY_MS);
  }

  /** Active tokens, newest first; the whole list without a page request (as before paging existed). */
  async list(principal: UserPrincipal, page?: PageRequest): Promise<Page<CliToken>> {
    const qb = this.dataSource.manager
      .createQueryBuilder(CliToken, 't')
      .addSelect(CREATED_MICROS, 'created_micros')
      .where('t.user_id = :userId AND t.revoked_at IS NULL', { userId: principal.userId })
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

  /**
   * Mints a token from the calling one: its scopes must be among the caller's (400 otherwise, naming the extra
   * ones); its expiry may not pass the caller's (400 when asked for; when not asked for, it inherits the caller's).
   */
  async create(principal: UserPrincipal, name: string, scopes: Scope[] | undefined, expiresAt: Date | undefined): Promise<IssuedToken> {
    const wanted = scopes ? [...new Set(scopes)] : SCOPES.filter((s) => principal.scopes.has(s));
    const extra = wanted.filter((s) => !principal.scopes.has(s));
    if (extra.length > 0) throw badRequest(`scopes may not exceed the calling token's scopes (not allowed: ${extra.join(', ')})`);
    const now = this.clock.now().getTime();
    if (expiresAt && expiresAt.getTime() <= now) throw badRequest('expiresAt must be in the future');
    return this.dataSource.transaction(async (manager) => {
      await this.lockUser(manager, principal.userId);
      const parent = await manager.findOneBy(CliToken, { id: principal.tokenId });
      const ceiling = parent?.expiresAt ?? null;
      if (ceiling && expiresAt && expiresAt.getTime() > ceiling.getTime()) {
        throw badRequest(`expiresAt may not be later than the calling token's expiry (${ceiling.toISOString()})`);
      }
      if ((await this.countActive(manager, principal.userId, now)) >= this.config.LIMIT_TOKENS_PER_USER) {
        throw limitReached('Token', this.config.LIMIT_TOKENS_PER_USER);
      }
      const ordered = SCOPES.filter((s) => wanted.includes(s));
      return this.insert(manager, principal.userId, name, ordered, expiresAt ?? ceiling, false);
    });
  }

  /**
   * A new session inside the caller's transaction. At the token limit, the user's least recently used session
   * makes room (signing in again should always work, and the oldest session is the likeliest forgotten); minted
   * tokens are never pushed out, so a user whose limit is all minted tokens is refused.
   */
  async issueSession(manager: EntityManager, userId: string, name: 'signup' | 'login'): Promise<IssuedSession> {
    await this.lockUser(manager, userId);
    const now = this.clock.now().getTime();
    const limit = this.config.LIMIT_TOKENS_PER_USER;
    const excess = (await this.countActive(manager, userId, now)) - limit + 1;
    const displaced: string[] = [];
    if (excess > 0) {
      const oldest = await manager
        .createQueryBuilder(CliToken, 't')
        .where('t.user_id = :userId AND t.session AND t.revoked_at IS NULL AND (t.expires_at IS NULL OR t.expires_at > :now)', { userId, now: new Date(now) })
        .orderBy('COALESCE(t.last_used_at, t.created_at)', 'ASC')
        .addOrderBy('t.id', 'ASC')
        .limit(excess)
        .getMany();
      if (oldest.length < excess) throw limitReached('Token', limit);
      await manager.update(CliToken, oldest.map((t) => t.id), { revokedAt: new Date(now) });
      displaced.push(...oldest.map((t) => t.tokenHash));
    }
    const issued = await this.insert(manager, userId, name, [...SCOPES], this.sessionExpiry(now), true);
    return { ...issued, displaced };
  }

  /** Revokes one of the caller's tokens; every replica refuses it from the next request on. */
  async revoke(principal: UserPrincipal, tokenId: string): Promise<void> {
    const hashes = await this.revokeWhere(this.dataSource.manager, principal.userId, { only: tokenId });
    if (hashes.length === 0) throw notFound('Token');
    await this.cache.forget(hashes);
  }

  /** Revokes every token of the caller, the calling one too unless `keepCurrent`. Returns how many. */
  async revokeAll(principal: UserPrincipal, keepCurrent: boolean): Promise<number> {
    const hashes = await this.revokeWhere(this.dataSource.manager, principal.userId, keepCurrent ? { except: principal.tokenId } : {});
    await this.cache.forget(hashes);
    return hashes.length;
  }

  /** Marks tokens of a user revoked inside the caller's transaction; forget the returned hashes after it commits. */
  async revokeWhere(manager: EntityManager, userId: string, which: { only?: string; except?: string }): Promise<string[]> {
    const qb = manager
      .createQueryBuilder()
      .update(CliToken)
      .set({ revokedAt: this.clock.now() })
      .where('user_id = :userId AND revoked_at IS NULL', { userId });
    if (which.only !== undefined) qb.andWhere('id = :only', { only: which.only });
    if (which.except !== undefined) qb.andWhere('id <> :except', { except: which.except });
    const result = await qb.returning('token_hash').execute();
    return (result.raw as Array<{ token_hash: string }>).map((r) => r.token_hash);
  }

  /** Serialises a user's token issuance, so concurrent requests cannot together pass the limit. */
  private async lockUser(manager: EntityManager, userId: string): Promise<void> {
    await manager.createQueryBuilder(User, 'u').select('u.id').where('u.id = :userId', { userId }).setLock('pessimistic_write').getOne();
  }

  private countActive(manager: EntityManager, userId: string, now: number): Promise<number> {
    return manager
      .createQueryBuilder(CliToken, 't')
      .where('t.user_id = :userId AND t.revoked_at IS NULL AND (t.expires_at IS NULL OR t.expires_at > :now)', { userId, now: new Date(now) })
      .getCount();
  }

  private async insert(manager: EntityManager, userId: string, name: string, scopes: Scope[], expiresAt: Date | null, session: boolean): Promise<IssuedToken> {
    const secret = newSecret('cli_');
    const tokenHash = hashSecret(secret);
    const token = await manager.save(
      manager.create(CliToken, { id: this.ids.next('tok'), userId, name, tokenHash, scopes, session, expiresAt, lastUsedAt: null, revokedAt: null }),
    );
    this.cache.created(tokenHash);
    return { token, secret };
  }
}
