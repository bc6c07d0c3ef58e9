import {
  AppConfig,
  Clock,
  DomainError,
  encodeCursor,
  IdGenerator,
  LocalClusterBus,
  type Page,
  type PageRequest,
  PasswordHasher,
  type Transaction,
  type Transactions,
} from '@superflag/core';
import { AuthService } from '../src/auth.service';
import type { CliToken } from '../src/cli-token.entity';
import type { CliTokenStore, NewCliToken, TokenSelection } from '../src/cli-token.store';
import { CredentialCache } from '../src/credential-cache';
import { CredentialVerifier } from '../src/credential-verifier';
import type { LoginLimiter } from '../src/login-limiter';
import type { OperatorAuditEvent } from '../src/operator-audit-event.entity';
import type { NewOperatorAuditEvent, OperatorStore } from '../src/operator.store';
import { OperatorsService } from '../src/operators.service';
import { TokensService } from '../src/tokens.service';
import type { User } from '../src/user.entity';
import type { NewUser, UserStore } from '../src/user.store';

/** A store's public methods: what a fake must implement (private fields make a class nominal in TypeScript). */
type Contract<T> = { [K in keyof T]: T[K] };
/** A fake standing in for the real class in a constructor; `Contract` has checked it has every method. */
const asReal = <T>(fake: Contract<T>): T => fake as unknown as T;

/** Rows are handed out as copies, as a database does: a service changing an entity changes no stored row. */
const copy = <T>(row: T): T => structuredClone(row);

/** A clock the test moves. */
export class FakeClock extends Clock {
  constructor(private at = Date.parse('2025-01-01T00:00:00Z')) {
    super();
  }
  override now(): Date {
    return new Date(this.at);
  }
  advance(ms: number): void {
    this.at += ms;
  }
}

interface Rollbackable {
  snapshot(): () => void;
}

/** Transactions over the fakes: a unit of work that throws leaves every fake store as it found it. */
export class FakeTransactions implements Contract<Transactions> {
  runs = 0;
  constructor(private readonly stores: Rollbackable[]) {}

  async run<T>(work: (tx: Transaction) => Promise<T>): Promise<T> {
    this.runs++;
    const restores = this.stores.map((s) => s.snapshot());
    try {
      return await work({} as Transaction);
    } catch (err) {
      for (const restore of restores) restore();
      throw err;
    }
  }

  /** A savepoint over the fakes: what `work` changed is undone when it throws. */
  async savepoint<T>(tx: Transaction, work: (tx: Transaction) => Promise<T>): Promise<T> {
    const restores = this.stores.map((s) => s.snapshot());
    try {
      return await work(tx);
    } catch (err) {
      for (const restore of restores) restore();
      throw err;
    }
  }

  manager(): never {
    throw new Error('the fakes have no entity manager');
  }
}

/** The users table, shared by the user and operator fakes as it is in the database. */
export class FakeUserStore implements Contract<UserStore>, Rollbackable {
  rows: User[] = [];
  locks: string[] = [];
  constructor(private readonly clock: Clock) {}

  snapshot() {
    const saved = copy(this.rows);
    return () => void (this.rows = saved);
  }
  async findById(_tx: Transaction | undefined, id: string) {
    const row = this.rows.find((u) => u.id === id);
    return row ? copy(row) : null;
  }
  async findByEmail(_tx: Transaction | undefined, email: string) {
    const row = this.rows.find((u) => u.email === email);
    return row ? copy(row) : null;
  }
  async existsByEmail(email: string) {
    return this.rows.some((u) => u.email === email);
  }
  async create(_tx: Transaction, user: NewUser) {
    if (this.rows.some((u) => u.email === user.email)) throw new DomainError(409, 'Email already registered');
    const row: User = { ...user, isOperator: false, createdAt: this.clock.now() };
    this.rows.push(row);
    return copy(row);
  }
  async createIfAbsent(user: NewUser) {
    if (!this.rows.some((u) => u.email === user.email)) this.rows.push({ ...user, isOperator: false, createdAt: this.clock.now() });
  }
  async setPasswordHash(_tx: Transaction | undefined, id: string, passwordHash: string) {
    for (const u of this.rows) if (u.id === id) u.passwordHash = passwordHash;
  }
  async replacePasswordHash(id: string, from: string, to: string) {
    for (const u of this.rows) if (u.id === id && u.passwordHash === from) u.passwordHash = to;
  }
  async lock(_tx: Transaction, id: string) {
    this.locks.push(id);
  }
  async emailsOf(_tx: Transaction | undefined, ids: readonly string[]) {
    return new Map(this.rows.filter((u) => ids.includes(u.id)).map((u) => [u.id, u.email]));
  }
}

export class FakeCliTokenStore implements Contract<CliTokenStore>, Rollbackable {
  rows: CliToken[] = [];
  /** Credential lookups by hash, as the guard makes them. */
  lookups = 0;
  touches: Array<{ id: string; at: Date; expiresAt?: Date }> = [];
  failTouches = false;
  constructor(private readonly clock: Clock) {}

  snapshot() {
    const saved = copy(this.rows);
    return () => void (this.rows = saved);
  }
  private active(userId: string, now: Date) {
    return this.rows.filter((t) => t.userId === userId && !t.revokedAt && (!t.expiresAt || t.expiresAt > now));
  }
  async findUnrevokedByHash(tokenHash: string) {
    this.lookups++;
    const row = this.rows.find((t) => t.tokenHash === tokenHash && !t.revokedAt);
    return row ? copy(row) : null;
  }
  async findById(_tx: Transaction | undefined, id: string) {
    const row = this.rows.find((t) => t.id === id);
    return row ? copy(row) : null;
  }
  async touch(id: string, at: Date, expiresAt?: Date) {
    if (this.failTouches) throw new Error('database unavailable');
    this.touches.push({ id, at, expiresAt });
    for (const t of this.rows) {
      if (t.id !== id) continue;
      t.lastUsedAt = at;
      if (expiresAt) t.expiresAt = expiresAt;
    }
  }
  async countActive(_tx: Transaction, userId: string, now: Date) {
    return this.active(userId, now).length;
  }
  async leastRecentlyUsedSessions(_tx: Transaction, userId: string, now: Date, count: number) {
    const used = (t: CliToken) => (t.lastUsedAt ?? t.createdAt).getTime();
    return this.active(userId, now)
      .filter((t) => t.session)
      .sort((a, b) => used(a) - used(b) || a.id.localeCompare(b.id))
      .slice(0, count)
      .map(copy);
  }
  async insert(_tx: Transaction, token: NewCliToken) {
    const row: CliToken = { ...token, createdAt: this.clock.now(), lastUsedAt: null, revokedAt: null };
    this.rows.push(row);
    return copy(row);
  }
  async revokeByIds(_tx: Transaction, ids: string[], at: Date) {
    for (const t of this.rows) if (ids.includes(t.id)) t.revokedAt = at;
  }
  async revokeWhere(_tx: Transaction | undefined, userId: string, which: TokenSelection, at: Date) {
    const hit = this.rows.filter(
      (t) =>
        t.userId === userId &&
        !t.revokedAt &&
        (which.only === undefined || t.id === which.only) &&
        (which.except === undefined || t.id !== which.except),
    );
    for (const t of hit) t.revokedAt = at;
    return hit.map((t) => t.tokenHash);
  }
  async page(userId: string, page?: PageRequest): Promise<Page<CliToken>> {
    const key = (t: CliToken) => [String(t.createdAt.getTime() * 1000), t.id] as const;
    const rows = this.rows
      .filter((t) => t.userId === userId && !t.revokedAt)
      .sort((a, b) => b.createdAt.getTime() - a.createdAt.getTime() || a.id.localeCompare(b.id));
    const after = page?.after as [string, string] | undefined;
    const from = after ? rows.findIndex((t) => key(t)[0] === after[0] && key(t)[1] === after[1]) + 1 : 0;
    if (!page) return { items: rows.map(copy), nextCursor: null };
    const items = rows.slice(from, from + page.limit).map(copy);
    return { items, nextCursor: from + page.limit < rows.length ? encodeCursor([...key(items[items.length - 1])]) : null };
  }
}

export class FakeOperatorStore implements Contract<OperatorStore>, Rollbackable {
  events: Array<NewOperatorAuditEvent & { id: string; createdAt: Date }> = [];
  constructor(
    private readonly users: FakeUserStore,
    private readonly clock: Clock,
  ) {}

  snapshot() {
    const saved = copy(this.events);
    return () => void (this.events = saved);
  }
  async lockAll() {}
  async list() {
    return this.users.rows.filter((u) => u.isOperator).map(copy);
  }
  async count() {
    return this.users.rows.filter((u) => u.isOperator).length;
  }
  async findByEmailLocked(_tx: Transaction, email: string) {
    return this.users.findByEmail(undefined, email);
  }
  async setOperator(_tx: Transaction, userId: string, isOperator: boolean) {
    for (const u of this.users.rows) if (u.id === userId) u.isOperator = isOperator;
  }
  async markByEmail(_tx: Transaction, email: string) {
    const marked = this.users.rows.filter((u) => u.email === email && !u.isOperator);
    for (const u of marked) u.isOperator = true;
    return marked.map((u) => ({ id: u.id, email: u.email }));
  }
  async record(_tx: Transaction, event: NewOperatorAuditEvent) {
    this.events.push({ ...event, id: String(this.events.length + 1), createdAt: this.clock.now() });
  }
  async audit(limit: number) {
    return [...this.events]
      .reverse()
      .slice(0, limit)
      .map((e) => copy(e) as OperatorAuditEvent);
  }
}

/** Login throttling that lets everything through, and remembers what it was asked. */
export class FakeLoginLimiter implements Contract<LoginLimiter> {
  checks: Array<{ email: string; ip: string }> = [];
  async check(email: string, ip: string) {
    this.checks.push({ email, ip });
  }
}

/** Cheap scrypt parameters: the real ones cost ~100 ms and 128 MiB a hash. */
export const TEST_PASSWORD_PARAMS = { N: 2 ** 10, r: 8, p: 1 };

/**
 * libs/auth's services wired over fakes of its stores (Unleash's createFake…Service): the real rules, the real
 * credential cache on an in-process bus, a clock the test moves, and cheap password hashing.
 */
export function createFakeAuth(settings: Partial<AppConfig> = {}) {
  const config = Object.assign(new AppConfig(), settings);
  const clock = new FakeClock();
  const ids = new IdGenerator();
  const users = new FakeUserStore(clock);
  const tokenStore = new FakeCliTokenStore(clock);
  const operatorStore = new FakeOperatorStore(users, clock);
  const transactions = new FakeTransactions([users, tokenStore, operatorStore]);
  const tx = asReal<Transactions>(transactions);
  const bus = new LocalClusterBus();
  const cache = new CredentialCache(config, bus);
  cache.onModuleInit();
  const limiter = new FakeLoginLimiter();
  const passwords = new PasswordHasher(TEST_PASSWORD_PARAMS);
  const tokens = new TokensService(tx, asReal<CliTokenStore>(tokenStore), asReal<UserStore>(users), config, clock, ids, cache);
  const operators = new OperatorsService(tx, asReal<UserStore>(users), asReal<OperatorStore>(operatorStore));
  const auth = new AuthService(
    tx,
    asReal<UserStore>(users),
    tokens,
    operators,
    passwords,
    asReal<LoginLimiter>(limiter),
    cache,
    config,
    ids,
  );
  const credentials = new CredentialVerifier(cache, clock, tokens);
  return {
    auth,
    tokens,
    operators,
    credentials,
    cache,
    config,
    clock,
    passwords,
    limiter,
    transactions,
    stores: { users, tokens: tokenStore, operators: operatorStore },
  };
}

export type FakeAuth = ReturnType<typeof createFakeAuth>;

/** The status and message a service call was refused with (fails the test when it was not refused). */
export async function refusal(promise: Promise<unknown>): Promise<{ status: number; message: string }> {
  try {
    await promise;
  } catch (err) {
    const { status, message } = err as { status: number; message: string };
    return { status, message };
  }
  throw new Error('expected a refusal');
}
