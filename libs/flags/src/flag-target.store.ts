import { Injectable } from '@nestjs/common';
import { type Page, type PageRequest, toPage, type Transaction, Transactions } from '@superflag/core';
import { FlagTarget } from './flag-target.entity';
import type { FlagValue, TargetType } from './flag-values';
import { Flag } from './flag.entity';

/** Per-user and per-company overrides of flags (Reflag's "specific targets"). */
@Injectable()
export class FlagTargetStore {
  constructor(private readonly transactions: Transactions) {}

  find(tx: Transaction, flagId: string, targetType: TargetType, targetId: string): Promise<FlagTarget | null> {
    return this.transactions.manager(tx).findOneBy(FlagTarget, { flagId, targetType, targetId });
  }

  /** The overrides of one flag, by (type, id). */
  ofFlag(tx: Transaction, flagId: string): Promise<FlagTarget[]> {
    return this.transactions.manager(tx).find(FlagTarget, { where: { flagId }, order: { targetType: 'ASC', targetId: 'ASC' } });
  }

  /**
   * Every override of every flag of an environment: by environment, not by a list of flag ids, because an
   * environment may hold more flags than one statement may carry parameters.
   */
  ofEnvironment(tx: Transaction, environmentId: string): Promise<FlagTarget[]> {
    return this.transactions
      .manager(tx)
      .createQueryBuilder(FlagTarget, 't')
      .innerJoin(Flag, 'f', 'f.id = t.flag_id')
      .where('f.environment_id = :environmentId', { environmentId })
      .getMany();
  }

  /** One user's or one company's overrides of the flags of an environment (Reflag's flags of an entity). */
  ofTarget(tx: Transaction, environmentId: string, targetType: TargetType, targetId: string): Promise<FlagTarget[]> {
    return this.transactions
      .manager(tx)
      .createQueryBuilder(FlagTarget, 't')
      .innerJoin(Flag, 'f', 'f.id = t.flag_id')
      .where('f.environment_id = :environmentId', { environmentId })
      .andWhere('t.target_type = :targetType AND t.target_id = :targetId', { targetType, targetId })
      .getMany();
  }

  /** The overrides of some flags, by (type, id) within each flag. */
  async ofFlags(tx: Transaction, flagIds: string[]): Promise<FlagTarget[]> {
    if (flagIds.length === 0) return [];
    return this.transactions
      .manager(tx)
      .createQueryBuilder(FlagTarget, 't')
      .where('t.flag_id IN (:...flagIds)', { flagIds })
      .orderBy('t.flag_id', 'ASC')
      .addOrderBy('t.target_type', 'ASC')
      .addOrderBy('t.target_id', 'ASC')
      .getMany();
  }

  /** Overrides per flag id (flags without any are absent). */
  async countsOf(tx: Transaction, flagIds: string[]): Promise<Map<string, number>> {
    if (flagIds.length === 0) return new Map();
    const rows: Array<{ flagId: string; n: number }> = await this.transactions
      .manager(tx)
      .createQueryBuilder(FlagTarget, 't')
      .select('t.flag_id', 'flagId')
      .addSelect('count(*)::int', 'n')
      .where('t.flag_id IN (:...flagIds)', { flagIds })
      .groupBy('t.flag_id')
      .getRawMany();
    return new Map(rows.map((r) => [r.flagId, Number(r.n)]));
  }

  /** All overrides of one flag, or one page: the primary key's order, so an index scan. */
  async page(flagId: string, page?: PageRequest): Promise<Page<FlagTarget>> {
    const qb = this.transactions
      .manager()
      .createQueryBuilder(FlagTarget, 't')
      .where('t.flag_id = :flagId', { flagId })
      .orderBy('t.target_type', 'ASC')
      .addOrderBy('t.target_id', 'ASC');
    if (!page) return { items: await qb.getMany(), nextCursor: null };
    if (page.after)
      qb.andWhere('(t.target_type, t.target_id) > (:afterType, :afterId)', { afterType: page.after[0], afterId: page.after[1] });
    return toPage(await qb.limit(page.limit + 1).getMany(), page.limit, (t) => [t.targetType, t.targetId]);
  }

  /** Sets one override, or removes it (`value: null`). The value's json text is stored as given (key order kept). */
  async set(tx: Transaction, flagId: string, targetType: TargetType, targetId: string, value: FlagValue | null): Promise<void> {
    const manager = this.transactions.manager(tx);
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
}
