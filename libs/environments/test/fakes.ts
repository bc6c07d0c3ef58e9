import type { Principal } from '@superflag/auth';
import type { Transaction } from '@superflag/core';
import { createFakeApps } from '../../apps/test/fakes';
import { AppLifecycle } from '../src/app-lifecycle.service';
import type { Environment } from '../src/environment.entity';
import type { EnvironmentStore, MemberEnvironment } from '../src/environment.store';
import { EnvironmentsService } from '../src/environments.service';

type Public<T> = Pick<T, keyof T>;

/** Environments in memory, with the same uniqueness rule as the table (name per app). */
export class MemoryEnvironmentStore implements Public<EnvironmentStore> {
  readonly rows: Environment[] = [];
  constructor(
    private readonly members: (
      principal: Principal,
      appId: string,
    ) => Promise<{ role: MemberEnvironment['role']; plan: MemberEnvironment['plan'] } | undefined>,
  ) {}

  async ordered(appId: string) {
    return this.rows.filter((e) => e.appId === appId);
  }
  async idsOf(appId: string) {
    return this.rows.filter((e) => e.appId === appId).map((e) => e.id);
  }
  async count(appId: string) {
    return this.rows.filter((e) => e.appId === appId).length;
  }
  async insert(rows: Array<Pick<Environment, 'id' | 'appId' | 'name'>>, _tx: Transaction) {
    const { conflict } = await import('@superflag/core');
    for (const row of rows)
      if (this.rows.some((e) => e.appId === row.appId && e.name === row.name)) throw conflict('Environment already exists');
    const created = rows.map((row) => ({ ...row, version: 0, createdAt: new Date() }));
    this.rows.push(...created);
    return created;
  }
  async delete(id: string) {
    const i = this.rows.findIndex((e) => e.id === id);
    if (i >= 0) this.rows.splice(i, 1);
  }
  async versions(ids: readonly string[]) {
    return this.rows.filter((e) => ids.includes(e.id)).map(({ id, version }) => ({ id, version }));
  }
  async bumpVersion(id: string) {
    const env = this.rows.find((e) => e.id === id)!;
    return ++env.version;
  }
  async findForMember(principal: Principal, appId: string, envRef: string) {
    const environment =
      this.rows.find((e) => e.appId === appId && e.id === envRef) ?? this.rows.find((e) => e.appId === appId && e.name === envRef);
    const member = environment && (await this.members(principal, appId));
    return environment && member ? { environment, ...member } : undefined;
  }
}

/** EnvironmentsService and AppLifecycle over in-memory stores (apps' fakes included); `overrides` replace store methods. */
export function environmentsWith(
  overrides: Partial<Public<EnvironmentStore>> = {},
  options: { envsPerApp?: number; appsPerUser?: number; users?: Record<string, string> } = {},
) {
  const fake = createFakeApps({ appsPerUser: options.appsPerUser, users: options.users });
  const store = new MemoryEnvironmentStore(async (principal, appId) => {
    const found = await fake.appStore.withRole(principal, appId);
    return found && { role: found.role, plan: found.app.plan };
  });
  Object.assign(store, overrides);
  const config = { LIMIT_ENVS_PER_APP: options.envsPerApp ?? 20 };
  const environments = new EnvironmentsService(
    store as never,
    fake.transactions as never,
    fake.apps,
    fake.ids as never,
    fake.events,
    config as never,
    fake.membership,
    { now: () => new Date() } as never,
  );
  const lifecycle = new AppLifecycle(fake.transactions as never, fake.apps, environments, fake.events);
  return { ...fake, environments, lifecycle, envStore: store };
}
