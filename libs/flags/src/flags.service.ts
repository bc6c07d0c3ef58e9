import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { actorOf, type Principal } from '@superflag/auth';
import { AppConfig, badRequest, conflict, DomainError, IdGenerator, limitReached, notFound, type Page, type PageRequest, toPage } from '@superflag/core';
import { type Environment, EnvironmentsService } from '@superflag/environments';
import { DataSource, EntityManager, In, LessThan, MoreThan, QueryFailedError } from 'typeorm';
import type { QueryDeepPartialEntity } from 'typeorm/query-builder/QueryPartialEntity';
import { ChangeAction, ChangeDiff, FlagChange, FlagDiff, isTargetDiff, TargetDiff } from './flag-change.entity';
import { FlagTarget } from './flag-target.entity';
import { assertFlagType, assertFlagValue, assertRollout, FlagState, FlagType, FlagValue, FlagView, isValidFlagValue, MAX_TARGET_ID_LENGTH, Rollout, TargetType } from './flag-values';
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

/** A flag as the runtime serves it. */
export interface RuntimeFlag {
  key: string;
  type: FlagType;
  value: FlagValue;
  clientEnabled: boolean;
  rollout: Rollout | null;
  /** Overrides by user id and by company id. */
  users: ReadonlyMap<string, FlagValue>;
  companies: ReadonlyMap<string, FlagValue>;
}

export interface FlagSet {
  version: number;
  flags: Map<string, Flag>;
}

/** Listener told after a versioned write has committed (the runtime cache uses it). */
export type FlagsChangedListener = (environmentId: string, version: number) => void;

const stateOf = (f: Pick<Flag, 'type' | 'value' | 'clientEnabled' | 'description' | 'rollout'>): FlagState => ({
  type: f.type,
  value: f.value,
  clientEnabled: f.clientEnabled,
  description: f.description ?? null,
  rollout: f.rollout ?? null,
});

/** Values are stored as given (json, not jsonb), so two are the same only with the same keys in the same order. */
const sameValue = (a: unknown, b: unknown): boolean => JSON.stringify(a ?? null) === JSON.stringify(b ?? null);

/**
 * Whether two flag states are the same flag. The state's own fields compare by name: history rows written
 * before values were stored as json hold them in jsonb's order (`{"type","value","rollout",…}`).
 */
function sameState(a: FlagState | null, b: FlagState | null): boolean {
  if (!a || !b) return a === b;
  const ra = a.rollout ?? null;
  const rb = b.rollout ?? null;
  return (
    a.type === b.type && a.clientEnabled === b.clientEnabled && (a.description ?? null) === (b.description ?? null) && sameValue(a.value, b.value) &&
    (ra === null || rb === null ? ra === rb : ra.percentage === rb.percentage && sameValue(ra.value, rb.value))
  );
}

export const MAX_TARGET_UPDATES = 1000;

/** One override to set (`value`) or remove (`value: null`), for one user or one company. */
export interface TargetUpdate {
  flagKey: string;
  value: unknown;
  userId?: string;
  companyId?: string;
}

const targetMapKey = (key: string, type: TargetType, id: string) => `${key}\u0000${type}\u0000${id}`;

export const flagView = (f: Pick<Flag, 'type' | 'value' | 'clientEnabled'>): FlagView => ({ type: f.type, value: f.value, clientEnabled: f.clientEnabled });

// TypeORM's deep-partial type cannot express a json column holding `unknown[]`; the value is serialised as JSON.
const insertFlag = (manager: EntityManager, flag: Partial<Flag>) => manager.insert(Flag, flag as QueryDeepPartialEntity<Flag>);

@Injectable()
export class FlagsService {
  private readonly listeners: FlagsChangedListener[] = [];

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly environments: EnvironmentsService,
    private readonly ids: IdGenerator,
    private readonly config: AppConfig,
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
    const rollout = input.rollout === undefined ? null : assertRollout(type, input.rollout);
    const { version, result } = await this.write(principal, ref, 'create', input, async (manager, env) => {
      const flag = manager.create(Flag, {
        id: this.ids.next('flg'),
        environmentId: env.id,
        key: input.key,
        type,
        value,
        clientEnabled: input.clientEnabled ?? false,
        description: input.description ?? null,
        rollout,
      });
      try {
        // A savepoint-free existence check: the environment row lock serialises writers of this environment.
        if (await manager.existsBy(Flag, { environmentId: env.id, key: input.key })) throw conflict('Flag already exists');
        // Counted under the same lock, so parallel creates cannot overshoot the limit.
        if ((await manager.countBy(Flag, { environmentId: env.id })) >= this.config.LIMIT_FLAGS_PER_ENV) {
          throw limitReached('Flags per environment', this.config.LIMIT_FLAGS_PER_ENV);
        }
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
    if (input.value === undefined && input.clientEnabled === undefined && input.description === undefined && input.type === undefined && input.rollout === undefined) {
      throw badRequest('Nothing to update: give value, clientEnabled, description, rollout or type');
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
      if (input.rollout !== undefined) flag.rollout = assertRollout(type, input.rollout);
      else if (flag.rollout && !isValidFlagValue(type, flag.rollout.value)) {
        throw badRequest('The rollout value does not fit the new type: give a new rollout (or null) too');
      }
      if (type !== flag.type) {
        const stale = await manager.findBy(FlagTarget, { flagId: flag.id });
        if (stale.some((t) => !isValidFlagValue(type, t.value))) {
          throw badRequest('The flag has targets with values of the old type: remove them before changing the type');
        }
      }
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
      // Its overrides go with it (ON DELETE CASCADE); they are recorded first so a rollback can restore them after the flag.
      const targets = await manager.find(FlagTarget, { where: { flagId: flag.id }, order: { targetType: 'ASC', targetId: 'ASC' } });
      await manager.delete(Flag, { id: flag.id });
      const removed: TargetDiff[] = targets.map((t) => ({ key, targetType: t.targetType, targetId: t.targetId, before: t.value, after: null }));
      return { diffs: [...removed, { key, before: stateOf(flag), after: null }], result: undefined };
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

  /**
   * Restores the environment's whole flag set (values, rollouts and user/company overrides) to what it was
   * right after `target`, as one new write: the current state with every later change undone, newest first.
   */
  async rollback(principal: Principal, ref: EnvRef, target: number, options: WriteOptions): Promise<{ version: number; restored: number }> {
    const { version, result } = await this.write(principal, ref, 'rollback', options, async (manager, env) => {
      if (target > env.version) throw badRequest(`version must be between 0 and ${env.version}`);
      const current = new Map((await manager.findBy(Flag, { environmentId: env.id })).map((f) => [f.key, f]));
      const currentTargets = new Map<string, { flagKey: string; row: FlagTarget }>();
      if (current.size > 0) {
        const byId = new Map([...current.values()].map((f) => [f.id, f.key]));
        // By environment, not by a list of flag ids: an environment may hold more flags than one statement
        // may carry parameters.
        const rows = await manager
          .createQueryBuilder(FlagTarget, 't')
          .innerJoin(Flag, 'f', 'f.id = t.flag_id')
          .where('f.environment_id = :environmentId', { environmentId: env.id })
          .getMany();
        for (const row of rows) {
          const flagKey = byId.get(row.flagId)!;
          currentTargets.set(targetMapKey(flagKey, row.targetType, row.targetId), { flagKey, row });
        }
      }
      const wanted = new Map<string, FlagState | null>([...current].map(([k, f]) => [k, stateOf(f)]));
      const wantedTargets = new Map<string, { key: string; targetType: TargetType; targetId: string; value: FlagValue | null }>(
        [...currentTargets].map(([k, t]) => [k, { key: t.flagKey, targetType: t.row.targetType, targetId: t.row.targetId, value: t.row.value }]),
      );
      const later = await manager.find(FlagChange, { where: { environmentId: env.id, version: MoreThan(target) }, order: { version: 'DESC' } });
      for (const change of later) {
        for (const diff of [...change.diffs].reverse()) {
          if (isTargetDiff(diff)) wantedTargets.set(targetMapKey(diff.key, diff.targetType, diff.targetId), { key: diff.key, targetType: diff.targetType, targetId: diff.targetId, value: diff.before });
          else wanted.set(diff.key, diff.before ? { ...diff.before, rollout: diff.before.rollout ?? null } : null);
        }
      }
      this.assertRollbackWithinLimits(current.size, wanted, currentTargets, wantedTargets);

      const diffs: ChangeDiff[] = [];
      const flagIds = new Map([...current].map(([k, f]) => [k, f.id]));
      const deletions: FlagDiff[] = [];
      for (const [key, state] of [...wanted].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
        const flag = current.get(key);
        const before = flag ? stateOf(flag) : null;
        if (sameState(before, state)) continue;
        if (!state) {
          deletions.push({ key, before, after: null });
        } else if (!flag) {
          const id = this.ids.next('flg');
          await insertFlag(manager, { id, environmentId: env.id, key, ...state });
          flagIds.set(key, id);
          diffs.push({ key, before, after: state });
        } else {
          Object.assign(flag, state);
          await this.saveValues(manager, [flag]);
          diffs.push({ key, before, after: state });
        }
      }
      for (const [mapKey, t] of [...wantedTargets].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
        const existing = currentTargets.get(mapKey)?.row.value ?? null;
        if (wanted.get(t.key) === null || sameValue(existing, t.value)) continue;
        const flagId = flagIds.get(t.key);
        if (!flagId) continue;
        await this.setTarget(manager, flagId, t.targetType, t.targetId, t.value);
        diffs.push({ key: t.key, targetType: t.targetType, targetId: t.targetId, before: existing, after: t.value });
      }
      for (const deletion of deletions) {
        for (const [, t] of currentTargets) {
          if (t.flagKey === deletion.key) diffs.push({ key: t.flagKey, targetType: t.row.targetType, targetId: t.row.targetId, before: t.row.value, after: null });
        }
        await manager.delete(Flag, { id: current.get(deletion.key)!.id });
        diffs.push(deletion);
      }
      return { diffs, result: new Set(diffs.map((d) => d.key)).size, rolledBackTo: target };
    });
    return { version, restored: result };
  }

  /**
   * Sets or removes (`value: null`) per-user and per-company overrides, Reflag's "specific targets". All
   * updates apply in one write (one version, one change record) or none does: the first bad update names
   * itself in the error.
   */
  async updateTargets(principal: Principal, ref: EnvRef, updates: TargetUpdate[], options: WriteOptions): Promise<{ version: number; updated: number }> {
    if (updates.length === 0) throw badRequest('updates must contain at least one update');
    if (updates.length > MAX_TARGET_UPDATES) throw badRequest(`updates may contain at most ${MAX_TARGET_UPDATES} updates`);
    updates.forEach((u, i) => {
      const hasUser = u.userId !== undefined;
      const hasCompany = u.companyId !== undefined;
      if (hasUser === hasCompany) throw badRequest(`updates[${i}] must have exactly one of userId or companyId`, { index: i });
    });
    const keys = [...new Set(updates.map((u) => u.flagKey))];
    const { version, result } = await this.write(principal, ref, 'targets', options, async (manager, env) => {
      const flags = new Map((await manager.findBy(Flag, { environmentId: env.id, key: In(keys) })).map((f) => [f.key, f]));
      const before = await this.targetCounts(manager, [...flags.values()].map((f) => f.id));
      const after = new Map(before);
      const diffs: TargetDiff[] = [];
      for (const [i, u] of updates.entries()) {
        const flag = flags.get(u.flagKey);
        if (!flag) throw new DomainError(404, `Flag not found: ${u.flagKey}`, { key: u.flagKey, index: i });
        const targetType: TargetType = u.userId !== undefined ? 'user' : 'company';
        const targetId = (u.userId ?? u.companyId)!;
        const value = u.value === null ? null : assertFlagValue(flag.type, u.value, u.flagKey, `updates.${i}.value`);
        const existing = await manager.findOneBy(FlagTarget, { flagId: flag.id, targetType, targetId });
        const added = (value === null ? 0 : 1) - (existing ? 1 : 0);
        if (added !== 0) after.set(flag.id, (after.get(flag.id) ?? 0) + added);
        await this.setTarget(manager, flag.id, targetType, targetId, value);
        diffs.push({ key: flag.key, targetType, targetId, before: existing?.value ?? null, after: value });
      }
      // On the batch's end state (a batch may remove some targets to make room for others); the environment
      // lock serialises writers, and throwing here rolls the whole batch back.
      for (const flag of flags.values()) this.assertTargetsWithinLimit(flag.key, before.get(flag.id) ?? 0, after.get(flag.id) ?? 0);
      return { diffs, result: updates.length };
    });
    return { version, updated: result };
  }

  /**
   * A rollback restores a set that once fitted the limits, so it only trips over them when a limit was lowered
   * since: then it may not grow what is already over the limit.
   */
  private assertRollbackWithinLimits(
    flagsBefore: number,
    wanted: ReadonlyMap<string, FlagState | null>,
    currentTargets: ReadonlyMap<string, { flagKey: string }>,
    wantedTargets: ReadonlyMap<string, { key: string; value: FlagValue | null }>,
  ): void {
    const flagsAfter = [...wanted.values()].filter((state) => state !== null).length;
    if (flagsAfter > this.config.LIMIT_FLAGS_PER_ENV && flagsAfter > flagsBefore) throw limitReached('Flags per environment', this.config.LIMIT_FLAGS_PER_ENV);
    const before = new Map<string, number>();
    for (const t of currentTargets.values()) before.set(t.flagKey, (before.get(t.flagKey) ?? 0) + 1);
    const after = new Map<string, number>();
    for (const t of wantedTargets.values()) if (t.value !== null && wanted.get(t.key)) after.set(t.key, (after.get(t.key) ?? 0) + 1);
    for (const [key, n] of after) this.assertTargetsWithinLimit(key, before.get(key) ?? 0, n);
  }

  /** Overrides per flag id (flags without any are absent). */
  private async targetCounts(manager: EntityManager, flagIds: string[]): Promise<Map<string, number>> {
    if (flagIds.length === 0) return new Map();
    const rows: Array<{ flagId: string; n: number }> = await manager
      .createQueryBuilder(FlagTarget, 't')
      .select('t.flag_id', 'flagId')
      .addSelect('count(*)::int', 'n')
      .where('t.flag_id IN (:...flagIds)', { flagIds })
      .groupBy('t.flag_id')
      .getRawMany();
    return new Map(rows.map((r) => [r.flagId, Number(r.n)]));
  }

  /** A write may not take a flag past LIMIT_TARGETS_PER_FLAG; one that does not add (or that shrinks a flag left over a lowered limit) may. */
  private assertTargetsWithinLimit(key: string, before: number, after: number): void {
    const limit = this.config.LIMIT_TARGETS_PER_FLAG;
    if (after > limit && after > before) throw limitReached('Targets per flag', limit, { key });
  }

  /** The overrides of one flag, by (type, id): all of them, or one page (the primary key's order, so an index scan). */
  async targets(principal: Principal, ref: EnvRef, key: string, page?: PageRequest): Promise<Page<FlagTarget>> {
    const env = await this.environments.resolve(principal, ref.appId, ref.env, 'read');
    const flag = await this.dataSource.manager.findOneBy(Flag, { environmentId: env.id, key });
    if (!flag) throw notFound('Flag');
    const qb = this.dataSource.manager
      .createQueryBuilder(FlagTarget, 't')
      .where('t.flag_id = :flagId', { flagId: flag.id })
      .orderBy('t.target_type', 'ASC')
      .addOrderBy('t.target_id', 'ASC');
    if (!page) return { items: await qb.getMany(), nextCursor: null };
    if (page.after) qb.andWhere('(t.target_type, t.target_id) > (:afterType, :afterId)', { afterType: page.after[0], afterId: page.after[1] });
    return toPage(await qb.limit(page.limit + 1).getMany(), page.limit, (t) => [t.targetType, t.targetId]);
  }

  private async setTarget(manager: EntityManager, flagId: string, targetType: TargetType, targetId: string, value: FlagValue | null): Promise<void> {
    if (value === null) {
      await manager.delete(FlagTarget, { flagId, targetType, targetId });
      return;
    }
    await manager.query(
      `INSERT INTO flag_targets (flag_id, target_type, target_id, value) VALUES ($1, $2, $3, $4::json)
       ON CONFLICT (flag_id, target_type, target_id) DO UPDATE SET value = EXCLUDED.value, updated_at = now()`,
      [flagId, targetType, targetId, JSON.stringify(value)],
    );
  }

  /**
   * The current flag set of an environment with its version, read in one statement (so the two always agree),
   * for the runtime's in-memory snapshot. No access check: callers hold a verified runtime key. null when the
   * environment no longer exists.
   */
  async loadEnvironment(environmentId: string): Promise<{ version: number; flags: RuntimeFlag[] } | null> {
    const rows: Array<{
      version: number; key: string | null; type: FlagType; value: FlagValue; client_enabled: boolean; rollout: Rollout | null;
      targets: Array<[TargetType, string, FlagValue]> | null;
    }> = await this.dataSource.query(
      `SELECT e.version, f.key, f.type, f.value, f.client_enabled, f.rollout,
              (SELECT json_agg(json_build_array(t.target_type, t.target_id, t.value)) FROM flag_targets t WHERE t.flag_id = f.id) AS targets
         FROM environments e LEFT JOIN flags f ON f.environment_id = e.id
        WHERE e.id = $1`,
      [environmentId],
    );
    if (rows.length === 0) return null;
    const flags = rows
      .filter((r) => r.key !== null)
      .map((r) => {
        const targets = typeof r.targets === 'string' ? (JSON.parse(r.targets) as Array<[TargetType, string, FlagValue]>) : (r.targets ?? []);
        return {
          key: r.key!,
          type: r.type,
          value: r.value,
          clientEnabled: r.client_enabled,
          rollout: r.rollout ?? null,
          users: new Map(targets.filter((t) => t[0] === 'user').map((t) => [t[1], t[2]])),
          companies: new Map(targets.filter((t) => t[0] === 'company').map((t) => [t[1], t[2]])),
        };
      })
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
    apply: (manager: EntityManager, env: Environment) => Promise<{ diffs: ChangeDiff[]; result: T; rolledBackTo?: number }>,
  ): Promise<{ version: number; result: T }> {
    const committed = await this.dataSource.transaction(async (manager) => {
      const env = await this.environments.resolve(principal, ref.appId, ref.env, 'write', { manager, lock: true });
      if (options.expectedVersion !== undefined && options.expectedVersion !== env.version) {
        throw new DomainError(412, 'Version conflict', { currentVersion: env.version });
      }
      const { diffs, result, rolledBackTo } = await apply(manager, env);
      const version = await this.environments.bumpVersion(manager, env);
      const actor = actorOf(principal);
      await manager.insert(FlagChange, {
        id: this.ids.next('chg'),
        environmentId: env.id,
        version,
        action,
        diffs,
        actorUserId: actor.userId,
        actorTokenId: actor.tokenId,
        actorAppKeyId: actor.appKeyId,
        changeDescription: options.changeDescription ?? null,
        rolledBackTo: rolledBackTo ?? null,
      } as QueryDeepPartialEntity<FlagChange>);
      return { environmentId: env.id, version, result };
    });
    for (const listener of this.listeners) listener(committed.environmentId, committed.version);
    return { version: committed.version, result: committed.result };
  }

  /** Writes type/value/clientEnabled/description of loaded flags (json_to_recordset keeps each json field's text, so key order). */
  private async saveValues(manager: EntityManager, flags: Flag[]): Promise<void> {
    if (flags.length === 0) return;
    await manager.query(
      `UPDATE flags AS f SET type = v.type, value = v.value, client_enabled = v.client_enabled, description = v.description, rollout = v.rollout, updated_at = now()
         FROM json_to_recordset($1::json) AS v(id varchar, type varchar, value json, client_enabled boolean, description text, rollout json)
        WHERE f.id = v.id`,
      [JSON.stringify(flags.map((f) => ({ id: f.id, type: f.type, value: f.value, client_enabled: f.clientEnabled, description: f.description, rollout: f.rollout ?? null })))],
    );
  }
}

export type { FlagValue };
