import type { Transaction } from '@superflag/core';
import type { NewFlagChange } from './flag-change.store';
import type { Flag } from './flag.entity';

/**
 * The statements of a combined batch of value updates (VersionedWrite), held back until the batch ends: under the
 * environment's row lock, each update reads its flag, writes it back and raises the version with its change
 * record, three round trips each, while every other writer of the environment waits. With the writes held here,
 * the batch reads its flags once (every key it will update, one statement), and writes every flag row, the
 * version and every change record in one statement at the end (flush), before its commit.
 *
 * Reads of the batch see its own writes (find answers from here). Only the stores of this module read and write
 * through it, and only batches of flag updates (`update` writes: find, saveValues, recordNextVersion) use it;
 * any other statement of the stores on a deferred transaction flushes first, so nothing reads behind a pending
 * write. A flush that fails fails the batch, which VersionedWrite then applies again write by write.
 */
export class DeferredWrites {
  private static readonly open = new WeakMap<Transaction, DeferredWrites>();

  /** The transaction's deferred writes, when its batch defers them. */
  static of(tx: Transaction | undefined): DeferredWrites | undefined {
    return tx ? DeferredWrites.open.get(tx) : undefined;
  }

  /** Starts deferring the writes of `tx`; `keys`: every flag key the batch's writes may read (read at once on the first miss). */
  static begin(tx: Transaction, keys: readonly string[]): void {
    DeferredWrites.open.set(tx, new DeferredWrites(keys));
  }

  /** Stops deferring (the batch's transaction ends either way). */
  static end(tx: Transaction): void {
    DeferredWrites.open.delete(tx);
  }

  private environmentId?: string;
  /** The environment's version as of the last recorded change (or the lock), raised here by each change. */
  private version = 0;
  /** The flags read or written by the batch, in their latest state, by key; null: known not to exist. */
  private readonly flags = new Map<string, Flag | null>();
  private loaded = false;
  private readonly dirty = new Map<string, Flag>();
  private readonly changes: NewFlagChange[] = [];

  private constructor(private readonly keys: readonly string[]) {}

  /**
   * The environment the batch writes, at the version its lock found (once: every write of a batch is of one
   * environment); returns the environment's current version, the batch's changes included.
   */
  lockedAt(environmentId: string, version: number): number {
    if (this.environmentId === undefined) {
      this.environmentId = environmentId;
      this.version = version;
    }
    return this.version;
  }

  writes(environmentId: string): boolean {
    return this.environmentId === environmentId;
  }

  /**
   * The flag as the batch left it, as a copy (a write that fails after changing its copy leaves the others' view as it
   * was), or null when it does not exist. The first read loads every key of the batch with `load` (one statement).
   */
  async find(key: string, load: (keys: string[]) => Promise<Map<string, Flag>>): Promise<Flag | null> {
    if (!this.flags.has(key) && !this.loaded) {
      this.loaded = true;
      const keys = [...new Set([...this.keys, key])];
      const found = await load(keys);
      for (const k of keys) if (!this.flags.has(k)) this.flags.set(k, found.get(k) ?? null);
    }
    if (!this.flags.has(key)) this.flags.set(key, (await load([key])).get(key) ?? null);
    const flag = this.flags.get(key)!;
    return flag && { ...flag };
  }

  save(flags: readonly Flag[]): void {
    for (const flag of flags) {
      const copy = { ...flag };
      this.flags.set(flag.key, copy);
      this.dirty.set(flag.id, copy);
    }
  }

  /** The next version, its change recorded for the flush. */
  record(change: Omit<NewFlagChange, 'version'>): number {
    this.version += 1;
    this.changes.push({ ...change, version: this.version });
    return this.version;
  }

  get pending(): boolean {
    return this.dirty.size > 0 || this.changes.length > 0;
  }

  /** What the flush writes, and clears it: the flag rows, the version, the change records. */
  take(): { environmentId: string; version: number; flags: Flag[]; changes: NewFlagChange[] } {
    const taken = {
      environmentId: this.environmentId!,
      version: this.version,
      flags: [...this.dirty.values()],
      changes: [...this.changes],
    };
    this.dirty.clear();
    this.changes.length = 0;
    return taken;
  }
}
