import { Injectable } from '@nestjs/common';
import { eventActor } from '@superflag/apps';
import { actorOf, type Principal } from '@superflag/auth';
import { DomainError, DomainEvents, IdGenerator, type Transaction, Transactions } from '@superflag/core';
import { type Environment, EnvironmentsService } from '@superflag/environments';
import type { ChangeAction, ChangeDiff } from './flag-change.entity';
import type { Flag } from './flag.entity';
import { FlagChangeStore } from './flag-change.store';
import { FlagStore } from './flag.store';
import { WriteBatchStore } from './write-batch.store';

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
  /**
   * Flags (as loaded, with their new type/value/clientEnabled/description/rollout) whose values the write sets:
   * written in the statement that raises the version, one round trip less under the environment's lock.
   */
  save?: readonly Flag[];
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
    private readonly savepoints: WriteBatchStore,
    private readonly flags: FlagStore,
  ) {}

  /** Writes waiting for an environment whose writes are being applied here, by app and environment as named. */
  private readonly queues = new Map<string, Array<QueuedWrite<unknown>>>();

  /**
   * Applies one write. Writes to an environment that arrive while another of its writes is in flight on this
   * replica are combined: the next transaction applies all of them in arrival order (up to MAX_COMBINED), each
   * behind its own savepoint (but see runSaving), then commits once. Each keeps its own access check, expected-version check, version,
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
  ): Promise<{ version: number; result: T }> {
    return this.enqueue({ principal, ref, action, options, apply, readsOnly: false, keys: [] });
  }

  /**
   * `run` for a write whose `apply` only reads: all it changes is the flags it returns in FlagWrite.save, written
   * in the statement that raises the version. Combined with others it needs no savepoint of its own (a round trip
   * less under the lock): when it fails, nothing of it was written, unless the database failed it, and then the
   * combined transaction is rolled back and its writes are applied again one transaction each.
   */
  runSaving<T>(
    principal: Principal,
    ref: EnvRef,
    action: ChangeAction,
    options: WriteOptions,
    apply: (tx: Transaction, env: Environment, reads: FlagReads) => Promise<FlagWrite<T> & { save: readonly Flag[] }>,
    /** The flags `apply` will read through `reads`: a combined transaction reads them all in one statement. */
    keys: readonly string[] = [],
  ): Promise<{ version: number; result: T }> {
    return this.enqueue({ principal, ref, action, options, apply, readsOnly: true, keys });
  }

  private enqueue<T>(write: Omit<QueuedWrite<T>, 'resolve' | 'reject'>): Promise<{ version: number; result: T }> {
    return new Promise((resolve, reject) => {
      const queued = { ...write, resolve, reject } as QueuedWrite<unknown>;
      const key = `${write.ref.appId}\u0000${write.ref.env}`;
      const queue = this.queues.get(key);
      if (queue) {
        queue.push(queued);
        return;
      }
      const fresh: Array<QueuedWrite<unknown>> = [queued];
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
    const outcomes: Array<{ committed: Committed<unknown> } | { error: unknown }> = [];
    try {
      await this.transactions.run(async (tx) => {
        const checked = new Combined([...new Set(batch.flatMap((w) => w.keys))]);
        for (const [i, write] of batch.entries()) {
          if (!write.readsOnly) await this.savepoints.mark(tx, i);
          try {
            outcomes.push({ committed: await this.apply(tx, write, checked) });
          } catch (error) {
            if (write.readsOnly) {
              // Its own rules refused it (nothing written) or the database failed it (the transaction is aborted):
              // the savepoint, useless otherwise, tells which.
              try {
                await this.savepoints.mark(tx, i);
              } catch {
                throw new AbortedCombined();
              }
            } else await this.savepoints.undo(tx, i);
            outcomes.push({ error });
          }
        }
      });
    } catch (err) {
      if (err instanceof AbortedCombined) {
        for (const write of batch) await this.runBatch([write]);
        return;
      }
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
   * One write inside a transaction that holds (or takes here) the environment's row lock. In a combined
   * transaction, `combined` holds the callers whose writes succeeded in it: their access was checked and the row
   * locked in a savepoint that stays, so a caller's next write starts from there (at the version the last write
   * left) instead of checking and locking again. It also holds the flags the batch's writes said they read, read
   * once under the lock and kept current by each successful write, so their reads cost no statement each.
   */
  private async apply<T>(tx: Transaction, write: QueuedWrite<T>, combined?: Combined): Promise<Committed<T>> {
    const { principal, ref, options } = write;
    const caller = callerOf(principal);
    const known = combined?.callers.get(caller);
    const env = known
      ? { ...known, version: combined!.version! }
      : await this.environments.resolve(principal, ref.appId, ref.env, 'write', { tx, lock: true });
    if (options.expectedVersion !== undefined && options.expectedVersion !== env.version) {
      throw new DomainError(412, 'Version conflict', { currentVersion: env.version });
    }
    if (combined && !combined.flags && combined.keys.length > 0 && write.keys.length > 0) {
      const found = await this.flags.findByKeys(tx, env.id, [...combined.keys]);
      combined.flags = new Map(combined.keys.map((key) => [key, found.get(key) ?? null]));
    }
    const reads: FlagReads = {
      find: async (key) => {
        const read = combined?.flags?.get(key);
        // A copy: what the write changes in it stays its own until it succeeded.
        if (read !== undefined) return read && structuredClone(read);
        return this.flags.find(tx, env.id, key);
      },
    };
    const { diffs, result, rolledBackTo, save } = await write.apply(tx, env, reads);
    const actor = actorOf(principal);
    // The flags' values, the version bump and the change record in one statement: fewer round trips under the lock.
    const version = await this.changes.recordNextVersion(
      tx,
      {
        id: this.ids.next('chg'),
        environmentId: env.id,
        action: write.action,
        diffs,
        actorUserId: actor.userId,
        actorTokenId: actor.tokenId,
        actorAppKeyId: actor.appKeyId,
        changeDescription: options.changeDescription ?? null,
        rolledBackTo: rolledBackTo ?? null,
      },
      save,
    );
    env.version = version;
    // Only now, with the write done: one that failed was rolled back to its savepoint, the row lock it took with it.
    if (combined) {
      combined.callers.set(caller, { ...env });
      combined.version = version;
      if (write.readsOnly) for (const flag of save ?? []) combined.flags?.set(flag.key, structuredClone(flag));
      else {
        // A write that may have written anything (create, delete, targets, rollback): later writes read the tables.
        combined.flags = undefined;
        combined.keys = [];
      }
    }
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

/** What a combined transaction learnt from its successful writes (VersionedWrite.apply). */
class Combined {
  /** Callers with a successful write in it (their access checked, the environment locked), with the environment as found. */
  readonly callers = new Map<string, Environment>();
  /** The version the last successful write left. */
  version?: number;
  /** The flags of `keys` as they are now in the transaction (null: none of that key); read at the first write that needs them. */
  flags?: Map<string, Flag | null>;

  constructor(
    /** The flags the batch's writes read (runSaving's keys); emptied once a write may have changed others. */
    public keys: readonly string[],
  ) {}
}

/** How a write reads the flags it changes (runSaving). */
export interface FlagReads {
  find(key: string): Promise<Flag | null>;
}

/** A caller as access is granted: a user (whatever token) or an app's mgmt_ key. */
const callerOf = (principal: Principal) => (principal.kind === 'user' ? `u:${principal.userId}` : `k:${principal.appKeyId}`);

/** Thrown out of a combined transaction the database aborted under a write without a savepoint. */
class AbortedCombined extends Error {}

/** The most writes one transaction applies for an environment (the rest wait for the next). */
const MAX_COMBINED = 50;

interface QueuedWrite<T> {
  principal: Principal;
  ref: EnvRef;
  action: ChangeAction;
  options: WriteOptions;
  apply: (tx: Transaction, env: Environment, reads: FlagReads) => Promise<FlagWrite<T>>;
  /** Its apply only reads (runSaving): combined, it goes without a savepoint. */
  readsOnly: boolean;
  /** The flags it reads through FlagReads (runSaving). */
  keys: readonly string[];
  resolve: (value: { version: number; result: T }) => void;
  reject: (reason: unknown) => void;
}

interface Committed<T> {
  env: Environment;
  version: number;
  diffs: ChangeDiff[];
  result: T;
}
