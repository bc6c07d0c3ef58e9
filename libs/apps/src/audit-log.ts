import { Injectable } from '@nestjs/common';
import { actorOf, type Principal } from '@superflag/auth';
import { type Transaction, Transactions } from '@superflag/core';
import { LessThan } from 'typeorm';
import type { QueryDeepPartialEntity } from 'typeorm/query-builder/QueryPartialEntity';
import { AuditAction, AuditEvent } from './audit-event.entity';

/**
 * The store of each app's audit of access. Features record into it inside the transaction of the change they
 * make (so an access change and its record commit together); reading it is AppsService.audit, for owners.
 */
@Injectable()
export class AuditLog {
  constructor(private readonly transactions: Transactions) {}

  async record(tx: Transaction, appId: string, principal: Principal, action: AuditAction, details: Record<string, unknown>): Promise<void> {
    const actor = actorOf(principal);
    await this.transactions.manager(tx).insert(AuditEvent, {
      appId,
      action,
      actorUserId: actor.userId,
      actorTokenId: actor.tokenId,
      actorAppKeyId: actor.appKeyId,
      details,
    } as QueryDeepPartialEntity<AuditEvent>);
  }

  /** Newest first; `before` is the id of the last event of the previous page (a bigint: a number or its digits). */
  page(appId: string, limit: number, before?: number | string): Promise<AuditEvent[]> {
    return this.transactions.manager().find(AuditEvent, {
      where: { appId, ...(before !== undefined ? { id: LessThan(String(before)) } : {}) },
      order: { id: 'DESC' },
      take: limit,
    });
  }
}
