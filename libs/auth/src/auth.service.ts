import { Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { InjectDataSource, InjectRepository } from '@nestjs/typeorm';
import {
  AppConfig, badRequest, Clock, conflict, DomainError, forbidden, hashPassword, hashSecret, IdGenerator, needsRehash, newSecret,
  notAuthenticated, notFound, randomBase62, verifyPassword,
} from '@superflag/core';
import { DataSource, EntityManager, In, IsNull, QueryFailedError, Repository } from 'typeorm';
import { CliToken } from './cli-token.entity';
import { CredentialCache } from './credential-cache';
import { LoginLimiter } from './login-limiter';
import { ManagementKey } from './management-key.entity';
import { OperatorsService } from './operators.service';
import type { Principal, UserPrincipal } from './principal';
import { APP_KEY_SCOPES, SCOPES, type Scope } from './scopes';
import { type IssuedToken, TokensService } from './tokens.service';
import { User } from './user.entity';

export type { IssuedToken } from './tokens.service';

/** A user's `cli_` token or an app's `mgmt_` key: the two management credentials. */
const CREDENTIAL_PATTERN = /^Bearer\s+((cli|mgmt)_[0-9A-Za-z]{43})\s*$/;
/** lastUsedAt is informative; writing it at most once a minute keeps the management path free of a write per request. */
const TOUCH_INTERVAL_MS = 60_000;
/** A session's expiry slides on use, but is written at most once an hour: a day's use costs ~24 writes, not one per request. */
const SLIDE_INTERVAL_MS = 3_600_000;
/** User ids per statement in emailsOf. */
const EMAILS_CHUNK = 1000;

/** A credential row as authentication needs it, whichever table it came from. */
interface StoredCredential {
  principal: Principal;
  expiresAt: Date | null;
  lastUsedAt: Date | null;
  /** A session token, whose expiry slides. */
  session: boolean;
  touch: (at: Date, expiresAt?: Date) => Promise<unknown>;
}

/** Verified against when the email is unknown, so a miss costs as much time as a wrong password. */
const DUMMY_HASH_PROMISE = hashPassword('superflag-timing-equaliser');

export interface IssuedManagementKey {
  key: ManagementKey;
  secret: string;
}

export interface ManagementKeyInput {
  name: string;
  scopes: Scope[];
  expiresAt?: Date;
}

export type Session = { user: User } & IssuedToken;

export const normaliseEmail = (email: string) => email.trim().toLowerCase();

@Injectable()
export class AuthService implements OnApplicationBootstrap {
  private readonly logger = new Logger('Auth');

  constructor(
    @InjectRepository(User) private readonly users: Repository<User>,
    @InjectRepository(CliToken) private readonly tokens: Repository<CliToken>,
    @InjectRepository(ManagementKey) private readonly managementKeys: Repository<ManagementKey>,
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly config: AppConfig,
    private readonly clock: Clock,
    private readonly ids: IdGenerator,
    private readonly limiter: LoginLimiter,
    private readonly cache: CredentialCache,
    private readonly cliTokens: TokensService,
    private readonly operators: OperatorsService,
  ) {}

  /**
   * Creates ADMIN_EMAIL's user when configured and absent (the first account of a closed-signup deployment) and
   * makes it an operator, also when it already existed.
   */
  async onApplicationBootstrap(): Promise<void> {
    if (this.config.ADMIN_EMAILS.trim()) {
      this.logger.warn(
        'ADMIN_EMAILS is ignored and grants nothing (anyone could sign up first with a listed address). Operators are the ' +
          'ADMIN_EMAIL/ADMIN_PASSWORD account and those it grants with POST /api/v1/operators; remove ADMIN_EMAILS.',
      );
    }
    const { ADMIN_EMAIL, ADMIN_PASSWORD } = this.config;
    if (!ADMIN_EMAIL || !ADMIN_PASSWORD) return;
    const email = normaliseEmail(ADMIN_EMAIL);
    if (!(await this.users.existsBy({ email }))) {
      const passwordHash = await hashPassword(ADMIN_PASSWORD);
      // ON CONFLICT: replicas starting together may race to create the same admin.
      await this.users.createQueryBuilder().insert().values({ id: this.ids.next('usr'), email, passwordHash }).orIgnore().execute();
    }
    await this.operators.bootstrap(email);
    this.logger.log(`Admin user ${email} is present and an operator`);
  }

  async signup(rawEmail: string, password: string): Promise<Session> {
    if (!this.config.SIGNUP_ENABLED) throw forbidden('Signup is disabled');
    const email = normaliseEmail(rawEmail);
    const passwordHash = await hashPassword(password);
    try {
      return await this.dataSource.transaction(async (manager) => {
        // Never an operator, whatever the address: operator rights are granted, not claimed.
        const user = await manager.save(manager.create(User, { id: this.ids.next('usr'), email, passwordHash, isOperator: false }));
        const { token, secret } = await this.cliTokens.issueSession(manager, user.id, 'signup');
        return { user, token, secret };
      });
    } catch (err) {
      if (err instanceof QueryFailedError && (err.driverError as { code?: string })?.code === '23505') {
        throw conflict('Email already registered');
      }
      throw err;
    }
  }

  async login(rawEmail: string, password: string, clientIp: string): Promise<Session> {
    const email = normaliseEmail(rawEmail);
    await this.limiter.check(email, clientIp);
    const user = await this.users.findOneBy({ email });
    const ok = await verifyPassword(password, user?.passwordHash ?? (await DUMMY_HASH_PROMISE));
    if (!user || !ok) throw new DomainError(401, 'Invalid email or password');
    if (needsRehash(user.passwordHash)) await this.rehash(user, password);
    const session = await this.dataSource.transaction((manager) => this.cliTokens.issueSession(manager, user.id, 'login'));
    await this.cache.forget(session.displaced);
    return { user, token: session.token, secret: session.secret };
  }

  /**
   * Changes the caller's password (the current one proves it is them, not someone holding a token) and revokes
   * every other token of theirs, sessions and minted ones: whoever learnt the old password or a token is out.
   * The calling token keeps working. Returns how many tokens were revoked.
   */
  async changePassword(principal: UserPrincipal, currentPassword: string, newPassword: string, clientIp: string): Promise<number> {
    const user = await this.users.findOneBy({ id: principal.userId });
    if (!user) throw notAuthenticated();
    // The same throttle as login: a stolen token must not become a password-guessing oracle.
    await this.limiter.check(user.email, clientIp);
    if (!(await verifyPassword(currentPassword, user.passwordHash))) throw badRequest('currentPassword is incorrect');
    const passwordHash = await hashPassword(newPassword);
    const revoked = await this.dataSource.transaction(async (manager) => {
      await manager.update(User, { id: user.id }, { passwordHash });
      return this.cliTokens.revokeWhere(manager, user.id, { except: principal.tokenId });
    });
    await this.cache.forget(revoked);
    return revoked.length;
  }

  /**
   * Replaces a hash made with older parameters, now that the password is known to be right. Conditional on the
   * old hash, so a password changed meanwhile is not overwritten.
   */
  private async rehash(user: User, password: string): Promise<void> {
    const passwordHash = await hashPassword(password);
    await this.users.update({ id: user.id, passwordHash: user.passwordHash }, { passwordHash });
    user.passwordHash = passwordHash;
  }

  /**
   * Resolves `Authorization: Bearer cli_…` (a user) or `Bearer mgmt_…` (an app's key) to a principal, or 401
   * for anything missing, garbled, unknown, revoked or expired. Unknown hashes are remembered for a while, so a
   * flood of made-up credentials does not cost a query each.
   */
  async authenticate(authorization: string | undefined): Promise<Principal> {
    const match = authorization ? CREDENTIAL_PATTERN.exec(authorization) : null;
    if (!match) throw notAuthenticated();
    const hash = hashSecret(match[1]);
    const now = this.clock.now().getTime();
    const cached = this.cache.verifiedAt(hash, now);
    if (cached) {
      if (cached.expiresAt !== null && cached.expiresAt <= now) throw notAuthenticated();
      return cached.principal;
    }
    if (this.cache.isUnknown(hash, now)) throw notAuthenticated();
    const stored = match[2] === 'cli' ? await this.loadToken(hash) : await this.loadManagementKey(hash);
    if (!stored || (stored.expiresAt && stored.expiresAt.getTime() <= now)) {
      this.cache.rememberUnknown(hash, now);
      throw notAuthenticated();
    }
    let expiresAt = stored.expiresAt;
    const slide = stored.session ? this.cliTokens.sessionExpiry(now) : null;
    if (slide && (!expiresAt || slide.getTime() - expiresAt.getTime() >= SLIDE_INTERVAL_MS)) {
      // Awaited: the cache (here and on other replicas, which re-read the row) must not hold an expiry the row lacks.
      try {
        await stored.touch(new Date(now), slide);
        expiresAt = slide;
      } catch (err) {
        this.logger.warn(`Session expiry not extended: ${(err as Error).message}`);
      }
    } else if (!stored.lastUsedAt || now - stored.lastUsedAt.getTime() > TOUCH_INTERVAL_MS) {
      stored.touch(new Date(now)).catch((err: Error) => this.logger.warn(`lastUsedAt not saved: ${err.message}`));
    }
    this.cache.remember(hash, { principal: stored.principal, expiresAt: expiresAt?.getTime() ?? null, checkedAt: now });
    return stored.principal;
  }

  private async loadToken(tokenHash: string): Promise<StoredCredential | null> {
    const token = await this.tokens.findOneBy({ tokenHash, revokedAt: IsNull() });
    if (!token) return null;
    return {
      principal: { kind: 'user', userId: token.userId, tokenId: token.id, scopes: new Set(token.scopes) },
      expiresAt: token.expiresAt,
      lastUsedAt: token.lastUsedAt,
      session: token.session,
      touch: (at, expiresAt) => this.tokens.update({ id: token.id }, expiresAt ? { lastUsedAt: at, expiresAt } : { lastUsedAt: at }),
    };
  }

  private async loadManagementKey(keyHash: string): Promise<StoredCredential | null> {
    const key = await this.managementKeys.findOneBy({ keyHash, revokedAt: IsNull() });
    if (!key) return null;
    return {
      principal: { kind: 'appKey', appKeyId: key.id, appId: key.appId, createdBy: key.createdBy, scopes: new Set(key.scopes) },
      expiresAt: key.expiresAt,
      lastUsedAt: key.lastUsedAt,
      session: false,
      touch: (at) => this.managementKeys.update({ id: key.id }, { lastUsedAt: at }),
    };
  }

  async me(principal: UserPrincipal): Promise<{ user: User; scopes: Scope[] }> {
    const user = await this.users.findOneBy({ id: principal.userId });
    if (!user) throw notAuthenticated();
    return { user, scopes: SCOPES.filter((s) => principal.scopes.has(s)) };
  }

  logout(principal: UserPrincipal): Promise<void> {
    return this.cliTokens.revoke(principal, principal.tokenId);
  }

  /** A user by (normalised) email, for adding members. Inside a transaction, pass its manager. */
  findUserByEmail(email: string, manager: EntityManager = this.dataSource.manager): Promise<User | null> {
    return manager.findOneBy(User, { email: normaliseEmail(email) });
  }

  async emailsOf(userIds: string[], manager: EntityManager = this.dataSource.manager): Promise<Map<string, string>> {
    const emails = new Map<string, string>();
    // In bounded chunks: an app's member list has no upper size, one statement at most 65,535 parameters.
    for (let i = 0; i < userIds.length; i += EMAILS_CHUNK) {
      const users = await manager.find(User, { select: { id: true, email: true }, where: { id: In(userIds.slice(i, i + EMAILS_CHUNK)) } });
      for (const u of users) emails.set(u.id, u.email);
    }
    return emails;
  }

  /**
   * Mints an app's mgmt_ key inside the caller's transaction (the caller has checked that the principal may manage
   * the app). Like a token, a key can only carry scopes the minting token has, so a narrowed CI token cannot
   * widen itself through a key.
   */
  async issueManagementKey(manager: EntityManager, principal: UserPrincipal, appId: string, input: ManagementKeyInput): Promise<IssuedManagementKey> {
    const scopes = [...new Set(input.scopes)];
    if (scopes.some((s) => !principal.scopes.has(s))) throw forbidden();
    if (scopes.some((s) => !APP_KEY_SCOPES.includes(s))) throw badRequest(`scopes of an app key must be among: ${APP_KEY_SCOPES.join(', ')}`);
    if (input.expiresAt && input.expiresAt.getTime() <= this.clock.now().getTime()) throw badRequest('expiresAt must be in the future');
    const secret = newSecret('mgmt_');
    const keyHash = hashSecret(secret);
    const key = await manager.save(
      manager.create(ManagementKey, {
        // mk_: tells a management key apart from a runtime key (key_…) wherever ids are shown.
        id: `mk_${randomBase62(16)}`,
        appId,
        name: input.name,
        keyHash,
        scopes: SCOPES.filter((s) => scopes.includes(s)),
        createdBy: principal.userId,
        expiresAt: input.expiresAt ?? null,
        lastUsedAt: null,
        revokedAt: null,
      }),
    );
    this.cache.created(keyHash);
    return { key, secret };
  }

  /** An app's management keys that are not revoked (expired ones included, so they can be seen and revoked), newest first. */
  listManagementKeys(appId: string): Promise<ManagementKey[]> {
    return this.managementKeys.find({ where: { appId, revokedAt: IsNull() }, order: { createdAt: 'DESC', id: 'ASC' } });
  }

  /**
   * Marks one of the app's keys revoked inside the caller's transaction and returns it; call `forgetCredential`
   * with its hash once that transaction has committed.
   */
  async revokeManagementKey(manager: EntityManager, appId: string, keyId: string): Promise<ManagementKey> {
    const key = await manager.findOneBy(ManagementKey, { id: keyId, appId, revokedAt: IsNull() });
    if (!key) throw notFound('API key');
    key.revokedAt = this.clock.now();
    const result = await manager.update(ManagementKey, { id: key.id, revokedAt: IsNull() }, { revokedAt: key.revokedAt });
    if (!result.affected) throw notFound('API key');
    return key;
  }

  /**
   * Revokes, inside the caller's transaction, the app's keys a user created (when they leave the app, what they
   * set up must not keep their access); call `forgetCredentials` with the hashes once it has committed.
   */
  async revokeManagementKeysCreatedBy(manager: EntityManager, appId: string, userId: string): Promise<ManagementKey[]> {
    const result = await manager
      .createQueryBuilder()
      .update(ManagementKey)
      .set({ revokedAt: this.clock.now() })
      .where('app_id = :appId AND created_by = :userId AND revoked_at IS NULL', { appId, userId })
      .returning('id, name, key_hash')
      .execute();
    return (result.raw as Array<{ id: string; name: string; key_hash: string }>).map((r) =>
      Object.assign(new ManagementKey(), { id: r.id, name: r.name, keyHash: r.key_hash, appId }),
    );
  }

  /** Drops a revoked credential from every replica's cache; resolves once they all have (or after the bus's bounded wait). */
  forgetCredential(hash: string): Promise<void> {
    return this.cache.forget([hash]);
  }

  forgetCredentials(hashes: readonly string[]): Promise<void> {
    return this.cache.forget(hashes);
  }
}
