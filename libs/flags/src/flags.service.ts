import { Injectable } from '@nestjs/common';
import type { Principal } from '@superflag/auth';
import { AppConfig, badRequest, conflict, DomainError, IdGenerator, limitReached, notFound, Transactions } from '@superflag/core';
import { EnvironmentsService } from '@superflag/environments';
import type { FlagDiff, TargetDiff } from './flag-change.entity';
import { stateOf } from './flag-state';
import { FlagTargetStore } from './flag-target.store';
import { assertFlagType, assertFlagValue, assertRollout, type FlagType, isValidFlagValue } from './flag-values';
import type { Flag } from './flag.entity';
import { FlagStore } from './flag.store';
import { type EnvRef, VersionedWrite, type WriteOptions } from './versioned-write';

export const MAX_BULK_FLAGS = 1000;

export interface CreateFlagInput extends WriteOptions {
  key: string;
  rollout?: unknown;
  type: unknown;
  value: unknown;
  clientEnabled?: boolean;
  description?: string;
}

export interface UpdateFlagInput extends WriteOptions {
  key: string;
  /** `null` removes the rollout. */
  rollout?: unknown;
  type?: unknown;
  value?: unknown;
  clientEnabled?: boolean;
  description?: string | null;
}

export interface FlagSet {
  version: number;
  flags: Map<string, Flag>;
}

/** The flags of an environment: reads, and the writes of one flag or many flags' values (each one version). */
@Injectable()
export class FlagsService {
  constructor(
    private readonly flags: FlagStore,
    private readonly targets: FlagTargetStore,
    private readonly versioned: VersionedWrite,
    private readonly transactions: Transactions,
    private readonly environments: EnvironmentsService,
    private readonly ids: IdGenerator,
    private readonly config: AppConfig,
  ) {}

  /** Every flag of an environment with the version they belong to, read in one snapshot. */
  async list(principal: Principal, ref: EnvRef): Promise<FlagSet> {
    return this.transactions.run(async (tx) => {
      const env = await this.environments.resolve(principal, ref.appId, ref.env, 'read', { tx });
      const flags = await this.flags.list(tx, env.id);
      return { version: env.version, flags: new Map(flags.map((f) => [f.key, f])) };
    }, 'REPEATABLE READ');
  }

  async get(principal: Principal, ref: EnvRef, key: string): Promise<{ version: number; flag: Flag }> {
    const env = await this.environments.resolve(principal, ref.appId, ref.env, 'read');
    const flag = await this.flags.find(undefined, env.id, key);
    if (!flag) throw notFound('Flag');
    return { version: env.version, flag };
  }

  async create(principal: Principal, ref: EnvRef, input: CreateFlagInput): Promise<{ version: number; flag: Flag }> {
    const type = assertFlagType(input.type);
    if (input.value === undefined) throw badRequest('value is required');
    const value = assertFlagValue(type, input.value);
    const rollout = input.rollout === undefined ? null : assertRollout(type, input.rollout);
    const { version, result } = await this.versioned.run(principal, ref, 'create', input, async (tx, env) => {
      // A savepoint-free existence check: the environment row lock serialises writers of this environment.
      if (await this.flags.exists(tx, env.id, input.key)) throw conflict('Flag already exists');
      // Counted under the same lock, so parallel creates cannot overshoot the limit.
      if ((await this.flags.count(tx, env.id)) >= this.config.LIMIT_FLAGS_PER_ENV) {
        throw limitReached('Flags per environment', this.config.LIMIT_FLAGS_PER_ENV);
      }
      const flag = {
        id: this.ids.next('flg'),
        environmentId: env.id,
        key: input.key,
        type,
        value,
        clientEnabled: input.clientEnabled ?? false,
        description: input.description ?? null,
        rollout,
      };
      await this.flags.insert(tx, flag);
      return { diffs: [{ key: flag.key, before: null, after: stateOf(flag) }], result: flag as Flag };
    });
    return { version, flag: result };
  }

  async update(principal: Principal, ref: EnvRef, input: UpdateFlagInput): Promise<{ version: number; flag: Flag }> {
    if (input.type !== undefined) assertFlagType(input.type);
    if (
      input.value === undefined &&
      input.clientEnabled === undefined &&
      input.description === undefined &&
      input.type === undefined &&
      input.rollout === undefined
    ) {
      throw badRequest('Nothing to update: give value, clientEnabled, description, rollout or type');
    }
    const { version, result } = await this.versioned.run(
      principal,
      ref,
      'update',
      input,
      async (tx, env) => {
        const flag = await this.flags.find(tx, env.id, input.key);
        if (!flag) throw notFound('Flag');
        const before = stateOf(flag);
        const type = (input.type as FlagType | undefined) ?? flag.type;
        if (type !== flag.type && input.value === undefined) {
          throw badRequest('type can only change together with a value of the new type');
        }
        if (input.value !== undefined) flag.value = assertFlagValue(type, input.value);
        if (input.rollout !== undefined) flag.rollout = assertRollout(type, input.rollout);
        else if (flag.rollout && !isValidFlagValue(type, flag.rollout.value)) {
          throw badRequest('The rollout value does not fit the new type: give a new rollout (or null) too');
        }
        if (type !== flag.type && (await this.targets.ofFlag(tx, flag.id)).some((t) => !isValidFlagValue(type, t.value))) {
          throw badRequest('The flag has targets with values of the old type: remove them before changing the type');
        }
        flag.type = type;
        if (input.clientEnabled !== undefined) flag.clientEnabled = input.clientEnabled;
        if (input.description !== undefined) flag.description = input.description;
        await this.flags.saveValues(tx, [flag]);
        return { diffs: [{ key: flag.key, before, after: stateOf(flag) }], result: flag };
      },
      [input.key],
    );
    return { version, flag: result };
  }

  async delete(principal: Principal, ref: EnvRef, key: string, options: WriteOptions): Promise<{ version: number }> {
    const { version } = await this.versioned.run(principal, ref, 'delete', options, async (tx, env) => {
      const flag = await this.flags.find(tx, env.id, key);
      if (!flag) throw notFound('Flag');
      // Its overrides go with it; they are recorded first so a rollback can restore them after the flag.
      const targets = await this.targets.ofFlag(tx, flag.id);
      await this.flags.delete(tx, flag.id);
      const removed: TargetDiff[] = targets.map((t) => ({
        key,
        targetType: t.targetType,
        targetId: t.targetId,
        before: t.value,
        after: null,
      }));
      return { diffs: [...removed, { key, before: stateOf(flag), after: null }], result: undefined };
    });
    return { version };
  }

  /**
   * Sets many existing flags' values in one write (one version). All or nothing: the first key that does
   * not exist (404) or whose value does not fit its type (400) fails the whole batch, named in the error.
   */
  async bulkUpdate(
    principal: Principal,
    ref: EnvRef,
    values: Record<string, unknown>,
    options: WriteOptions,
  ): Promise<{ version: number; updated: number }> {
    const keys = Object.keys(values);
    if (keys.length === 0) throw badRequest('flags must contain at least one flag');
    if (keys.length > MAX_BULK_FLAGS) throw badRequest(`flags may contain at most ${MAX_BULK_FLAGS} flags`);
    const { version, result } = await this.versioned.run(principal, ref, 'bulk', options, async (tx, env) => {
      const existing = await this.flags.findByKeys(tx, env.id, keys);
      const diffs: FlagDiff[] = [];
      for (const key of keys) {
        const flag = existing.get(key);
        if (!flag) throw new DomainError(404, `Flag not found: ${key}`, { key });
        const before = stateOf(flag);
        flag.value = assertFlagValue(flag.type, values[key], key);
        diffs.push({ key, before, after: stateOf(flag) });
      }
      await this.flags.saveValues(tx, [...existing.values()]);
      return { diffs, result: keys.length };
    });
    return { version, updated: result };
  }
}
