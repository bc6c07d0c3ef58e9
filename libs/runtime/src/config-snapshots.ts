import { Inject, Injectable, Logger, OnApplicationShutdown, OnModuleInit } from '@nestjs/common';
import { CLUSTER_BUS, type ClusterBus } from '@superflag/core';
import { EnvironmentsService } from '@superflag/environments';
import { FlagsService } from '@superflag/flags';
import { Snapshot } from './snapshot';

interface Entry {
  snapshot?: Snapshot;
  /** Highest version this replica has heard of; a snapshot older than this is reloaded before use. */
  wanted: number;
  loading?: Promise<Snapshot | null>;
}

/** Safety net for missed change events (Redis blip): cached versions are compared with the database this often. */
const REVALIDATE_MS = 5_000;
const MAX_RELOADS = 5;

export type SnapshotListener = (snapshot: Snapshot) => void;
export type EnvironmentGoneListener = (environmentId: string) => void;

/**
 * The runtime's in-memory copy of each served environment. Reads never touch PostgreSQL in the steady state;
 * a write (here: synchronously after commit; elsewhere: through the cluster bus) marks the environment's
 * snapshot stale and it is reloaded once (single flight), then pushed to open streams.
 */
@Injectable()
export class ConfigSnapshots implements OnModuleInit, OnApplicationShutdown {
  private readonly logger = new Logger('ConfigSnapshots');
  private readonly entries = new Map<string, Entry>();
  private readonly listeners: SnapshotListener[] = [];
  private readonly goneListeners: EnvironmentGoneListener[] = [];
  private timer?: NodeJS.Timeout;
  hits = 0;
  misses = 0;

  constructor(
    private readonly flags: FlagsService,
    private readonly environments: EnvironmentsService,
    @Inject(CLUSTER_BUS) private readonly bus: ClusterBus,
  ) {}

  onModuleInit(): void {
    this.flags.onFlagsChanged((environmentId, version) => {
      this.invalidate(environmentId, version);
      void this.bus.publish({ type: 'flags-changed', environmentId, version });
    });
    this.bus.subscribe((event) => {
      if (event.type === 'flags-changed') this.invalidate(event.environmentId, event.version);
      if (event.type === 'resync') void this.revalidate();
    });
    this.timer = setInterval(() => void this.revalidate(), REVALIDATE_MS).unref();
  }

  onApplicationShutdown(): void {
    clearInterval(this.timer);
  }

  /** Called with every new snapshot of an environment (open streams push it). */
  onSnapshot(listener: SnapshotListener): void {
    this.listeners.push(listener);
  }

  onEnvironmentGone(listener: EnvironmentGoneListener): void {
    this.goneListeners.push(listener);
  }

  /** The current snapshot: from memory when fresh, else loaded once however many requests wait for it. */
  get(environmentId: string): Snapshot | Promise<Snapshot | null> {
    const entry = this.entries.get(environmentId);
    if (entry?.snapshot && entry.snapshot.version >= entry.wanted) {
      this.hits++;
      return entry.snapshot;
    }
    this.misses++;
    return this.reload(environmentId);
  }

  invalidate(environmentId: string, version: number): void {
    const entry = this.entries.get(environmentId);
    if (!entry) return; // never served here: nothing to refresh
    if (version <= entry.wanted && (entry.snapshot?.version ?? -1) >= version) return;
    entry.wanted = Math.max(entry.wanted, version);
    // Refresh now rather than on the next read, so open streams get the change within the second.
    void this.reload(environmentId);
  }

  private reload(environmentId: string): Promise<Snapshot | null> {
    let entry = this.entries.get(environmentId);
    if (!entry) {
      entry = { wanted: 0 };
      this.entries.set(environmentId, entry);
    }
    if (entry.loading) return entry.loading;
    const target = entry;
    target.loading = (async () => {
      try {
        const previous = target.snapshot?.version;
        for (let i = 0; i < MAX_RELOADS; i++) {
          const data = await this.flags.loadEnvironment(environmentId);
          if (!data) {
            this.entries.delete(environmentId);
            for (const listener of this.goneListeners) listener(environmentId);
            return null;
          }
          target.snapshot = new Snapshot(environmentId, data.version, data.flags);
          if (data.version >= target.wanted) break;
        }
        const snapshot = target.snapshot!;
        target.wanted = Math.max(target.wanted, snapshot.version);
        if (snapshot.version !== previous) for (const listener of this.listeners) listener(snapshot);
        return snapshot;
      } finally {
        target.loading = undefined;
      }
    })();
    return target.loading;
  }

  private async revalidate(): Promise<void> {
    if (this.entries.size === 0) return;
    try {
      const versions = await this.environments.versionsOf([...this.entries.keys()]);
      for (const [id, entry] of this.entries) {
        const current = versions.get(id);
        if (current === undefined) {
          this.entries.delete(id);
          for (const listener of this.goneListeners) listener(id);
        } else if (current !== entry.snapshot?.version) {
          entry.wanted = Math.max(entry.wanted, current);
          void this.reload(id);
        }
      }
    } catch (err) {
      this.logger.warn(`Snapshot revalidation failed: ${(err as Error).message}`);
    }
  }
}
