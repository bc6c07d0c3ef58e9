import { type AppConfig, type DomainError, type HttpDrain, LocalClusterBus } from '@superflag/core';
import type { FlagValue } from '@superflag/flags';
import type { VerifiedKey } from '@superflag/keys';
import { EventEmitter } from 'node:events';
import type { ServerResponse } from 'node:http';
import type { ConfigSnapshots, RetainPredicate } from '../src/config-snapshots';
import { ConfigStreams } from '../src/config-streams';
import type { RuntimeFlag } from '../src/environment-read-model';
import { Snapshot } from '../src/snapshot';
import { SnapshotEvents } from '../src/snapshot-events';

/** A hijacked response whose socket takes `capacity` bytes, then reports backpressure until the test drains it. */
class FakeResponse extends EventEmitter {
  readonly chunks: string[] = [];
  writableLength = 0;
  writableEnded = false;
  destroyed = false;
  status = 0;

  constructor(private capacity = Infinity) {
    super();
  }

  writeHead(status: number): this {
    this.status = status;
    return this;
  }

  write(chunk: string): boolean {
    this.chunks.push(chunk);
    const taken = Math.min(this.capacity, chunk.length);
    this.capacity -= taken;
    this.writableLength += chunk.length - taken;
    return this.writableLength === 0;
  }

  end(chunk?: string): void {
    if (chunk) this.write(chunk);
    this.writableEnded = true;
    this.close();
  }

  destroy(): void {
    this.destroyed = true;
    this.close();
  }

  /** The client read everything: the buffer empties and 'drain' fires. */
  drainAll(capacity = Infinity): void {
    this.writableLength = 0;
    this.capacity = capacity;
    this.emit('drain');
  }

  get events(): string[] {
    return this.chunks.flatMap((c) => [...c.matchAll(/^event: (\w+)(?:\nid: (\d+))?/gm)].map((m) => (m[2] ? `${m[1]}:${m[2]}` : m[1])));
  }

  private close(): void {
    if (this.listenerCount('close') === 0 && this.destroyed) return;
    queueMicrotask(() => this.emit('close'));
  }
}

const ENV = 'env_a';
const key = (keyId: string, environmentId = ENV): VerifiedKey => ({
  keyId,
  appId: 'app_1',
  environmentId,
  type: 'sdk',
  keyHash: `hash-${keyId}`,
});
const flag = (value: FlagValue): RuntimeFlag => ({
  key: 'f',
  type: 'string',
  value,
  clientEnabled: false,
  rollout: null,
  users: new Map(),
  companies: new Map(),
});
const snapshot = (version: number, value: FlagValue = 'v', environmentId = ENV) => new Snapshot(environmentId, version, [flag(value)]);
const settle = () => new Promise<void>((resolve) => setImmediate(resolve));

describe('ConfigStreams', () => {
  let streams: ConfigStreams;
  let push: (snapshot: Snapshot) => void;
  let gone: (environmentId: string) => void;
  /** As every replica hears a revocation: on the cluster bus, by key id. */
  let revoke: (key: Pick<VerifiedKey, 'keyId' | 'keyHash'>) => void;
  let retain: RetainPredicate;

  function start(config: Partial<AppConfig> = {}): void {
    const snapshots = { retainWhile: (p: RetainPredicate) => (retain = p) } as unknown as ConfigSnapshots;
    const events = new SnapshotEvents();
    push = (s) => events.emit('snapshot', s);
    gone = (id) => events.emit('environment-gone', id);
    const bus = new LocalClusterBus();
    revoke = (k) => void bus.publish({ type: 'key-revoked', keyId: k.keyId, keyHash: k.keyHash });
    streams = new ConfigStreams(
      snapshots,
      events,
      bus,
      { draining: false } as HttpDrain,
      { LIMIT_STREAMS_PER_KEY: 2, LIMIT_STREAMS: 3, SSE_MAX_BUFFER_BYTES: 2048, ...config } as AppConfig,
    );
    streams.onModuleInit();
  }

  function open(k: VerifiedKey, response = new FakeResponse(), s = snapshot(1)): FakeResponse {
    streams.admit(k);
    streams.open(k, s, response as unknown as ServerResponse, {});
    return response;
  }

  beforeEach(() => start());
  afterEach(() => streams.beforeApplicationShutdown());

  const refusal = (fn: () => void) => {
    try {
      fn();
    } catch (err) {
      const e = err as DomainError;
      return { status: e.status, error: e.message, retryAfter: e.headers['retry-after'] };
    }
    throw new Error('admitted');
  };

  it('admits LIMIT_STREAMS_PER_KEY streams per key and LIMIT_STREAMS in all, and counts down however a stream ends', async () => {
    const first = open(key('k1'));
    const second = open(key('k1'));
    expect(refusal(() => streams.admit(key('k1')))).toEqual({
      status: 429,
      error: 'Stream limit reached for this key (2)',
      retryAfter: '10',
    });
    const other = open(key('k2'));
    expect(streams.size).toBe(3);
    expect(refusal(() => streams.admit())).toEqual({ status: 503, error: 'Stream limit reached on this replica (3)', retryAfter: '2' });
    expect(refusal(() => streams.admit(key('k3')))).toMatchObject({ status: 503 });
    expect(streams.refused).toBe(3);

    first.destroy(); // the client left
    await settle();
    expect(streams.size).toBe(2);
    open(key('k1'));
    revoke(key('k2'));
    await settle();
    expect(other.events).toEqual(['config:1', 'revoked']);
    expect(streams.size).toBe(2);
    streams.beforeApplicationShutdown();
    await settle();
    expect(second.events.at(-1)).toBe('reconnect');
    expect(streams.size).toBe(0);
    open(key('k1'));
    open(key('k1'));
    expect(streams.size).toBe(2);
  });

  it('does not register a stream whose client left while it was being admitted', async () => {
    const gone = new FakeResponse();
    gone.destroyed = true;
    open(key('k1'), gone);
    expect(streams.size).toBe(0);
    expect(gone.chunks).toEqual([]);
  });

  it('closes with `revoked` a stream that registers after its key was revoked (verified, revoked, then registered)', async () => {
    // The key was verified; its revocation arrives while the stream's quota and snapshot are checked…
    revoke(key('k1'));
    // …then the stream registers: the revocation found nothing to close, the stream must not stay open.
    const late = open(key('k1'));
    await settle();
    expect(late.status).toBe(200);
    expect(late.events).toEqual(['revoked']);
    expect(late.writableEnded).toBe(true);
    expect(streams.size).toBe(0);
    // Other keys are unaffected.
    const fine = open(key('k2'));
    await settle();
    expect(fine.writableEnded).toBe(false);
    expect(streams.size).toBe(1);
  });

  it('ends with `revoked` the streams of an environment that is gone, and only those', async () => {
    const here = open(key('k1'));
    const elsewhere = open(key('k2', 'env_b'), new FakeResponse(), snapshot(1, 'v', 'env_b'));
    gone(ENV);
    await settle();
    expect(here.events).toEqual(['config:1', 'revoked']);
    expect(elsewhere.writableEnded).toBe(false);
    expect(streams.size).toBe(1);
  });

  it('ends every stream of a key revoked on the cluster bus, and ignores other cluster events', async () => {
    const first = open(key('k1'));
    const second = open(key('k1'));
    const other = open(key('k2'));
    revoke(key('k1'));
    // Heard twice (its own replica, then the echo): nothing is written after the final event.
    revoke(key('k1'));
    await settle();
    expect(first.events).toEqual(['config:1', 'revoked']);
    expect(second.events).toEqual(['config:1', 'revoked']);
    expect(other.writableEnded).toBe(false);
    expect(streams.size).toBe(1);
  });

  it('keeps streams of an environment retained in the snapshot cache', async () => {
    expect(retain(ENV)).toBe(false);
    const r = open(key('k1'));
    expect(retain(ENV)).toBe(true);
    r.destroy();
    await settle();
    expect(retain(ENV)).toBe(false);
  });

  it('pushes each snapshot while the socket keeps up, coalesces while it is blocked, and sends the latest on drain', () => {
    const fast = open(key('k1'));
    const event = snapshot(2).sdk.sseEvent();
    // Takes the initial config and the first push, then blocks in the middle of the next one.
    const slow = open(key('k2'), new FakeResponse(snapshot(1).sdk.sseEvent().length + 'retry: 2000\n\n'.length + event.length + 10));
    for (let v = 2; v <= 6; v++) push(snapshot(v));
    expect(fast.events).toEqual(['config:1', 'config:2', 'config:3', 'config:4', 'config:5', 'config:6']);
    expect(slow.events).toEqual(['config:1', 'config:2', 'config:3']);
    slow.drainAll(event.length * 10);
    expect(slow.events).toEqual(['config:1', 'config:2', 'config:3', 'config:6']);
    push(snapshot(7));
    expect(slow.events.at(-1)).toBe('config:7');
    expect(streams.dropped).toBe(0);
  });

  it('drops a consumer once its unsent output and the snapshot it is owed pass SSE_MAX_BUFFER_BYTES', async () => {
    const big = 'x'.repeat(1000);
    const slow = open(key('k1'), new FakeResponse(0), snapshot(1, big));
    const fast = open(key('k2'), new FakeResponse(), snapshot(1, big));
    expect(slow.writableLength).toBeGreaterThan(1000);
    push(snapshot(2, big));
    await settle();
    expect(slow.destroyed).toBe(true);
    expect(streams.dropped).toBe(1);
    expect(streams.size).toBe(1);
    expect(fast.events).toEqual(['config:1', 'config:2']);
  });

  it('keeps a briefly blocked consumer within SSE_MAX_BUFFER_BYTES', () => {
    const slow = open(key('k1'), new FakeResponse(10));
    push(snapshot(2));
    push(snapshot(3));
    expect(slow.destroyed).toBe(false);
    slow.drainAll();
    expect(slow.events).toEqual(['config:1', 'config:3']);
  });
});
