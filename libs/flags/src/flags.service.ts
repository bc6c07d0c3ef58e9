import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { Principal } from '@superflag/auth';
import { badRequest, conflict, DomainError, IdGenerator, notFound } from '@superflag/core';
import { type Environment, EnvironmentsService } from '@superflag/environments';
import { DataSource, EntityManager, In, LessThan, MoreThan, QueryFailedError } from 'typeorm';
import type { QueryDeepPartialEntity } from 'typeorm/query-builder/QueryPartialEntity';
import { ChangeAction, FlagChange, FlagDiff } from './flag-change.entity';
import { assertFlagType, assertFlagValue, FlagState, FlagType, FlagValue, FlagView } from './flag-values';
import { Flag } from './flag.entity';

export const MAX_BULK_FLAGS = 1000;

export interface EnvRef {
  appId: string;
  env: string;
}

export interface WriteOptions {
  changeDescription?: string;
  /** Optimistic concurrency: the write fails with 412 unless the environment is still at this version. */
  expectedVersion?: number;
}

export interface CreateFlagInput extends WriteOptions {
  key: string;
  type: unknown;
  value: unknown;
  clientEnabled?: boolean;
  description?: string;
}

export interface UpdateFlagInput extends WriteOptions {
  key: string;
  type?: unknown;
  value?: unknown;
  clientEnabled?: boolean;
  description?: string | null;
}

/** A flag as the runtime serves it. */
export interface RuntimeFlag {
  key: string;
  type: FlagType;
  value: FlagValue;
  clientEnabled: boolean;
}

export interface FlagSet {
  version: number;
  flags: Map<string, Flag>;
}

/** Listener told after a versioned write has committed (the runtime cache uses it). */
export type FlagsChangedListener = (environmentId: string, version: number) => void;

const stateOf = (f: Pick<Flag, 'type' | 'value' | 'clientEnabled' | 'description'>): FlagState => ({
  type: f.type,
  value: f.value,
  clientEnabled: f.clientEnabled,
  description: f.description ?? null,
});

export const flagView = (f: Pick<Flag, 'type' | 'value' | 'clientEnabled'>): FlagView => ({ type: f.type, value: f.value, clientEnabled: f.clientEnabled });

// TypeORM's deep-partial type cannot express a jsonb column holding `unknown[]`; the value is serialised as JSON.
const insertFlag = (manager: EntityManager, flag: Partial<Flag>) => manager.insert(Flag, flag as QueryDeepPartialEntity<Flag>);

@Injectable()
export class FlagsService {
  private readonly listeners: FlagsChangedListener[] = [];

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly environments: EnvironmentsService,
    private readonly ids: IdGenerator,
  ) {}

  onFlagsChanged(listener: FlagsChangedListener): void {
    this.listeners.push(listener);
  }

  /** Every flag of an environment with the version they belong to, read in one snapshot. */
  async list(principal: Principal, ref: EnvRef): Promise<FlagSet> {
    return this.dataSource.transaction('REPEATABLE READ', async (manager) => {
      const env = await this.environments.resolve(principal, ref.appId, ref.env, 'read', { manager });
      const flags = await manager.find(Flag, { where: { environmentId: env.id }, order: { key: 'ASC' } });
      return { version: env.version, flags: new Map(flags.map((f) => [f.key, f])) };
    });
  }

  async get(principal: Principal, ref: EnvRef, key: string): Promise<{ version: number; flag: Flag }> {
    const env = await this.environments.resolve(principal, ref.appId, ref.env, 'read');
    const flag = await this.dataSource.manager.findOneBy(Flag, { environmentId: env.id, key });
    if (!flag) throw notFound('Flag');
    return { version: env.version, flag };
  }

  async create(principal: Principal, ref: EnvRef, input: CreateFlagInput): Promise<{ version: number; flag: Flag }> {
    const type = assertFlagType(input.type);
    if (input.value === undefined) throw badRequest('value is required');
    const value = assertFlagValue(type, input.value);
    const { version, result } = await this.write(principal, ref, 'create', input, async (manager, env) => {
      const flag = manager.create(Flag, {
        id: this.ids.next('flg'),
        environmentId: env.id,
        key: input.key,
        type,
        value,
        clientEnabled: input.clientEnabled ?? false,
        description: input.description ?? null,
      });
      try {
        // A savepoint-free existence check: the environment row lock serialises writers of this environment.
        if (await manager.existsBy(Flag, { environmentId: env.id, key: input.key })) throw conflict('Flag already exists');
        await insertFlag(manager, flag);
      } catch (err) {
        if (err instanceof QueryFailedError && (err.driverError as { code?: string })?.code === '23505') throw conflict('Flag already exists');
        throw err;
      }
      return { diffs: [{ key: flag.key, before: null, after: stateOf(flag) }], result: flag };
    });
    return { version, flag: result };
  }

  async update(principal: Principal, ref: EnvRef, input: UpdateFlagInput): Promise<{ version: number; flag: Flag }> {
    if (input.type !== undefined) assertFlagType(input.type);
    if (input.value === undefined && input.clientEnabled === undefined && input.description === undefined && input.type === undefined) {
      throw badRequest('Nothing to update: give value, clientEnabled, description or type');
    }
    const { version, result } = await this.write(principal, ref, 'update', input, async (manager, env) => {
      const flag = await manager.findOneBy(Flag, { environmentId: env.id, key: input.key });
      if (!flag) throw notFound('Flag');
      const before = stateOf(flag);
      const type = (input.type as FlagType | undefined) ?? flag.type;
      if (type !== flag.type && input.value === undefined) {
        throw badRequest('type can only change together with a value of the new type');
      }
      if (input.value !== undefined) flag.value = assertFlagValue(type, input.value);
      flag.type = type;
      if (input.clientEnabled !== undefined) flag.clientEnabled = input.clientEnabled;
      if (input.description !== undefined) flag.description = input.description;
      await this.saveValues(manager, [flag]);
      return { diffs: [{ key: flag.key, before, after: stateOf(flag) }], result: flag };
    });
    return { version, flag: result };
  }

  async delete(principal: Principal, ref: EnvRef, key: string, options: WriteOptions): Promise<{ version: number }> {
    const { version } = await this.write(principal, ref, 'delete', options, async (manager, env) => {
      const flag = await manager.findOneBy(Flag, { environmentId: env.id, key });
      if (!flag) throw notFound('Flag');
      await manager.delete(Flag, { id: flag.id });
      return { diffs: [{ key, before: stateOf(flag), after: null }], result: undefined };
    });
    return { version };
  }

  /**
   * Sets many existing flags' values in one write (one version). All or nothing: the first key that does
   * not exist (404) or whose value does not fit its type (400) fails the whole batch, named in the error.
   */
  async bulkUpdate(principal: Principal, ref: EnvRef, values: Record<string, unknown>, options: WriteOptions): Promise<{ version: number; updated: number }> {
    const keys = Object.keys(values);
    if (keys.length === 0) throw badRequest('flags must contain at least one flag');
    if (keys.length > MAX_BULK_FLAGS) throw badRequest(`flags may contain at most ${MAX_BULK_FLAGS} flags`);
    const { version, result } = await this.write(principal, ref, 'bulk', options, async (manager, env) => {
      const existing = new Map((await manager.findBy(Flag, { environmentId: env.id, key: In(keys) })).map((f) => [f.key, f]));
      const diffs: FlagDiff[] = [];
      for (const key of keys) {
        const flag = existing.get(key);
        if (!flag) throw new DomainError(404, `Flag not found: ${key}`, { key });
        const before = stateOf(flag);
        flag.value = assertFlagValue(flag.type, values[key], key);
        diffs.push({ key, before, after: stateOf(flag) });
      }
      await this.saveValues(manager, [...existing.values()]);
      return { diffs, result: keys.length };
    });
    return { version, updated: result };
  }

  /** Restores the environment's whole flag set to what it was right after `target`, as one new write. */
  async rollback(principal: Principal, ref: EnvRef, target: number, options: WriteOptions): Promise<{ version: number; restored: number }> {
    const { version, result } = await this.write(principal, ref, 'rollback', options, async (manager, env) => {
      if (target > env.version) throw badRequest(`version must be between 0 and ${env.version}`);
      const current = new Map((await manager.findBy(Flag, { environmentId: env.id })).map((f) => [f.key, f]));
      // The state after `target` = the current state with every later change undone, newest first.
      const wanted = new Map<string, FlagState | null>([...current].map(([k, f]) => [k, stateOf(f)]));
      const later = await manager.find(FlagChange, { where: { environmentId: env.id, version: MoreThan(target) }, order: { version: 'DESC' } });
      for (const change of later) for (const diff of change.diffs) wanted.set(diff.key, diff.before);

      const diffs: FlagDiff[] = [];
      for (const [key, state] of [...wanted].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
        const flag = current.get(key);
        const before = flag ? stateOf(flag) : null;
        if (JSON.stringify(before) === JSON.stringify(state)) continue;
        if (!state) {
          await manager.delete(Flag, { id: flag!.id });
        } else if (!flag) {
          await insertFlag(manager, { id: this.ids.next('flg'), environmentId: env.id, key, ...state });
        } else {
          Object.assign(flag, state);
          await this.saveValues(manager, [flag]);
        }
        diffs.push({ key, before, after: state });
      }
      return { diffs, result: diffs.length, rolledBackTo: target };
    });
    return { version, restored: result };
  }

  /**
   * The current flag set of an environment with its version, read in one statement (so the two always agree),
   * for the runtime's in-memory snapshot. No access check: callers hold a verified runtime key. null when the
   * environment no longer exists.
   */
  async loadEnvironment(environmentId: string): Promise<{ version: number; flags: RuntimeFlag[] } | null> {
    const rows: Array<{ version: number; key: string | null; type: FlagType; value: FlagValue; client_enabled: boolean }> = await this.dataSource.query(
      `SELECT e.version, f.key, f.type, f.value, f.client_enabled
         FROM environments e LEFT JOIN flags f ON f.environment_id = e.id
        WHERE e.id = $1`,
      [environmentId],
    );
    if (rows.length === 0) return null;
    const flags = rows
      .filter((r) => r.key !== null)
      .map((r) => ({ key: r.key!, type: r.type, value: r.value, clientEnabled: r.client_enabled }))
      .sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
    return { version: rows[0].version, flags };
  }

  async history(principal: Principal, ref: EnvRef, limit: number, before?: number): Promise<FlagChange[]> {
    const env = await this.environments.resolve(principal, ref.appId, ref.env, 'read');
    return this.dataSource.manager.find(FlagChange, {
      where: { environmentId: env.id, ...(before !== undefined ? { version: LessThan(before) } : {}) },
      order: { version: 'DESC' },
      take: limit,
    });
  }

  /**
   * Every write to an environment's flags goes through here: one transaction that locks the environment
   * row (serialising writers, so versions have no gaps or duplicates), checks the expected version, applies
   * the change, raises the version by exactly 1 and records the change. Failed writes change nothing.
   */
  private async write<T>(
    principal: Principal,
    ref: EnvRef,
    action: ChangeAction,
    options: WriteOptions,
    apply: (manager: EntityManager, env: Environment) => Promise<{ diffs: FlagDiff[]; result: T; rolledBackTo?: number }>,
  ): Promise<{ version: number; result: T }> {
    const committed = await this.dataSource.transaction(async (manager) => {
      const env = await this.environments.resolve(principal, ref.appId, ref.env, 'write', { manager, lock: true });
      if (options.expectedVersion !== undefined && options.expectedVersion !== env.version) {
        throw new DomainError(412, 'Version conflict', { currentVersion: env.version });
      }
      const { diffs, result, rolledBackTo } = await apply(manager, env);
      const version = await this.environments.bumpVersion(manager, env);
      await manager.insert(FlagChange, {
        id: this.ids.next('chg'),
        environmentId: env.id,
        version,
        action,
        diffs,
        actorUserId: principal.userId,
        actorTokenId: principal.tokenId,
        changeDescription: options.changeDescription ?? null,
        rolledBackTo: rolledBackTo ?? null,
      } as QueryDeepPartialEntity<FlagChange>);
      return { environmentId: env.id, version, result };
    });
    for (const listener of this.listeners) listener(committed.environmentId, committed.version);
    return { version: committed.version, result: committed.result };
  }

  /** Writes type/value/clientEnabled/description of loaded flags (jsonb values are passed as JSON text). */
  private async saveValues(manager: EntityManager, flags: Flag[]): Promise<void> {
    if (flags.length === 0) return;
    await manager.query(
      `UPDATE flags AS f SET type = v.type, value = v.value, client_enabled = v.client_enabled, description = v.description, updated_at = now()
         FROM jsonb_to_recordset($1::jsonb) AS v(id varchar, type varchar, value jsonb, client_enabled boolean, description text)
        WHERE f.id = v.id`,
      [JSON.stringify(flags.map((f) => ({ id: f.id, type: f.type, value: f.value, client_enabled: f.clientEnabled, description: f.description })))],
    );
  }
}

export type { FlagValue };
