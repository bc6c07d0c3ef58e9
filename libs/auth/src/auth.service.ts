import { Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import {
  AppConfig,
  badRequest,
  DomainError,
  forbidden,
  IdGenerator,
  notAuthenticated,
  PasswordHasher,
  type Transaction,
  Transactions,
} from '@superflag/core';
import { CredentialCache } from './credential-cache';
import { LoginLimiter } from './login-limiter';
import { OperatorsService } from './operators.service';
import type { UserPrincipal } from './principal';
import { SCOPES, type Scope } from './scopes';
import { type IssuedToken, TokensService } from './tokens.service';
import type { User } from './user.entity';
import { UserStore } from './user.store';

export type { IssuedToken } from './tokens.service';

export type Session = { user: User } & IssuedToken;

export const normaliseEmail = (email: string) => email.trim().toLowerCase();

/** Accounts and their sessions: signup, login, password changes; who a user is. Credentials are CredentialVerifier's. */
@Injectable()
export class AuthService implements OnApplicationBootstrap {
  private readonly logger = new Logger('Auth');

  constructor(
    private readonly transactions: Transactions,
    private readonly users: UserStore,
    private readonly tokens: TokensService,
    private readonly operators: OperatorsService,
    private readonly passwords: PasswordHasher,
    private readonly limiter: LoginLimiter,
    private readonly cache: CredentialCache,
    private readonly config: AppConfig,
    private readonly ids: IdGenerator,
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
    if (!(await this.users.existsByEmail(email))) {
      await this.users.createIfAbsent({ id: this.ids.next('usr'), email, passwordHash: await this.passwords.hash(ADMIN_PASSWORD) });
    }
    await this.operators.bootstrap(email);
    this.logger.log(`Admin user ${email} is present and an operator`);
  }

  /** An account and its first session, together or not at all. */
  async signup(rawEmail: string, password: string): Promise<Session> {
    if (!this.config.SIGNUP_ENABLED) throw forbidden('Signup is disabled');
    const email = normaliseEmail(rawEmail);
    const passwordHash = await this.passwords.hash(password);
    return this.transactions.run(async (tx) => {
      const user = await this.users.create(tx, { id: this.ids.next('usr'), email, passwordHash });
      const { token, secret } = await this.tokens.issueSession(tx, user.id, 'signup');
      return { user, token, secret };
    });
  }

  async login(rawEmail: string, password: string, clientIp: string): Promise<Session> {
    const email = normaliseEmail(rawEmail);
    await this.limiter.check(email, clientIp);
    const user = await this.users.findByEmail(undefined, email);
    // Verified also when there is no such user (against a dummy hash), so a miss takes as long as a wrong password.
    const ok = await this.passwords.verify(password, user?.passwordHash);
    if (!user || !ok) throw new DomainError(401, 'Invalid email or password');
    if (this.passwords.needsRehash(user.passwordHash)) await this.rehash(user, password);
    const session = await this.transactions.run((tx) => this.tokens.issueSession(tx, user.id, 'login'));
    await this.cache.forget(session.displaced);
    return { user, token: session.token, secret: session.secret };
  }

  /**
   * Changes the caller's password (the current one proves it is them, not someone holding a token) and revokes
   * every other token of theirs, sessions and minted ones: whoever learnt the old password or a token is out.
   * The calling token keeps working. Returns how many tokens were revoked.
   */
  async changePassword(principal: UserPrincipal, currentPassword: string, newPassword: string, clientIp: string): Promise<number> {
    const user = await this.users.findById(undefined, principal.userId);
    if (!user) throw notAuthenticated();
    // The same throttle as login: a stolen token must not become a password-guessing oracle.
    await this.limiter.check(user.email, clientIp);
    if (!(await this.passwords.verify(currentPassword, user.passwordHash))) throw badRequest('currentPassword is incorrect');
    const passwordHash = await this.passwords.hash(newPassword);
    const revoked = await this.transactions.run(async (tx) => {
      await this.users.setPasswordHash(tx, user.id, passwordHash);
      return this.tokens.revokeWhere(tx, user.id, { except: principal.tokenId });
    });
    await this.cache.forget(revoked);
    return revoked.length;
  }

  /** Replaces a hash made with older parameters, now that the password is known to be right. */
  private async rehash(user: User, password: string): Promise<void> {
    const passwordHash = await this.passwords.hash(password);
    await this.users.replacePasswordHash(user.id, user.passwordHash, passwordHash);
    user.passwordHash = passwordHash;
  }

  async me(principal: UserPrincipal): Promise<{ user: User; scopes: Scope[] }> {
    const user = await this.users.findById(undefined, principal.userId);
    if (!user) throw notAuthenticated();
    return { user, scopes: SCOPES.filter((s) => principal.scopes.has(s)) };
  }

  logout(principal: UserPrincipal): Promise<void> {
    return this.tokens.revoke(principal, principal.tokenId);
  }

  /** A user by (normalised) email, for adding members; inside the caller's transaction when given. */
  findUserByEmail(email: string, tx?: Transaction): Promise<User | null> {
    return this.users.findByEmail(tx, normaliseEmail(email));
  }

  emailsOf(userIds: string[], tx?: Transaction): Promise<Map<string, string>> {
    return this.users.emailsOf(tx, userIds);
  }
}
