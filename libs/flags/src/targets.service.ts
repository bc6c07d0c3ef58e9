import { Injectable } from '@nestjs/common';
import type { Principal } from '@superflag/auth';
import { AppConfig, badRequest, DomainError, notFound, type Page, type PageRequest } from '@superflag/core';
import { EnvironmentsService } from '@superflag/environments';
import type { TargetDiff } from './flag-change.entity';
import { assertTargetsWithinLimit, flagLimits } from './flag-limits';
import type { FlagTarget } from './flag-target.entity';
import { FlagTargetStore } from './flag-target.store';
import { assertFlagValue, type TargetType } from './flag-values';
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

/** Per-user and per-company overrides of flags, Reflag's "specific targets". */
@Injectable()
export class TargetsService {
  constructor(
    private readonly flags: FlagStore,
    private readonly targets: FlagTargetStore,
    private readonly versioned: VersionedWrite,
    private readonly environments: EnvironmentsService,
    private readonly config: AppConfig,
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
      return { diffs, result: updates.length };
    });
    return { version, updated: result };
  }

  /** The overrides of one flag, by (type, id): all of them, or one page. */
  async list(principal: Principal, ref: EnvRef, key: string, page?: PageRequest): Promise<Page<FlagTarget>> {
    const env = await this.environments.resolve(principal, ref.appId, ref.env, 'read');
    const flag = await this.flags.find(undefined, env.id, key);
    if (!flag) throw notFound('Flag');
    return this.targets.page(flag.id, page);
  }
}
