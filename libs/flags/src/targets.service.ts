import { Injectable } from '@nestjs/common';
import type { Principal } from '@superflag/auth';
import { AppConfig, badRequest, Clock, DomainError, notFound, type Page, type PageRequest, Transactions } from '@superflag/core';
import { EnvironmentsService } from '@superflag/environments';
import type { TargetDiff } from './flag-change.entity';
import { assertTargetsWithinLimit, flagLimits } from './flag-limits';
import type { FlagTarget } from './flag-target.entity';
import { FlagTargetStore } from './flag-target.store';
import { assertFlagValue, type FlagValue, type TargetType } from './flag-values';
import type { Flag } from './flag.entity';
import { FlagStore } from './flag.store';
import { type EnvRef, VersionedWrite, type WriteOptions } from './versioned-write';

export const MAX_TARGET_UPDATES = 1000;

/** One override to set (`value`) or remove (`value: null`), for one user or one company. */
export interface TargetUpdate {
  flagKey: string;
  value: unknown;
  userId?: string;
  companyId?: string;
}

/** A flag with all of its overrides, as of one version of its environment. */
export interface FlagTargeting {
  flag: Flag;
  /** Companies first, then users, each by id. */
  targets: FlagTarget[];
  /** The environment's version the targeting belongs to. */
  version: number;
  /** When the flag or one of its overrides last changed (a write's own time for the flags it touched). */
  updatedAt: Date;
}

/** The flags of an environment with one user's or one company's overrides. */
export interface EntityTargeting {
  version: number;
  /** Keys in order. */
  flags: Flag[];
  /** That entity's override per flag key (flags without one are absent). */
  overrides: Map<string, FlagValue>;
}

const latest = (dates: Date[]): Date => new Date(Math.max(...dates.map((d) => d.getTime())));

/** Per-user and per-company overrides of flags, Reflag's "specific targets". */
@Injectable()
export class TargetsService {
  constructor(
    private readonly flags: FlagStore,
    private readonly targets: FlagTargetStore,
    private readonly versioned: VersionedWrite,
    private readonly environments: EnvironmentsService,
    private readonly config: AppConfig,
    private readonly transactions: Transactions,
    private readonly clock: Clock = new Clock(),
  ) {}

  /**
   * Sets or removes (`value: null`) overrides. All updates apply in one write (one version, one change record)
   * or none does: the first bad update names itself in the error.
   */
  async update(
    principal: Principal,
    ref: EnvRef,
    updates: TargetUpdate[],
    options: WriteOptions,
  ): Promise<{ version: number; updated: number }> {
    const { version, updated } = await this.write(principal, ref, updates, options, false);
    return { version, updated };
  }

  /**
   * `update`, answering with the targeting of every flag it touched (in the order first named) as the write
   * left it: read inside the write's transaction, so it belongs to exactly the new version.
   */
  async updateAndRead(principal: Principal, ref: EnvRef, updates: TargetUpdate[], options: WriteOptions): Promise<FlagTargeting[]> {
    return (await this.write(principal, ref, updates, options, true)).targeting;
  }

  private async write(
    principal: Principal,
    ref: EnvRef,
    updates: TargetUpdate[],
    options: WriteOptions,
    readBack: boolean,
  ): Promise<{ version: number; updated: number; targeting: FlagTargeting[] }> {
    if (updates.length === 0) throw badRequest('updates must contain at least one update');
    if (updates.length > MAX_TARGET_UPDATES) throw badRequest(`updates may contain at most ${MAX_TARGET_UPDATES} updates`);
    updates.forEach((u, i) => {
      const hasUser = u.userId !== undefined;
      const hasCompany = u.companyId !== undefined;
      if (hasUser === hasCompany) throw badRequest(`updates[${i}] must have exactly one of userId or companyId`, { index: i });
    });
    const keys = [...new Set(updates.map((u) => u.flagKey))];
    const { version, result } = await this.versioned.run(principal, ref, 'targets', options, async (tx, env) => {
      const flags = await this.flags.findByKeys(tx, env.id, keys);
      const before = await this.targets.countsOf(
        tx,
        [...flags.values()].map((f) => f.id),
      );
      const after = new Map(before);
      const diffs: TargetDiff[] = [];
      for (const [i, u] of updates.entries()) {
        const flag = flags.get(u.flagKey);
        if (!flag) throw new DomainError(404, `Flag not found: ${u.flagKey}`, { key: u.flagKey, index: i });
        const targetType: TargetType = u.userId !== undefined ? 'user' : 'company';
        const targetId = (u.userId ?? u.companyId)!;
        const value = u.value === null ? null : assertFlagValue(flag.type, u.value, u.flagKey, `updates.${i}.value`);
        const existing = await this.targets.find(tx, flag.id, targetType, targetId);
        const added = (value === null ? 0 : 1) - (existing ? 1 : 0);
        if (added !== 0) after.set(flag.id, (after.get(flag.id) ?? 0) + added);
        await this.targets.set(tx, flag.id, targetType, targetId, value);
        diffs.push({ key: flag.key, targetType, targetId, before: existing?.value ?? null, after: value });
      }
      // On the batch's end state (a batch may remove some targets to make room for others); the environment
      // lock serialises writers, and throwing here rolls the whole batch back.
      const limits = flagLimits(this.config);
      for (const flag of flags.values()) assertTargetsWithinLimit(limits, flag.key, before.get(flag.id) ?? 0, after.get(flag.id) ?? 0);
      const touched = keys.map((k) => flags.get(k)!);
      const all = readBack
        ? await this.targets.ofFlags(
            tx,
            touched.map((f) => f.id),
          )
        : [];
      return { diffs, result: { updated: updates.length, touched, all } };
    });
    // The version is only known once the write ran: the read-back is labelled with it here.
    if (!readBack) return { version, updated: result.updated, targeting: [] };
    const at = this.clock.now();
    const byFlag = new Map<string, FlagTarget[]>();
    for (const t of result.all) {
      const list = byFlag.get(t.flagId);
      if (list) list.push(t);
      else byFlag.set(t.flagId, [t]);
    }
    const targeting = result.touched.map((flag) => ({ flag, targets: byFlag.get(flag.id) ?? [], version, updatedAt: at }));
    return { version, updated: result.updated, targeting };
  }

  /** One flag's targeting: the flag, all its overrides and the environment's version, read in one snapshot. */
  async targeting(principal: Principal, ref: EnvRef, key: string): Promise<FlagTargeting> {
    return this.transactions.run(async (tx) => {
      const env = await this.environments.resolve(principal, ref.appId, ref.env, 'read', { tx });
      const flag = await this.flags.find(tx, env.id, key);
      if (!flag) throw notFound('Flag');
      const targets = await this.targets.ofFlag(tx, flag.id);
      return { flag, targets, version: env.version, updatedAt: latest([flag.updatedAt, ...targets.map((t) => t.updatedAt)]) };
    }, 'REPEATABLE READ');
  }

  /** Every flag of an environment with all their overrides (by flag id), read in one snapshot. */
  async ofEnvironment(principal: Principal, ref: EnvRef): Promise<{ version: number; flags: Flag[]; targets: Map<string, FlagTarget[]> }> {
    return this.transactions.run(async (tx) => {
      const env = await this.environments.resolve(principal, ref.appId, ref.env, 'read', { tx });
      const flags = await this.flags.list(tx, env.id);
      const targets = new Map<string, FlagTarget[]>();
      for (const t of await this.targets.ofEnvironment(tx, env.id)) {
        const list = targets.get(t.flagId);
        if (list) list.push(t);
        else targets.set(t.flagId, [t]);
      }
      return { version: env.version, flags, targets };
    }, 'REPEATABLE READ');
  }

  /** Every flag of an environment with one user's or company's overrides, read in one snapshot. */
  async ofEntity(principal: Principal, ref: EnvRef, targetType: TargetType, targetId: string): Promise<EntityTargeting> {
    return this.transactions.run(async (tx) => {
      const env = await this.environments.resolve(principal, ref.appId, ref.env, 'read', { tx });
      const flags = await this.flags.list(tx, env.id);
      const byId = new Map(flags.map((f) => [f.id, f.key]));
      const targets = await this.targets.ofTarget(tx, env.id, targetType, targetId);
      return { version: env.version, flags, overrides: new Map(targets.map((t) => [byId.get(t.flagId)!, t.value])) };
    }, 'REPEATABLE READ');
  }

  /** The overrides of one flag, by (type, id): all of them, or one page. */
  async list(principal: Principal, ref: EnvRef, key: string, page?: PageRequest): Promise<Page<FlagTarget>> {
    const env = await this.environments.resolve(principal, ref.appId, ref.env, 'read');
    const flag = await this.flags.find(undefined, env.id, key);
    if (!flag) throw notFound('Flag');
    return this.targets.page(flag.id, page);
  }
}
