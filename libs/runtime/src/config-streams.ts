import { BeforeApplicationShutdown, Inject, Injectable, OnModuleInit } from '@nestjs/common';
import { AppConfig, CLUSTER_BUS, type ClusterBus, DomainError, HttpDrain, tooManyRequests } from '@superflag/core';
import type { VerifiedKey } from '@superflag/keys';
import type { ServerResponse } from 'node:http';
import { ConfigSnapshots } from './config-snapshots';
import type { Snapshot } from './snapshot';
import { SnapshotEvents } from './snapshot-events';

/** Proxies close idle connections after ~60 s; a comment every 25 s keeps streams open through them. */
export const HEARTBEAT_MS = 25_000;

const HEARTBEAT = ': heartbeat\n\n';
export const RECONNECT_EVENT = 'event: reconnect\ndata: {"reason":"server shutting down"}\n\n';
export const REVOKED_EVENT = 'event: revoked\ndata: {"reason":"key revoked"}\n\n';

/**
 * What one kind of stream says. The machinery (limits, backpressure, revocation, shutdown) is the same for every
 * kind; only the text differs: `GET /api/v1/config/stream` pushes the whole config, OFREP streams only say "re-fetch".
 */
export interface StreamFormat {
  /** Written once the stream is registered, after the retry hint. `lastEventId`: the client's Last-Event-ID when it reconnects. */
  opening(key: VerifiedKey, snapshot: Snapshot, lastEventId: string | undefined): string;
  /** The event telling the client of `key` about `snapshot`; the same text for the same snapshot and key type. */
  update(key: VerifiedKey, snapshot: Snapshot): string;
  /** Written before a revoked key's stream (or one whose environment is gone) ends. */
  readonly revoked: string;
  /** Written before shutdown ends the stream: the client reconnects, to another replica. */
  readonly reconnect: string;
}

/** `GET /api/v1/config/stream`: a `config` event with the full payload now and after every change. */
export const CONFIG_STREAM: StreamFormat = {
  opening: (key, snapshot) => snapshot.for(key.type).sseEvent(),
  update: (key, snapshot) => snapshot.for(key.type).sseEvent(),
  revoked: REVOKED_EVENT,
  reconnect: RECONNECT_EVENT,
};

/**
 * How long a revocation is remembered for streams still being opened: longer than any request can take between
 * verifying its key and registering its stream (quota, then a snapshot load bounded by the database timeouts).
 */
const REVOKED_MEMORY_MS = 5 * 60_000;
const REVOKED_MAX = 10_000;
/** A key at its stream limit: streams end when clients leave, so retry later rather than at once. */
const KEY_LIMIT_RETRY_S = 10;
/** This replica is full: the client (or its load balancer) should try another one soon. */
const REPLICA_LIMIT_RETRY_S = 2;

interface Stream {
  key: VerifiedKey;
  response: ServerResponse;
  format: StreamFormat;
  /** The version last written or, while blocked, due to be written. */
  version: number;
  /** write() returned false: nothing more is written until 'drain'. */
  blocked: boolean;
  /** While blocked: the latest snapshot not yet written (older ones are superseded, never queued). */
  pending?: Snapshot;
}

/**
 * Open Server-Sent Event streams by environment, each in its StreamFormat (config payloads, or OFREP's re-fetch
 * notifications). A new snapshot is pushed to each stream of its environment;
 * a revoked key's streams are closed; on shutdown every stream gets a final `reconnect` event first.
 *
 * Bounded: LIMIT_STREAMS_PER_KEY per key and LIMIT_STREAMS per replica (refused before the stream starts), and
 * each stream's unsent output: a stream whose socket does not keep up gets only the latest snapshot once it
 * drains, and is dropped when what it has buffered plus what it is owed passes SSE_MAX_BUFFER_BYTES.
 */
@Injectable()
export class ConfigStreams implements OnModuleInit, BeforeApplicationShutdown {
  private readonly byEnvironment = new Map<string, Set<Stream>>();
  private readonly perKey = new Map<string, number>();
  /** Key id → when its revocation was heard, in that order (see REVOKED_MEMORY_MS). */
  private readonly revoked = new Map<string, number>();
  private readonly perKeyLimit: number;
  private readonly replicaLimit: number;
  private readonly maxBuffer: number;
  private heartbeat?: NodeJS.Timeout;
  private open_ = 0;
  /** Slow consumers dropped for their buffered output. */
  dropped = 0;
  /** Streams refused by LIMIT_STREAMS_PER_KEY or LIMIT_STREAMS. */
  refused = 0;

  constructor(
    private readonly snapshots: ConfigSnapshots,
    private readonly snapshotEvents: SnapshotEvents,
    @Inject(CLUSTER_BUS) private readonly bus: ClusterBus,
    private readonly drain: HttpDrain,
    config: AppConfig,
  ) {
    this.perKeyLimit = config.LIMIT_STREAMS_PER_KEY;
    this.replicaLimit = config.LIMIT_STREAMS;
    this.maxBuffer = config.SSE_MAX_BUFFER_BYTES;
  }

  get size(): number {
    return this.open_;
  }

  onModuleInit(): void {
    this.snapshotEvents.on('snapshot', (snapshot) => this.push(snapshot));
    this.snapshotEvents.on('environment-gone', (environmentId) => this.closeWhere((s) => s.key.environmentId === environmentId, 'revoked'));
    // Streams need their environment's next snapshot: the cache never evicts it while one is open.
    this.snapshots.retainWhile((environmentId) => this.byEnvironment.has(environmentId));
    // Every replica hears every revocation here, by key id: also of a key its key cache had evicted (whose
    // streams stay open) or never held. The revoking replica's own delivery is confirmed before its DELETE answers.
    this.bus.subscribe((event) => {
      if (event.type !== 'key-revoked') return;
      this.remember(event.keyId);
      this.closeWhere((s) => s.key.keyId === event.keyId, 'revoked');
    });
    this.heartbeat = setInterval(
      () => this.forEach((s) => (s.blocked ? this.dropIfOverBuffer(s) : this.write(s, HEARTBEAT))),
      HEARTBEAT_MS,
    ).unref();
  }

  beforeApplicationShutdown(): void {
    clearInterval(this.heartbeat);
    this.closeWhere(() => true, 'reconnect');
  }

  /**
   * Throws unless one more stream may open: 503 with Retry-After when this replica is full (another may not be),
   * 429 with Retry-After when `key` has LIMIT_STREAMS_PER_KEY open here. Without a key, only the replica is checked
   * (before the key and quota are, so a full replica costs the client nothing).
   */
  admit(key?: VerifiedKey): void {
    if (this.open_ >= this.replicaLimit) {
      this.refused++;
      throw new DomainError(
        503,
        `Stream limit reached on this replica (${this.replicaLimit})`,
        {},
        { 'retry-after': String(REPLICA_LIMIT_RETRY_S) },
      );
    }
    if (key && (this.perKey.get(key.keyId) ?? 0) >= this.perKeyLimit) {
      this.refused++;
      throw tooManyRequests(`Stream limit reached for this key (${this.perKeyLimit})`, KEY_LIMIT_RETRY_S);
    }
  }

  /** Starts a stream on a hijacked response: headers, the retry hint and the format's opening (the current config unless told). */
  open(
    key: VerifiedKey,
    snapshot: Snapshot,
    response: ServerResponse,
    headers: Record<string, string>,
    options: { format?: StreamFormat; lastEventId?: string } = {},
  ): void {
    const format = options.format ?? CONFIG_STREAM;
    // The client left while its key and snapshot were being checked: 'close' has fired already, so nothing would unregister it.
    if (response.destroyed) return;
    // Opened during SHUTDOWN_DELAY_MS: the client gets the config, then is sent elsewhere like every other stream.
    const draining = this.drain.draining;
    response.writeHead(200, {
      ...headers,
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-cache, no-transform',
      connection: draining ? 'close' : 'keep-alive',
      'x-accel-buffering': 'no',
    });
    response.write('retry: 2000\n\n');
    if (draining) {
      response.write(format.opening(key, snapshot, options.lastEventId));
      response.end(format.reconnect);
      return;
    }
    const stream: Stream = { key, response, format, version: snapshot.version, blocked: false };
    this.register(stream);
    // Revoked after its key was verified but before it got here: the revocation found no stream to close.
    if (this.revoked.has(key.keyId)) {
      response.end(format.revoked);
      return;
    }
    this.write(stream, format.opening(key, snapshot, options.lastEventId));
  }

  private register(stream: Stream): void {
    const { key, response } = stream;
    let set = this.byEnvironment.get(key.environmentId);
    if (!set) this.byEnvironment.set(key.environmentId, (set = new Set()));
    set.add(stream);
    this.open_++;
    this.perKey.set(key.keyId, (this.perKey.get(key.keyId) ?? 0) + 1);
    // 'close' comes once however the stream ends: end(), the client leaving, destroy() of a slow consumer.
    response.once('close', () => {
      set.delete(stream);
      if (set.size === 0 && this.byEnvironment.get(key.environmentId) === set) this.byEnvironment.delete(key.environmentId);
      this.open_--;
      const n = (this.perKey.get(key.keyId) ?? 1) - 1;
      if (n > 0) this.perKey.set(key.keyId, n);
      else this.perKey.delete(key.keyId);
    });
    response.on('drain', () => this.drained(stream));
  }

  private push(snapshot: Snapshot): void {
    for (const stream of this.byEnvironment.get(snapshot.environmentId) ?? []) {
      if (snapshot.version <= stream.version) continue;
      stream.version = snapshot.version;
      if (stream.blocked) {
        stream.pending = snapshot;
        this.dropIfOverBuffer(stream);
      } else {
        this.write(stream, stream.format.update(stream.key, snapshot));
      }
    }
  }

  /** Writes unless the socket is behind (a heartbeat is then pointless: data is waiting already). */
  private write(stream: Stream, chunk: string): void {
    if (stream.blocked || stream.response.writableEnded) return;
    if (!stream.response.write(chunk)) stream.blocked = true;
  }

  private drained(stream: Stream): void {
    stream.blocked = false;
    const pending = stream.pending;
    if (!pending) return;
    stream.pending = undefined;
    this.write(stream, stream.format.update(stream.key, pending));
  }

  /** What the consumer has not taken plus the snapshot it is owed: past the bound it is too slow to keep. */
  private dropIfOverBuffer(stream: Stream): void {
    const owed = stream.pending ? stream.format.update(stream.key, stream.pending).length : 0;
    if (stream.response.writableLength + owed <= this.maxBuffer) return;
    this.dropped++;
    stream.pending = undefined;
    // No final event: it could not be delivered ahead of the backlog. EventSource reconnects after `retry`.
    stream.response.destroy();
  }

  private remember(keyId: string): void {
    const now = Date.now();
    for (const [id, at] of this.revoked) {
      if (at > now - REVOKED_MEMORY_MS && this.revoked.size < REVOKED_MAX) break;
      this.revoked.delete(id);
    }
    this.revoked.delete(keyId);
    this.revoked.set(keyId, now);
  }

  private forEach(fn: (s: Stream) => void): void {
    for (const set of this.byEnvironment.values()) for (const s of set) fn(s);
  }

  /** A blocked stream is cut instead: its last event would wait behind a backlog the client is not reading. */
  private closeWhere(predicate: (s: Stream) => boolean, last: 'revoked' | 'reconnect'): void {
    this.forEach((s) => {
      // Ended already (its 'close' is still to come), e.g. by a revocation heard twice.
      if (!predicate(s) || s.response.writableEnded || s.response.destroyed) return;
      if (s.blocked) s.response.destroy();
      else s.response.end(s.format[last]);
    });
  }
}
