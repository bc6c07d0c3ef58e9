import { Injectable } from '@nestjs/common';
import { eventActor } from '@superflag/apps';
import { actorOf, type Principal } from '@superflag/auth';
import { DomainError, DomainEvents, IdGenerator, type Transaction, Transactions } from '@superflag/core';
import { type Environment, EnvironmentsService } from '@superflag/environments';
import type { ChangeAction, ChangeDiff } from './flag-change.entity';
import { FlagChangeStore } from './flag-change.store';

/** An environment of an app, named (`production`) or by id. */
export interface EnvRef {
  appId: string;
  env: string;
}

export interface WriteOptions {
  changeDescription?: string;
  /** Optimistic concurrency: the write fails with 412 unless the environment is still at this version. */
  expectedVersion?: number;
}

/** What a write did: its diffs become the change record, `result` goes back to the caller. */
export interface FlagWrite<T> {
  diffs: ChangeDiff[];
  result: T;
  /** For a rollback: the version whose flag set it restored. */
  rolledBackTo?: number;
}

/**
 * The one path of every write to an environment's flags: one transaction that locks the environment row
 * (serialising writers, so versions have no gaps or duplicates and limits counted inside hold), checks the
 * expected version, applies the change, raises the version by exactly 1 and records the change. Failed writes
 * change nothing and announce nothing; a committed one is announced as `flag.changed` (the runtime's caches
 * listen), after the commit, so no subscriber ever sees a version that was rolled back.
 */
@Injectable()
export class VersionedWrite {
  constructor(
    private readonly transactions: Transactions,
    private readonly environments: EnvironmentsService,
    private readonly changes: FlagChangeStore,
    private readonly events: DomainEvents,
    private readonly ids: IdGenerator,
  ) {}

  async run<T>(
    principal: Principal,
    ref: EnvRef,
    action: ChangeAction,
    options: WriteOptions,
    apply: (tx: Transaction, env: Environment) => Promise<FlagWrite<T>>,
  ): Promise<{ version: number; result: T }> {
    const committed = await this.transactions.run(async (tx) => {
      const env = await this.environments.resolve(principal, ref.appId, ref.env, 'write', { tx, lock: true });
      if (options.expectedVersion !== undefined && options.expectedVersion !== env.version) {
        throw new DomainError(412, 'Version conflict', { currentVersion: env.version });
      }
      const { diffs, result, rolledBackTo } = await apply(tx, env);
      const actor = actorOf(principal);
      // The version bump and the change record in one statement: one round trip less under the lock.
      const version = await this.changes.recordNextVersion(tx, {
        id: this.ids.next('chg'),
        environmentId: env.id,
        action,
        diffs,
        actorUserId: actor.userId,
        actorTokenId: actor.tokenId,
        actorAppKeyId: actor.appKeyId,
        changeDescription: options.changeDescription ?? null,
        rolledBackTo: rolledBackTo ?? null,
      });
      env.version = version;
      return { env, version, diffs, result };
    });
    const { env, version, diffs, result } = committed;
    this.events.emit('flag.changed', {
      appId: env.appId,
      environmentId: env.id,
      version,
      keys: [...new Set(diffs.map((d) => d.key))],
      kind: action,
      actor: eventActor(principal),
      description: options.changeDescription ?? null,
    });
    return { version, result };
  }
}
