import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { badRequest, conflict, forbidden, notFound } from '@superflag/core';
import { DataSource, EntityManager } from 'typeorm';
import type { QueryDeepPartialEntity } from 'typeorm/query-builder/QueryPartialEntity';
import { OperatorAuditEvent, type OperatorAuditAction } from './operator-audit-event.entity';
import type { UserPrincipal } from './principal';
import { User } from './user.entity';

const LAST_OPERATOR = 'At least one operator must remain';
const AUDIT_PAGE = 100;

/**
 * Who runs the deployment (changes plans, grants this right): accounts marked in the database, never an address
 * in the configuration. The ADMIN_EMAIL account is marked at start-up; operators grant and withdraw the right,
 * each change recorded in the operators' audit.
 */
@Injectable()
export class OperatorsService {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /** 403 unless the caller's account is an operator now (read from the database: a withdrawal applies at once everywhere). */
  async requireOperator(principal: UserPrincipal, manager: EntityManager = this.dataSource.manager): Promise<User> {
    const user = await manager.findOneBy(User, { id: principal.userId });
    if (!user?.isOperator) throw forbidden();
    return user;
  }

  list(principal: UserPrincipal): Promise<User[]> {
    return this.dataSource.transaction(async (manager) => {
      await this.requireOperator(principal, manager);
      return manager.find(User, { where: { isOperator: true }, order: { createdAt: 'ASC', id: 'ASC' } });
    });
  }

  /** Makes an existing account an operator: 404 when there is no such account, 409 when it already is one. */
  async grant(principal: UserPrincipal, email: string): Promise<User> {
    return this.change(principal, async (manager) => {
      // Locked: two operators granting the same account at once record one grant.
      const user = await manager
        .createQueryBuilder(User, 'u')
        .where('u.email = :email', { email: email.trim().toLowerCase() })
        .setLock('pessimistic_write')
        .getOne();
      if (!user) throw notFound('User');
      if (user.isOperator) throw conflict('User is already an operator');
      await manager.update(User, { id: user.id }, { isOperator: true });
      await this.record(manager, 'operator.granted', user, principal, {});
      user.isOperator = true;
      return user;
    });
  }

  /** Withdraws an account's operator rights (one's own too), but never the last operator's. */
  async revoke(principal: UserPrincipal, userId: string): Promise<void> {
    await this.change(principal, async (manager) => {
      const user = await manager.findOneBy(User, { id: userId });
      if (!user?.isOperator) throw notFound('Operator');
      if ((await manager.countBy(User, { isOperator: true })) <= 1) throw badRequest(LAST_OPERATOR);
      await manager.update(User, { id: user.id }, { isOperator: false });
      await this.record(manager, 'operator.revoked', user, principal, {});
    });
  }

  /** Newest first. */
  async audit(principal: UserPrincipal): Promise<OperatorAuditEvent[]> {
    await this.requireOperator(principal);
    return this.dataSource.manager.find(OperatorAuditEvent, { order: { id: 'DESC' }, take: AUDIT_PAGE });
  }

  /** Marks the ADMIN_EMAIL account an operator at start-up (recorded once: only when it was not one yet). */
  async bootstrap(email: string): Promise<void> {
    await this.dataSource.transaction(async (manager) => {
      const result = await manager
        .createQueryBuilder()
        .update(User)
        .set({ isOperator: true })
        .where('email = :email AND NOT is_operator', { email })
        .returning(['id', 'email'])
        .execute();
      for (const row of result.raw as Array<{ id: string; email: string }>) {
        await this.record(manager, 'operator.granted', { id: row.id, email: row.email }, null, { via: 'ADMIN_EMAIL' });
      }
    });
  }

  /**
   * Operator changes happen one at a time with every operator row locked, so two operators withdrawing each
   * other at once cannot leave none; the caller is checked after the lock, so a just-withdrawn operator cannot act.
   */
  private change<T>(principal: UserPrincipal, apply: (manager: EntityManager) => Promise<T>): Promise<T> {
    return this.dataSource.transaction(async (manager) => {
      await manager.createQueryBuilder(User, 'u').select('u.id').where('u.is_operator').setLock('pessimistic_write').getMany();
      await this.requireOperator(principal, manager);
      return apply(manager);
    });
  }

  private async record(
    manager: EntityManager, action: OperatorAuditAction, user: Pick<User, 'id' | 'email'>, actor: UserPrincipal | null, details: Record<string, unknown>,
  ): Promise<void> {
    await manager.insert(OperatorAuditEvent, {
      action, userId: user.id, email: user.email, actorUserId: actor?.userId ?? null, actorTokenId: actor?.tokenId ?? null, details,
    } as QueryDeepPartialEntity<OperatorAuditEvent>);
  }
}
