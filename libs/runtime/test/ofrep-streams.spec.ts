import { type AppConfig, type HttpDrain, LocalClusterBus } from '@superflag/core';
import type { VerifiedKey } from '@superflag/keys';
import { EventEmitter } from 'node:events';
import type { ServerResponse } from 'node:http';
import type { ConfigSnapshots } from '../src/config-snapshots';
import { ConfigStreams } from '../src/config-streams';
import type { RuntimeFlag } from '../src/environment-read-model';
import { OFREP_STREAM, refetchEvent, versionOf } from '../src/ofrep-events';
import { Snapshot } from '../src/snapshot';
import { SnapshotEvents } from '../src/snapshot-events';

/** A hijacked response whose socket takes `capacity` bytes, then reports backpressure until drained. */
class FakeResponse extends EventEmitter {
  readonly chunks: string[] = [];
  writableLength = 0;
  writableEnded = false;
  destroyed = false;

  constructor(private capacity = Infinity) {
    super();
  }

  writeHead(): this {
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
    queueMicrotask(() => this.emit('close'));
  }

  destroy(): void {
    this.destroyed = true;
    queueMicrotask(() => this.emit('close'));
  }

  drainAll(): void {
    this.writableLength = 0;
    this.capacity = Infinity;
    this.emit('drain');
  }

  /** The SSE blocks written, retry hint and heartbeats aside. */
  get blocks(): string[] {
    return this.chunks
      .join('')
      .split('\n\n')
      .filter((b) => b && !b.startsWith('retry:') && !b.startsWith(':'));
  }
}

const ENV = 'env_a';
const key = (type: 'pub' | 'sdk' = 'pub', keyId = 'key_1'): VerifiedKey => ({
  keyId,
  appId: 'app_1',
  environmentId: ENV,
  type,
  keyHash: 'h',
});
const flag = (key: string, clientEnabled: boolean): RuntimeFlag => ({
  key,
  type: 'bool',
  value: true,
  clientEnabled,
  rollout: null,
  users: new Map(),
  companies: new Map(),
});
const snapshot = (version: number) => new Snapshot(ENV, version, [flag('a', true), flag('b', false)]);
const settle = () => new Promise<void>((resolve) => setImmediate(resolve));
const data = (block: string) => JSON.parse(/^data: (.*)$/m.exec(block)![1]);

describe('OFREP event stream format', () => {
  it('says refetchEvaluation with the config ETag of the key type, id = version, serialised once per view', () => {
    const s = snapshot(7);
    const event = refetchEvent(s.pub);
    expect(event).toBe(`id: 7\ndata: {"type":"refetchEvaluation","etag":${JSON.stringify(s.pub.etag)}}\n\n`);
    expect(s.pub.etag).toMatch(/^"7-pub-/);
    expect(refetchEvent(s.pub)).toBe(event);
    expect(OFREP_STREAM.update(key('sdk'), s)).toBe(refetchEvent(s.sdk));
  });

  it('reads the version a flagConfigEtag or Last-Event-ID names, and nothing else', () => {
    expect(versionOf('"47-pub-abc"')).toBe(47);
    expect(versionOf('47')).toBe(47);
    expect(versionOf(' "3" ')).toBe(3);
    for (const junk of [undefined, '', 'abc', '"-1-pub"', '1e5', '9'.repeat(16), ['1'], 12, `"1-${'x'.repeat(300)}"`]) {
      expect({ junk, version: versionOf(junk) }).toEqual({ junk, version: undefined });
    }
  });

  it('opens with an id alone (nothing to dispatch) unless the client reconnects having missed versions', () => {
    const s = snapshot(5);
    expect(OFREP_STREAM.opening(key(), s, undefined)).toBe('id: 5\n\n');
    expect(OFREP_STREAM.opening(key(), s, '5')).toBe('id: 5\n\n');
    expect(OFREP_STREAM.opening(key(), s, '9')).toBe('id: 5\n\n');
    expect(OFREP_STREAM.opening(key(), s, 'not-a-version')).toBe('id: 5\n\n');
    expect(OFREP_STREAM.opening(key(), s, '4')).toBe(refetchEvent(s.pub));
  });
});

describe('ConfigStreams with the OFREP format', () => {
  let streams: ConfigStreams;
  let events: SnapshotEvents;
  let bus: LocalClusterBus;

  beforeEach(() => {
    events = new SnapshotEvents();
    bus = new LocalClusterBus();
    streams = new ConfigStreams(
      { retainWhile: () => undefined } as unknown as ConfigSnapshots,
      events,
      bus,
      { draining: false } as HttpDrain,
      { LIMIT_STREAMS_PER_KEY: 5, LIMIT_STREAMS: 5, SSE_MAX_BUFFER_BYTES: 1_000_000 } as AppConfig,
    );
    streams.onModuleInit();
  });
  afterEach(() => streams.beforeApplicationShutdown());

  const open = (k: VerifiedKey, response = new FakeResponse(), lastEventId?: string) => {
    streams.admit(k);
    streams.open(k, snapshot(1), response as unknown as ServerResponse, {}, { format: OFREP_STREAM, lastEventId });
    return response;
  };

  it('announces each new version once, and a consumer that fell behind only the latest when it drains', () => {
    const fast = open(key());
    const slow = open(key('pub', 'key_2'), new FakeResponse(10));
    for (const version of [2, 3, 4]) events.emit('snapshot', snapshot(version));
    events.emit('snapshot', snapshot(3)); // older than what was announced: nothing
    expect(fast.blocks[0]).toBe('id: 1');
    expect(fast.blocks.slice(1).map((b) => data(b).etag.slice(0, 3))).toEqual(['"2-', '"3-', '"4-']);
    expect(fast.blocks.map((b) => /^id: (\d+)/.exec(b)?.[1])).toEqual(['1', '2', '3', '4']);
    // Its socket was full after the opening: 2 and 3 were superseded while it was, it gets 4 once it drains.
    expect(slow.blocks.map((b) => /^id: (\d+)/.exec(b)?.[1])).toEqual(['1']);
    slow.drainAll();
    expect(slow.blocks.map((b) => /^id: (\d+)/.exec(b)?.[1])).toEqual(['1', '4']);
  });

  it('ends on revocation with a re-fetch then `revoked`, and on shutdown with `reconnect`', async () => {
    const revoked = open(key('sdk', 'key_r'));
    const other = open(key('sdk', 'key_o'));
    await bus.publish({ type: 'key-revoked', keyId: 'key_r', keyHash: 'h' });
    await settle();
    expect(revoked.writableEnded).toBe(true);
    expect(revoked.blocks.slice(1)).toEqual(['data: {"type":"refetchEvaluation"}', 'event: revoked\ndata: {"reason":"key revoked"}']);
    streams.beforeApplicationShutdown();
    expect(other.blocks.slice(1)).toEqual(['event: reconnect\ndata: {"reason":"server shutting down"}']);
  });
});
