import { Injectable } from '@nestjs/common';
import { eventActor } from '@superflag/apps';
import { actorOf, type Principal } from '@superflag/auth';
import { DomainError, DomainEvents, IdGenerator, type Transaction, Transactions } from '@superflag/core';
import { type Environment, EnvironmentsService } from '@superflag/environments';
import { DeferredWrites } from './deferred-writes';
import type { ChangeAction, ChangeDiff } from './flag-change.entity';
import { FlagChangeStore } from './flag-change.store';
import { FlagStore } from './flag.store';

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
    private readonly flags: FlagStore,
    private readonly events: DomainEvents,
    private readonly ids: IdGenerator,
  ) {}

  /** Writes waiting for an environment whose writes are being applied here, by app and environment as named. */
  private readonly queues = new Map<string, Array<QueuedWrite<unknown>>>();

  /**
   * Applies one write. Writes to an environment that arrive while another of its writes is in flight on this
   * replica are combined: the next transaction applies all of them in arrival order (up to MAX_COMBINED), each
   * behind its own savepoint, then commits once. Each keeps its own access check, expected-version check, version,
   * change record, result or error and `flag.changed`; what one of them fails leaves the others as they were.
   * Writers of one environment hold its row lock in turn, so sharing one lock hand-off and one commit is what
   * lets concurrent writers go faster than one transaction at a time. A write that finds nothing in flight
   * starts at once, in a transaction of its own.
   */
  run<T>(
    principal: Principal,
    ref: EnvRef,
    action: ChangeAction,
    options: WriteOptions,
    apply: (tx: Transaction, env: Environment) => Promise<FlagWrite<T>>,
    keys?: readonly string[],
  ): Promise<{ version: number; result: T }> {
    return new Promise((resolve, reject) => {
      const write: QueuedWrite<T> = { principal, ref, action, options, apply, keys, resolve, reject };
      const key = `${ref.appId}\u0000${ref.env}`;
      const queue = this.queues.get(key);
      if (queue) {
        queue.push(write as QueuedWrite<unknown>);
        return;
      }
      const fresh: Array<QueuedWrite<unknown>> = [write as QueuedWrite<unknown>];
      this.queues.set(key, fresh);
      void this.drain(key, fresh);
    });
  }

  private async drain(key: string, queue: Array<QueuedWrite<unknown>>): Promise<void> {
    try {
      while (queue.length > 0) await this.runBatch(queue.splice(0, MAX_COMBINED));
    } finally {
      this.queues.delete(key);
    }
  }

  private async runBatch(batch: Array<QueuedWrite<unknown>>): Promise<void> {
    if (batch.length === 1) {
      const [write] = batch;
      let committed: Committed<unknown>;
      try {
        committed = await this.transactions.run((tx) => this.apply(tx, write));
      } catch (err) {
        write.reject(err);
        return;
      }
      this.announce(write, committed);
      return;
    }
    if (await this.runCombined(batch)) return;
    const outcomes: Array<{ committed: Committed<unknown> } | { error: unknown }> = [];
    try {
      await this.transactions.run(async (tx) => {
        for (const write of batch) {
          try {
            outcomes.push({ committed: await this.transactions.savepoint(tx, (inner) => this.apply(inner, write)) });
          } catch (error) {
            outcomes.push({ error });
          }
        }
      });
    } catch (err) {
      // Nothing of the batch was committed: every write fails, those that failed on their own with their own error.
      batch.forEach((write, i) => {
        const outcome = outcomes[i];
        write.reject(outcome && 'error' in outcome ? outcome.error : err);
      });
      return;
    }
    batch.forEach((write, i) => {
      const outcome = outcomes[i];
      if ('error' in outcome) write.reject(outcome.error);
      else this.announce(write, outcome.committed);
    });
  }

  /**
   * The steady state of a combined batch: every write applied in one transaction without savepoints, the lock taken
   * and each caller's access checked once. When a write fails, everything is rolled back and undefined returned: the
   * batch is then applied again write by write behind savepoints, so each failure stays its own. A failure of the
   * commit itself is every write's (it may have been applied: never applied twice). True when every write was
   * answered (announced, or rejected with the commit's error).
   */
  private async runCombined(batch: Array<QueuedWrite<unknown>>): Promise<boolean> {
    const committed: Array<Committed<unknown>> = [];
    let failed = false;
    // A batch of flag updates that name their keys defers its statements (DeferredWrites): one read, one write.
    const defer = batch.every((w) => w.action === 'update' && w.keys !== undefined);
    try {
      await this.transactions.run(async (tx) => {
        const access = new Map<string, Environment>();
        if (defer) DeferredWrites.begin(tx, [...new Set(batch.flatMap((w) => w.keys!))]);
        try {
          for (const write of batch) committed.push(await this.apply(tx, write, access));
          await this.flags.flush(tx);
        } catch (err) {
          failed = true;
          throw err;
        } finally {
          DeferredWrites.end(tx);
        }
      });
    } catch (err) {
      if (failed) return false;
      for (const write of batch) write.reject(err);
      return true;
    }
    batch.forEach((write, i) => this.announce(write, committed[i]));
    return true;
  }

  /**
   * One write inside a transaction that holds (or takes here) the environment's row lock. `access`: the environment as
   * each caller of the transaction's earlier writes was allowed to write it (by user or app key), kept at the current version.
   */
  private async apply<T>(tx: Transaction, write: QueuedWrite<T>, access?: Map<string, Environment>): Promise<Committed<T>> {
    const { principal, ref, options } = write;
    const caller = principal.kind === 'user' ? `user:${principal.userId}` : `appKey:${principal.appKeyId}`;
    let env = access?.get(caller);
    if (!env) {
      env = await this.environments.resolve(principal, ref.appId, ref.env, 'write', { tx, lock: true });
      // In a deferred batch, the table's version lags the batch's own: the batch's is the current one.
      const deferred = DeferredWrites.of(tx);
      if (deferred) env.version = deferred.lockedAt(env.id, env.version);
      access?.set(caller, env);
    }
    if (options.expectedVersion !== undefined && options.expectedVersion !== env.version) {
      throw new DomainError(412, 'Version conflict', { currentVersion: env.version });
    }
    const { diffs, result, rolledBackTo } = await write.apply(tx, env);
    const actor = actorOf(principal);
    // The version bump and the change record in one statement: one round trip less under the lock.
    const version = await this.changes.recordNextVersion(tx, {
      id: this.ids.next('chg'),
      environmentId: env.id,
      action: write.action,
      diffs,
      actorUserId: actor.userId,
      actorTokenId: actor.tokenId,
      actorAppKeyId: actor.appKeyId,
      changeDescription: options.changeDescription ?? null,
      rolledBackTo: rolledBackTo ?? null,
    });
    env.version = version;
    if (access) for (const known of access.values()) known.version = version;
    return { env, version, diffs, result };
  }

  /** After the commit: `flag.changed`, then the caller's answer. */
  private announce<T>(write: QueuedWrite<T>, { env, version, diffs, result }: Committed<T>): void {
    this.events.emit('flag.changed', {
      appId: env.appId,
      environmentId: env.id,
      version,
      keys: [...new Set(diffs.map((d) => d.key))],
      kind: write.action,
      actor: eventActor(write.principal),
      description: write.options.changeDescription ?? null,
    });
    write.resolve({ version, result });
  }
}

/** The most writes one transaction applies for an environment (the rest wait for the next). */
const MAX_COMBINED = 50;

interface QueuedWrite<T> {
  principal: Principal;
  ref: EnvRef;
  action: ChangeAction;
  options: WriteOptions;
  apply: (tx: Transaction, env: Environment) => Promise<FlagWrite<T>>;
  /** The flag keys the write may read, when it says (a deferred batch reads them all at once). */
  keys?: readonly string[];
  resolve: (value: { version: number; result: T }) => void;
  reject: (reason: unknown) => void;
}

interface Committed<T> {
  env: Environment;
  version: number;
  diffs: ChangeDiff[];
  result: T;
}
