import { Injectable } from '@nestjs/common';
import { type Page, type PageRequest, readCreatedPage, type Transaction, Transactions, uniquely } from '@superflag/core';
import { AppMember } from './app-member.entity';
import type { AppRole } from './app-rights';

/** Persistence of memberships: every query of `app_members`. */
@Injectable()
export class MemberStore {
  constructor(private readonly transactions: Transactions) {}

  /** In the order they joined: all of them, or one page. */
  page(appId: string, page?: PageRequest): Promise<Page<AppMember>> {
    const qb = this.transactions.manager().createQueryBuilder(AppMember, 'member').where('member.app_id = :appId', { appId });
    return readCreatedPage(qb, 'member', 'user_id', page);
  }

  find(appId: string, userId: string, tx?: Transaction): Promise<AppMember | null> {
    return this.transactions.manager(tx).findOneBy(AppMember, { appId, userId });
  }

  exists(appId: string, userId: string, tx?: Transaction): Promise<boolean> {
    return this.transactions.manager(tx).existsBy(AppMember, { appId, userId });
  }

  /** The new membership as stored (with its join time); 409 when the user already is a member. */
  async insert(member: Pick<AppMember, 'appId' | 'userId' | 'role'>, tx: Transaction): Promise<AppMember> {
    const manager = this.transactions.manager(tx);
    await uniquely('User is already a member', () => manager.insert(AppMember, member));
    return manager.findOneByOrFail(AppMember, { appId: member.appId, userId: member.userId });
  }

  async setRole(appId: string, userId: string, role: AppRole, tx: Transaction): Promise<void> {
    await this.transactions.manager(tx).update(AppMember, { appId, userId }, { role });
  }

  async delete(appId: string, userId: string, tx: Transaction): Promise<void> {
    await this.transactions.manager(tx).delete(AppMember, { appId, userId });
  }

  countOwners(appId: string, tx: Transaction): Promise<number> {
    return this.transactions.manager(tx).countBy(AppMember, { appId, role: 'owner' });
  }
}
