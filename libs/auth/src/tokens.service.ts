import { Injectable } from '@nestjs/common';
import {
  AppConfig,
  badRequest,
  Clock,
  hashSecret,
  IdGenerator,
  limitReached,
  newSecret,
  notFound,
  type Page,
  type PageRequest,
  type Transaction,
  Transactions,
} from '@superflag/core';
import type { CliToken } from './cli-token.entity';
import { CliTokenStore, type TokenSelection } from './cli-token.store';
import { CredentialCache } from './credential-cache';
import type { CredentialSource, StoredCredential } from './credential-verifier';
import type { UserPrincipal } from './principal';
import { SCOPES, type Scope } from './scopes';
import { UserStore } from './user.store';

const DAY_MS = 86_400_000;

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
export class TokensService implements CredentialSource {
  constructor(
    private readonly transactions: Transactions,
    private readonly tokens: CliTokenStore,
    private readonly users: UserStore,
    private readonly config: AppConfig,
    private readonly clock: Clock,
    private readonly ids: IdGenerator,
    private readonly cache: CredentialCache,
  ) {}

  /** When a session used now should expire. */
  sessionExpiry(now: number): Date {
    return new Date(now + this.config.LOGIN_TOKEN_TTL_DAYS * DAY_MS);
  }

  /** The unrevoked token behind a secret's hash, as the guard needs it. */
  async find(tokenHash: string): Promise<StoredCredential | null> {
    const token = await this.tokens.findUnrevokedByHash(tokenHash);
    if (!token) return null;
    return {
      principal: { kind: 'user', userId: token.userId, tokenId: token.id, scopes: new Set(token.scopes) },
      expiresAt: token.expiresAt,
      lastUsedAt: token.lastUsedAt,
      session: token.session,
      touch: (at, expiresAt) => this.tokens.touch(token.id, at, expiresAt),
    };
  }

  /** Active tokens, newest first; the whole list without a page request (as before paging existed). */
  list(principal: UserPrincipal, page?: PageRequest): Promise<Page<CliToken>> {
    return this.tokens.page(principal.userId, page);
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
    return this.transactions.run(async (tx) => {
      await this.users.lock(tx, principal.userId);
      const parent = await this.tokens.findById(tx, principal.tokenId);
      const ceiling = parent?.expiresAt ?? null;
      if (ceiling && expiresAt && expiresAt.getTime() > ceiling.getTime()) {
        throw badRequest(`expiresAt may not be later than the calling token's expiry (${ceiling.toISOString()})`);
      }
      if ((await this.tokens.countActive(tx, principal.userId, new Date(now))) >= this.config.LIMIT_TOKENS_PER_USER) {
        throw limitReached('Token', this.config.LIMIT_TOKENS_PER_USER);
      }
      const ordered = SCOPES.filter((s) => wanted.includes(s));
      return this.insert(tx, principal.userId, name, ordered, expiresAt ?? ceiling, false);
    });
  }

  /**
   * A new session inside the caller's transaction, issued with the user's row locked so concurrent requests cannot
   * together pass the limit. At the limit, the user's least recently used session makes room (signing in again
   * should always work, and the oldest session is the likeliest forgotten); minted tokens are never pushed out,
   * so a user whose limit is all minted tokens is refused.
   */
  async issueSession(tx: Transaction, userId: string, name: 'signup' | 'login'): Promise<IssuedSession> {
    await this.users.lock(tx, userId);
    const now = this.clock.now();
    const limit = this.config.LIMIT_TOKENS_PER_USER;
    const excess = (await this.tokens.countActive(tx, userId, now)) - limit + 1;
    const displaced: string[] = [];
    if (excess > 0) {
      const oldest = await this.tokens.leastRecentlyUsedSessions(tx, userId, now, excess);
      if (oldest.length < excess) throw limitReached('Token', limit);
      await this.tokens.revokeByIds(
        tx,
        oldest.map((t) => t.id),
        now,
      );
      displaced.push(...oldest.map((t) => t.tokenHash));
    }
    const issued = await this.insert(tx, userId, name, [...SCOPES], this.sessionExpiry(now.getTime()), true);
    return { ...issued, displaced };
  }

  /** Revokes one of the caller's tokens; every replica refuses it from the next request on. */
  async revoke(principal: UserPrincipal, tokenId: string): Promise<void> {
    const hashes = await this.revokeWhere(undefined, principal.userId, { only: tokenId });
    if (hashes.length === 0) throw notFound('Token');
    await this.cache.forget(hashes);
  }

  /** Revokes every token of the caller, the calling one too unless `keepCurrent`. Returns how many. */
  async revokeAll(principal: UserPrincipal, keepCurrent: boolean): Promise<number> {
    const hashes = await this.revokeWhere(undefined, principal.userId, keepCurrent ? { except: principal.tokenId } : {});
    await this.cache.forget(hashes);
    return hashes.length;
  }

  /** Marks tokens of a user revoked (inside the caller's transaction, when given); forget the returned hashes after it commits. */
  revokeWhere(tx: Transaction | undefined, userId: string, which: TokenSelection): Promise<string[]> {
    return this.tokens.revokeWhere(tx, userId, which, this.clock.now());
  }

  private async insert(
    tx: Transaction,
    userId: string,
    name: string,
    scopes: Scope[],
    expiresAt: Date | null,
    session: boolean,
  ): Promise<IssuedToken> {
    const secret = newSecret('cli_');
    const tokenHash = hashSecret(secret);
    const token = await this.tokens.insert(tx, { id: this.ids.next('tok'), userId, name, tokenHash, scopes, session, expiresAt });
    this.cache.created(tokenHash);
    return { token, secret };
  }
}
