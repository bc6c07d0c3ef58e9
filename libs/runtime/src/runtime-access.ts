import { Injectable } from '@nestjs/common';
import { AppConfig, clientAddressOf, notAuthenticated, tooManyRequests, WindowLimiter } from '@superflag/core';
import type { VerifiedKey } from '@superflag/keys';
import { applyQuotaDecision, type Plan, type QuotaDecision, QuotasService } from '@superflag/quotas';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { IncomingMessage, OutgoingHttpHeader } from 'node:http';
import { ConfigSnapshots } from './config-snapshots';
import { RuntimeKeyAuth } from './key-auth';
import type { Snapshot } from './snapshot';

const MINUTE = 60_000;
/** (pub_ key, address) pairs tracked per replica; see WindowLimiter for what happens past it. */
const PUB_WINDOWS_MAX = 200_000;

export interface RuntimeCall {
  key: VerifiedKey;
  snapshot: Snapshot;
}

/** The quota's X-RateLimit-* headers of an admitted request, appended to a raw header list (none when quotas are off or unlimited). */
export function pushRateLimitHeaders(out: OutgoingHttpHeader[], quota: QuotaDecision | null): void {
  if (quota && quota.limit !== null)
    out.push(
      'x-ratelimit-limit',
      String(quota.limit),
      'x-ratelimit-remaining',
      String(quota.remaining),
      'x-ratelimit-reset',
      quota.resetHeader,
    );
}

/** A request admitted without waiting (enterNow): its key, snapshot, and quota decision (null: quotas off). */
export interface ImmediateCall extends RuntimeCall {
  quota: QuotaDecision | null;
}

/**
 * What every runtime request goes through, in order: the key (401, or 429 for an address past its failed
 * authentications), the burst limits (429 `Too many requests`), the monthly quota (429, X-RateLimit-* headers written here),
 * the environment's snapshot. Burst limits come before the quota, so a request they refuse costs no quota.
 * Synchronous whenever the key, the plan, a quota lease and the snapshot are in memory, which is the steady
 * state: the hot path then creates no promise.
 */
@Injectable()
export class RuntimeAccess {
  /**
   * BURST_PUB_IP_LIMIT per pub_ key and client address: a pub_ key is public (it ships in every browser), so a copy
   * replayed from one address must not burn the environment's month. Checked on every pub_ request, hence in this
   * replica's memory (a map lookup and an increment, no I/O): behind N replicas an address gets at most N times
   * the limit, which still bounds a single-address flood to a small share of a month. sdk_ keys are secrets held
   * by servers that legitimately send thousands of requests a minute from one address: not limited here.
   */
  private readonly pubBurst: WindowLimiter;
  /** The client address as Fastify's request.ip gives it (same TRUST_PROXY), for enterNow's Node requests. */
  private readonly clientAddress: (request: IncomingMessage) => string;

  constructor(
    private readonly auth: RuntimeKeyAuth,
    private readonly quotas: QuotasService,
    private readonly snapshots: ConfigSnapshots,
    config: AppConfig,
  ) {
    this.pubBurst = new WindowLimiter(config.BURST_PUB_IP_LIMIT, MINUTE, PUB_WINDOWS_MAX);
    this.clientAddress = clientAddressOf(config.TRUST_PROXY);
  }

  /**
   * The same steps as `enter`, for the steady state only: when the key, the snapshot, the plan and a quota lease are
   * all in memory, the request is admitted (and counted: burst limit, quota, cache read) at once. Otherwise, or when
   * the answer would be a refusal, undefined, and nothing was counted: the caller then goes through `enter`.
   */
  enterNow(request: IncomingMessage): ImmediateCall | undefined {
    if (this.quotas.keyBurstLimited) return undefined;
    const key = this.auth.known(request);
    if (!key) return undefined;
    const snapshot = this.snapshots.current(key.environmentId);
    if (!snapshot) return undefined;
    let address: string | undefined;
    if (key.type === 'pub' && this.pubBurst.enabled) {
      address = this.clientAddress(request);
      if (this.pubBurst.blocked(address, key.keyId) > 0) return undefined;
    }
    const plan = this.quotas.knownPlanOf(key.appId);
    const quota = plan ? this.quotas.consumeLeased(key.environmentId, plan) : this.quotas.enabled ? undefined : null;
    if (quota === undefined) return undefined;
    // Not blocked a moment ago, in the same turn: the hit is within the limit.
    if (address !== undefined) this.pubBurst.hit(address, key.keyId);
    this.snapshots.countRead(key.environmentId);
    return { key, snapshot, quota };
  }

  /**
   * Whether enterNow would admit the request if it were made now: the same checks, nothing counted. For a lane that
   * must decide before it reads the request's body (the body cannot be handed to Fastify once read... except put back).
   */
  readyNow(request: IncomingMessage): boolean {
    if (this.quotas.keyBurstLimited) return false;
    const key = this.auth.known(request);
    if (!key || !this.snapshots.current(key.environmentId)) return false;
    if (key.type === 'pub' && this.pubBurst.enabled && this.pubBurst.blocked(this.clientAddress(request), key.keyId) > 0) return false;
    if (this.quotas.enabled && !this.quotas.knownPlanOf(key.appId)) return false;
    return this.quotas.hasLease(key.environmentId);
  }

  enter(request: FastifyRequest, reply: FastifyReply, options: { allowQueryKey?: boolean } = {}): RuntimeCall | Promise<RuntimeCall> {
    const key = this.auth.authenticate(request, options);
    if (key instanceof Promise) return key.then((k) => this.afterKey(k, request, reply));
    return this.afterKey(key, request, reply);
  }

  /** The same steps for a key authenticated another way (an OFREP stream token): burst limits, quota, snapshot. */
  enterAs(key: VerifiedKey, request: FastifyRequest, reply: FastifyReply): RuntimeCall | Promise<RuntimeCall> {
    return this.afterKey(key, request, reply);
  }

  private afterKey(key: VerifiedKey, request: FastifyRequest, reply: FastifyReply): RuntimeCall | Promise<RuntimeCall> {
    if (key.type === 'pub' && this.pubBurst.enabled) {
      const wait = this.pubBurst.hit(request.ip, key.keyId);
      if (wait > 0) throw tooManyRequests('Too many requests', wait);
    }
    const counted = this.count(key, reply);
    if (counted instanceof Promise) return counted.then(() => this.withSnapshot(key));
    return this.withSnapshot(key);
  }

  private withSnapshot(key: VerifiedKey): RuntimeCall | Promise<RuntimeCall> {
    const snapshot = this.snapshots.get(key.environmentId);
    if (snapshot instanceof Promise) return snapshot.then((s) => call(key, s));
    return call(key, snapshot);
  }

  /** Every runtime request the burst limits let through (304s and each stream opened included) counts against the monthly quota. */
  private count(key: VerifiedKey, reply: FastifyReply): unknown {
    if (this.quotas.keyBurstLimited) return this.quotas.checkKeyBurst(key.keyId).then(() => this.countMonthly(key, reply));
    return this.countMonthly(key, reply);
  }

  /** The quota decides; the headers (or the 429) are this HTTP layer's, written synchronously from the decision. */
  private countMonthly(key: VerifiedKey, reply: FastifyReply): unknown {
    const plan = this.quotas.planOf(key.appId);
    if (plan instanceof Promise) return plan.then((p) => this.decided(key, p, reply));
    return this.decided(key, plan, reply);
  }

  private decided(key: VerifiedKey, plan: Plan, reply: FastifyReply): unknown {
    const decision = this.quotas.consume(key.environmentId, plan);
    if (decision instanceof Promise) return decision.then((d) => applyQuotaDecision(d, reply));
    applyQuotaDecision(decision, reply);
    return undefined;
  }
}

function call(key: VerifiedKey, snapshot: Snapshot | null): RuntimeCall {
  // The environment is gone (deleted with its app): its keys went with it.
  if (!snapshot) throw notAuthenticated();
  return { key, snapshot };
}
