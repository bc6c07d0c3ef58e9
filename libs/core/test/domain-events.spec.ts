import { Logger } from '@nestjs/common';
import { type DomainEvent, DomainEvents, type DomainEventMap } from '../src/events/domain-events';

const changed = (version: number): DomainEventMap['flag.changed'] => ({
  appId: 'app_1',
  environmentId: 'env_1',
  version,
  keys: ['checkout'],
  kind: 'update',
  actor: { type: 'user', id: 'usr_1' },
  description: null,
});

const revoked: DomainEventMap['key.revoked'] = { appId: 'app_1', environmentId: 'env_1', keyId: 'key_1', actor: null };

/** A promise with its resolve exposed, so a test decides when an async handler finishes. */
function gate(): { promise: Promise<void>; open: () => void } {
  let open!: () => void;
  const promise = new Promise<void>((resolve) => (open = resolve));
  return { promise, open };
}

describe('DomainEvents', () => {
  let events: DomainEvents;
  let logged: string[];

  beforeEach(() => {
    events = new DomainEvents();
    logged = [];
    jest.spyOn(Logger.prototype, 'error').mockImplementation((message: unknown) => void logged.push(String(message)));
  });
  afterEach(() => jest.restoreAllMocks());

  it('calls the handlers of an event in subscription order, then the onAny handlers, with the payload as given', () => {
    const calls: string[] = [];
    const payload = changed(3);
    events.onAny((e) => void calls.push(`any1:${e.name}`));
    events.on('flag.changed', (p) => void calls.push(`first:${p.version}`));
    events.on('flag.changed', (p) => {
      expect(p).toBe(payload);
      calls.push('second');
    });
    events.onAny((e) => void calls.push(`any2:${e.name}`));

    events.emit('flag.changed', payload);

    expect(calls).toEqual(['first:3', 'second', 'any1:flag.changed', 'any2:flag.changed']);
  });

  it('runs the synchronous part of every handler before emit returns', () => {
    let seen = 0;
    events.on('flag.changed', async () => {
      seen++;
      await Promise.resolve();
    });
    events.emit('flag.changed', changed(1));
    expect(seen).toBe(1);
  });

  it('calls only the handlers of the emitted event', () => {
    const flag = jest.fn();
    const key = jest.fn();
    events.on('flag.changed', flag);
    events.on('key.revoked', key);

    events.emit('key.revoked', revoked);

    expect(flag).not.toHaveBeenCalled();
    expect(key).toHaveBeenCalledTimes(1);
    expect(key).toHaveBeenCalledWith(revoked);
  });

  it('emits with nobody listening without effect', async () => {
    expect(() => events.emit('app.created', { appId: 'app_1', name: 'shop', ownerId: 'usr_1' })).not.toThrow();
    await expect(events.emitAndWait('app.created', { appId: 'app_1', name: 'shop', ownerId: 'usr_1' })).resolves.toBeUndefined();
  });

  it('isolates a handler that throws: the others still run, emit does not throw, the failure is logged with the event name', () => {
    const after = jest.fn();
    const any = jest.fn();
    events.on('flag.changed', () => {
      throw new Error('feed table is gone');
    });
    events.on('flag.changed', after);
    events.onAny(any);

    expect(() => events.emit('flag.changed', changed(2))).not.toThrow();

    expect(after).toHaveBeenCalledTimes(1);
    expect(any).toHaveBeenCalledTimes(1);
    expect(logged).toHaveLength(1);
    expect(logged[0]).toContain('flag.changed');
    expect(logged[0]).toContain('feed table is gone');
  });

  it('isolates a handler that rejects: emitAndWait resolves once the others finished, and logs the rejection', async () => {
    const slow = gate();
    let slowDone = false;
    events.on('flag.changed', async () => {
      throw new Error('webhook endpoint down');
    });
    events.on('flag.changed', async () => {
      await slow.promise;
      slowDone = true;
    });

    let settled = false;
    const waiting = events.emitAndWait('flag.changed', changed(4)).then(() => (settled = true));
    await Promise.resolve();
    expect(settled).toBe(false);

    slow.open();
    await expect(waiting).resolves.toBe(true);
    expect(slowDone).toBe(true);
    expect(logged).toHaveLength(1);
    expect(logged[0]).toContain('webhook endpoint down');
  });

  it('emit neither waits for nor rejects because of an async handler that fails later', async () => {
    const later = gate();
    events.on('flag.changed', async () => {
      await later.promise;
      throw new Error('late failure');
    });

    events.emit('flag.changed', changed(5));
    expect(logged).toHaveLength(0);

    later.open();
    // The rejection is caught and logged on a later tick: poll the log rather than guess a delay.
    for (let i = 0; i < 10 && logged.length === 0; i++) await Promise.resolve();
    expect(logged).toHaveLength(1);
    expect(logged[0]).toContain('late failure');
  });

  it('logs a thrown non-Error value too', () => {
    events.on('key.revoked', () => {
      // eslint-disable-next-line @typescript-eslint/only-throw-error -- extension code may throw anything; the bus must still log it
      throw 'plain string';
    });
    events.emit('key.revoked', revoked);
    expect(logged).toEqual([expect.stringContaining('plain string')]);
  });

  it('unsubscribes: the handler is not called again, the others still are, and a second unsubscribe is harmless', () => {
    const kept = jest.fn();
    const dropped = jest.fn();
    events.on('flag.changed', kept);
    const off = events.on('flag.changed', dropped);

    events.emit('flag.changed', changed(1));
    off();
    off();
    events.emit('flag.changed', changed(2));

    expect(dropped).toHaveBeenCalledTimes(1);
    expect(kept).toHaveBeenCalledTimes(2);
  });

  it('unsubscribes the right handler when the same function was subscribed twice', () => {
    const calls: number[] = [];
    const handler = (p: DomainEventMap['flag.changed']) => void calls.push(p.version);
    const offFirst = events.on('flag.changed', handler);
    events.on('flag.changed', handler);

    offFirst();
    events.emit('flag.changed', changed(7));

    expect(calls).toEqual([7]);
  });

  it('lets a handler unsubscribe itself while the event is being delivered without skipping the next handler', () => {
    const calls: string[] = [];
    const off = events.on('flag.changed', () => {
      calls.push('once');
      off();
    });
    events.on('flag.changed', () => void calls.push('next'));

    events.emit('flag.changed', changed(1));
    events.emit('flag.changed', changed(2));

    expect(calls).toEqual(['once', 'next', 'next']);
  });

  it('onAny receives every event as {name, payload}, narrowable by name, and unsubscribes', () => {
    const seen: DomainEvent[] = [];
    const off = events.onAny((event) => {
      seen.push(event);
      if (event.name === 'flag.changed') expect(event.payload.keys).toEqual(['checkout']);
    });

    events.emit('flag.changed', changed(1));
    events.emit('key.revoked', revoked);
    off();
    events.emit('key.revoked', revoked);

    expect(seen).toEqual([
      { name: 'flag.changed', payload: changed(1) },
      { name: 'key.revoked', payload: revoked },
    ]);
  });

  it('emitAndWait awaits async handlers of the event and onAny handlers alike', async () => {
    const done: string[] = [];
    events.on('member.added', async (p) => {
      await Promise.resolve();
      done.push(`on:${p.userId}`);
    });
    events.onAny(async (e) => {
      await new Promise((resolve) => setImmediate(resolve));
      done.push(`any:${e.name}`);
    });

    await events.emitAndWait('member.added', { appId: 'app_1', userId: 'usr_2', role: 'viewer', actor: null });

    expect(done.sort()).toEqual(['any:member.added', 'on:usr_2']);
  });

  it('a handler that emits another event delivers it in full before the outer delivery continues', () => {
    const calls: string[] = [];
    events.on('app.deleted', (p) => {
      calls.push('app.deleted');
      for (const environmentId of p.environmentIds)
        events.emit('environment.deleted', { appId: p.appId, environmentId, name: 'x', actor: null });
    });
    events.on('environment.deleted', (p) => void calls.push(`environment.deleted:${p.environmentId}`));
    events.onAny((e) => void calls.push(`any:${e.name}`));

    events.emit('app.deleted', { appId: 'app_1', environmentIds: ['env_1'], actor: null });

    expect(calls).toEqual(['app.deleted', 'environment.deleted:env_1', 'any:environment.deleted', 'any:app.deleted']);
  });
});
