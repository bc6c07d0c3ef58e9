import { Injectable } from '@nestjs/common';
import { type Transaction, Transactions } from '@superflag/core';
import type { QueryDeepPartialEntity } from 'typeorm/query-builder/QueryPartialEntity';
import { OperatorAuditEvent } from './operator-audit-event.entity';
import { User } from './user.entity';

/** One grant or withdrawal as it is recorded (id and time are the database's). */
export type NewOperatorAuditEvent = Pick<OperatorAuditEvent, 'action' | 'userId' | 'email' | 'actorUserId' | 'actorTokenId' | 'details'>;

/** The deployment's operators (accounts marked `is_operator`) and the audit of their grants and withdrawals. */
@Injectable()
export class OperatorStore {
  constructor(private readonly transactions: Transactions) {}

  /** Locks every operator's row until `tx` ends. */
  async lockAll(tx: Transaction): Promise<void> {
    await this.transactions
      .manager(tx)
      .createQueryBuilder(User, 'u')
      .select('u.id')
      .where('u.is_operator')
      .setLock('pessimistic_write')
      .getMany();
  }

  list(tx: Transaction): Promise<User[]> {
    return this.transactions.manager(tx).find(User, { where: { isOperator: true }, order: { createdAt: 'ASC', id: 'ASC' } });
  }

  count(tx: Transaction): Promise<number> {
    return this.transactions.manager(tx).countBy(User, { isOperator: true });
  }

  /** The account with that (lower-cased) email, its row locked until `tx` ends. */
  findByEmailLocked(tx: Transaction, email: string): Promise<User | null> {
    return this.transactions
      .manager(tx)
      .createQueryBuilder(User, 'u')
      .where('u.email = :email', { email })
      .setLock('pessimistic_write')
      .getOne();
  }

  async setOperator(tx: Transaction, userId: string, isOperator: boolean): Promise<void> {
    await this.transactions.manager(tx).update(User, { id: userId }, { isOperator });
  }

  /** Marks the account with that email an operator unless it is one; returns it when it was marked now. */
  async markByEmail(tx: Transaction, email: string): Promise<Array<Pick<User, 'id' | 'email'>>> {
    const result = await this.transactions
      .manager(tx)
      .createQueryBuilder()
      .update(User)
      .set({ isOperator: true })
      .where('email = :email AND NOT is_operator', { email })
      .returning(['id', 'email'])
      .execute();
    return (result.raw as Array<{ id: string; email: string }>).map((r) => ({ id: r.id, email: r.email }));
  }

  async record(tx: Transaction, event: NewOperatorAuditEvent): Promise<void> {
    await this.transactions.manager(tx).insert(OperatorAuditEvent, event as QueryDeepPartialEntity<OperatorAuditEvent>);
  }

  /** The latest `limit` events, newest first. */
  audit(limit: number): Promise<OperatorAuditEvent[]> {
    return this.transactions.manager().find(OperatorAuditEvent, { order: { id: 'DESC' }, take: limit });
  }
}
