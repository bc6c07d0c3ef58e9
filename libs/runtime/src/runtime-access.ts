import { Injectable } from '@nestjs/common';
import { notAuthenticated } from '@superflag/core';
import type { VerifiedKey } from '@superflag/keys';
import { QuotasService } from '@superflag/quotas';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { ConfigSnapshots } from './config-snapshots';
import { RuntimeKeyAuth } from './key-auth';
import type { Snapshot } from './snapshot';

export interface RuntimeCall {
  key: VerifiedKey;
  snapshot: Snapshot;
}

/**
 * What every runtime request goes through, in order: the key (401), the burst and monthly quota (429, headers
 * on the reply), the environment's snapshot. Synchronous whenever the key, the plan, a quota lease and the
 * snapshot are in memory, which is the steady state: the hot path then creates no promise.
 */
@Injectable()
export class RuntimeAccess {
  constructor(
    private readonly auth: RuntimeKeyAuth,
    private readonly quotas: QuotasService,
    private readonly snapshots: ConfigSnapshots,
  ) {}

  enter(request: FastifyRequest, reply: FastifyReply, options: { allowQueryKey?: boolean } = {}): RuntimeCall | Promise<RuntimeCall> {
    const key = this.auth.authenticate(request, options);
    if (key instanceof Promise) return key.then((k) => this.afterKey(k, reply));
    return this.afterKey(key, reply);
  }

  private afterKey(key: VerifiedKey, reply: FastifyReply): RuntimeCall | Promise<RuntimeCall> {
    const counted = this.count(key, reply);
    if (counted instanceof Promise) return counted.then(() => this.withSnapshot(key));
    return this.withSnapshot(key);
  }

  private withSnapshot(key: VerifiedKey): RuntimeCall | Promise<RuntimeCall> {
    const snapshot = this.snapshots.get(key.environmentId);
    if (snapshot instanceof Promise) return snapshot.then((s) => call(key, s));
    return call(key, snapshot);
  }

  /** Every runtime request (304s and each stream opened included) counts against the monthly quota. */
  private count(key: VerifiedKey, reply: FastifyReply): unknown {
    if (this.quotas.keyBurstLimited) return this.quotas.checkKeyBurst(key.keyId).then(() => this.countMonthly(key, reply));
    return this.countMonthly(key, reply);
  }

  private countMonthly(key: VerifiedKey, reply: FastifyReply): unknown {
    const plan = this.quotas.planOf(key.appId);
    if (plan instanceof Promise) return plan.then((p) => this.quotas.consume(key.environmentId, p, reply));
    return this.quotas.consume(key.environmentId, plan, reply);
  }
}

function call(key: VerifiedKey, snapshot: Snapshot | null): RuntimeCall {
  // The environment is gone (deleted with its app): its keys went with it.
  if (!snapshot) throw notAuthenticated();
  return { key, snapshot };
}
