import { Injectable } from '@nestjs/common';
import { EventEmitter } from 'node:events';
import type { Snapshot } from './snapshot';

export interface SnapshotEventMap {
  /** A new snapshot of an environment is cached: open streams push it. */
  snapshot: [snapshot: Snapshot];
  /** The environment no longer exists (deleted, or with its app): its streams end. */
  'environment-gone': [environmentId: string];
}

/**
 * What the runtime's cache tells its streams, on this replica: typed and named, emitted synchronously.
 * Not DomainEvents: these are not product facts for extensions, but this replica's cache refreshing (each
 * replica emits its own, for every reload, with in-memory snapshots as payload); DomainEvents carries what
 * happened once, in the cluster, after a commit.
 */
@Injectable()
export class SnapshotEvents extends EventEmitter<SnapshotEventMap> {}
