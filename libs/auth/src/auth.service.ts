import { Inject, Injectable, Logger, OnApplicationBootstrap, OnModuleInit } from '@nestjs/common';
import { InjectDataSource, InjectRepository } from '@nestjs/typeorm';
import {
  AppConfig, badRequest, Clock, CLUSTER_BUS, type ClusterBus, conflict, DomainError, forbidden, hashPassword, hashSecret, IdGenerator,
  newSecret, notAuthenticated, notFound, verifyPassword,
} from '@superflag/core';
import { DataSource, EntityManager, IsNull, QueryFailedError, Repository } from 'typeorm';
import { CliToken } from './cli-token.entity';
import { LoginLimiter } from './login-limiter';
import type { Principal } from './principal';
import { SCOPES, type Scope } from './scopes';
import { User } from './user.entity';

const TOKEN_PATTERN = /^Bearer\s+(cli_[0-9A-Za-z]{43})\s*$/;
/** lastUsedAt is informative; writing it at most once a minute keeps the management path free of a write per request. */
const TOUCH_INTERVAL_MS = 60_000;
/**
 * Verified tokens are kept in memory and re-read from the database after this long at the latest. Revocation
 * does not wait for it: it is pushed to every replica through the cluster bus.
 */
const TOKEN_CACHE_MS = 30_000;
const TOKEN_CACHE_MAX = 100_000;

interface CachedToken {
  principal: Principal;
  expiresAt: number | null;
  checkedAt: number;
}

/** Verified against when the email is unknown, so a miss costs as much time as a wrong password. */
const DUMMY_HASH_PROMISE = hashPassword('superflag-timing-equaliser');

export interface IssuedToken {
  token: CliToken;
  secret: string;
}

export const normaliseEmail = (email: string) => email.trim().toLowerCase();

@Injectable()
export class AuthService implements OnApplicationBootstrap, OnModuleInit {
  private readonly logger = new Logger('Auth');
  private readonly verified = new Map<string, CachedToken>();

  constructor(
    @InjectRepository(User) private readonly users: Repository<User>,
    @InjectRepository(CliToken) private readonly tokens: Repository<CliToken>,
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly config: AppConfig,
    private readonly clock: Clock,
    private readonly ids: IdGenerator,
    private readonly limiter: LoginLimiter,
    @Inject(CLUSTER_BUS) private readonly bus: ClusterBus,
  ) {}

  onModuleInit(): void {
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

  /** Resolves `Authorization: Bearer cli_…` to a principal, or 401 for anything missing, garbled, unknown, revoked or expired. */
  async authenticate(authorization: string | undefined): Promise<Principal> {
    const match = authorization ? TOKEN_PATTERN.exec(authorization) : null;
    if (!match) throw notAuthenticated();
    const tokenHash = hashSecret(match[1]);
    const now = this.clock.now().getTime();
    const cached = this.verified.get(tokenHash);
    if (cached && now - cached.checkedAt < TOKEN_CACHE_MS) {
      if (cached.expiresAt !== null && cached.expiresAt <= now) throw notAuthenticated();
      return cached.principal;
    }
    const token = await this.tokens.findOneBy({ tokenHash, revokedAt: IsNull() });
    if (!token || (token.expiresAt && token.expiresAt.getTime() <= now)) {
      this.verified.delete(tokenHash);
      throw notAuthenticated();
    }
    if (!token.lastUsedAt || now - token.lastUsedAt.getTime() > TOUCH_INTERVAL_MS) {
      this.tokens.update({ id: token.id }, { lastUsedAt: new Date(now) }).catch((err: Error) => this.logger.warn(`lastUsedAt not saved: ${err.message}`));
    }
    const principal: Principal = { userId: token.userId, tokenId: token.id, scopes: new Set(token.scopes) };
    if (this.verified.size >= TOKEN_CACHE_MAX) this.verified.clear();
    this.verified.set(tokenHash, { principal, expiresAt: token.expiresAt?.getTime() ?? null, checkedAt: now });
    return principal;
  }

  async me(principal: Principal): Promise<{ user: User; scopes: Scope[] }> {
    const user = await this.users.findOneBy({ id: principal.userId });
    if (!user) throw notAuthenticated();
    return { user, scopes: SCOPES.filter((s) => principal.scopes.has(s)) };
  }

  listTokens(principal: Principal): Promise<CliToken[]> {
    return this.tokens.find({ where: { userId: principal.userId, revokedAt: IsNull() }, order: { createdAt: 'DESC', id: 'ASC' } });
  }

  /** A token can only mint tokens with a subset of its own scopes, so a narrowed CI token cannot widen itself. */
  async createToken(principal: Principal, name: string, scopes: Scope[] | undefined, expiresAt: Date | undefined): Promise<IssuedToken> {
    const wanted = scopes ? [...new Set(scopes)] : SCOPES.filter((s) => principal.scopes.has(s));
    if (wanted.some((s) => !principal.scopes.has(s))) throw forbidden();
    if (expiresAt && expiresAt.getTime() <= this.clock.now().getTime()) throw badRequest('expiresAt must be in the future');
    return this.issue(this.dataSource.manager, principal.userId, name, wanted, expiresAt ?? null);
  }

  /** Revokes one of the caller's tokens; every replica refuses it from the next request on. */
  async revokeToken(principal: Principal, tokenId: string): Promise<void> {
    const result = await this.tokens
      .createQueryBuilder()
      .update(CliToken)
      .set({ revokedAt: this.clock.now() })
      .where('id = :tokenId AND user_id = :userId AND revoked_at IS NULL', { tokenId, userId: principal.userId })
      .returning('token_hash')
      .execute();
    const rows = result.raw as Array<{ token_hash: string }>;
    if (rows.length === 0) throw notFound('Token');
    this.verified.delete(rows[0].token_hash);
    await this.bus.publish({ type: 'token-revoked', tokenHash: rows[0].token_hash }, { confirm: true });
  }

  logout(principal: Principal): Promise<void> {
    return this.revokeToken(principal, principal.tokenId);
  }

  private async issue(manager: EntityManager, userId: string, name: string, scopes: Scope[], expiresAt: Date | null): Promise<IssuedToken> {
    const secret = newSecret('cli_');
    const token = await manager.save(
      manager.create(CliToken, { id: this.ids.next('tok'), userId, name, tokenHash: hashSecret(secret), scopes, expiresAt, lastUsedAt: null, revokedAt: null }),
    );
    return { token, secret };
  }
}
