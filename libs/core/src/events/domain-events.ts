import { Injectable, Logger } from '@nestjs/common';

/** Who did something: a user through a cli_ token, or an app's mgmt_ key. */
export interface EventActor {
  type: 'user' | 'management_key';
  id: string;
}

/**
 * Every domain event, by name, with its payload: the extension API. An event is emitted once, by the replica
 * that did the work, after its transaction committed (a subscriber never sees a change that was rolled back).
 * What every replica must hear (cache invalidation) travels on the ClusterBus instead; subscribers here that
 * need it republish there. Payloads hold ids and facts, never secrets or hashes of secrets.
 */
export interface DomainEventMap {
  /**
   * One versioned write of an environment's flags (create, update, delete, bulk, targets, rollback): one event per
   * write, however many flags it touched.
   */
  'flag.changed': {
    appId: string;
    environmentId: string;
    /** The environment's version after the write. */
    version: number;
    /** Flag keys the write touched, each once. */
    keys: string[];
    kind: 'create' | 'update' | 'delete' | 'bulk' | 'targets' | 'rollback';
    actor: EventActor | null;
    /** The write's changeDescription. */
    description: string | null;
  };
  /** An environment added to an app; also each default environment of a new app, right after its app.created. */
  'environment.created': { appId: string; environmentId: string; name: string; actor: EventActor | null };
  /** An added environment deleted (those of a deleted app go with app.deleted, without an event each). */
  'environment.deleted': { appId: string; environmentId: string; name: string; actor: EventActor | null };
  /** A runtime key (pub_/sdk_) created. Never carries the secret. */
  'key.created': { appId: string; environmentId: string; keyId: string; type: 'pub' | 'sdk'; actor: EventActor | null };
  /** A runtime key revoked (replicas learn to refuse it through the ClusterBus, not through this). */
  'key.revoked': { appId: string; environmentId: string; keyId: string; actor: EventActor | null };
  /** A new app; its owner is the user who created it (the actor). */
  'app.created': { appId: string; name: string; ownerId: string };
  /** An app deleted with everything in it; `environmentIds` are the environments it had. */
  'app.deleted': { appId: string; environmentIds: string[]; actor: EventActor | null };
  'member.added': { appId: string; userId: string; role: string; actor: EventActor | null };
  'member.removed': { appId: string; userId: string; actor: EventActor | null };
  /** An operator moved an app to another plan (setting the plan it has emits nothing). */
  'plan.changed': { appId: string; plan: string; previous: string; actor: EventActor | null };
}

export type DomainEventName = keyof DomainEventMap;
export type DomainEvent<K extends DomainEventName = DomainEventName> = { [N in K]: { name: N; payload: DomainEventMap[N] } }[K];
export type DomainEventHandler<K extends DomainEventName> = (payload: DomainEventMap[K]) => void | Promise<void>;

/**
 * The one typed, in-process bus of domain events. Handlers of an event run in subscription order, each on its
 * own: one that throws or rejects is logged and does not stop the others, nor the request that emitted the
 * event (the change is committed by then; failing the response would only invite a retry that writes twice).
 * `emit` returns once the synchronous part of every handler ran; `emitAndWait` also awaits async handlers,
 * for callers (and tests) that must know they finished.
 */
@Injectable()
export class DomainEvents {
  private readonly logger = new Logger('DomainEvents');
  // Copy-on-write lists: a delivery iterates the list as it was when it started, so a handler that unsubscribes
  // (itself or another) mid-delivery neither skips nor repeats a neighbour, and emit allocates no snapshot.
  private readonly handlers = new Map<DomainEventName, ReadonlyArray<DomainEventHandler<never>>>();
  private anyHandlers: ReadonlyArray<(event: DomainEvent) => void | Promise<void>> = [];

  /** Subscribes to one event; returns the unsubscribe function (calling it again does nothing). */
  on<K extends DomainEventName>(name: K, handler: DomainEventHandler<K>): () => void {
    const entry = ((payload: never) => handler(payload)) as DomainEventHandler<never>;
    this.handlers.set(name, [...(this.handlers.get(name) ?? []), entry]);
    return () => this.handlers.set(name, without(this.handlers.get(name) ?? [], entry));
  }

  /** Subscribes to every event (audit trails, webhooks); returns the unsubscribe function (calling it again does nothing). */
  onAny(handler: (event: DomainEvent) => void | Promise<void>): () => void {
    const entry = (event: DomainEvent) => handler(event);
    this.anyHandlers = [...this.anyHandlers, entry];
    return () => (this.anyHandlers = without(this.anyHandlers, entry));
  }

  /** Announces a committed change. Never throws. */
  emit<K extends DomainEventName>(name: K, payload: DomainEventMap[K]): void {
    void this.run(name, payload);
  }

  /** Like emit, and resolves once every handler, async ones included, has finished. Never rejects. */
  emitAndWait<K extends DomainEventName>(name: K, payload: DomainEventMap[K]): Promise<void> {
    return this.run(name, payload);
  }

  private run<K extends DomainEventName>(name: K, payload: DomainEventMap[K]): Promise<void> {
    const pending: Promise<void>[] = [];
    const call = (fn: () => void | Promise<void>) => {
      try {
        const result = fn();
        if (result instanceof Promise) pending.push(result.catch((err: unknown) => this.failed(name, err)));
      } catch (err) {
        this.failed(name, err);
      }
    };
    for (const handler of this.handlers.get(name) ?? []) call(() => (handler as DomainEventHandler<K>)(payload));
    if (this.anyHandlers.length > 0) {
      const event = { name, payload } as DomainEvent;
      for (const handler of this.anyHandlers) call(() => handler(event));
    }
    return pending.length === 0 ? Promise.resolve() : Promise.all(pending).then(() => undefined);
  }

  private failed(name: string, err: unknown): void {
    this.logger.error(`A ${name} handler failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
  }
}

/**
 * The list without `entry`. Each subscription wraps its handler in an entry of its own, so the same function
 * subscribed twice is two entries and each unsubscribe removes exactly its own.
 */
function without<T>(list: ReadonlyArray<T>, entry: T): ReadonlyArray<T> {
  return list.includes(entry) ? list.filter((h) => h !== entry) : list;
}
