import { Injectable } from '@nestjs/common';
import type { Principal } from '@superflag/auth';
import { AppConfig, badRequest, IdGenerator } from '@superflag/core';
import { EnvironmentsService } from '@superflag/environments';
import type { FlagChange } from './flag-change.entity';
import { FlagChangeStore } from './flag-change.store';
import { assertRollbackWithinLimits, flagLimits } from './flag-limits';
import { FlagTargetStore } from './flag-target.store';
import type { Flag } from './flag.entity';
import { FlagStore } from './flag.store';
import { planRollback } from './rollback-planner';
import { type EnvRef, VersionedWrite, type WriteOptions } from './versioned-write';

/** An environment's change history, and rollbacks to any version in it. */
@Injectable()
export class HistoryService {
  constructor(
    private readonly flags: FlagStore,
    private readonly targets: FlagTargetStore,
    private readonly changes: FlagChangeStore,
    private readonly versioned: VersionedWrite,
    private readonly environments: EnvironmentsService,
    private readonly ids: IdGenerator,
    private readonly config: AppConfig,
  ) {}

  /** At most `limit` changes, newest first, older than version `before` when given. */
  async list(principal: Principal, ref: EnvRef, limit: number, before?: number): Promise<FlagChange[]> {
    const env = await this.environments.resolve(principal, ref.appId, ref.env, 'read');
    return this.changes.newest(env.id, limit, before);
  }

  /**
   * Restores the environment's whole flag set (values, rollouts and user/company overrides) to what it was
   * right after `target`, as one new write (see planRollback).
   */
  async rollback(principal: Principal, ref: EnvRef, target: number, options: WriteOptions): Promise<{ version: number; restored: number }> {
    const { version, result } = await this.versioned.run(principal, ref, 'rollback', options, async (tx, env) => {
      if (target > env.version) throw badRequest(`version must be between 0 and ${env.version}`);
      const current = new Map((await this.flags.list(tx, env.id)).map((f) => [f.key, f]));
      const keyOf = new Map([...current.values()].map((f) => [f.id, f.key]));
      const currentTargets =
        current.size === 0
          ? []
          : (await this.targets.ofEnvironment(tx, env.id)).map((t) => ({
              key: keyOf.get(t.flagId)!,
              targetType: t.targetType,
              targetId: t.targetId,
              value: t.value,
            }));
      const plan = planRollback([...current.values()], currentTargets, await this.changes.after(tx, env.id, target));
      assertRollbackWithinLimits(flagLimits(this.config), plan);

      const ids = new Map([...current].map(([key, f]) => [key, f.id]));
      const overwritten: Flag[] = [];
      for (const { key, state, exists } of plan.writes) {
        if (exists) {
          overwritten.push(Object.assign(current.get(key)!, state));
          continue;
        }
        const id = this.ids.next('flg');
        await this.flags.insert(tx, { id, environmentId: env.id, key, ...state });
        ids.set(key, id);
      }
      await this.flags.saveValues(tx, overwritten);
      for (const t of plan.targets) await this.targets.set(tx, ids.get(t.key)!, t.targetType, t.targetId, t.value);
      for (const key of plan.deletions) await this.flags.delete(tx, current.get(key)!.id);
      return { diffs: plan.diffs, result: plan.restored, rolledBackTo: target };
    });
    return { version, restored: result };
  }
}
