import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { actorOf, type Principal } from '@superflag/auth';
import { EntityManager, LessThan, Repository } from 'typeorm';
import type { QueryDeepPartialEntity } from 'typeorm/query-builder/QueryPartialEntity';
import { AuditAction, AuditEvent } from './audit-event.entity';

/**
 * The audit of access to each app. Features record into it inside the transaction of the change they make (so
 * an access change and its record commit together); reading it is AppsService.audit, for owners.
 */
@Injectable()
export class AuditLog {
  constructor(@InjectRepository(AuditEvent) private readonly events: Repository<AuditEvent>) {}

  async record(manager: EntityManager, appId: string, principal: Principal, action: AuditAction, details: Record<string, unknown>): Promise<void> {
    const actor = actorOf(principal);
    await manager.insert(AuditEvent, {
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
    return this.events.find({
      where: { appId, ...(before !== undefined ? { id: LessThan(String(before)) } : {}) },
      order: { id: 'DESC' },
      take: limit,
    });
  }
}
