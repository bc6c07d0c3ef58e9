import type { Principal, UserPrincipal } from '@superflag/auth';
import { type DomainEvent, DomainEvents, type Transaction } from '@superflag/core';
import type { AppMember } from '../src/app-member.entity';
import type { App } from '../src/app.entity';
import type { AppStore, AppWithRole } from '../src/app.store';
import { AppsService } from '../src/apps.service';
import type { AuditLog } from '../src/audit-log';
import type { MemberStore } from '../src/member.store';
import { MembersService } from '../src/members.service';
import { MembershipCache } from '../src/membership-cache';

type Public<T> = Pick<T, keyof T>;

/** Transactions without a database: `run` hands out a token; nothing is rolled back (the fakes check first). */
export const fakeTransactions = {
  runs: 0,
  run<T>(work: (tx: Transaction) => Promise<T>): Promise<T> {
    this.runs++;
    return work({} as Transaction);
  },
  manager: () => {
    throw new Error('fakes have no manager');
  },
};

export class MemoryMemberStore implements Public<MemberStore> {
  readonly rows: AppMember[] = [];

  async page(appId: string) {
    return { items: this.rows.filter((m) => m.appId === appId), nextCursor: null };
  }
  async find(appId: string, userId: string) {
    return this.rows.find((m) => m.appId === appId && m.userId === userId) ?? null;
  }
  async exists(appId: string, userId: string) {
    return (await this.find(appId, userId)) !== null;
  }
  async insert(member: Pick<AppMember, 'appId' | 'userId' | 'role'>) {
    const row = { ...member, createdAt: new Date() };
    this.rows.push(row);
    return row;
  }
  async setRole(appId: string, userId: string, role: AppMember['role']) {
    (await this.find(appId, userId))!.role = role;
  }
  async delete(appId: string, userId: string) {
    const i = this.rows.findIndex((m) => m.appId === appId && m.userId === userId);
    if (i >= 0) this.rows.splice(i, 1);
  }
  async countOwners(appId: string) {
    return this.rows.filter((m) => m.appId === appId && m.role === 'owner').length;
  }
}

export class MemoryAppStore implements Public<AppStore> {
  readonly apps: App[] = [];
  constructor(private readonly members: MemoryMemberStore) {}

  async withRole(principal: Principal, appId: string): Promise<AppWithRole | undefined> {
    const app = this.apps.find((a) => a.id === appId);
    if (!app) return undefined;
    if (principal.kind === 'appKey') return principal.appId === appId ? { app, role: 'editor' } : undefined;
    const member = await this.members.find(appId, principal.userId);
    return member ? { app, role: member.role } : undefined;
  }
  async listFor(principal: Principal) {
    const found = await Promise.all(this.apps.map((a) => this.withRole(principal, a.id)));
    return found.filter((f): f is AppWithRole => f !== undefined);
  }
  async lock() {}
  async findLocked(appId: string) {
    return this.apps.find((a) => a.id === appId) ?? null;
  }
  async lockOwner() {}
  async countOwnedBy(ownerId: string) {
    return this.apps.filter((a) => a.ownerId === ownerId).length;
  }
  async insert(values: Pick<App, 'id' | 'name' | 'ownerId'>) {
    const app = { ...values, plan: 'free' as const, createdAt: new Date(), updatedAt: new Date() };
    this.apps.push(app);
    return app;
  }
  async rename(app: App, name: string) {
    app.name = name;
    return app;
  }
  async setPlan(app: App, plan: App['plan']) {
    app.plan = plan;
    return app;
  }
  async planOf(appId: string) {
    return this.apps.find((a) => a.id === appId)?.plan;
  }
  async delete(appId: string) {
    const i = this.apps.findIndex((a) => a.id === appId);
    if (i >= 0) this.apps.splice(i, 1);
  }
}

export const aUser = (userId: string): UserPrincipal =>
  ({ kind: 'user', userId, tokenId: `tok_${userId}`, scopes: new Set() }) as unknown as UserPrincipal;

/** AppsService and MembersService over in-memory stores, with the events they emit recorded. */
export function createFakeApps(options: { appsPerUser?: number; users?: Record<string, string> } = {}) {
  const members = new MemoryMemberStore();
  const apps = new MemoryAppStore(members);
  const audit: Array<{ appId: string; action: string; details: Record<string, unknown> }> = [];
  const auditLog = {
    record: async (_tx: unknown, appId: string, _p: unknown, action: string, details: Record<string, unknown>) =>
      void audit.push({ appId, action, details }),
    page: async () => [],
  };
  const events = new DomainEvents();
  const emitted: DomainEvent[] = [];
  events.onAny((e) => void emitted.push(e));
  let next = 0;
  const ids = { next: (prefix: string) => `${prefix}_${++next}` };
  const users = options.users ?? {};
  const auth = {
    findUserByEmail: async (email: string) => {
      const id = Object.keys(users).find((u) => users[u] === email);
      return id ? { id, email } : null;
    },
    emailsOf: async (userIds: string[]) => new Map(userIds.map((u) => [u, users[u] ?? ''])),
  };
  const config = { LIMIT_APPS_PER_USER: options.appsPerUser ?? 100 };
  const service = new AppsService(
    apps as never,
    members as never,
    fakeTransactions as never,
    ids as never,
    auditLog as unknown as AuditLog,
    events,
    config as never,
  );
  const managementKeys = { revokeCreatedBy: async () => [], forgetRevoked: async () => undefined };
  const membership = new MembershipCache({ publish: async () => undefined, subscribe: () => undefined } as never);
  const membersService = new MembersService(
    members as never,
    fakeTransactions as never,
    service,
    auth as never,
    auditLog as unknown as AuditLog,
    managementKeys as never,
    events,
    membership,
  );
  return {
    membership,
    apps: service,
    members: membersService,
    appStore: apps,
    memberStore: members,
    audit,
    emitted,
    events,
    ids,
    transactions: fakeTransactions,
  };
}
