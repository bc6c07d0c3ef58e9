import { Inject, Injectable, OnModuleInit } from '@nestjs/common';
import type { Principal } from '@superflag/auth';
import { CLUSTER_BUS, type ClusterBus } from '@superflag/core';
import type { AppRole } from './app-rights';
import type { App } from './app.entity';

/** How long an entry is believed at most: the bound on how late this replica hears of another replica's change. */
export const MEMBERSHIP_TTL_MS = 2_000;
/** Bounds the memory (about 200 bytes an entry); the oldest entry goes first. */
export const MEMBERSHIP_MAX = 10_000;

/** A caller's access to one environment of an app, as the quota guard needs it. */
export interface CachedAccess {
  environmentId: string;
  role: AppRole;
  plan: App['plan'];
}

interface Entry {
  appId: string;
  access: CachedAccess;
  at: number;
}

/**
 * Each replica's short memory of "this caller is a member of the app, in this role, and the app's environment
 * named so has this id", for the quota guard: it counts a management request only once it knows the caller may
 * act on the environment, before the handler does its own lookup (the authoritative one, locked for writes), so
 * without this every counted request costs a query more. Only positive answers are kept: a caller who is no
 * member is asked about every time, so a new member is never missed. Changes made on this replica (members added,
 * removed or given another role, environments added or deleted, the app deleted, its plan changed) drop the app's
 * entries at once; another replica's reach here within MEMBERSHIP_TTL_MS (a plan change at once, through the cluster
 * bus). An entry only ever decides whether a request is counted, never whether it is served.
 */
@Injectable()
export class MembershipCache implements OnModuleInit {
  private readonly entries = new Map<string, Entry>();
  /** Raised by every forget: an answer read before a change committed is not remembered after it. */
  private changes = 0;

  constructor(@Inject(CLUSTER_BUS) private readonly bus: ClusterBus) {}

  onModuleInit(): void {
    this.bus.subscribe((event) => {
      if (event.type === 'plan-changed') this.forgetApp(event.appId);
      if (event.type === 'resync') {
        this.changes++;
        this.entries.clear();
      }
    });
  }

  get(principal: Principal, appId: string, envRef: string, now: number): CachedAccess | undefined {
    const key = keyOf(principal, appId, envRef);
    const entry = this.entries.get(key);
    if (!entry) return undefined;
    // A clock set back (tests move it) must not keep an entry forever.
    if (now >= entry.at && now - entry.at < MEMBERSHIP_TTL_MS) return entry.access;
    this.entries.delete(key);
    return undefined;
  }

  /** Take it before reading the answer from the database; pass it to remember. */
  get epoch(): number {
    return this.changes;
  }

  remember(principal: Principal, appId: string, envRef: string, access: CachedAccess, now: number, epoch: number): void {
    if (epoch !== this.changes) return;
    const key = keyOf(principal, appId, envRef);
    this.entries.delete(key);
    if (this.entries.size >= MEMBERSHIP_MAX) this.entries.delete(this.entries.keys().next().value as string);
    this.entries.set(key, { appId, access, at: now });
  }

  /** Someone's access to the app, or its environments, changed: its entries go (a rare event, so a scan is fine). */
  forgetApp(appId: string): void {
    this.changes++;
    for (const [key, entry] of this.entries) if (entry.appId === appId) this.entries.delete(key);
  }

  get size(): number {
    return this.entries.size;
  }
}

const keyOf = (principal: Principal, appId: string, envRef: string) =>
  `${principal.kind === 'user' ? `u:${principal.userId}` : `k:${principal.appKeyId}`}\u0000${appId}\u0000${envRef}`;
