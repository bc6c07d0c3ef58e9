import { Inject, Injectable, Logger, OnApplicationBootstrap, OnModuleInit } from '@nestjs/common';
import { InjectDataSource, InjectRepository } from '@nestjs/typeorm';
import {
  AppConfig, badRequest, Clock, CLUSTER_BUS, type ClusterBus, conflict, DomainError, forbidden, hashPassword, hashSecret, IdGenerator,
  newSecret, notAuthenticated, notFound, randomBase62, verifyPassword,
} from '@superflag/core';
import { DataSource, EntityManager, In, IsNull, QueryFailedError, Repository } from 'typeorm';
import { CliToken } from './cli-token.entity';
import { LoginLimiter } from './login-limiter';
import { ManagementKey } from './management-key.entity';
import type { Principal, UserPrincipal } from './principal';
import { SCOPES, type Scope } from './scopes';
import { User } from './user.entity';

/** A user's `cli_` token or an app's `mgmt_` key: the two management credentials. */
const CREDENTIAL_PATTERN = /^Bearer\s+((cli|mgmt)_[0-9A-Za-z]{43})\s*$/;
/** lastUsedAt is informative; writing it at most once a minute keeps the management path free of a write per request. */
const TOUCH_INTERVAL_MS = 60_000;
/**
 * Verified tokens are kept in memory and re-read from the database after this long at the latest. Revocation
 * does not wait for it: it is pushed to every replica through the cluster bus.
 */
const TOKEN_CACHE_MS = 30_000;
const TOKEN_CACHE_MAX = 100_000;
/** User ids per statement in emailsOf. */
const EMAILS_CHUNK = 1000;

interface CachedToken {
  principal: Principal;
  expiresAt: number | null;
  checkedAt: number;
}

/** A credential row as authentication needs it, whichever table it came from. */
interface StoredCredential {
  principal: Principal;
  expiresAt: Date | null;
  lastUsedAt: Date | null;
  touch: (at: Date) => Promise<unknown>;
}

/** Verified against when the email is unknown, so a miss costs as much time as a wrong password. */
const DUMMY_HASH_PROMISE = hashPassword('superflag-timing-equaliser');

export interface IssuedToken {
  token: CliToken;
  secret: string;
}

export interface IssuedManagementKey {
  key: ManagementKey;
  secret: string;
}

export interface ManagementKeyInput {
  name: string;
  scopes: Scope[];
  expiresAt?: Date;
}

export const normaliseEmail = (email: string) => email.trim().toLowerCase();

@Injectable()
export class AuthService implements OnApplicationBootstrap, OnModuleInit {
  private readonly logger = new Logger('Auth');
  private readonly verified = new Map<string, CachedToken>();

  constructor(
    @InjectRepository(User) private readonly users: Repository<User>,
    @InjectRepository(CliToken) private readonly tokens: Repository<CliToken>,
    @InjectRepository(ManagementKey) private readonly managementKeys: Repository<ManagementKey>,
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly config: AppConfig,
    private readonly clock: Clock,
    private readonly ids: IdGenerator,
    private readonly limiter: LoginLimiter,
    @Inject(CLUSTER_BUS) private readonly bus: ClusterBus,
  ) {}

  onModuleInit(): void {
    // `token-revoked` carries the hash of either credential kind: both live in the one cache below.
    this.bus.subscribe((event) => {
      if (event.type === 'token-revoked') this.verified.delete(event.tokenHash);
      if (event.type === 'resync') this.verified.clear();
    });
  }

  /** Creates ADMIN_EMAIL's user when configured and absent: the first account of a closed-signup deployment. */
  async onApplicationBootstrap(): Promise<void> {
    const { ADMIN_EMAIL, ADMIN_PASSWORD } = this.config;
    if (!ADMIN_EMAIL || !ADMIN_PASSWORD) return;
    const email = normaliseEmail(ADMIN_EMAIL);
    if (await this.users.existsBy({ email })) return;
    const passwordHash = await hashPassword(ADMIN_PASSWORD);
    // ON CONFLICT: replicas starting together may race to create the same admin.
    await this.users
      .createQueryBuilder()
      .insert()
      .values({ id: this.ids.next('usr'), email, passwordHash })
      .orIgnore()
      .execute();
    this.logger.log(`Admin user ${email} is present`);
  }

  async signup(rawEmail: string, password: string): Promise<{ user: User } & IssuedToken> {
    if (!this.config.SIGNUP_ENABLED) throw forbidden('Signup is disabled');
    const email = normaliseEmail(rawEmail);
    const passwordHash = await hashPassword(password);
    try {
      return await this.dataSource.transaction(async (manager) => {
        const user = await manager.save(manager.create(User, { id: this.ids.next('usr'), email, passwordHash }));
        return { user, ...(await this.issue(manager, user.id, 'signup', [...SCOPES], null)) };
      });
    } catch (err) {
      if (err instanceof QueryFailedError && (err.driverError as { code?: string })?.code === '23505') {
        throw conflict('Email already registered');
      }
      throw err;
    }
  }

  async login(rawEmail: string, password: string, clientIp: string): Promise<{ user: User } & IssuedToken> {
    const email = normaliseEmail(rawEmail);
    await this.limiter.check(email, clientIp);
    const user = await this.users.findOneBy({ email });
    const ok = await verifyPassword(password, user?.passwordHash ?? (await DUMMY_HASH_PROMISE));
    if (!user || !ok) throw new DomainError(401, 'Invalid email or password');
    return { user, ...(await this.issue(this.dataSource.manager, user.id, 'login', [...SCOPES], null)) };
  }

  /**
   * Resolves `Authorization: Bearer cli_…` (a user) or `Bearer mgmt_…` (an app's key) to a principal, or 401
   * for anything missing, garbled, unknown, revoked or expired.
   */
  async authenticate(authorization: string | undefined): Promise<Principal> {
    const match = authorization ? CREDENTIAL_PATTERN.exec(authorization) : null;
    if (!match) throw notAuthenticated();
    const hash = hashSecret(match[1]);
    const now = this.clock.now().getTime();
    const cached = this.verified.get(hash);
    if (cached && now - cached.checkedAt < TOKEN_CACHE_MS) {
      if (cached.expiresAt !== null && cached.expiresAt <= now) throw notAuthenticated();
      return cached.principal;
    }
    const stored = match[2] === 'cli' ? await this.loadToken(hash) : await this.loadManagementKey(hash);
    if (!stored || (stored.expiresAt && stored.expiresAt.getTime() <= now)) {
      this.verified.delete(hash);
      throw notAuthenticated();
    }
    if (!stored.lastUsedAt || now - stored.lastUsedAt.getTime() > TOUCH_INTERVAL_MS) {
      stored.touch(new Date(now)).catch((err: Error) => this.logger.warn(`lastUsedAt not saved: ${err.message}`));
    }
    if (this.verified.size >= TOKEN_CACHE_MAX) this.verified.clear();
    this.verified.set(hash, { principal: stored.principal, expiresAt: stored.expiresAt?.getTime() ?? null, checkedAt: now });
    return stored.principal;
  }

  private async loadToken(tokenHash: string): Promise<StoredCredential | null> {
    const token = await this.tokens.findOneBy({ tokenHash, revokedAt: IsNull() });
    if (!token) return null;
    return {
      principal: { kind: 'user', userId: token.userId, tokenId: token.id, scopes: new Set(token.scopes) },
      expiresAt: token.expiresAt,
      lastUsedAt: token.lastUsedAt,
      touch: (at) => this.tokens.update({ id: token.id }, { lastUsedAt: at }),
    };
  }

  private async loadManagementKey(keyHash: string): Promise<StoredCredential | null> {
    const key = await this.managementKeys.findOneBy({ keyHash, revokedAt: IsNull() });
    if (!key) return null;
    return {
      principal: { kind: 'appKey', appKeyId: key.id, appId: key.appId, createdBy: key.createdBy, scopes: new Set(key.scopes) },
      expiresAt: key.expiresAt,
      lastUsedAt: key.lastUsedAt,
      touch: (at) => this.managementKeys.update({ id: key.id }, { lastUsedAt: at }),
    };
  }

  async me(principal: UserPrincipal): Promise<{ user: User; scopes: Scope[] }> {
    const user = await this.users.findOneBy({ id: principal.userId });
    if (!user) throw notAuthenticated();
    return { user, scopes: SCOPES.filter((s) => principal.scopes.has(s)) };
  }

  listTokens(principal: UserPrincipal): Promise<CliToken[]> {
    return this.tokens.find({ where: { userId: principal.userId, revokedAt: IsNull() }, order: { createdAt: 'DESC', id: 'ASC' } });
  }

  /** A token can only mint tokens with a subset of its own scopes, so a narrowed CI token cannot widen itself. */
  async createToken(principal: UserPrincipal, name: string, scopes: Scope[] | undefined, expiresAt: Date | undefined): Promise<IssuedToken> {
    const wanted = scopes ? [...new Set(scopes)] : SCOPES.filter((s) => principal.scopes.has(s));
    if (wanted.some((s) => !principal.scopes.has(s))) throw forbidden();
    if (expiresAt && expiresAt.getTime() <= this.clock.now().getTime()) throw badRequest('expiresAt must be in the future');
    return this.issue(this.dataSource.manager, principal.userId, name, wanted, expiresAt ?? null);
  }

  /** Revokes one of the caller's tokens; every replica refuses it from the next request on. */
  async revokeToken(principal: UserPrincipal, tokenId: string): Promise<void> {
    const result = await this.tokens
      .createQueryBuilder()
      .update(CliToken)
      .set({ revokedAt: this.clock.now() })
      .where('id = :tokenId AND user_id = :userId AND revoked_at IS NULL', { tokenId, userId: principal.userId })
      .returning('token_hash')
      .execute();
    const rows = result.raw as Array<{ token_hash: string }>;
    if (rows.length === 0) throw notFound('Token');
    await this.forgetCredential(rows[0].token_hash);
  }

  logout(principal: UserPrincipal): Promise<void> {
    return this.revokeToken(principal, principal.tokenId);
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
    if (input.expiresAt && input.expiresAt.getTime() <= this.clock.now().getTime()) throw badRequest('expiresAt must be in the future');
    const secret = newSecret('mgmt_');
    const key = await manager.save(
      manager.create(ManagementKey, {
        // mk_: tells a management key apart from a runtime key (key_…) wherever ids are shown.
        id: `mk_${randomBase62(16)}`,
        appId,
        name: input.name,
        keyHash: hashSecret(secret),
        scopes: SCOPES.filter((s) => scopes.includes(s)),
        createdBy: principal.userId,
        expiresAt: input.expiresAt ?? null,
        lastUsedAt: null,
        revokedAt: null,
      }),
    );
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

  /** Drops a revoked credential from every replica's cache; resolves once they all have (or after the bus's bounded wait). */
  async forgetCredential(hash: string): Promise<void> {
    this.verified.delete(hash);
    await this.bus.publish({ type: 'token-revoked', tokenHash: hash }, { confirm: true });
  }

  private async issue(manager: EntityManager, userId: string, name: string, scopes: Scope[], expiresAt: Date | null): Promise<IssuedToken> {
    const secret = newSecret('cli_');
    const token = await manager.save(
      manager.create(CliToken, { id: this.ids.next('tok'), userId, name, tokenHash: hashSecret(secret), scopes, expiresAt, lastUsedAt: null, revokedAt: null }),
    );
    return { token, secret };
  }
}
