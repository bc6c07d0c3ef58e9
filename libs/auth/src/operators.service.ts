import { Injectable } from '@nestjs/common';
import { badRequest, conflict, forbidden, notFound, type Transaction, Transactions } from '@superflag/core';
import type { OperatorAuditAction, OperatorAuditEvent } from './operator-audit-event.entity';
import { OperatorStore } from './operator.store';
import type { UserPrincipal } from './principal';
import type { User } from './user.entity';
import { UserStore } from './user.store';

const LAST_OPERATOR = 'At least one operator must remain';
const AUDIT_PAGE = 100;

/**
 * Who runs the deployment (changes plans, grants this right): accounts marked in the database, never an address
 * in the configuration. The ADMIN_EMAIL account is marked at start-up; operators grant and withdraw the right,
 * each change recorded in the operators' audit.
 */
@Injectable()
export class OperatorsService {
  constructor(
    private readonly transactions: Transactions,
    private readonly users: UserStore,
    private readonly operators: OperatorStore,
  ) {}

  /** 403 unless the caller's account is an operator now (read from the database: a withdrawal applies at once everywhere). */
  async requireOperator(principal: UserPrincipal, tx?: Transaction): Promise<User> {
    const user = await this.users.findById(tx, principal.userId);
    if (!user?.isOperator) throw forbidden();
    return user;
  }

  list(principal: UserPrincipal): Promise<User[]> {
    return this.transactions.run(async (tx) => {
      await this.requireOperator(principal, tx);
      return this.operators.list(tx);
    });
  }

  /** Makes an existing account an operator: 404 when there is no such account, 409 when it already is one. */
  async grant(principal: UserPrincipal, email: string): Promise<User> {
    return this.change(principal, async (tx) => {
      // Locked: two operators granting the same account at once record one grant.
      const user = await this.operators.findByEmailLocked(tx, email.trim().toLowerCase());
      if (!user) throw notFound('User');
      if (user.isOperator) throw conflict('User is already an operator');
      await this.operators.setOperator(tx, user.id, true);
      await this.record(tx, 'operator.granted', user, principal, {});
      user.isOperator = true;
      return user;
    });
  }

  /** Withdraws an account's operator rights (one's own too), but never the last operator's. */
  async revoke(principal: UserPrincipal, userId: string): Promise<void> {
    await this.change(principal, async (tx) => {
      const user = await this.users.findById(tx, userId);
      if (!user?.isOperator) throw notFound('Operator');
      if ((await this.operators.count(tx)) <= 1) throw badRequest(LAST_OPERATOR);
      await this.operators.setOperator(tx, user.id, false);
      await this.record(tx, 'operator.revoked', user, principal, {});
    });
  }

  /** Newest first. */
  async audit(principal: UserPrincipal): Promise<OperatorAuditEvent[]> {
    await this.requireOperator(principal);
    return this.operators.audit(AUDIT_PAGE);
  }

  /** Marks the ADMIN_EMAIL account an operator at start-up (recorded once: only when it was not one yet). */
  async bootstrap(email: string): Promise<void> {
    await this.transactions.run(async (tx) => {
      for (const user of await this.operators.markByEmail(tx, email)) {
        await this.record(tx, 'operator.granted', user, null, { via: 'ADMIN_EMAIL' });
      }
    });
  }

  /**
   * Operator changes happen one at a time with every operator row locked, so two operators withdrawing each
   * other at once cannot leave none; the caller is checked after the lock, so a just-withdrawn operator cannot act.
   */
  private change<T>(principal: UserPrincipal, apply: (tx: Transaction) => Promise<T>): Promise<T> {
    return this.transactions.run(async (tx) => {
      await this.operators.lockAll(tx);
      await this.requireOperator(principal, tx);
      return apply(tx);
    });
  }

  private record(
    tx: Transaction,
    action: OperatorAuditAction,
    user: Pick<User, 'id' | 'email'>,
    actor: UserPrincipal | null,
    details: Record<string, unknown>,
  ): Promise<void> {
    return this.operators.record(tx, {
      action,
      userId: user.id,
      email: user.email,
      actorUserId: actor?.userId ?? null,
      actorTokenId: actor?.tokenId ?? null,
      details,
    });
  }
}
