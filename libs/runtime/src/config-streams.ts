import { BeforeApplicationShutdown, Injectable, OnModuleInit } from '@nestjs/common';
import { HttpDrain } from '@superflag/core';
import { KeysService, type VerifiedKey } from '@superflag/keys';
import type { ServerResponse } from 'node:http';
import { ConfigSnapshots } from './config-snapshots';
import type { Snapshot } from './snapshot';

/** Proxies close idle connections after ~60 s; a comment every 25 s keeps streams open through them. */
export const HEARTBEAT_MS = 25_000;

const RECONNECT_EVENT = 'event: reconnect\ndata: {"reason":"server shutting down"}\n\n';

interface Stream {
  key: VerifiedKey;
  response: ServerResponse;
  version: number;
}

/**
 * Open Server-Sent Event streams by environment. A new snapshot is pushed to each stream of its environment;
 * a revoked key's streams are closed; on shutdown every stream gets a final `reconnect` event first.
 */
@Injectable()
export class ConfigStreams implements OnModuleInit, BeforeApplicationShutdown {
  private readonly byEnvironment = new Map<string, Set<Stream>>();
  private heartbeat?: NodeJS.Timeout;

  constructor(
    private readonly snapshots: ConfigSnapshots,
    private readonly keys: KeysService,
    private readonly drain: HttpDrain,
  ) {}

  get size(): number {
    let n = 0;
    for (const set of this.byEnvironment.values()) n += set.size;
    return n;
  }

  onModuleInit(): void {
    this.snapshots.onSnapshot((snapshot) => this.push(snapshot));
    this.snapshots.onEnvironmentGone((environmentId) => this.closeWhere((s) => s.key.environmentId === environmentId, 'revoked'));
    this.keys.onKeyRevoked((key) => this.closeWhere((s) => s.key.keyId === key.keyId, 'revoked'));
    this.heartbeat = setInterval(() => this.forEach((s) => s.response.write(': heartbeat\n\n')), HEARTBEAT_MS).unref();
  }

  beforeApplicationShutdown(): void {
    clearInterval(this.heartbeat);
    this.closeWhere(() => true, 'reconnect');
  }

  /** Starts a stream on a hijacked response: headers, the retry hint and the current config. */
  open(key: VerifiedKey, snapshot: Snapshot, response: ServerResponse, headers: Record<string, string>): void {
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
    response.write(snapshot.for(key.type).sseEvent());
    if (draining) {
      response.end(RECONNECT_EVENT);
      return;
    }
    const stream: Stream = { key, response, version: snapshot.version };
    let set = this.byEnvironment.get(key.environmentId);
    if (!set) this.byEnvironment.set(key.environmentId, (set = new Set()));
    set.add(stream);
    response.on('close', () => {
      set.delete(stream);
      if (set.size === 0 && this.byEnvironment.get(key.environmentId) === set) this.byEnvironment.delete(key.environmentId);
    });
  }

  private push(snapshot: Snapshot): void {
    for (const stream of this.byEnvironment.get(snapshot.environmentId) ?? []) {
      if (snapshot.version <= stream.version) continue;
      stream.version = snapshot.version;
      stream.response.write(snapshot.for(stream.key.type).sseEvent());
    }
  }

  private forEach(fn: (s: Stream) => void): void {
    for (const set of this.byEnvironment.values()) for (const s of set) fn(s);
  }

  private closeWhere(predicate: (s: Stream) => boolean, reason: 'revoked' | 'reconnect'): void {
    const event = reason === 'revoked' ? 'event: revoked\ndata: {"reason":"key revoked"}\n\n' : RECONNECT_EVENT;
    this.forEach((s) => {
      if (!predicate(s)) return;
      s.response.end(event);
    });
  }
}
